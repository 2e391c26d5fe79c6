"""JSON Schema generation: valid 2020-12 documents, shipped copies up to date."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import crucible_ir as ir

SHIPPED = Path(ir.__file__).parent / "schemas"
NAMES = ir.type_names()


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = list(schema.get("properties", {}).items())
    for definition in schema.get("$defs", {}).values():
        found += list(definition.get("properties", {}).items())
    return found


@pytest.mark.parametrize("name", NAMES)
def test_schema_is_valid_2020_12_and_documents_every_field(name: str) -> None:
    schema = ir.json_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == name
    assert schema["description"]
    for prop_name, prop in _properties(schema):
        assert prop.get("description"), f"{name}: {prop_name} has no description"


@pytest.mark.parametrize("name", NAMES)
def test_schema_states_the_ir_version_it_describes(name: str) -> None:
    schema = ir.json_schema(name)
    assert schema["x-crucible-ir-version"] == ir.IR_VERSION == "0.3.0"
    shipped = json.loads((SHIPPED / f"{name}.schema.json").read_text(encoding="utf-8"))
    assert shipped["x-crucible-ir-version"] == "0.3.0"
    Draft202012Validator.check_schema(schema)  # an annotation the dialect allows


def test_ir_version_is_exported() -> None:
    from crucible_ir._version import IR_VERSION

    assert ir.IR_VERSION is IR_VERSION
    assert "IR_VERSION" in ir.__all__
    assert "IR_VERSION" in dir(ir)


@pytest.mark.parametrize("name", NAMES)
def test_shipped_schema_is_up_to_date(name: str) -> None:
    shipped = json.loads((SHIPPED / f"{name}.schema.json").read_text(encoding="utf-8"))
    assert shipped == ir.json_schema(name), "run `make schemas` and commit the result"


def test_every_type_has_a_shipped_schema_and_nothing_else_is_shipped() -> None:
    assert sorted(p.name for p in SHIPPED.glob("*.json")) == sorted(
        f"{n}.schema.json" for n in NAMES
    )


def test_only_fields_without_defaults_are_required() -> None:
    schema = ir.json_schema("experiment")
    assert sorted(schema["required"]) == ["backend", "id", "pipeline"]
    hedging = ir.json_schema("reliability.hedging")
    assert hedging["required"] == []
    strategy = hedging["properties"]["strategy"]
    assert strategy["enum"] == [
        "off",
        "fixed",
        "percentile",
        "adaptive",
        "workload_aware",
        "exponential_backoff",
    ]
    assert strategy["default"] == "off"
    stats = ir.json_schema("reliability.stats")["properties"]
    assert stats["alpha"] == {
        "description": stats["alpha"]["description"],
        "type": "number",
        "minimum": 0,
        "maximum": 1,
        "default": 0.05,
    }
    assert stats["tests"]["default"] == ["ttest", "bootstrap"]
    backend = ir.json_schema("backend_ref")
    url = backend["properties"]["endpoint_url"]["anyOf"][0]
    assert url["format"] == "uri"
    assert backend["properties"]["fallback"]["anyOf"][0] == {"$ref": "#"}


def test_schema_agrees_with_validation_on_a_range_rule() -> None:
    validator = Draft202012Validator(ir.json_schema("reliability.stats"))
    assert validator.is_valid({"alpha": 0.5})
    assert not validator.is_valid({"alpha": 1.5})
    assert not ir.is_valid(ir.reliability.Stats(alpha=1.5))


def test_schema_reads_an_empty_array_as_a_map_and_refuses_a_null_name() -> None:
    """The schemas describe valid documents: `[]` for a map is one, a null name is not."""
    dataset = Draft202012Validator(ir.json_schema("dataset_ref"))
    assert dataset.is_valid({"name": "d", "options": [], "schema": {}})
    assert not dataset.is_valid({"name": "d", "options": [1]})
    assert not dataset.is_valid({"name": "d", "options": "x"})
    assert not dataset.is_valid({"name": "d", "provider": None})
    assert dataset.is_valid({"name": "d", "version": None})
    ensemble = Draft202012Validator(ir.json_schema("reliability.ensemble"))
    assert ensemble.is_valid({"weights": []})
    assert not ensemble.is_valid({"weights": {"a": -1}})
    assert not ensemble.is_valid({"strategy": None})
    run = Draft202012Validator(ir.json_schema("training.run"))
    minimal = {
        "id": "r",
        "config": {"id": "c", "model_ref": {"id": "m"}, "dataset_ref": {"name": "d"}},
    }
    assert run.is_valid({**minimal, "metrics_history": [[], {"loss": 1.0}]})
    assert not run.is_valid({**minimal, "metrics_history": [[1]]})
    assert not run.is_valid({**minimal, "status": None})
    # IR objects are not maps: an array is no backend.
    experiment = Draft202012Validator(ir.json_schema("experiment"))
    assert not experiment.is_valid({"id": "e", "backend": [], "pipeline": [{"name": "a"}]})
