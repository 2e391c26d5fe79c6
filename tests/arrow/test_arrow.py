"""`crucible_ir.arrow`: the public functions, one by one."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

import crucible_ir as ir
from crucible_ir import arrow, feedback

from .conftest import UTC, sample_events


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# -- the extra ----------------------------------------------------------------------------------


def test_the_core_never_imports_pyarrow() -> None:
    result = run_python(
        "import sys, crucible_ir as ir\n"
        "ir.validate(ir.from_json('{\"id\": \"e\"}', 'feedback.event'))\n"
        "list(ir.iter_jsonl(b'{\"id\": \"e\"}\\n', 'feedback.event'))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyarrow', 'duckdb', 'dask')))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_without_pyarrow_the_import_says_what_to_install() -> None:
    result = run_python(
        "import sys\n"
        "sys.modules['pyarrow'] = None  # as if not installed\n"
        "try:\n"
        "    import crucible_ir.arrow\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    assert result.returncode == 0, result.stderr
    assert "pip install 'crucible-ir[arrow]'" in result.stdout


def test_ir_version_is_exported() -> None:
    assert ir.IR_VERSION == "0.3.0"
    assert "IR_VERSION" in ir.__all__


# -- schema -------------------------------------------------------------------------------------


def test_schema_by_class_or_by_name_with_metadata() -> None:
    by_name = arrow.schema("feedback.event")
    assert arrow.schema(feedback.Event).equals(by_name, check_metadata=True)
    assert by_name.metadata == {
        b"crucible_ir.type": b"feedback.event",
        b"crucible_ir.ir_version": ir.IR_VERSION.encode(),
    }
    assert by_name.names == list(feedback.Event.__struct_fields__)


def test_schema_of_an_unknown_type_is_refused() -> None:
    with pytest.raises(ValueError, match=r"did you mean 'feedback\.event'"):
        arrow.schema("feedback.evnt")


# -- to_table -----------------------------------------------------------------------------------


def test_to_table_lays_out_each_kind_of_value(events: list[feedback.Event]) -> None:
    table = arrow.to_table(events, "feedback.event")
    assert table.schema.equals(arrow.schema("feedback.event"), check_metadata=True)
    assert table.num_rows == 4
    assert table.column("id").to_pylist() == ["evt_1", 'evt_"2"\\', "evt_3", "evt_4"]
    assert table.column("latency_ms").to_pylist() == [120, None, 0, None]
    assert pa.types.is_dictionary(table.column("feedback_type").type)
    assert table.column("feedback_type").to_pylist() == ["thumbs", "rating", "label", "thumbs"]
    # Opaque values are JSON text; a None is an empty cell.
    assert table.column("feedback_value").to_pylist() == ['"up"', "4", None, "1.5e300"]
    assert json.loads(table.column("input")[0].as_py()) == events[0].input
    assert table.column("metadata").to_pylist()[2:] == [None, "{}"]
    # Timestamps are UTC instants: the -05:00 offset is not kept, the moment is.
    assert table.column("timestamp").to_pylist()[:2] == [
        dt.datetime(2024, 3, 1, 12, 0, 0, 123456, tzinfo=UTC),
        dt.datetime(2024, 3, 2, 6, tzinfo=UTC),
    ]


def test_to_table_takes_any_iterable_and_nothing_at_all(events: list[feedback.Event]) -> None:
    assert arrow.to_table(iter(events), feedback.Event).num_rows == 4
    empty = arrow.to_table([], "feedback.event")
    assert empty.num_rows == 0
    assert empty.schema.equals(arrow.schema("feedback.event"), check_metadata=True)


def test_to_table_refuses_an_object_of_another_type() -> None:
    with pytest.raises(ir.ValidationError) as caught:
        arrow.to_table([feedback.Event(id="e"), ir.StageDef(name="s")], "feedback.event")
    (issue,) = caught.value.errors
    assert (issue.path, issue.code) == ("[1]", "type")
    assert "expected a feedback.event object, got stage_def" in issue.message


@pytest.mark.parametrize(
    ("event", "path", "code"),
    [
        (feedback.Event(id="e", metadata={"x": math.nan}), "[1].metadata.x", "range"),
        (feedback.Event(id="e", input={"t": {1, 2}}), "[1].input.t", "type"),
        (feedback.Event(id="e", timestamp=dt.datetime(2024, 1, 1)), "[1].timestamp", "format"),
        (feedback.Event(id="e", latency_ms="5"), "[1].latency_ms", "type"),  # type: ignore[arg-type]
    ],
)
def test_to_table_refuses_what_would_not_read_back_equal(
    event: feedback.Event, path: str, code: str
) -> None:
    with pytest.raises(ir.ValidationError) as caught:
        arrow.to_table([feedback.Event(id="ok"), event], "feedback.event")
    assert [(i.path, i.code) for i in caught.value.errors] == [(path, code)]
    assert str(caught.value).startswith("cannot be written to Arrow:")


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 10**30])
def test_an_integer_beyond_int64_is_refused_at_its_path(value: int) -> None:
    good = ir.training.Config(
        id="t", model_ref=ir.ModelRef(id="m"), dataset_ref=ir.DatasetRef(name="d")
    )
    bad = ir.replace(good, seed=value)
    with pytest.raises(ir.ValidationError) as caught:
        arrow.to_table([good, good, bad], "training.config")
    (issue,) = caught.value.errors
    assert (issue.path, issue.code) == ("[2].seed", "range")
    assert "int64" in issue.message
    # The extremes of int64 are fine, and so are big integers in opaque values (JSON text).
    edge = ir.replace(good, seed=-(2**63), batch_size=2**63 - 1, options={"n": value})
    assert ir.is_valid(edge)
    assert list(arrow.from_table(arrow.to_table([edge], "training.config"), "training.config")) == [
        edge
    ]


def test_an_integer_beyond_int64_in_a_nested_list_is_refused_at_its_path() -> None:
    exp = ir.new_experiment(
        id="x",
        backend=ir.BackendRef(id="b"),
        pipeline=[ir.StageDef(name="s")],
        training_config=ir.training.Config(
            id="t", model_ref=ir.ModelRef(id="m"), dataset_ref=ir.DatasetRef(name="d"), epochs=2**64
        ),
    )
    with pytest.raises(ir.ValidationError) as caught:
        arrow.to_table([exp], "experiment")
    assert [i.path for i in caught.value.errors] == ["[0].training_config.epochs"]


# -- from_table ---------------------------------------------------------------------------------


def test_from_table_gives_back_the_objects(events: list[feedback.Event]) -> None:
    table = arrow.to_table(events, "feedback.event")
    back = list(arrow.from_table(table, "feedback.event"))
    assert back == events
    assert all(type(e) is feedback.Event for e in back)
    assert list(arrow.from_table(table.to_batches()[0], feedback.Event)) == events


def test_from_table_validates_like_iter_jsonl_and_stops_at_the_row() -> None:
    rows = [{"id": "a", "latency_ms": 1}, {"id": "b", "latency_ms": -5}, {"id": "c"}]
    table = pa.table(
        {"id": [r["id"] for r in rows], "latency_ms": [r.get("latency_ms") for r in rows]}
    )
    read = arrow.from_table(table, "feedback.event")
    assert next(read).id == "a"  # the good row before the bad one comes out first
    with pytest.raises(ir.ValidationError) as caught:
        next(read)
    assert str(caught.value).startswith("row 2:\n")
    assert [(i.path, i.code, i.line) for i in caught.value.errors] == [
        ("latency_ms", "range", None)
    ]
    # The same record as a JSON line fails the same way.
    with pytest.raises(ir.ValidationError) as jsonl:
        list(ir.iter_jsonl(json.dumps(rows[1]).encode(), "feedback.event"))
    assert [i.message for i in jsonl.value.errors] == [i.message for i in caught.value.errors]


def test_from_table_errors_carry_the_row() -> None:
    # A null required identifier decodes (as from JSON); validation reports it with the row.
    table = pa.table({"id": ["a", None], "feedback_type": ["thumbs", "thumbs"]})
    with pytest.raises(ir.ValidationError, match=r"(?s)^row 2:\nid: .*got null"):
        list(arrow.from_table(table, "feedback.event"))


def test_missing_columns_take_the_defaults_and_extra_columns_are_ignored() -> None:
    table = pa.table({"id": ["a"], "not_a_field": [1]})
    assert list(arrow.from_table(table, "feedback.event")) == [feedback.Event(id="a")]
    assert list(arrow.from_table(pa.table({"name": ["s"]}), "stage_def")) == [ir.StageDef(name="s")]


def test_from_table_refuses_a_table_of_another_type(events: list[feedback.Event]) -> None:
    table = arrow.to_table(events, "feedback.event")
    with pytest.raises(ir.DecodeError, match=r"'feedback\.event'.*not 'stage_def'"):
        arrow.from_table(table, "stage_def")


# -- Parquet --------------------------------------------------------------------------------------


def test_write_parquet_then_read_parquet(tmp_path: Path, events: list[feedback.Event]) -> None:
    path = tmp_path / "events.parquet"
    assert arrow.write_parquet(events, path, "feedback.event") == 4
    assert list(arrow.read_parquet(path, "feedback.event")) == events
    assert list(arrow.read_parquet(str(path), feedback.Event)) == events


def test_jsonl_to_parquet(tmp_path: Path, events: list[feedback.Event]) -> None:
    data = b"".join(ir.to_json(e).encode() + b"\n" for e in events)
    source = tmp_path / "events.jsonl"
    source.write_bytes(data)
    for given in (source, str(source), data, io.BytesIO(data)):
        out = tmp_path / "out.parquet"
        assert arrow.jsonl_to_parquet(given, out, "feedback.event") == 4
        assert list(arrow.read_parquet(out, "feedback.event")) == events


def test_jsonl_to_parquet_stops_at_a_bad_line_and_writes_nothing(tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"e{n}"}) for n in range(5)]
    lines[3] = json.dumps({"id": "e3", "latency_ms": -1})
    out = tmp_path / "out.parquet"
    with pytest.raises(ir.ValidationError) as caught:
        arrow.jsonl_to_parquet("\n".join(lines).encode(), out, "feedback.event")
    assert [(i.path, i.line) for i in caught.value.errors] == [("latency_ms", 4)]
    assert os.listdir(tmp_path) == []


def test_jsonl_to_parquet_places_an_integer_beyond_int64_at_its_line(tmp_path: Path) -> None:
    data = b'{"id": "a"}\n\n  \n{"id": "b", "latency_ms": 18446744073709551616}\n{"id": "c"}\n'
    out = tmp_path / "out.parquet"
    for source in (data, io.BytesIO(data)):
        with pytest.raises(ir.ValidationError) as caught:
            arrow.jsonl_to_parquet(source, out, "feedback.event")
        assert [(i.path, i.code, i.line) for i in caught.value.errors] == [
            ("latency_ms", "range", 4)
        ]
    assert os.listdir(tmp_path) == []


def test_jsonl_to_parquet_from_a_pipe_names_the_record(tmp_path: Path) -> None:
    read, write = os.pipe()
    os.write(write, b'{"id": "a"}\n{"id": "b", "latency_ms": 18446744073709551616}\n')
    os.close(write)
    with open(read, "rb") as pipe, pytest.raises(ir.ValidationError) as caught:
        arrow.jsonl_to_parquet(pipe, tmp_path / "out.parquet", "feedback.event")
    assert [i.path for i in caught.value.errors] == ["[1].latency_ms"]  # cannot read it again


def test_sample_events_are_the_fixture() -> None:
    assert sample_events() == sample_events()
