"""The Arrow schema of every IR type is derived from its fields (``_arrow/_shape.py``)."""

from __future__ import annotations

import pyarrow as pa
import pytest

import crucible_ir as ir
from crucible_ir import arrow, backend, reliability
from crucible_ir._arrow._shape import JSON, shape_of
from crucible_ir._typetree import plan

JSON_FIELD = {b"crucible_ir.encoding": b"json"}
VOCAB = pa.dictionary(pa.int32(), pa.string())
TIMESTAMP = pa.timestamp("us", tz="UTC")


@pytest.mark.parametrize("name", ir.type_names())
def test_every_type_has_a_schema_with_every_field(name: str) -> None:
    schema = arrow.schema(name)
    cls = ir._model._base.resolve_type(name)
    assert schema.names == [f.name for f in plan(cls).fields]
    assert schema.metadata[b"crucible_ir.type"] == name.encode()
    assert schema.metadata[b"crucible_ir.ir_version"] == b"0.3.0"
    for field in schema:
        assert field.nullable  # a decoder, not the schema, decides what may be null
        if field.type == pa.string() and field.metadata:
            assert field.metadata == JSON_FIELD


def test_the_feedback_event_columns() -> None:
    schema = arrow.schema("feedback.event")
    types = {field.name: field.type for field in schema}
    assert types == {
        "deployment_id": pa.string(),
        "feedback_type": VOCAB,  # a vocabulary value
        "feedback_value": pa.string(),
        "id": pa.string(),
        "input": pa.string(),
        "latency_ms": pa.int64(),
        "metadata": pa.string(),
        "model_version": pa.string(),
        "output": pa.string(),
        "session_id": pa.string(),
        "timestamp": TIMESTAMP,
        "user_id": pa.string(),
    }
    json_text = {f.name for f in schema if f.metadata == JSON_FIELD}
    assert json_text == {"feedback_value", "input", "metadata", "output"}


def test_nested_objects_are_structs_and_lists_are_lists() -> None:
    schema = arrow.schema("experiment")
    backend_type = schema.field("backend").type
    assert pa.types.is_struct(backend_type)
    assert backend_type.field("id").type == pa.string()
    assert backend_type.field("profile").type == VOCAB
    pipeline = schema.field("pipeline").type
    assert pa.types.is_list(pipeline)
    stage = pipeline.value_type
    assert {stage.field(i).name for i in range(stage.num_fields)} == {
        "enabled",
        "module",
        "name",
        "options",
    }
    assert stage.field("enabled").type == pa.bool_()
    assert schema.field("tags").type == pa.list_(VOCAB)
    assert schema.field("created_at").type == TIMESTAMP
    stats = schema.field("reliability").type.field("stats").type
    assert stats.field("bootstrap_iterations").type == pa.int64()
    assert stats.field("tests").type == pa.list_(VOCAB)


def test_a_class_nested_in_itself_is_json_text_where_it_recurs() -> None:
    fallback = arrow.schema("experiment").field("backend").type.field("fallback")
    assert (fallback.type, fallback.metadata) == (pa.string(), JSON_FIELD)
    assert arrow.schema("backend_ref").field("fallback").type == pa.string()


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("reliability.ensemble", ["weights"]),  # a map of numbers
        ("reliability.ensemble", ["models"]),  # names or backend refs: a union in a list
        ("training.run", ["metrics_history"]),  # list of opaque maps: the list holds JSON text
        ("backend.prompt", ["tool_choice"]),  # a union
        ("backend.completion", ["choices", "message"]),  # left out (UNSET) or null or a message
    ],
)
def test_maps_unions_and_fields_that_may_be_left_out_are_json_text(
    name: str, path: list[str]
) -> None:
    kind = arrow.schema(name).field(path[0]).type
    for step in path[1:]:
        kind = (kind.value_type if pa.types.is_list(kind) else kind).field(step).type
    if pa.types.is_list(kind):
        kind = kind.value_type
    assert kind == pa.string()


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("reliability.stats", "alpha"),  # a float field, which takes an integer too
        ("reliability.stats", "confidence_level"),
        ("feedback.config", "sampling_rate"),
        ("deployment.status", "traffic_percent"),
        ("training.config", "learning_rate"),
    ],
)
def test_numbers_are_float64(name: str, field: str) -> None:
    assert arrow.schema(name).field(field).type == pa.float64()


def test_an_integer_in_a_number_field_reads_back_as_the_equal_float() -> None:
    stats = [reliability.Stats(alpha=1), reliability.Stats(alpha=0)]
    back = list(arrow.from_table(arrow.to_table(stats, "reliability.stats"), "reliability.stats"))
    assert back == stats
    assert [type(s.alpha) for s in back] == [float, float]


def test_an_integer_a_float64_cannot_hold_is_refused_at_its_path() -> None:
    with pytest.raises(ir.ValidationError) as info:
        arrow.to_table(
            [reliability.Stats(), reliability.Stats(alpha=2**53 + 1)], "reliability.stats"
        )
    [issue] = info.value.errors
    assert (issue.path, issue.code) == ("[1].alpha", "range")
    assert "float64" in issue.message


def test_fields_that_may_be_left_out_leave_an_empty_cell() -> None:
    (item,) = [s for n, s in shape_of(backend.Choice).fields if n == "message"]
    assert (item.kind, item.omit_null) == (JSON, True)
    choice = backend.Choice(index=0)  # message, finish_reason, thinking left out
    completion = backend.Completion(choices=[choice, backend.Choice(index=1, message=None)])
    table = arrow.to_table([completion], "backend.completion")
    messages = table.column("choices")[0].values.field("message").to_pylist()
    assert messages == [None, "null"]  # left out, then null
    assert list(arrow.from_table(table, "backend.completion")) == [completion]
