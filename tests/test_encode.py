"""Encoding (API section 3): `to_json` and `to_dict` write the wire form."""

from __future__ import annotations

import datetime
import decimal
import json
import math
import pathlib
import sys
from typing import Any

import msgspec
import pytest

import crucible_ir as ir
from crucible_ir import feedback, reliability, training

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import helpers

UTC = datetime.timezone.utc

MINIMAL_OBJECTS: dict[str, Any] = {
    "experiment": ir.Experiment(
        id="e", backend=ir.BackendRef(id="b"), pipeline=[ir.StageDef(name="s")]
    ),
    "backend_ref": ir.BackendRef(id="b"),
    "dataset_ref": ir.DatasetRef(name="d"),
    "stage_def": ir.StageDef(name="s"),
    "output_spec": ir.OutputSpec(name="o"),
    "reliability.config": reliability.Config(),
    "reliability.ensemble": reliability.Ensemble(),
    "reliability.hedging": reliability.Hedging(),
    "reliability.stats": reliability.Stats(),
    "reliability.fairness": reliability.Fairness(),
    "reliability.guardrail": reliability.Guardrail(),
    "model_ref": ir.ModelRef(id="m"),
    "model_version": ir.ModelVersion(id="v", model_id="m", version="1.0.0"),
    "training.config": training.Config(
        id="t", model_ref=ir.ModelRef(id="m"), dataset_ref=ir.DatasetRef(name="d")
    ),
    "training.run": training.Run(
        id="r",
        config=training.Config(
            id="t", model_ref=ir.ModelRef(id="m"), dataset_ref=ir.DatasetRef(name="d")
        ),
    ),
    "deployment.config": ir.deployment.Config(id="d", model_version_id="v"),
    "deployment.status": ir.deployment.Status(id="s", deployment_id="d"),
    "feedback.config": feedback.Config(),
    "feedback.event": feedback.Event(id="e"),
}


def _pairs(text: str) -> Any:
    """Parsed JSON keeping every object's key order, as lists of pairs."""
    return json.loads(text, object_pairs_hook=lambda pairs: pairs)


def _check_complete_and_sorted(obj: Any, pairs: Any) -> None:
    """Every field present, in sorted order, recursively through nested IR objects."""
    names = [f.name for f in msgspec.structs.fields(type(obj))]
    keys = [k for k, _ in pairs]
    assert keys == sorted(names)
    values = dict(pairs)
    for name in names:
        value = getattr(obj, name)
        if value is None:
            assert values[name] is None, name
        elif hasattr(value, "__struct_fields__"):
            _check_complete_and_sorted(value, values[name])
        elif isinstance(value, list) and value and hasattr(value[0], "__struct_fields__"):
            for item, item_pairs in zip(value, values[name], strict=True):
                _check_complete_and_sorted(item, item_pairs)


@pytest.mark.parametrize("type_name", sorted(MINIMAL_OBJECTS))
def test_to_json_emits_every_field_sorted_with_nulls(type_name: str) -> None:
    obj = MINIMAL_OBJECTS[type_name]
    text = ir.to_json(obj)
    assert isinstance(text, str)
    _check_complete_and_sorted(obj, _pairs(text))
    data = ir.to_dict(obj)
    assert list(data) == sorted(f.name for f in msgspec.structs.fields(type(obj)))


def test_exact_bytes_of_small_objects() -> None:
    assert ir.to_json(ir.StageDef(name="inference")) == (
        '{"enabled":true,"module":null,"name":"inference","options":null}'
    )
    assert ir.to_json(ir.BackendRef(id="gpt4")) == (
        '{"deployment_id":null,"endpoint_url":null,"fallback":null,"id":"gpt4",'
        '"model_version":null,"options":null,"profile":"default"}'
    )
    assert ir.to_json(reliability.Stats()) == (
        '{"alpha":0.05,"bootstrap_iterations":null,"confidence_level":null,"effect_size_type":null,'
        '"multiple_testing_correction":null,"options":null,"tests":["ttest","bootstrap"]}'
    )
    assert ir.to_json(feedback.Config()) == (
        '{"anonymize_pii":true,"drift_detection":null,"enabled":false,'
        '"feedback_types":["thumbs","correction"],"options":null,"retention_days":null,'
        '"retraining_trigger":null,"sampling_rate":1.0,"storage":"postgres"}'
    )


