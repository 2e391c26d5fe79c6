"""Reading tables: rows become JSON lines decoded by the JSON Lines decoder (``_arrow/_read.py``).

Tables written by other tools (DuckDB, Spark, pandas) lay columns out their own
way: plain strings for vocabularies, int32, milliseconds, other time zones.
What holds the same values is read; what cannot is refused with the column or
the row, never misread.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pyarrow as pa
import pytest

import crucible_ir as ir
from crucible_ir import arrow, feedback
from crucible_ir._arrow._read import ROWS_PER_BATCH

from .conftest import UTC


def read(table: pa.Table, name: str = "feedback.event") -> list[object]:
    return list(arrow.from_table(table, name))


def test_other_layouts_of_the_same_values_are_read() -> None:
    table = pa.table(
        {
            "id": pa.array(["a", "b"], pa.large_string()),
            "feedback_type": pa.array(["rating", "thumbs"]),  # plain strings, not a dictionary
            "deployment_id": pa.array(["p", "p"]).dictionary_encode(),  # a dictionary
            "latency_ms": pa.array([5, None], pa.int32()),
            "timestamp": pa.array([0, 1_500], pa.timestamp("ms", tz="Europe/Paris")),
            "feedback_value": pa.array(['{"stars": 4}', None]).dictionary_encode(),
        }
    )
    assert read(table) == [
        feedback.Event(
            id="a",
            feedback_type="rating",
            deployment_id="p",
            latency_ms=5,
            timestamp=dt.datetime(1970, 1, 1, tzinfo=UTC),
            feedback_value={"stars": 4},
        ),
        feedback.Event(
            id="b",
            deployment_id="p",
            timestamp=dt.datetime(1970, 1, 1, 0, 0, 1, 500_000, tzinfo=UTC),
        ),
    ]


@pytest.mark.parametrize(
    ("column", "array", "message"),
    [
        ("latency_ms", pa.array(["5"]), "expected a column of integers, got string"),
        ("id", pa.array([1]), "expected a column of strings, got int64"),
        ("metadata", pa.array([1.5]), "expected a column of JSON text (strings), got double"),
        (
            "timestamp",
            pa.array([0], pa.timestamp("us")),
            "expected timestamps with a time zone (UTC), got timestamp[us]",
        ),
        (
            "timestamp",
            pa.array([1], pa.timestamp("ns", tz="UTC")),  # one nanosecond past the epoch
            "expected timestamps to the microsecond at most",
        ),
    ],
)
def test_a_column_that_cannot_hold_the_field_is_refused(
    column: str, array: pa.Array, message: str
) -> None:
    table = pa.table({"id": ["a"], column: array} if column != "id" else {"id": array})
    with pytest.raises(ir.DecodeError) as caught:
        read(table)
    assert str(caught.value).startswith(f"column {column}:")
    (issue,) = caught.value.errors
    assert (issue.path, issue.code) == (column, "type")
    assert message in issue.message


def test_nanoseconds_on_whole_microseconds_are_read() -> None:
    table = pa.table({"id": ["a"], "timestamp": pa.array([2_000], pa.timestamp("ns", tz="UTC"))})
    assert read(table) == [
        feedback.Event(id="a", timestamp=dt.datetime(1970, 1, 1, 0, 0, 0, 2, tzinfo=UTC))
    ]


@pytest.mark.parametrize(
    "cell",
    [
        "{",  # not JSON
        "",  # nothing
        '1, "id": "spliced"',  # two values: it must not add a key to the record
        '{"a": 1}, "id": "x", "y": {"b": 2}',
        "[1] [2]",
    ],
)
def test_a_json_text_cell_must_hold_exactly_one_value(cell: str) -> None:
    table = pa.table({"id": ["a", "b", "c"], "metadata": ['{"ok": true}', None, cell]})
    read_rows = arrow.from_table(table, "feedback.event")
    with pytest.raises(ir.DecodeError) as caught:
        list(read_rows)
    assert str(caught.value).startswith("row 3:\n")
    (issue,) = caught.value.errors
    assert (issue.path, issue.code) == ("metadata", "syntax")
    assert "expected JSON text" in issue.message


def test_json_text_over_several_lines_is_read() -> None:
    table = pa.table(
        {"id": ["a"], "metadata": ['{\n  "note": "two\\nlines",\r\n  "n": [1,\n 2]\n}']}
    )
    assert read(table) == [feedback.Event(id="a", metadata={"note": "two\nlines", "n": [1, 2]})]


def test_strings_are_quoted_and_escaped_whatever_they_hold() -> None:
    texts = ["plain", 'a "quote"', "back\\slash", "new\nline", "tab\t\x00\x1f", "é 🚀 \u2028", ""]
    ids = [f"e{n}" for n in range(len(texts))]
    table = pa.table(
        {"id": ids, "session_id": texts, "user_id": pa.array(texts).dictionary_encode()}
    )
    assert [(e.session_id, e.user_id) for e in read(table)] == list(zip(texts, texts, strict=True))


def test_a_bad_cell_deep_in_lists_and_structs_is_placed_at_its_path() -> None:
    exp = ir.new_experiment(
        id="x",
        backend=ir.BackendRef(id="b"),
        pipeline=[ir.StageDef(name="s0"), ir.StageDef(name="s1", options={"k": 1})],
    )
    table = arrow.to_table([exp, exp, exp], "experiment")
    pipeline = table.column("pipeline").combine_chunks()
    stages = pipeline.values
    options = stages.field("options").to_pylist()
    options[5] = "{not json"  # the third experiment's second stage
    broken_stages = pa.StructArray.from_arrays(
        [
            stages.field(n) if n != "options" else pa.array(options)
            for n in ("enabled", "module", "name", "options")
        ],
        fields=list(stages.type),
    )
    broken = pa.ListArray.from_arrays(pipeline.offsets, broken_stages, type=pipeline.type)
    table = table.set_column(table.schema.get_field_index("pipeline"), "pipeline", broken)
    with pytest.raises(ir.DecodeError) as caught:
        read(table, "experiment")
    assert str(caught.value).startswith("row 3:\n")
    assert [i.path for i in caught.value.errors] == ["pipeline[1].options"]


def test_a_null_where_an_object_is_required_is_a_decode_error() -> None:
    table = pa.table(
        {
            "id": ["x"],
            "backend": pa.array([None], pa.struct([("id", pa.string())])),
            "pipeline": pa.array([[{"name": "s"}]]),
        }
    )
    with pytest.raises(ir.DecodeError) as caught:
        read(table, "experiment")
    assert [(i.path, i.code) for i in caught.value.errors] == [("backend", "required")]


def test_what_lies_under_a_null_struct_is_not_read() -> None:
    stats = pa.StructArray.from_arrays(
        [pa.array([float("nan")]), pa.array([["t"]])],
        names=["alpha", "tests"],
        mask=pa.array([True]),
    )
    table = pa.table({"stats": stats})
    assert read(table, "reliability.config") == [ir.reliability.Config()]


def test_row_numbers_count_over_batches_and_chunks() -> None:
    count = ROWS_PER_BATCH + 100
    latency = list(range(count))
    latency[ROWS_PER_BATCH + 41] = -1
    table = pa.table({"id": [f"e{n}" for n in range(count)], "latency_ms": latency})
    chunked = pa.Table.from_batches(table.to_batches(max_chunksize=1000))
    for given in (table, chunked):
        rows = arrow.from_table(given, "feedback.event")
        good = list(itertools.islice(rows, ROWS_PER_BATCH + 41))
        assert good[-1].id == f"e{ROWS_PER_BATCH + 40}"
        with pytest.raises(ir.ValidationError, match=rf"^row {ROWS_PER_BATCH + 42}:\n"):
            next(rows)


def test_sliced_tables_are_read_from_their_offset() -> None:
    events = [feedback.Event(id=f"e{n}", metadata={"n": n}, latency_ms=n) for n in range(10)]
    table = arrow.to_table(events, "feedback.event").slice(3, 4)
    assert read(table) == events[3:7]


def test_an_empty_table_gives_nothing() -> None:
    assert read(arrow.schema("feedback.event").empty_table()) == []
    assert read(pa.table({"id": pa.array([], pa.string())})) == []


def test_json_text_is_what_sql_engines_query() -> None:
    event = feedback.Event(id="a", input={"prompt": "hi", "n": 10**30}, feedback_value=[1, "x"])
    table = arrow.to_table([event], "feedback.event")
    assert json.loads(table.column("input")[0].as_py()) == {"prompt": "hi", "n": 10**30}
    assert json.loads(table.column("feedback_value")[0].as_py()) == [1, "x"]


def test_the_first_unreadable_cell_stops_the_read_after_the_rows_before_it() -> None:
    inputs: list[str | None] = [None] * 12
    metadata: list[str | None] = [None] * 12
    inputs[9] = "{bad"  # the earlier column (fields go in order) has the later bad row
    metadata[4] = "[1,"
    table = pa.table({"id": [f"e{n}" for n in range(12)], "input": inputs, "metadata": metadata})
    rows = arrow.from_table(table, "feedback.event")
    assert [e.id for e in itertools.islice(rows, 4)] == ["e0", "e1", "e2", "e3"]
    with pytest.raises(ir.DecodeError) as caught:
        next(rows)
    assert str(caught.value).startswith("row 5:\n")
    assert [i.path for i in caught.value.errors] == ["metadata"]
