"""The data model (API section 1): fields and defaults, construction, immutability,
equality, ``replace``, type names and documentation of every non-backend type."""

from __future__ import annotations

import ast
import copy
import datetime
import json
import pathlib
import re
import sys
from typing import Any

import msgspec
import pytest

import crucible_ir as ir
from crucible_ir import deployment, feedback, reliability, training

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import helpers

# The table of API.md section 1, rows copied verbatim (split only to fit the
# line length). Parsed below into
# {class path: (required fields, {optional field: default})}.
SPEC_ROWS = (
    "| `crucible_ir.Experiment` | id, backend, pipeline | description, owner, tags, "
    "metadata, dataset, reliability, outputs, created_at, updated_at, experiment_type, "
    "model_version, training_config, baseline (all None) |\n"
    '| `crucible_ir.BackendRef` | id | profile ("default"), options, model_version, '
    "endpoint_url, deployment_id, fallback (None) |\n"
    '| `crucible_ir.DatasetRef` | name | provider ("crucible_datasets"), '
    'split ("train"), options, version, format, schema (None) |\n'
    "| `crucible_ir.StageDef` | name | module, options (None), enabled (True) |\n"
    '| `crucible_ir.OutputSpec` | name | formats (["markdown"]), sink ("file"), '
    "options (None) |\n"
    "| `crucible_ir.reliability.Config` | — | ensemble, hedging, guardrails, stats, "
    "fairness, monitoring, drift, circuit_breaker, feedback (None) |\n"
    '| `crucible_ir.reliability.Ensemble` | — | strategy ("none"), '
    'execution_mode ("parallel"), models, weights, min_agreement, timeout_ms, '
    "options (None) |\n"
    '| `crucible_ir.reliability.Hedging` | — | strategy ("off"), delay_ms, percentile, '
    "max_hedges, budget_percent, options (None) |\n"
    '| `crucible_ir.reliability.Stats` | — | tests (["ttest", "bootstrap"]), '
    "alpha (0.05), confidence_level, effect_size_type, multiple_testing_correction, "
    "bootstrap_iterations, options (None) |\n"
    "| `crucible_ir.reliability.Fairness` | — | enabled (False), metrics, group_by, "
    "threshold, fail_on_violation, options (None) |\n"
    '| `crucible_ir.reliability.Guardrail` | — | profiles (["default"]), '
    "prompt_injection_detection, jailbreak_detection, pii_detection, pii_redaction, "
    "content_moderation, fail_on_detection, options (None) |\n"
    "| `crucible_ir.ModelRef` | id | name, version, artifact_uri, architecture, task, "
    'metadata (None), provider ("local"), framework ("nx"), options (None) |\n'
    "| `crucible_ir.ModelVersion` | id, model_id, version | training_run_id, metrics, "
    "artifact_uri, parent_version, description, created_at, created_by (None), "
    'stage ("development"), options (None) |\n'
    "| `crucible_ir.training.Config` | id, model_ref, dataset_ref | validation_split, "
    "seed, gradient_clipping, early_stopping, checkpoint_every (None), epochs (1), "
    'batch_size (32), learning_rate (0.001), optimizer ("adam"), '
    'loss_function ("cross_entropy"), metrics (["loss", "accuracy"]), device ("cpu"), '
    "mixed_precision (False), options (None) |\n"
    "| `crucible_ir.training.Run` | id, config | current_epoch, metrics_history, "
    "best_metrics, checkpoint_uris, final_model_version, started_at, completed_at, "
    'error_message (None), status ("pending"), options (None) |\n'
    "| `crucible_ir.deployment.Config` | id, model_version_id | target, resources, "
    "scaling, health_check, endpoint, metadata (None), replicas (1), "
    'environment ("development"), strategy ("rolling"), options (None) |\n'
    "| `crucible_ir.deployment.Status` | id, deployment_id | ready_replicas, "
    "total_replicas, endpoint_url, traffic_percent, last_health_check, error_message, "
    'created_at, updated_at (None), state ("pending"), health ("unknown") |\n'
    "| `crucible_ir.feedback.Config` | — | retention_days, drift_detection, "
    "retraining_trigger (None), enabled (False), sampling_rate (1.0), "
    'feedback_types (["thumbs", "correction"]), storage ("postgres"), '
    "anonymize_pii (True), options (None) |\n"
    "| `crucible_ir.feedback.Event` | id | deployment_id, model_version, input, output, "
    "feedback_value, user_id, session_id, latency_ms, metadata (None), "
    'feedback_type ("thumbs"), timestamp (None) |\n'
)

