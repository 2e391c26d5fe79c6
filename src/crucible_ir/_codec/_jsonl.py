"""Streaming bulk decoding of JSON Lines: one IR object per line.

Lines are read in chunks of about a megabyte and each chunk is decoded by
msgspec's ``decode_lines`` in one call (typed and rule-checked in C), so
memory stays bounded by the chunk whatever the file size; the cross-field
rules and the nesting limit are checked after it. When a chunk holds a bad
record, it is read again line by line, with `from_json` and `errors`, to yield
every good record before the bad one and to report the bad one at its line.
"""

from __future__ import annotations

import io
import itertools
import operator
import os
from collections.abc import Iterator
from typing import IO, Any, NamedTuple, TypeVar, Union

import msgspec

from .._checks._checker import holds_rules, rule_issues
from .._checks._validate import errors
from .._errors import DecodeError, Issue, ValidationError
from .._model._base import IRStruct
from .._model._types import NAME_EXPECTED as NAME
from .._typetree import plan
from ._gcpause import paused_gc
from ._json import decoder_for, fast_decodable, from_json
from ._limits import MAX_DEPTH, within_depth
from ._overloads import reads_each

__all__ = ["BadRecord", "JSONLSource", "iter_jsonl", "scan_jsonl"]

_T = TypeVar("_T", bound=IRStruct)
JSONLSource = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, IO[bytes]]
"""A path, the bytes themselves, or a binary file opened for reading."""

CHUNK_SIZE = 1 << 20


class BadRecord(NamedTuple):
    """A record of a JSON Lines source that failed, and why."""

    line: int
    """Its 1-based line number."""
    issues: list[Issue]
    """Its problems, each carrying ``line``."""
    decode_failed: bool
    """True when it could not be decoded at all (else it decoded but broke rules)."""
    text: bytes = b""
    """The line itself (without its line end), so a caller can place each issue in it."""


@reads_each
def iter_jsonl(
    source: JSONLSource, type: type[IRStruct] | str, *, strict: bool = False
) -> Iterator[Any]:
    r"""Decode and validate one IR object per line of JSON Lines, lazily.

    Blank lines are skipped. A bad record raises `DecodeError` (bad JSON,
    wrong types, missing fields) or `ValidationError` (a broken rule), each
    issue carrying the record's line number, after every good record before
    it has been yielded.

    >>> data = b'{"id": "evt_1", "feedback_value": "up"}\n{"id": "evt_2"}\n'
    >>> [event.id for event in iter_jsonl(data, "feedback.event")]
    ['evt_1', 'evt_2']
    """
    # (chained in C: a clean chunk's records are not each handed through a generator)
    return itertools.chain.from_iterable(
        batch if clean else _raising(batch)
        for batch, clean in _batches(source, type, strict=strict)
    )


def _raising(batch: list[Any]) -> Iterator[Any]:
    """The records of a chunk up to its first bad one, which raises."""
    for item in batch:
        if isinstance(item, BadRecord):
            raise (DecodeError if item.decode_failed else ValidationError)(item.issues)
        yield item


def scan_jsonl(
    source: JSONLSource, type: type[_T] | str, *, strict: bool = False
) -> Iterator[_T | BadRecord]:
    """Every record of a JSON Lines source, the object or a `BadRecord`: all bad ones reported."""
    for batch, _ in _batches(source, type, strict=strict):
        yield from batch


def _batches(
    source: JSONLSource, type: type[_T] | str, *, strict: bool, shared: bool = True
) -> Iterator[tuple[list[Any], bool]]:
    """The records chunk by chunk, with whether the chunk is all good objects.

    ``shared=False`` leaves `_Sharer` out, for a caller that does not keep the records.
    """
    decoder = decoder_for(type)
    cls: Any = decoder.type
    has_rules = holds_rules(cls)
    share = _Sharer(cls)
    line = 1
    for chunk in _chunks(source):
        raw = bytes(chunk)  # (bytes search faster than a memoryview; and split)
        lines = raw.split(b"\n")  # the line count, and each line's length for the depth limit
        first_line, line = line, line + len(lines) - 1
        clean = False
        if fast_decodable(cls, raw, strict):
            try:
                with paused_gc():  # (a collection every few hundred records costs more)
                    batch: list[Any] = decoder.decode_lines(chunk)
            except Exception:  # (RecursionError included: the line by line reading says why)
                pass
            else:
                clean = (
                    _one_a_line(lines, len(batch))
                    and _within_depth(lines)
                    and not (has_rules and any(map(rule_issues, batch)))
                )
        if not clean:
            batch = list(_line_by_line(lines, first_line, cls, strict=strict))
        if shared:
            share(batch if clean else [obj for obj in batch if not isinstance(obj, BadRecord)])
        yield batch, clean


