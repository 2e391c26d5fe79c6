"""Streaming bulk decoding of JSON Lines: one IR object per line.

Lines are read in chunks of about a megabyte and each chunk is decoded by
msgspec's ``decode_lines`` in one call (typed and rule-checked in C), so
memory stays bounded by the chunk whatever the file size. When a chunk holds a
bad record, it is decoded again line by line to yield every good record before
the bad one and to report the bad one at its line.
"""

from __future__ import annotations

import gc
import io
import os
from collections.abc import Iterator
from typing import IO, Any, NamedTuple, TypeVar, Union, overload

import msgspec

from ._base import IRStruct, resolve_type
from ._checker import check_rules_only, rule_walker_for
from ._codec import chains_too_long, may_round_timestamps, parse_json
from ._convert import convert
from ._errors import DecodeError, Issue, ValidationError
from ._plan import chain_paths, holds_timestamps, plan
from ._types import NAME_EXPECTED as NAME

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


@overload
def iter_jsonl(source: JSONLSource, type: type[_T], *, strict: bool = ...) -> Iterator[_T]: ...
@overload
def iter_jsonl(source: JSONLSource, type: str, *, strict: bool = ...) -> Iterator[Any]: ...
def iter_jsonl(source: JSONLSource, type: type[_T] | str, *, strict: bool = False) -> Iterator[Any]:
    r"""Decode and validate one IR object per line of JSON Lines, lazily.

    Blank lines are skipped. A bad record raises `DecodeError` (bad JSON,
    wrong types, missing fields) or `ValidationError` (a broken rule), each
    issue carrying the record's line number, after every good record before
    it has been yielded.

    >>> data = b'{"id": "evt_1", "feedback_value": "up"}\n{"id": "evt_2"}\n'
    >>> [event.id for event in iter_jsonl(data, "feedback.event")]
    ['evt_1', 'evt_2']
    """
    for batch, clean in _batches(source, type, strict=strict):
        if clean:
            yield from batch
            continue
        for item in batch:
            if isinstance(item, BadRecord):
                raise (DecodeError if item.decode_failed else ValidationError)(item.issues)
            yield item


def scan_jsonl(
    source: JSONLSource, type: type[_T] | str, *, strict: bool = False
) -> Iterator[_T | BadRecord]:
    """Every record of a JSON Lines source: the object, or a `BadRecord`.

    Unlike `iter_jsonl` it goes on after a bad record, so a caller can report
    all of them.
    """
    for batch, _ in _batches(source, type, strict=strict):
        yield from batch


def _batches(
    source: JSONLSource, type: type[_T] | str, *, strict: bool
) -> Iterator[tuple[list[Any], bool]]:
    """The records chunk by chunk, with whether the chunk is all good objects."""
    cls = resolve_type(type)
    decoder: msgspec.json.Decoder[_T] = msgspec.json.Decoder(cls)
    has_rules = rule_walker_for(cls) is not None
    nests = bool(chain_paths(cls))  # may hold a fallback chain deeper than allowed
    stamped = holds_timestamps(cls)  # may hold a timestamp msgspec would round
    share = _Sharer(cls)
    for first_line, chunk in _chunks(source):
        if not strict and not (stamped and may_round_timestamps(chunk)):
            try:
                objs = _decode_lines(decoder, chunk)
            except Exception:
                pass
            else:
                deep = nests and any(chains_too_long(obj) for obj in objs)
                if not deep and (not has_rules or not any(check_rules_only(obj) for obj in objs)):
                    share(objs)
                    yield objs, True
                    continue
        batch = list(
            _line_by_line(chunk, first_line, cls, decoder, strict=strict, has_rules=has_rules)
        )
        share([obj for obj in batch if not isinstance(obj, BadRecord)])
        yield batch, False