def test_nested_objects_are_complete_and_sorted_too() -> None:
    exp = ir.Experiment(
        id="e",
        backend=ir.BackendRef(id="b", fallback=ir.BackendRef(id="c")),
        pipeline=[ir.StageDef(name="a"), ir.StageDef(name="b")],
        reliability=reliability.Config(stats=reliability.Stats(), feedback=feedback.Config()),
        outputs=[ir.OutputSpec(name="o")],
        training_config=MINIMAL_OBJECTS["training.config"],
    )
    _check_complete_and_sorted(exp, _pairs(ir.to_json(exp)))


def test_opaque_maps_keep_their_key_order() -> None:
    options = {"zeta": 1, "alpha": {"y": 1, "b": 2}, "Mid": [{"k2": 1, "k1": 2}]}
    text = ir.to_json(ir.BackendRef(id="b", options=options))
    assert '"options":{"zeta":1,"alpha":{"y":1,"b":2},"Mid":[{"k2":1,"k1":2}]}' in text
    assert text.startswith('{"deployment_id":null,"endpoint_url":null,"fallback":null,"id":"b"')
    # what was read is written back byte for byte, in the order read
    assert ir.to_json(ir.from_json(text, "backend_ref")) == text


def test_indent() -> None:
    obj = ir.Experiment(
        id="e",
        backend=ir.BackendRef(id="b", options={"k": [1, 2.5]}),
        pipeline=[ir.StageDef(name="s")],
    )
    compact = ir.to_json(obj)
    pretty = ir.to_json(obj, indent=2)
    assert "\n" not in compact
    assert ": " not in compact
    assert pretty.startswith('{\n  "backend": {\n    "deployment_id": null,')
    assert helpers.same(json.loads(pretty), json.loads(compact))
    assert ir.from_json(pretty, "experiment") == obj
    assert ir.to_json(obj, indent=None) == compact
    four = ir.to_json(obj, indent=4)
    assert '\n    "backend": {' in four
    assert helpers.same(json.loads(four), json.loads(compact))


# -- timestamps -----------------------------------------------------------------------------------


def _written(ts: datetime.datetime) -> str:
    return json.loads(
        ir.to_json(ir.ModelVersion(id="v", model_id="m", version="1.0.0", created_at=ts))
    )["created_at"]


@pytest.mark.parametrize(
    ("ts", "text"),
    [
        (datetime.datetime(2024, 3, 15, 9, 30, tzinfo=UTC), "2024-03-15T09:30:00Z"),
        (
            datetime.datetime(2024, 3, 15, 9, 30, 0, 123456, tzinfo=UTC),
            "2024-03-15T09:30:00.123456Z",
        ),
        (datetime.datetime(2024, 3, 15, 9, 30, 0, 1, tzinfo=UTC), "2024-03-15T09:30:00.000001Z"),
        (
            datetime.datetime(2024, 3, 15, 9, 30, 0, 500000, tzinfo=UTC),
            "2024-03-15T09:30:00.500000Z",
        ),
        (
            datetime.datetime(2024, 3, 15, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(0))),
            "2024-03-15T09:30:00Z",
        ),
        (
            datetime.datetime(
                2024, 3, 15, 11, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
            ),
            "2024-03-15T11:30:00+02:00",
        ),
        (
            datetime.datetime(
                2024,
                3,
                15,
                4,
                0,
                0,
                42,
                tzinfo=datetime.timezone(-datetime.timedelta(hours=5, minutes=30)),
            ),
            "2024-03-15T04:00:00.000042-05:30",
        ),
    ],
)
def test_timestamps_are_iso_8601_with_offset(ts: datetime.datetime, text: str) -> None:
    assert _written(ts) == text
    back = ir.from_json(
        ir.to_json(ir.ModelVersion(id="v", model_id="m", version="1.0.0", created_at=ts)),
        "model_version",
    ).created_at
    assert back == ts
    assert back.utcoffset() == ts.utcoffset()


def test_zoneinfo_timestamps() -> None:
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        paris = zoneinfo.ZoneInfo("Europe/Paris")
    except zoneinfo.ZoneInfoNotFoundError:  # pragma: no cover - no tz database
        pytest.skip("no time zone database")
    ts = datetime.datetime(2024, 7, 1, 12, 0, tzinfo=paris)
    assert _written(ts) == "2024-07-01T12:00:00+02:00"


def test_offset_with_seconds_cannot_be_written() -> None:
    # RFC 3339 offsets have whole minutes; writing -04:59:30 as -04:59 would move the instant.
    tz = datetime.timezone(datetime.timedelta(hours=-5, seconds=30))
    ts = datetime.datetime(2000, 1, 1, tzinfo=tz)
    mv = ir.ModelVersion(id="v", model_id="m", version="1.0.0", created_at=ts)
    with pytest.raises(ir.ValidationError) as info:
        ir.to_json(mv)
    assert [(i.path, str(i.code)) for i in info.value.errors] == [("created_at", "format")]
    assert [(i.path, str(i.code)) for i in ir.errors(mv)] == [("created_at", "format")]