def _one_a_line(lines: list[bytes], count: int) -> bool:
    """Whether ``count`` values that ``decode_lines`` read from ``lines`` are one a line.

    msgspec reads values apart by any white space: a record over several lines, or
    two on one, would be misread. Each non-blank line starting with ``{`` and ending
    with ``}`` (a value over lines breaks after ``:``, ``,`` or ``[`` where the next
    line starts with ``{``), as many as the values, means one each.
    """
    body = lines[:-1] if lines[-1] == b"" else lines  # (the chunk's last line end ends no line)
    if count == len(body) and all(body):  # the usual: no blank line, no \r, no spaces
        firsts, lasts = bytes(map(_FIRST, body)), bytes(map(_LAST, body))  # (in C)
        if firsts.count(b"{") == count and lasts.count(b"}") == count:
            return True
    records = [line.strip() for line in lines]
    records = [line for line in records if line]
    return count == len(records) and all(r[:1] == b"{" and r[-1:] == b"}" for r in records)


_FIRST, _LAST = operator.itemgetter(0), operator.itemgetter(-1)


def _within_depth(lines: list[bytes]) -> bool:
    """Whether every line nests within `MAX_DEPTH` (a short line cannot pass it)."""
    if max(map(len, lines)) <= 2 * MAX_DEPTH:
        return True
    return all(within_depth(line) for line in lines if len(line) > 2 * MAX_DEPTH)


class _Sharer:
    """Makes records share one copy of the open-vocabulary values that repeat across them.

    Every feedback event names one of a few feedback types: each `Name` field gets
    a table of the values seen, given up past `LIMIT` distinct values. It saves
    some sixty bytes a record for a few percent of the time.
    """

    LIMIT = 64

    def __init__(self, cls: type[IRStruct]) -> None:
        self.tables: dict[str, dict[str, str]] = {
            f.name: {} for f in plan(cls).fields if f.node.kind == "str" and f.node.expected == NAME
        }

    def __call__(self, objs: list[Any]) -> None:
        force = msgspec.structs.force_setattr
        for name, table in list(self.tables.items()):
            for obj in objs:
                value = getattr(obj, name)
                if value is None:
                    continue
                known = table.setdefault(value, value)
                if known is not value:
                    force(obj, name, known)
                elif len(table) > self.LIMIT:
                    del self.tables[name]  # too many distinct values to be worth it
                    break


def _line_by_line(
    lines: list[bytes], first_line: int, cls: type[_T], *, strict: bool
) -> Iterator[_T | BadRecord]:
    for lineno, raw in enumerate(lines, first_line):
        line = raw.rstrip(b"\r")
        if not line.strip():
            continue
        try:
            obj = from_json(line, cls, strict=strict)
        except DecodeError as exc:
            yield BadRecord(lineno, _at_line(exc.errors, lineno), True, line)
        else:
            problems = errors(obj)
            yield BadRecord(lineno, _at_line(problems, lineno), False, line) if problems else obj


def _at_line(issues: list[Issue], lineno: int) -> list[Issue]:
    return [Issue(i.path, i.code, i.message, lineno, i.column, i.loc) for i in issues]


def _chunks(source: JSONLSource) -> Iterator[bytes | memoryview]:
    """The source in chunks of about `CHUNK_SIZE` bytes, each ending at a line end.

    Each block read is handed on without copying (a memoryview), but for the
    line cut by the block boundary, which is joined to the rest of its line.
    """
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as stream:
            yield from _chunks(stream)
        return
    if isinstance(source, (bytes, bytearray, memoryview)):
        source = io.BytesIO(bytes(source))
    rest = b""
    while True:
        block = source.read(CHUNK_SIZE)
        if not block:
            if rest:
                yield rest
            return
        first = block.find(b"\n")
        if first < 0:
            rest += block
            continue
        yield rest + block[: first + 1]
        last = block.rfind(b"\n")
        if last > first:
            yield memoryview(block)[first + 1 : last + 1]
        rest = block[last + 1 :]
