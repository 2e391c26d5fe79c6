"""The quick way of reading rows (``_arrow/_read.py``) gives what the JSON-lines way gives.

Every table here is read twice: as `arrow.from_table` reads it, and with the
quick way turned off, so that each row goes through JSON lines and the
decoder of `iter_jsonl`. The objects, or the error (its type, its title with
the row, its issues), must be the same; where a row can be written as a line
of JSON, its issues are those `iter_jsonl` gives that line. Ordinary tables
must take the quick way.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pyarrow as pa
import pytest

import crucible_ir as ir
from crucible_ir import arrow
from crucible_ir._arrow import _read

from .conftest import UTC, sample_events


def _outcome(table: pa.Table, name: str) -> Any:
    try:
        return list(arrow.from_table(table, name))
    except ir.IRError as exc:
        return (type(exc), str(exc), exc.errors)


def read_both_ways(
    table: pa.Table, monkeypatch: pytest.MonkeyPatch, name: str = "feedback.event"
) -> Any:
    """The outcome of reading ``table``, checked to be the same with the quick way off."""
    quick = _outcome(table, name)
    with monkeypatch.context() as patched:
        patched.setattr(_read, "_quickly", lambda *_: None)
        thorough = _outcome(table, name)
    assert quick == thorough
    if isinstance(quick, list):
        for obj in quick:  # the soundness law of every object read
            assert ir.errors(obj) == []
            assert ir.from_json(ir.to_json(obj), type(obj)) == obj
    return quick


def issues_of_line(line: dict[str, Any], name: str = "feedback.event") -> list[tuple[str, str]]:
    """The issues `iter_jsonl` gives a line of JSON: (path, code) each."""
    with pytest.raises(ir.IRError) as caught:
        list(ir.iter_jsonl(json.dumps(line).encode(), name))
    return [(i.path, i.code) for i in caught.value.errors]


def test_ordinary_tables_take_the_quick_way(monkeypatch: pytest.MonkeyPatch) -> None:
    taken: list[bool] = []
    quickly = _read._quickly

    def counting(*args: Any) -> Any:
        found = quickly(*args)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(_read, "_quickly", counting)
    events = sample_events()
    assert list(arrow.from_table(arrow.to_table(events, "feedback.event"), "feedback.event")) == (
        events
    )
    exp = ir.new_experiment(
        id="x",
        backend=ir.BackendRef(id="b", fallback=ir.BackendRef(id="c")),
        pipeline=[ir.StageDef(name="s0"), ir.StageDef(name="s1", options={"k": [1, None]})],
    )
    assert list(arrow.from_table(arrow.to_table([exp], "experiment"), "experiment")) == [exp]
    assert taken == [True, True]


def test_good_tables_read_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    events = sample_events()
    assert read_both_ways(arrow.to_table(events, "feedback.event"), monkeypatch) == events
    other_layout = pa.table(
        {
            "id": pa.array(["a", "b"], pa.large_string()),
            "feedback_type": pa.array(["rating", "thumbs"]),
            "deployment_id": pa.array(["p", None]).dictionary_encode(),
            "latency_ms": pa.array([5, None], pa.int32()),
            "timestamp": pa.array([0, 1_500], pa.timestamp("ms", tz="Europe/Paris")),
            "metadata": pa.array(['{\n "a": [1,\r\n 2]}', " null "]),
            "input": pa.array(['{"n": 1e2}', None]).dictionary_encode(),
        }
    )
    assert [e.metadata for e in read_both_ways(other_layout, monkeypatch)] == [{"a": [1, 2]}, None]


@pytest.mark.parametrize(
    ("column", "cell"),
    [
        ("id", ""),  # the checker wants a non-empty identifier
        ("feedback_type", ""),
        ("latency_ms", -1),  # a non-negative integer
        ("metadata", "[1, 2]"),  # a map
        ("metadata", '{"x": NaN}'),  # not JSON
        ("metadata", '{"x": Infinity}'),
        ("metadata", '{"x": 1e400}'),  # beyond a float
        ("metadata", '{"x": ' + "9" * 4301 + "}"),  # beyond msgspec's integers
        ("metadata", '{"x": "\\ud800"}'),  # a lone surrogate
        ("metadata", "{"),
        ("metadata", ""),
        ("metadata", '1, "id": "spliced"'),
        ("feedback_value", "[1] [2]"),
        ("feedback_value", "[" * 256 + "]" * 256),  # the record is one level more
        ("feedback_value", "[" * 255 + "]" * 255),  # (which is fine)
        ("feedback_value", '"\\n" \n 1'),
    ],
)
def test_a_refused_value_gets_the_verdict_of_the_json_path(
    column: str, cell: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    cells = [None, cell, None] if column not in ("id", "feedback_type") else ["a", cell, "c"]
    table = pa.table({"id": ["a", "b", "c"], column: cells} if column != "id" else {"id": cells})
    found = read_both_ways(table, monkeypatch)
    if cell == "[" * 255 + "]" * 255:
        assert len(found) == 3
        return
    _kind, title, issues = found
    assert title.startswith("row 2:\n")
    try:
        value = json.loads(cell) if column in ("metadata", "feedback_value") else cell
    except ValueError:
        return  # no line of JSON holds it
    if column in ("metadata", "feedback_value") and not isinstance(cell, str):
        return
    expected = issues_of_line({"id": "b", column: value})
    if {code for _, code in expected} == {"syntax"}:  # (a line places it at the record)
        assert {i.code for i in issues} == {"syntax"}
    else:
        assert [(i.path, i.code) for i in issues] == expected


def test_invalid_utf8_in_a_string_column(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"okab\xed\xa0\x80"  # an encoded surrogate: not UTF-8
    offsets = pa.py_buffer(bytes([0, 0, 0, 0, 2, 0, 0, 0, 7, 0, 0, 0]))
    users = pa.StringArray.from_buffers(2, offsets, pa.py_buffer(data))
    kind, title, _issues = read_both_ways(
        pa.table({"id": ["a", "b"], "user_id": users}), monkeypatch
    )
    assert kind is ir.DecodeError
    assert title.startswith("row 2:\n")


@pytest.mark.parametrize("cell", [b"{}\xff", b'{"a": "\xff"}', b'"\xed\xa0\x80"'])
def test_invalid_utf8_in_json_text(cell: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    offsets = pa.py_buffer(bytes([0, 0, 0, 0, 2, 0, 0, 0, 2 + len(cell), 0, 0, 0]))
    texts = pa.StringArray.from_buffers(2, offsets, pa.py_buffer(b"{}" + cell))
    table = pa.table({"id": ["a", "b"], "metadata": texts})
    kind, title, _ = read_both_ways(table, monkeypatch)
    assert kind is ir.DecodeError  # (not a UnicodeDecodeError)
    assert title.startswith("row 2:\n")


@pytest.mark.parametrize(
    "micros",
    [253_402_300_800_000_000, -62_135_596_800_000_001],  # year 10000, year 0
)
def test_a_timestamp_python_cannot_hold(micros: int, monkeypatch: pytest.MonkeyPatch) -> None:
    stamps = pa.array([0, micros], pa.timestamp("us", tz="UTC"))
    kind, title, _ = read_both_ways(pa.table({"id": ["a", "b"], "timestamp": stamps}), monkeypatch)
    assert kind is ir.DecodeError
    assert title.startswith("row 2:\n")


def test_nan_in_a_float_column(monkeypatch: pytest.MonkeyPatch) -> None:
    rates = pa.array([0.5, float("nan")])
    table = pa.table({"sampling_rate": rates})
    kind, title, issues = read_both_ways(table, monkeypatch, "feedback.config")
    assert (kind, [(i.path, i.code) for i in issues]) == (
        ir.DecodeError,
        [("sampling_rate", "range")],
    )
    assert title.startswith("row 2:\n")
    assert issues[0].message == "expected a finite number, got nan"
    # Numbers as text are not a float64 column: the column is refused as a whole.
    as_text = pa.table({"sampling_rate": ["0.5", "NaN"]})
    kind, title, issues = read_both_ways(as_text, monkeypatch, "feedback.config")
    assert (kind, [(i.path, i.code) for i in issues]) == (
        ir.DecodeError,
        [("sampling_rate", "type")],
    )
    assert title.startswith("column sampling_rate:")


def test_deep_in_structs_and_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    exp = ir.new_experiment(
        id="x",
        backend=ir.BackendRef(id="b"),
        pipeline=[ir.StageDef(name="s0"), ir.StageDef(name="s1", options={"k": 1})],
        created_at=dt.datetime(2024, 1, 1, tzinfo=UTC),
    )
    table = arrow.to_table([exp, exp], "experiment")
    assert read_both_ways(table, monkeypatch, "experiment") == [exp, exp]
    backend = pa.array([{"id": "b", "fallback": '{"id": ""}'}] * 2)
    table = table.set_column(table.schema.get_field_index("backend"), "backend", backend)
    _, title, issues = read_both_ways(table, monkeypatch, "experiment")
    assert title.startswith("row 1:\n")
    assert [i.path for i in issues] == ["backend.fallback.id"]
    nulls = pa.array([{"id": "b"}, None], pa.struct([("id", pa.string())]))
    table = table.set_column(table.schema.get_field_index("backend"), "backend", nulls)
    _kind, title, issues = read_both_ways(table, monkeypatch, "experiment")
    assert title.startswith("row 2:\n")
    assert [(i.path, i.code) for i in issues] == [("backend", "required")]


def test_a_broken_cross_field_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    good = ir.new_experiment(
        id="x", backend=ir.BackendRef(id="b"), pipeline=[ir.StageDef(name="s")]
    )
    twice = ir.replace(good, pipeline=[ir.StageDef(name="s"), ir.StageDef(name="s")])
    table = arrow.to_table([good, twice], "experiment")
    kind, title, issues = read_both_ways(table, monkeypatch, "experiment")
    assert (kind, title.split("\n")[0]) == (ir.ValidationError, "row 2:")
    assert [(i.path, i.code) for i in issues] == [(i.path, i.code) for i in ir.errors(twice)]


@pytest.mark.parametrize("blank", ["", " ", "\t\r"])
def test_two_values_in_a_cell_and_a_blank_one_are_refused(
    blank: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As many values as cells, yet none where each belongs: the count alone is no proof."""
    table = pa.table({"id": ["a", "b"], "feedback_value": ["1 2", blank]})
    _kind, title, _issues = read_both_ways(table, monkeypatch)
    assert title.startswith("row 1:\n")


def test_a_float32_column_reads_as_its_value_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    rates = pa.array([0.1, 0.5], pa.float32())
    # A cell with a line break sends the whole slice the JSON-lines way: the values are the same.
    for options in (["{}", "{}"], ["{}", "{\n}"]):
        table = pa.table({"alpha": rates, "options": options})
        stats = read_both_ways(table, monkeypatch, "reliability.stats")
        assert [s.alpha for s in stats] == rates.cast(pa.float64()).to_pylist()


def test_rows_of_a_dictionary_encoded_json_column_share_no_container(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    options = pa.array(['{"a": {"b": [1]}}'] * 2).dictionary_encode()
    stats = read_both_ways(pa.table({"options": options}), monkeypatch, "reliability.stats")
    assert stats[0].options == stats[1].options == {"a": {"b": [1]}}
    assert stats[0].options["a"] is not stats[1].options["a"]
    assert stats[0].options["a"]["b"] is not stats[1].options["a"]["b"]