def _decode_lines(decoder: msgspec.json.Decoder[_T], chunk: bytes | memoryview) -> list[_T]:
    """``decoder.decode_lines(chunk)`` with the cyclic garbage collector paused.

    Decoded records cannot form reference cycles, but every few hundred of them
    would start a collection, and as the caller's list of records grows, the
    older generations' collections traverse all of it again: that costs more
    than the decoding itself. Paused, the chunk costs one young collection.
    """
    if not gc.isenabled():
        return decoder.decode_lines(chunk)
    gc.disable()
    try:
        return decoder.decode_lines(chunk)
    finally:
        gc.enable()


class _Sharer:
    """Makes records share one copy of vocabulary values that repeat across them.

    Bulk data repeats itself: every feedback event names one of a few feedback
    types. Each field of an open vocabulary (a `Name`, such as
    ``feedback_type``) gets a small table of the values seen; a field with
    more distinct values than the table holds is left alone from then on. It
    saves some sixty bytes a record for a few percent of the time.
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
                known = table.get(value)
                if known is None:
                    if len(table) >= self.LIMIT:
                        del self.tables[name]  # too many distinct values to be worth it
                        break
                    table[value] = value
                elif known is not value:
                    force(obj, name, known)


def _line_by_line(
    chunk: bytes | memoryview,
    first_line: int,
    cls: type[_T],
    decoder: msgspec.json.Decoder[_T],
    *,
    strict: bool,
    has_rules: bool,
) -> Iterator[_T | BadRecord]:
    from ._validate import errors, mark_typed

    lineno = first_line - 1
    for raw in bytes(chunk).split(b"\n"):
        lineno += 1
        line = raw.rstrip(b"\r")
        if not line.strip():
            continue
        if not strict and not (holds_timestamps(cls) and may_round_timestamps(line)):
            try:
                obj = decoder.decode(line)
                if chains_too_long(obj):
                    raise ValueError("nested too deeply")  # the thorough path reports it
            except Exception:
                pass
            else:
                problems = check_rules_only(obj) if has_rules else []
                if problems:
                    yield BadRecord(lineno, _at_line(problems, lineno), False)
                else:
                    yield obj
                continue
        try:
            data = parse_json(line)
        except DecodeError as exc:
            yield BadRecord(lineno, _at_line(exc.errors, lineno), True)
            continue
        obj, issues = convert(data, cls, strict=strict, trusted=True)
        if issues:
            yield BadRecord(lineno, _at_line(issues, lineno), True)
            continue
        mark_typed(obj)  # as from_json does: built from parsed JSON, its opaque values are JSON
        problems = errors(obj)
        if problems:
            yield BadRecord(lineno, _at_line(problems, lineno), False)
        else:
            yield obj


def _at_line(issues: list[Issue], lineno: int) -> list[Issue]:
    return [Issue(i.path, i.code, i.message, lineno, i.column) for i in issues]


def _chunks(source: JSONLSource) -> Iterator[tuple[int, bytes | memoryview]]:
    """``(number of the chunk's first line, chunk)``; every chunk ends at a line end.

    Each block read is handed on without copying (a memoryview), but for the
    line cut by the block boundary, which is joined to the rest of its line.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        stream: IO[bytes] = io.BytesIO(bytes(source))
        close = False
    elif isinstance(source, (str, os.PathLike)):
        stream = open(source, "rb")  # noqa: SIM115 - closed below
        close = True
    else:
        stream = source
        close = False
    try:
        line = 1
        rest = b""
        while True:
            block = stream.read(CHUNK_SIZE)
            if not block:
                if rest:
                    yield line, rest
                return
            first = block.find(b"\n")
            if first < 0:
                rest += block
                continue
            head = rest + block[: first + 1]
            yield line, head
            line += head.count(b"\n")
            last = block.rfind(b"\n")
            if last > first:
                yield line, memoryview(block)[first + 1 : last + 1]
                line += block.count(b"\n", first + 1, last + 1)
            rest = block[last + 1 :]
    finally:
        if close:
            stream.close()
