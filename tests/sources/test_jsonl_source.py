"""JSON Lines: split a line at a time, in constant memory, then read with load_json."""

from __future__ import annotations

import io
import itertools
from typing import Any

import pytest

from crucible_ir._sources import SourceError, iter_jsonl, load_json


def test_lines_are_numbered_and_blank_ones_skipped() -> None:
    stream = io.BytesIO(b'{"a": 1}\n\n   \t\n[2]\r\n  "x"  \r\n\r\n{"b": null}')
    assert list(iter_jsonl(stream)) == [
        (1, b'{"a": 1}'),
        (4, b"[2]"),
        (5, b'  "x"  '),
        (7, b'{"b": null}'),
    ]


def test_empty_stream() -> None:
    assert list(iter_jsonl(io.BytesIO(b""))) == []
    assert list(iter_jsonl(io.BytesIO(b"\n\n\r\n"))) == []


def test_lines_are_left_undecoded() -> None:
    assert list(iter_jsonl(io.BytesIO(b'"\xff"\n'))) == [(1, b'"\xff"')]


class EndlessLines(io.RawIOBase):
    """An endless stream of JSON lines that fails once too much of it is read."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.line = b'{"step": 1}\n'

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        assert self.budget > 0, "the whole stream was being read"
        count = len(buffer) - len(buffer) % len(self.line)
        chunk = self.line * (count // len(self.line))
        buffer[: len(chunk)] = chunk
        self.budget -= len(chunk)
        return len(chunk)


def test_reads_lazily_in_constant_memory() -> None:
    stream = io.BufferedReader(EndlessLines(budget=1_000_000))
    lines = list(itertools.islice(iter_jsonl(stream), 20_000))
    assert lines[-1] == (20_000, b'{"step": 1}')


def test_errors_combine_the_line_number_with_the_column() -> None:
    found = []
    for number, line in iter_jsonl(io.BytesIO(b'{"a": 1}\n\n{"a": 1,}\n')):
        try:
            load_json(line)
        except SourceError as exc:
            found.append((number, exc.column, exc.message))
    assert found == [(3, 9, "malformed JSON: trailing comma in object")]


@pytest.mark.parametrize("ending", [b"\n", b"\r\n"])
def test_line_endings_are_stripped(ending: bytes) -> None:
    lines = [line for _, line in iter_jsonl(io.BytesIO(b"[1]" + ending + b"[2]" + ending))]
    assert [load_json(line).data for line in lines] == [[1], [2]]
