"""``crucible-ir schema``: JSON Schema 2020-12 for every IR type, and what it accepts."""

from __future__ import annotations

import copy
import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from ._support import CLI, EXAMPLES, INTEROP, Runner, command_env, uncommented

TYPE_NAMES = [
    "backend.capabilities",
    "backend.completion",
    "backend.options",
    "backend.prompt",
    "backend_ref",
    "dataset_ref",
    "deployment.config",
    "deployment.status",
    "experiment",
    "feedback.config",
    "feedback.event",
    "model_ref",
    "model_version",
    "output_spec",
    "reliability.config",
    "reliability.ensemble",
    "reliability.fairness",
    "reliability.guardrail",
    "reliability.hedging",
    "reliability.stats",
    "stage_def",
    "training.config",
    "training.run",
]


def _schema_of(folder: Path, name: str) -> dict[str, Any] | None:
    proc = subprocess.run(
        [str(CLI), "schema", name],
        capture_output=True,
        text=True,
        cwd=folder,
        env=command_env(),
        timeout=60,
        check=False,
    )
    if proc.returncode != 0 or proc.stderr:
        return None
    schema: dict[str, Any] = json.loads(proc.stdout)
    return schema


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every schema, as ``schema TYPE`` prints it (a type it fails on is left out)."""
    folder = tmp_path_factory.mktemp("schemas")
    with ThreadPoolExecutor(4) as pool:
        found = dict(
            zip(TYPE_NAMES, pool.map(lambda n: _schema_of(folder, n), TYPE_NAMES), strict=True)
        )
    return {name: schema for name, schema in found.items() if schema is not None}


def test_list_prints_every_type_name(cli: Runner) -> None:
    result = cli("schema", "--list")
    assert result.code == 0
    assert result.lines == TYPE_NAMES


def test_the_default_type_is_experiment(cli: Runner, schemas: dict[str, dict[str, Any]]) -> None:
    result = cli("schema")
    assert result.code == 0
    assert json.loads(result.out) == schemas["experiment"]
    assert result.out.endswith("}\n")


def test_all_writes_one_file_per_type_equal_to_the_single_type_output(
    cli: Runner, schemas: dict[str, dict[str, Any]]
) -> None:
    result = cli("schema", "--all", "out")
    assert (result.code, result.out, result.err) == (0, "", "")
    written = sorted(p.name for p in (cli.cwd / "out").iterdir())
    assert written == sorted(f"{name}.schema.json" for name in TYPE_NAMES)
    for name in TYPE_NAMES:
        text = (cli.cwd / "out" / f"{name}.schema.json").read_text(encoding="utf-8")
        assert json.loads(text) == schemas[name], name


def _objects(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [schema, *schema.get("$defs", {}).values()]


@pytest.mark.parametrize("name", TYPE_NAMES)
def test_every_property_has_a_description_and_required_fields_have_no_default(
    schemas: dict[str, dict[str, Any]], name: str
) -> None:
    for obj in _objects(schemas[name]):
        required = set(obj.get("required", []))
        assert required <= set(obj["properties"]), obj["title"]
        for field, prop in obj["properties"].items():
            assert prop.get("description"), (obj["title"], field)
            assert not (field in required and "default" in prop), (obj["title"], field)
            if not name.startswith("backend."):
                # The IR types: every field not required has a default (null included).
                assert (field in required) != ("default" in prop), (obj["title"], field)


def test_required_lists_exactly_the_fields_without_defaults(
    schemas: dict[str, dict[str, Any]],
) -> None:
    expected = {
        "experiment": ["id", "backend", "pipeline"],
        "backend_ref": ["id"],
        "dataset_ref": ["name"],
        "stage_def": ["name"],
        "output_spec": ["name"],
        "reliability.config": [],
        "reliability.hedging": [],
        "model_ref": ["id"],
        "model_version": ["id", "model_id", "version"],
        "training.config": ["id", "model_ref", "dataset_ref"],
        "training.run": ["id", "config"],
        "deployment.config": ["id", "model_version_id"],
        "deployment.status": ["id", "deployment_id"],
        "feedback.config": [],
        "feedback.event": ["id"],
    }
    for name, fields in expected.items():
        assert sorted(schemas[name].get("required", [])) == sorted(fields), name


def _plain(prop: dict[str, Any]) -> dict[str, Any]:
    """The non-null alternative of an ``anyOf: [X, null]`` property, else the property."""
    for option in prop.get("anyOf", []):
        if option.get("type") != "null":
            return option
    return prop


def test_hedging_strategy_is_an_enum_defaulting_to_off(
    schemas: dict[str, dict[str, Any]],
) -> None:
    strategy = schemas["reliability.hedging"]["properties"]["strategy"]
    assert strategy["default"] == "off"
    assert strategy["enum"] == [
        "off",
        "fixed",
        "percentile",
        "adaptive",
        "workload_aware",
        "exponential_backoff",
    ]
    percentile = _plain(schemas["reliability.hedging"]["properties"]["percentile"])
    assert (percentile["minimum"], percentile["maximum"]) == (0, 1)


def test_ranges_defaults_and_formats(schemas: dict[str, dict[str, Any]]) -> None:
    stats = schemas["reliability.stats"]["properties"]
    alpha = _plain(stats["alpha"])
    assert (alpha["type"], alpha["minimum"], alpha["maximum"]) == ("number", 0, 1)
    assert stats["alpha"]["default"] == 0.05
    assert stats["tests"]["default"] == ["ttest", "bootstrap"]

    backend = schemas["backend_ref"]["properties"]
    url = _plain(backend["endpoint_url"])
    assert (url["type"], url["format"]) == ("string", "uri")
    assert backend["profile"]["default"] == "default"
    assert backend["endpoint_url"]["default"] is None
    assert backend["fallback"]["anyOf"][0] == {"$ref": "#"}  # the chain refers to itself

    training = schemas["training.config"]["properties"]
    epochs = training["epochs"]
    assert (epochs["type"], epochs["minimum"], epochs["default"]) == ("integer", 1, 1)
    assert _plain(training["learning_rate"])["exclusiveMinimum"] == 0
    split = _plain(training["validation_split"])
    assert (split["minimum"], split["exclusiveMaximum"]) == (0, 1)

    stamp = _plain(schemas["experiment"]["properties"]["created_at"])
    assert (stamp["type"], stamp["format"]) == ("string", "date-time")
    version = _plain(schemas["model_version"]["properties"]["version"])
    assert "pattern" in version
    assert Draft202012Validator({"type": "string", "pattern": version["pattern"]}).is_valid(
        "2.1.0-rc.1+build.5"
    )
    assert not Draft202012Validator({"pattern": version["pattern"]}).is_valid("2.1")

    status = schemas["deployment.status"]["properties"]
    traffic = _plain(status["traffic_percent"])
    assert (traffic["minimum"], traffic["maximum"]) == (0, 100)
    assert status["state"]["default"] == "pending"


def test_nested_objects_are_referenced_definitions(schemas: dict[str, dict[str, Any]]) -> None:
    experiment = schemas["experiment"]
    assert experiment["properties"]["backend"]["$ref"] == "#/$defs/BackendRef"
    assert experiment["$defs"]["BackendRef"]["required"] == ["id"]
    assert experiment["$defs"]["StageDef"]["properties"]["enabled"]["default"] is True


def test_an_unknown_type_is_a_usage_error(cli: Runner) -> None:
    result = cli("schema", "experimnt")
    assert (result.code, result.out) == (2, "")
    assert "did you mean 'experiment'?" in result.err


# -- the schemas shipped in the package ------------------------------------------------------------


def test_the_shipped_schemas_equal_freshly_generated_ones(tmp_path: Path) -> None:
    # Where the installed package keeps them (crucible_ir/schemas/<type>.schema.json).
    shipped = resources.files("crucible_ir") / "schemas"
    assert shipped.is_dir()
    names = {p.name for p in shipped.iterdir() if p.name.endswith(".schema.json")}
    assert names == {f"{name}.schema.json" for name in TYPE_NAMES}
    fresh = Runner(tmp_path)("schema", "--all", "fresh")
    assert fresh.code == 0
    for name in TYPE_NAMES:
        file = f"{name}.schema.json"
        assert (shipped / file).read_bytes() == (tmp_path / "fresh" / file).read_bytes(), file


# -- documents against the schemas -----------------------------------------------------------------


def _errors(schema: dict[str, Any], document: Any) -> list[str]:
    validator = Draft202012Validator(schema)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in validator.iter_errors(document)
    ]


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir()))
def test_every_example_validates_against_the_schema(
    cli: Runner, schemas: dict[str, dict[str, Any]], example: str
) -> None:
    written = cli.write(example, uncommented(EXAMPLES / example))
    result = cli("convert", "--to", "json", "--full", written)
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert _errors(schemas["experiment"], document) == []


# The reference accepts a hedging percentile written as 95.0; our schema (like
# our validator) says percentiles are fractions in [0, 1]. These golden files are
# the known stricter cases: each must fail on that value only.
STRICTER = {
    ("reliability.hedging", "full.json"): ("percentile",),
    ("reliability.config", "full.json"): ("hedging", "percentile"),
    ("experiment", "full.json"): ("reliability", "hedging", "percentile"),
}


def _golden() -> list[tuple[str, str]]:
    root = INTEROP / "reference"
    return [
        (folder.name, file.name)
        for folder in sorted(root.iterdir())
        if folder.is_dir() and not folder.name.startswith("backend.")
        for file in sorted(folder.glob("*.json"))
    ]


@pytest.mark.parametrize(("type_name", "file"), _golden())
def test_every_golden_file_validates_against_its_schema(
    schemas: dict[str, dict[str, Any]], type_name: str, file: str
) -> None:
    document = json.loads((INTEROP / "reference" / type_name / file).read_text(encoding="utf-8"))
    schema = schemas[type_name]
    where = STRICTER.get((type_name, file))
    if where is None:
        assert _errors(schema, document) == []
        return
    # Known stricter case: hedging percentile 95.0 is outside our [0, 1].
    assert _errors(schema, document) != []
    fixed = copy.deepcopy(document)
    target = fixed
    for key in where[:-1]:
        target = target[key]
    assert target[where[-1]] == 95.0
    target[where[-1]] = 0.95
    assert _errors(schema, fixed) == []


def test_the_known_stricter_cases_are_still_there() -> None:
    golden = set(_golden())
    assert set(STRICTER) <= golden
    assert len(golden) >= 40


def test_schema_backend_prompt_prints_its_schema(cli: Runner) -> None:
    result = cli("schema", "backend.prompt")
    assert result.code == 0
    schema = json.loads(result.out)
    Draft202012Validator.check_schema(schema)
    assert schema["title"] == "backend.prompt"


def test_all_into_a_file_is_a_usage_error(cli: Runner) -> None:
    cli.write("taken", "x")
    result = cli("schema", "--all", "taken")
    assert (result.code, result.out) == (2, "")
    assert result.err_lines == ["crucible-ir: taken: cannot create: File exists"]