def test_naive_datetime_cannot_be_written() -> None:
    mv = ir.ModelVersion(
        id="v", model_id="m", version="1.0.0", created_at=datetime.datetime(2024, 1, 1)
    )
    with pytest.raises(ir.ValidationError) as info:
        ir.to_json(mv)
    assert [(i.path, str(i.code)) for i in info.value.errors] == [("created_at", "format")]


# -- text and numbers -----------------------------------------------------------------------------


def test_unicode_is_written_raw() -> None:
    text = "Zoë Ångström — 実験 🚀 \u2028\u2029 «ok»"
    out = ir.to_json(ir.StageDef(name=text))
    assert text in out
    assert "\\u" not in out
    assert ir.from_json(out, "stage_def").name == text
    assert ir.from_json(out.encode("utf-8"), "stage_def").name == text


def test_control_characters_are_escaped() -> None:
    name = 'a\x01\x1f\n\t\r\b\f"\\/\x7f'
    out = ir.to_json(ir.StageDef(name=name))
    assert all(ord(c) >= 0x20 for c in out)
    assert "\\n" in out
    assert '\\"' in out
    assert "\\\\" in out
    assert "\\u0001" in out.lower()
    assert ir.from_json(out, "stage_def").name == name


@pytest.mark.parametrize(
    "value",
    [
        0.1,
        1e-5,
        0.001,
        100.0,
        1e21,
        1e300,
        5e-324,
        1.2345678901234568e16,
        -0.0,
        0.0,
        1.0,
        2.0**53 + 2,
        123456.0,
    ],
)
def test_floats_are_written_as_floats_and_read_back_exactly(value: float) -> None:
    ref = ir.ModelRef(id="m", metadata={"v": value})
    back = json.loads(ir.to_json(ref))["metadata"]["v"]
    assert type(back) is float
    assert back == value
    assert math.copysign(1, back) == math.copysign(1, value)
    assert ir.from_json(ir.to_json(ref), "model_ref").metadata == {"v": value}


@pytest.mark.parametrize("value", [0, 1, -1, 2**53 + 1, 2**64, -(2**63) - 1, 10**30, -(10**40)])
def test_integers_are_written_exactly(value: int) -> None:
    ref = ir.ModelRef(id="m", metadata={"v": value})
    text = ir.to_json(ref)
    assert f'"v":{value}' in text
    assert helpers.same(json.loads(text)["metadata"]["v"], value)


def test_int_and_float_kinds_are_kept_in_number_fields() -> None:
    assert helpers.same(
        json.loads(ir.to_json(feedback.Config(sampling_rate=1)))["sampling_rate"], 1
    )
    assert helpers.same(
        json.loads(ir.to_json(feedback.Config(sampling_rate=1.0)))["sampling_rate"], 1.0
    )
    assert helpers.same(
        json.loads(ir.to_json(reliability.Hedging(budget_percent=10)))["budget_percent"], 10
    )


# -- to_dict --------------------------------------------------------------------------------------


