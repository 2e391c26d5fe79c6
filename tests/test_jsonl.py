"""`iter_jsonl` and `scan_jsonl`: JSON Lines decoded and validated record by record."""

from __future__ import annotations

import gc
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import crucible_ir as ir
from crucible_ir import feedback
from crucible_ir._codec import _jsonl
from crucible_ir._codec._jsonl import BadRecord, scan_jsonl


def event(n: int, **extra: Any) -> dict[str, Any]:
    return {"id": f"evt_{n}", "feedback_type": "rating", "latency_ms": n, **extra}


def lines(*records: Any) -> bytes:
    return b"".join(
        (r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in records
    )


GOOD = lines(event(1), event(2), event(3))


@pytest.fixture(params=["bytes", "bytearray", "memoryview", "path", "str path", "file"])
def source(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A factory: the same bytes as each kind of source `iter_jsonl` takes."""
    opened: list[io.BufferedReader] = []

    def make(data: bytes) -> Any:
        kind = request.param
        if kind in ("bytes", "bytearray", "memoryview"):
            return {"bytes": bytes, "bytearray": bytearray, "memoryview": memoryview}[kind](data)
        path = tmp_path / "events.jsonl"
        path.write_bytes(data)
        if kind == "path":
            return path
        if kind == "str path":
            return str(path)
        opened.append(path.open("rb"))  # the caller's file: iter_jsonl leaves it open
        return opened[-1]

    yield make
    for stream in opened:
        assert not stream.closed
        stream.close()


def test_every_kind_of_source_gives_the_same_objects(source: Any) -> None:
    events = list(ir.iter_jsonl(source(GOOD), "feedback.event"))
    assert [e.id for e in events] == ["evt_1", "evt_2", "evt_3"]
    assert all(type(e) is feedback.Event for e in events)
    assert events == [ir.from_dict(event(n), feedback.Event) for n in (1, 2, 3)]


def test_type_by_class_or_name() -> None:
    assert list(ir.iter_jsonl(GOOD, feedback.Event)) == list(ir.iter_jsonl(GOOD, "feedback.event"))


def test_blank_lines_crlf_and_a_missing_final_newline() -> None:
    data = b'\n{"id": "a"}\r\n   \n\n{"id": "b"}\r\n{"id": "c"}'
    assert [e.id for e in ir.iter_jsonl(data, "feedback.event")] == ["a", "b", "c"]
    assert list(ir.iter_jsonl(b"", "feedback.event")) == []


def test_a_bad_line_raises_after_the_good_records_before_it() -> None:
    data = lines(event(1), event(2), b'{"id": "evt_3", "latency_ms": "slow"}', event(4))
    records = ir.iter_jsonl(data, "feedback.event")
    assert [next(records).id, next(records).id] == ["evt_1", "evt_2"]
    with pytest.raises(ir.DecodeError) as info:
        next(records)
    [issue] = info.value.errors
    assert (issue.line, issue.path, issue.code) == (3, "latency_ms", "type")
    assert "line 3" in str(info.value)


def test_malformed_json_is_a_decode_error_at_its_line() -> None:
    data = lines(event(1), b'{"id": "evt_2",', event(3))
    with pytest.raises(ir.DecodeError) as info:
        list(ir.iter_jsonl(data, "feedback.event"))
    assert [i.line for i in info.value.errors] == [2]
    assert info.value.errors[0].code == "syntax"


@pytest.mark.parametrize(
    ("data", "bad_lines"),
    [
        (b'{"id": "a",\n "latency_ms": 1}\n{"id": "b"}\n', [1, 2]),  # a record over two lines
        (b'{"id": "a"} {"id": "b"}\n', [1]),  # two on one line
        (b'{"id": "a"} {"id": "b"}\n{"id": "c", "metadata": {}\n}\n', [1, 2, 3]),  # both: 3 and 3
        (b'{"id": "a", "metadata":\n{"k": {}}}\n', [1, 2]),
    ],
)
def test_a_record_is_one_line(data: bytes, bad_lines: list[int]) -> None:
    """msgspec's ``decode_lines`` reads values apart by any white space: JSON Lines does not."""
    with pytest.raises(ir.DecodeError) as info:
        list(ir.iter_jsonl(data, "feedback.event"))
    assert {i.line for i in info.value.errors} == {bad_lines[0]}
    found = [r.line for r in scan_jsonl(data, "feedback.event") if isinstance(r, BadRecord)]
    assert found == bad_lines


def test_a_broken_rule_is_a_validation_error_at_its_line() -> None:
    ok = {"models": ["a", "b"], "weights": {"a": 1.0}}
    bad = {"models": ["a"], "weights": {"z": 1.0}}
    data = lines(ok, ok, bad)
    with pytest.raises(ir.ValidationError) as info:
        list(ir.iter_jsonl(data, "reliability.ensemble"))
    [issue] = info.value.errors
    assert (issue.line, issue.path, issue.code) == (3, "weights.z", "consistency")


def test_strict_reports_unknown_keys_lax_drops_them() -> None:
    data = lines(event(1, colour="red"))
    assert [e.id for e in ir.iter_jsonl(data, "feedback.event")] == ["evt_1"]
    with pytest.raises(ir.DecodeError) as info:
        list(ir.iter_jsonl(data, "feedback.event", strict=True))
    assert [(i.line, i.path, i.code) for i in info.value.errors] == [(1, "colour", "unknown_field")]


def test_scan_jsonl_goes_on_after_bad_records() -> None:
    data = lines(event(1), b"nope", event(3), b'{"latency_ms": 1}', event(5))
    records = list(scan_jsonl(data, "feedback.event"))
    assert [r.id if isinstance(r, feedback.Event) else r.line for r in records] == [
        "evt_1",
        2,
        "evt_3",
        4,
        "evt_5",
    ]
    missing = records[3]
    assert isinstance(missing, BadRecord)
    assert missing.decode_failed
    assert [(i.path, i.code) for i in missing.issues] == [("id", "required")]


@pytest.mark.parametrize("chunk", [16, 64, 100, 1 << 20])
def test_chunk_boundaries_keep_records_and_line_numbers(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_jsonl, "CHUNK_SIZE", chunk)
    records = [event(n) for n in range(200)]
    records[157] = {"id": 7}  # wrong type, on line 158
    data = lines(*records)
    scanned = list(scan_jsonl(io.BytesIO(data), "feedback.event"))
    assert len(scanned) == 200
    bad = [r for r in scanned if isinstance(r, BadRecord)]
    assert [(r.line, r.issues[0].path) for r in bad] == [(158, "id")]
    good = [r for r in scanned if not isinstance(r, BadRecord)]
    assert [e.latency_ms for e in good] == [n for n in range(200) if n != 157]


def test_records_are_read_lazily() -> None:
    class Endless(io.RawIOBase):
        """An endless stream of good records, counting what was read."""

        read_bytes = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            data = (lines(event(0)) * (len(buffer) // 40 + 1))[: len(buffer)]
            buffer[: len(data)] = data
            self.read_bytes += len(data)
            return len(data)

    stream = Endless()
    first = next(ir.iter_jsonl(io.BufferedReader(stream), "feedback.event"))
    assert first.id == "evt_0"
    assert stream.read_bytes < 4 * _jsonl.CHUNK_SIZE


def test_repeated_vocabulary_values_are_shared() -> None:
    data = lines(*(event(n) for n in range(50)))
    events = list(ir.iter_jsonl(data, "feedback.event"))
    assert len({id(e.feedback_type) for e in events}) == 1  # one "rating" for all
    assert len({id(e.id) for e in events}) == 50


@pytest.mark.parametrize("enabled", [True, False])
def test_the_garbage_collector_is_left_as_found(enabled: bool) -> None:
    def collector_states() -> Iterator[bool]:
        for _ in ir.iter_jsonl(GOOD + lines(b"bad"), "feedback.event"):
            yield gc.isenabled()

    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        states = []
        with pytest.raises(ir.DecodeError):
            states.extend(collector_states())
        assert states == [enabled] * 3  # paused only while a chunk is decoded
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