SPEC_FILE = helpers.REPO.parent / "shared" / "spec" / "API.md"


def _split_top_level(text: str) -> list[str]:
    """Split on commas that are not inside brackets or parentheses."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def _parse_optional(text: str) -> dict[str, Any]:
    """``a, b (None), c ("x")`` -> ``{"a": None, "b": None, "c": "x"}``."""
    result: dict[str, Any] = {}
    pending: list[str] = []
    for item in _split_top_level(text):
        match = re.fullmatch(r"(\w+)(?:\s*\((.*)\))?", item)
        assert match, item
        name, default = match.groups()
        pending.append(name)
        if default is not None:
            value = None if default in ("None", "all None") else ast.literal_eval(default)
            for field in pending:
                result[field] = value
            pending = []
    assert not pending, f"no default given for {pending}"
    return result


def _parse_rows(rows: str) -> dict[str, tuple[set[str], dict[str, Any]]]:
    table = {}
    for line in rows.strip().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        path = cells[0].strip("`")
        required = set() if cells[1] == "—" else {f.strip() for f in cells[1].split(",")}
        table[path] = (required, _parse_optional(cells[2]))
    return table


SPEC = _parse_rows(SPEC_ROWS)

TYPE_NAMES = {
    "crucible_ir.Experiment": "experiment",
    "crucible_ir.BackendRef": "backend_ref",
    "crucible_ir.DatasetRef": "dataset_ref",
    "crucible_ir.StageDef": "stage_def",
    "crucible_ir.OutputSpec": "output_spec",
    "crucible_ir.reliability.Config": "reliability.config",
    "crucible_ir.reliability.Ensemble": "reliability.ensemble",
    "crucible_ir.reliability.Hedging": "reliability.hedging",
    "crucible_ir.reliability.Stats": "reliability.stats",
    "crucible_ir.reliability.Fairness": "reliability.fairness",
    "crucible_ir.reliability.Guardrail": "reliability.guardrail",
    "crucible_ir.ModelRef": "model_ref",
    "crucible_ir.ModelVersion": "model_version",
    "crucible_ir.training.Config": "training.config",
    "crucible_ir.training.Run": "training.run",
    "crucible_ir.deployment.Config": "deployment.config",
    "crucible_ir.deployment.Status": "deployment.status",
    "crucible_ir.feedback.Config": "feedback.config",
    "crucible_ir.feedback.Event": "feedback.event",
}


def _resolve(path: str) -> type:
    obj: Any = ir
    for part in path.split(".")[1:]:
        obj = getattr(obj, part)
    assert isinstance(obj, type), path
    return obj


CLASSES = {path: _resolve(path) for path in SPEC}

# Valid values for the required fields of each class.
_TCFG = training.Config(
    id="t", model_ref=ir.ModelRef(id="gpt2"), dataset_ref=ir.DatasetRef(name="wiki")
)
REQUIRED_VALUES: dict[str, dict[str, Any]] = {
    "crucible_ir.Experiment": {
        "id": "exp",
        "backend": ir.BackendRef(id="gpt4"),
        "pipeline": [ir.StageDef(name="run")],
    },
    "crucible_ir.BackendRef": {"id": "gpt4"},
    "crucible_ir.DatasetRef": {"name": "mmlu"},
    "crucible_ir.StageDef": {"name": "run"},
    "crucible_ir.OutputSpec": {"name": "report"},
    "crucible_ir.reliability.Config": {},
    "crucible_ir.reliability.Ensemble": {},
    "crucible_ir.reliability.Hedging": {},
    "crucible_ir.reliability.Stats": {},
    "crucible_ir.reliability.Fairness": {},
    "crucible_ir.reliability.Guardrail": {},
    "crucible_ir.ModelRef": {"id": "gpt2"},
    "crucible_ir.ModelVersion": {"id": "gpt2_1_0_0", "model_id": "gpt2", "version": "1.0.0"},
    "crucible_ir.training.Config": {
        "id": "t",
        "model_ref": ir.ModelRef(id="gpt2"),
        "dataset_ref": ir.DatasetRef(name="wiki"),
    },
    "crucible_ir.training.Run": {"id": "run", "config": _TCFG},
    "crucible_ir.deployment.Config": {"id": "d", "model_version_id": "v1"},
    "crucible_ir.deployment.Status": {"id": "s", "deployment_id": "d"},
    "crucible_ir.feedback.Config": {},
    "crucible_ir.feedback.Event": {"id": "evt"},
}

PATHS = sorted(SPEC)


def _make(path: str, **changes: Any) -> Any:
    return CLASSES[path](**{**REQUIRED_VALUES[path], **changes})


def _other_value(value: Any) -> Any:
    """A value different from ``value`` (for fields of any type)."""
    if value is None:
        return {"changed": True}
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + "_changed"
    if isinstance(value, list):
        return [*value, "changed"]
    return None


# -- the table ------------------------------------------------------------------------------------


def test_the_table_is_the_spec_table() -> None:
    if not SPEC_FILE.is_file():
        pytest.skip(f"{SPEC_FILE} not available")
    spec_rows = [
        line
        for line in SPEC_FILE.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `crucible_ir.")
    ]
    assert spec_rows == SPEC_ROWS.strip().splitlines()


def test_nineteen_classes_with_their_type_names() -> None:
    assert len(SPEC) == 19
    assert set(TYPE_NAMES) == set(SPEC)


@pytest.mark.parametrize("path", PATHS)
def test_fields_required_and_defaults_match_the_spec(path: str) -> None:
    required, optional = SPEC[path]
    fields = {f.name: f for f in msgspec.structs.fields(CLASSES[path])}
    assert set(fields) == required | set(optional), "field names"
    assert {n for n, f in fields.items() if f.required} == required, "required fields"
    for name, expected in optional.items():
        f = fields[name]
        default = f.default_factory() if f.default_factory is not msgspec.NODEFAULT else f.default
        # Kinds matter: 1.0 (float) for sampling_rate, 1 (int) for replicas.
        assert helpers.same(default, expected), f"default of {name}: {default!r} != {expected!r}"


@pytest.mark.parametrize("path", PATHS)
def test_constructed_defaults_match_the_spec(path: str) -> None:
    obj = _make(path)
    _, optional = SPEC[path]
    for name, expected in optional.items():
        assert helpers.same(getattr(obj, name), expected), name


def test_import_paths() -> None:
    assert ir.reliability.Config is reliability.Config
    assert ir.training.Config is training.Config
    assert ir.training.Run is training.Run
    assert ir.deployment.Config is deployment.Config
    assert ir.deployment.Status is deployment.Status
    assert ir.feedback.Config is feedback.Config
    assert ir.feedback.Event is feedback.Event
    # Four different "Config" classes.
    configs = {reliability.Config, training.Config, deployment.Config, feedback.Config}
    assert len(configs) == 4


# -- construction ---------------------------------------------------------------------------------


def test_construction_does_not_validate() -> None:
    exp = ir.Experiment(id="x", backend=None, pipeline=None)  # type: ignore[arg-type]
    assert exp.backend is None
    assert exp.pipeline is None
    assert not ir.is_valid(exp)
    # Wrong types and broken rules construct fine too.
    stage = ir.StageDef(name=123, enabled="yes")  # type: ignore[arg-type]
    assert stage.name == 123
    assert stage.enabled == "yes"
    stats = reliability.Stats(alpha=7, tests="ttest")  # type: ignore[arg-type]
    assert stats.alpha == 7
    assert ir.ModelVersion(id="", model_id="m", version="not-semver").id == ""


@pytest.mark.parametrize("path", PATHS)
def test_required_fields_accept_none_at_construction(path: str) -> None:
    required, _ = SPEC[path]
    obj = CLASSES[path](**dict.fromkeys(required))
    for name in required:
        assert getattr(obj, name) is None


@pytest.mark.parametrize(
    ("path", "field"),
    [(p, f) for p in PATHS for f in sorted(SPEC[p][0])],
)
def test_missing_required_field_is_a_type_error(path: str, field: str) -> None:
    kwargs = dict(REQUIRED_VALUES[path])
    del kwargs[field]
    with pytest.raises(TypeError, match=field):
        CLASSES[path](**kwargs)


@pytest.mark.parametrize("path", PATHS)
def test_unknown_keyword_is_a_type_error(path: str) -> None:
    with pytest.raises(TypeError, match="bogus_field"):
        CLASSES[path](**REQUIRED_VALUES[path], bogus_field=1)


@pytest.mark.parametrize("path", PATHS)
def test_construction_takes_keywords_only(path: str) -> None:
    with pytest.raises(TypeError, match="positional"):
        CLASSES[path](None, **REQUIRED_VALUES[path])


def test_fields_are_declared_in_wire_order() -> None:
    """Alphabetical, as the reference writes them: the encoder need not sort."""
    from crucible_ir._model._base import resolve_type, type_names

    assert len(type_names()) > len(CLASSES)  # the backend types too
    for cls in map(resolve_type, type_names()):
        with pytest.raises(TypeError, match="positional"):
            cls(None)
        names = [f.encode_name for f in msgspec.structs.fields(cls)]
        assert names == sorted(names), cls.__name__


def test_new_experiment_does_not_validate() -> None:
    exp = ir.new_experiment(id="", backend=None, pipeline=[])
    assert isinstance(exp, ir.Experiment)
    assert exp.id == ""
    assert exp == ir.Experiment(id="", backend=None, pipeline=[])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ir.new_experiment(id="x")
    with pytest.raises(TypeError):
        ir.new_experiment(id="x", backend=None, pipeline=[], nope=1)


def test_closed_vocabularies_accept_plain_strings() -> None:
    ens = reliability.Ensemble(strategy="majority", execution_mode="cascade")
    assert ens.strategy == "majority"
    assert ir.is_valid(ens)
    run = training.Run(id="r", config=_TCFG, status="completed")
    assert ir.is_valid(run)
    assert json.loads(ir.to_json(run))["status"] == "completed"


def test_sequences_are_lists() -> None:
    exp = _make("crucible_ir.Experiment", tags=["a", "b"])
    assert list(exp.pipeline) == [ir.StageDef(name="run")]
    assert list(exp.tags) == ["a", "b"]
    decoded = ir.from_json(ir.to_json(exp), "experiment")
    assert list(decoded.pipeline) == [ir.StageDef(name="run")]
    assert list(decoded.tags) == ["a", "b"]


def test_decoded_timestamps_are_aware_datetimes() -> None:
    st = ir.from_json(
        '{"id": "s", "deployment_id": "d", "created_at": "2024-03-15T09:30:00.123456Z"}',
        "deployment.status",
    )
    assert isinstance(st.created_at, datetime.datetime)
    assert st.created_at.utcoffset() == datetime.timedelta(0)
    assert st.created_at.microsecond == 123456


# -- immutability ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field"),
    [(p, f) for p in PATHS for f in sorted(SPEC[p][0] | set(SPEC[p][1]))],
)
def test_every_field_is_read_only(path: str, field: str) -> None:
    obj = _make(path)
    before = getattr(obj, field)
    with pytest.raises(AttributeError):
        setattr(obj, field, _other_value(before))
    with pytest.raises(AttributeError):
        delattr(obj, field)
    assert getattr(obj, field) == before


@pytest.mark.parametrize("path", PATHS)
def test_no_new_attributes(path: str) -> None:
    obj = _make(path)
    with pytest.raises(AttributeError):
        obj.new_attribute = 1


# -- equality -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
def test_equality_is_structural(path: str) -> None:
    a, b = _make(path), _make(path)
    assert a is not b
    assert a == b
    assert (a != b) is False
    for name in sorted(SPEC[path][1]):
        changed = _make(path, **{name: _other_value(getattr(a, name))})
        assert changed != a, name
        assert _make(path, **{name: getattr(a, name)}) == a


def test_equality_is_deep_and_type_aware() -> None:
    a = ir.BackendRef(id="a", fallback=ir.BackendRef(id="b", options={"x": [1, {"y": 2}]}))
    b = ir.BackendRef(id="a", fallback=ir.BackendRef(id="b", options={"x": [1, {"y": 2}]}))
    c = ir.BackendRef(id="a", fallback=ir.BackendRef(id="b", options={"x": [1, {"y": 3}]}))
    assert a == b
    assert a != c
    # Same field values, different classes: not equal.
    assert reliability.Config() != feedback.Config()
    assert ir.StageDef(name="x") != ir.OutputSpec(name="x")


# -- replace --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
def test_replace_returns_a_new_object(path: str) -> None:
    original = _make(path)
    snapshot = ir.to_json(original)
    for name in sorted(SPEC[path][1]):
        value = _other_value(getattr(original, name))
        for replaced in (ir.replace(original, **{name: value}), original.replace(**{name: value})):
            assert replaced is not original
            assert type(replaced) is type(original)
            assert getattr(replaced, name) == value
            assert replaced != original
            # Every other field is carried over.
            for other in msgspec.structs.fields(type(original)):
                if other.name != name:
                    assert getattr(replaced, other.name) == getattr(original, other.name)
    # The original is untouched.
    assert ir.to_json(original) == snapshot
    assert original == _make(path)


def test_replace_several_fields_and_no_change() -> None:
    stage = ir.StageDef(name="a")
    assert ir.replace(stage, name="b", enabled=False) == ir.StageDef(name="b", enabled=False)
    same = ir.replace(stage)
    assert same == stage


def test_replace_unknown_field_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        ir.replace(ir.StageDef(name="a"), nope=1)
    with pytest.raises(TypeError):
        ir.StageDef(name="a").replace(nope=1)


@pytest.mark.skipif(sys.version_info < (3, 13), reason="copy.replace is Python 3.13+")
def test_copy_replace() -> None:
    stage = ir.StageDef(name="a")
    assert copy.replace(stage, enabled=False) == ir.StageDef(name="a", enabled=False)  # type: ignore[attr-defined]
    assert stage.enabled is True


# -- defaults are fresh ---------------------------------------------------------------------------

LIST_DEFAULTS = [
    ("crucible_ir.OutputSpec", "formats"),
    ("crucible_ir.reliability.Stats", "tests"),
    ("crucible_ir.reliability.Guardrail", "profiles"),
    ("crucible_ir.training.Config", "metrics"),
    ("crucible_ir.feedback.Config", "feedback_types"),
]


@pytest.mark.parametrize(("path", "field"), LIST_DEFAULTS)
def test_default_lists_are_not_shared(path: str, field: str) -> None:
    a, b = _make(path), _make(path)
    expected = list(SPEC[path][1][field])
    assert getattr(a, field) is not getattr(b, field)
    getattr(a, field).append("mutated")
    assert getattr(b, field) == expected
    assert getattr(_make(path), field) == expected
    # Decoding takes a fresh default too.
    decoded = ir.from_dict(REQUIRED_VALUES_AS_DATA[path], TYPE_NAMES[path])
    assert getattr(decoded, field) == expected


REQUIRED_VALUES_AS_DATA = {
    path: {k: (ir.to_dict(v) if hasattr(v, "__struct_fields__") else v) for k, v in values.items()}
    for path, values in REQUIRED_VALUES.items()
    if "pipeline" not in values
}


# -- type names -----------------------------------------------------------------------------------


def test_type_names() -> None:
    names = ir.type_names()
    assert names == sorted(names)
    core = {n for n in names if not n.startswith("backend.")}
    assert core == set(TYPE_NAMES.values())


@pytest.mark.parametrize("path", PATHS)
def test_from_json_by_type_name(path: str) -> None:
    obj = _make(path)
    text = ir.to_json(obj)
    by_name = ir.from_json(text, TYPE_NAMES[path])
    assert type(by_name) is CLASSES[path]
    assert by_name == obj
    assert ir.from_json(text, CLASSES[path]) == obj
    assert ir.from_dict(ir.to_dict(obj), TYPE_NAMES[path]) == obj


def test_reliability_stats_by_name() -> None:
    stats = ir.from_json('{"alpha": 0.01}', "reliability.stats")
    assert stats == reliability.Stats(alpha=0.01)


@pytest.mark.parametrize("bad", ["Experiment", "reliability", "stats", "backendref", ""])
def test_unknown_type_name_is_a_value_error(bad: str) -> None:
    with pytest.raises(ValueError, match="unknown"):
        ir.from_json("{}", bad)
    with pytest.raises(ValueError, match="unknown"):
        ir.from_dict({}, bad)


def test_unknown_type_name_suggests_a_close_one() -> None:
    with pytest.raises(ValueError, match=r"reliability\.stats") as info:
        ir.from_json("{}", "reliability.stat")
    assert "did you mean" in str(info.value)
    assert not isinstance(info.value, ir.IRError)


# -- documentation --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
def test_every_class_and_field_is_documented(path: str) -> None:
    cls = CLASSES[path]
    doc = cls.__doc__ or ""
    head, _, attributes = doc.partition("Attributes:")
    assert head.strip(), "class summary"
    assert attributes, "an Attributes: section"
    entries = dict(re.findall(r"^\s+(\w+):\s+(\S.*)$", attributes, flags=re.MULTILINE))
    for f in msgspec.structs.fields(cls):
        assert entries.get(f.name, "").strip(), f"docstring entry for {f.name}"


@pytest.mark.parametrize("path", PATHS)
def test_every_field_has_a_schema_description(path: str) -> None:
    info = msgspec.inspect.type_info(CLASSES[path])
    assert isinstance(info, msgspec.inspect.StructType)
    for f in info.fields:
        extra = getattr(f.type, "extra_json_schema", None) or {}
        assert isinstance(extra.get("description"), str), f.name
        assert extra["description"].strip(), f.name


# -- repr: the names classes are imported by ------------------------------------------------------


def _public(name: str) -> object:
    """``crucible_ir.<name>``, dotted names followed through the public modules."""
    found: object = ir
    for part in name.split("."):
        found = getattr(found, part)
    return found


@pytest.mark.parametrize("type_name", ir.type_names())
def test_repr_uses_the_public_importable_name(type_name: str) -> None:
    cls = ir._model._base.resolve_type(type_name)
    assert _public(cls.__name__) is cls


def test_repr_examples() -> None:
    from crucible_ir import backend, reliability, training

    assert repr(reliability.Config(stats=reliability.Stats(alpha=0.01))) == (
        "reliability.Config(stats=reliability.Stats(alpha=0.01, tests=['ttest', 'bootstrap']))"
    )
    run = training.Run(
        id="r",
        config=training.Config(
            id="c", model_ref=ir.ModelRef(id="m"), dataset_ref=ir.DatasetRef(name="d")
        ),
    )
    assert repr(run).startswith("training.Run(config=training.Config(")
    assert repr(backend.Prompt.chat("hi")).startswith("backend.Prompt(messages=[backend.Message(")
    assert repr(ir.BackendRef(id="b")) == "BackendRef(id='b')"
    for wire in (
        backend.Message,
        backend.ContentPart,
        backend.ToolCall,
        backend.Choice,
        backend.Usage,
    ):
        assert _public(wire.__name__) is wire