def _plain(value: Any) -> bool:
    if value is None or type(value) in (str, int, float, bool):
        return True
    if type(value) is list:
        return all(_plain(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    return False


def test_to_dict_returns_plain_data_equal_to_the_parsed_json() -> None:
    exp = ir.Experiment(
        id="e",
        backend=ir.BackendRef(id="b", options={"t": [1, 2]}),
        pipeline=[ir.StageDef(name="s")],
        created_at=datetime.datetime(2024, 3, 15, 9, 30, 0, 5, tzinfo=UTC),
        model_version=ir.ModelVersion(id="v", model_id="m", version="1.0.0"),
        reliability=reliability.Config(stats=reliability.Stats(alpha=1)),
    )
    data = ir.to_dict(exp)
    assert type(data) is dict
    assert _plain(data)
    assert data["created_at"] == "2024-03-15T09:30:00.000005Z"
    assert data["backend"]["options"] == {"t": [1, 2]}
    assert helpers.same(data, json.loads(ir.to_json(exp)))
    assert helpers.same(data["reliability"]["stats"]["alpha"], 1)


def test_to_dict_does_not_share_containers_with_the_object() -> None:
    ref = ir.BackendRef(id="b", options={"k": [1, {"x": 1}]})
    data = ir.to_dict(ref)
    data["options"]["k"].append(2)
    data["options"]["k"][1]["x"] = 99
    assert ref.options == {"k": [1, {"x": 1}]}


# -- what cannot be written -----------------------------------------------------------------------


def _write_error(obj: Any, writer: Any = ir.to_json) -> ir.ValidationError:
    with pytest.raises(ir.ValidationError) as info:
        writer(obj)
    assert not isinstance(info.value, TypeError)
    assert info.value.errors
    return info.value


@pytest.mark.parametrize("writer", [ir.to_json, ir.to_dict], ids=["to_json", "to_dict"])
def test_non_json_objects_in_opaque_maps_are_a_validation_error(writer: Any) -> None:
    err = _write_error(ir.ModelRef(id="m", metadata={"x": object()}), writer)
    assert [(i.path, str(i.code)) for i in err.errors] == [("metadata.x", "type")]
    err = _write_error(ir.ModelRef(id="m", options={"a": [{"b": object()}]}), writer)
    assert [(i.path, str(i.code)) for i in err.errors] == [("options.a[0].b", "type")]


def test_non_string_keys_in_opaque_maps_are_a_validation_error() -> None:
    err = _write_error(ir.ModelRef(id="m", metadata={1: "x"}))
    assert [(i.path, str(i.code)) for i in err.errors] == [("metadata", "type")]


def test_to_dict_of_non_string_keys_is_a_validation_error() -> None:
    err = _write_error(ir.ModelRef(id="m", metadata={1: "x"}), ir.to_dict)
    assert [(i.path, str(i.code)) for i in err.errors] == [("metadata", "type")]


def test_object_in_a_number_field_is_a_validation_error() -> None:
    err = _write_error(reliability.Stats(alpha=object()))  # type: ignore[arg-type]
    assert [(i.path, str(i.code)) for i in err.errors] == [("alpha", "type")]


def test_lone_surrogate_is_a_validation_error() -> None:
    _write_error(ir.StageDef(name="\ud800"))


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_float_in_a_number_field_cannot_be_written(value: float) -> None:
    err = _write_error(reliability.Stats(alpha=value))
    assert [(i.path, str(i.code)) for i in err.errors] == [("alpha", "range")]


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_non_finite_float_in_an_opaque_map_cannot_be_written(value: float) -> None:
    err = _write_error(ir.ModelRef(id="m", metadata={"a": [1, value]}))
    assert [(i.path, str(i.code)) for i in err.errors] == [("metadata.a[1]", "range")]


def test_to_dict_of_a_non_finite_float_is_a_validation_error() -> None:
    _write_error(reliability.Stats(alpha=math.nan), ir.to_dict)


@pytest.mark.parametrize(
    "value",
    [
        {1, 2},
        b"raw",
        datetime.datetime(2024, 1, 1, tzinfo=UTC),
        datetime.date(2024, 1, 1),
        decimal.Decimal("1.5"),
        ir.StageDef(name="s"),
    ],
    ids=["set", "bytes", "datetime", "date", "decimal", "ir_object"],
)
def test_lossy_values_in_opaque_maps_cannot_be_written(value: Any) -> None:
    ref = ir.BackendRef(id="b", options={"v": value})
    assert [(i.path, str(i.code)) for i in ir.errors(ref)] == [("options.v", "type")]
    _write_error(ref)


def test_rule_breaking_but_typed_objects_are_written_and_read_back() -> None:
    """to_json writes what JSON can hold; validity is validate's business."""
    objects = [
        ir.Experiment(id="", backend=ir.BackendRef(id="b"), pipeline=[]),
        reliability.Stats(alpha=1.5, tests=[""]),
        reliability.Ensemble(strategy="bogus", models=["a"], weights={"z": -1}),  # type: ignore[arg-type]
        ir.ModelVersion(id="v", model_id="m", version="v1"),
        ir.deployment.Status(id="s", deployment_id="d", ready_replicas=5, total_replicas=1),
    ]
    for obj in objects:
        assert ir.errors(obj)
        text = ir.to_json(obj)
        assert ir.from_json(text, type(obj)) == obj
        assert ir.from_dict(ir.to_dict(obj), type(obj)) == obj


def test_threads_encode_into_their_own_buffers() -> None:
    from concurrent.futures import ThreadPoolExecutor

    objects = [ir.StageDef(name=f"stage_{n}", options={"n": n, "pad": "x" * n}) for n in range(64)]
    expected = [ir.to_json(obj) for obj in objects]

    def encode_all(offset: int) -> list[str]:
        return [ir.to_json(objects[(i + offset) % 64]) for i in range(400)]

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(encode_all, range(8)))
    for offset, texts in enumerate(results):
        assert texts == [expected[(i + offset) % 64] for i in range(400)]
