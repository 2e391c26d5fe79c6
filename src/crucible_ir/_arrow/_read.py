"""Arrow to IR objects, decoded and validated exactly as JSON Lines are.

A slice of rows is first read the quick way: each column becomes a list of
Python values (JSON text cells decoded by msgspec, timestamps formatted by
Arrow and parsed by msgspec, as the JSON reader does), the rows become dicts,
and `msgspec.convert` builds and checks the objects in C. Anything it does
not take as the JSON reader would (a NaN, a cell too deep, an unusual column
type, a value it refuses) sends the slice the thorough way: each row is written
as one line of JSON with Arrow's string functions and the lines go through
`iter_jsonl`'s decoding, so a bad row is reported the way a bad line is, with
its number, and the two ways agree on every good row.
"""

from __future__ import annotations

import bisect
import collections
import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import msgspec
import pyarrow as pa
import pyarrow.compute as pc

from .._checks._checker import holds_rules, rule_issues
from .._codec._gcpause import paused_gc
from .._codec._json import may_round_timestamps
from .._codec._jsonl import BadRecord, JSONLSource
from .._codec._jsonl import _batches as _jsonl_batches
from .._codec._limits import MAX_DEPTH
from .._errors import DecodeError, IRError, Issue, IssueCode, ValidationError
from .._model._base import IRStruct
from .._typetree import kinds
from ._shape import BOOL, FLOAT, INT, JSON, LIST, STR, STRUCT, TIME, VOCAB, Shape, shape_of
from ._write import TYPE_KEY

__all__ = ["ROWS_PER_BATCH", "check_type", "decoded_lists", "object_lists"]

ROWS_PER_BATCH = 16_384
"""Rows turned into JSON lines at a time: some megabytes of text."""

_LARGE = pa.large_string()
_ENCODE = msgspec.json.Encoder().encode
_RAW = msgspec.json.Decoder(msgspec.Raw).decode
_ANY: msgspec.json.Decoder[Any] = msgspec.json.Decoder()
_NEEDS_ESCAPE = r'[\x00-\x1f"\\]'
_TIMESTAMP_US = pa.timestamp("us")


def _lit(text: str) -> pa.Scalar:
    return pa.scalar(text, _LARGE)


_EMPTY, _NULL, _QUOTE, _OPEN, _CLOSE = _lit(""), _lit("null"), _lit('"'), _lit("{"), _lit("}")
_POINT_ZERO = _lit(".0")
_COMMA, _ZQUOTE, _LINE_END = _lit(","), _lit('Z"'), _lit("}\n")
_OPEN_LIST, _CLOSE_LIST, _NEWLINE = _lit("["), _lit("]"), _lit("\n")


class _BadCellError(Exception):
    """A cell that cannot be read: at ``index`` of the array at hand, ``path`` below it."""

    def __init__(self, index: int, path: str, message: str, code: IssueCode) -> None:
        super().__init__(message)
        self.index, self.path, self.message, self.code = index, path, message, code


class _BadColumnError(Exception):
    """A column of a type that cannot hold the field's values."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path, self.message = path, message


def check_type(schema: pa.Schema, cls: type[IRStruct], where: str) -> None:
    """Refuse a table whose schema metadata names another IR type."""
    named = (schema.metadata or {}).get(TYPE_KEY)
    if named is not None and named.decode("utf-8", "replace") != cls.__ir_type__:
        raise DecodeError(
            [
                Issue(
                    "",
                    IssueCode.TYPE,
                    f"the records are of type {named.decode('utf-8', 'replace')!r} "
                    f"(the schema metadata says so), not {cls.__ir_type__!r}",
                )
            ],
            title=where.rstrip(": ") or None,
        )


def object_lists(
    batches: Iterable[pa.RecordBatch], cls: type[IRStruct], *, where: str = ""
) -> Iterator[list[Any]]:
    """The IR objects of the rows of ``batches``, in order, a list at a time.

    A bad row raises `DecodeError` or `ValidationError` titled ``{where}row
    N:`` (N counts from 1 over all the batches), after the rows before it; a
    column of the wrong type raises `DecodeError` titled ``{where}column PATH:``.
    """
    shape = shape_of(cls)
    done = 0
    for batch in batches:
        for start in range(0, batch.num_rows, ROWS_PER_BATCH):
            part = batch.slice(start, ROWS_PER_BATCH)
            yield from _part(part, shape, cls, done, where)
            done += part.num_rows


def _part(
    part: pa.RecordBatch, shape: Shape, cls: type[IRStruct], done: int, where: str
) -> Iterator[list[Any]]:
    """The objects of one slice of rows (``done`` rows came before it)."""
    quick = _quickly(part, shape, cls)
    if quick is not None:
        yield quick
        return
    end, bad = part.num_rows, None
    while end:  # a cell that cannot be read: first the rows before it (which may hold another)
        try:
            data = _lines(part.slice(0, end), shape, where)
            break
        except _BadCellError as found:
            end, bad = found.index, found
    if end:
        try:
            yield from decoded_lists(data, cls)
        except IRError as exc:
            line = (exc.errors[0].line or 1) if exc.errors else 1
            issues = [Issue(i.path, i.code, i.message) for i in exc.errors]
            raise type(exc)(issues, title=f"{where}row {done + line}:") from None
    if bad is not None:
        raise DecodeError(
            [Issue(bad.path, bad.code, bad.message)], title=f"{where}row {done + bad.index + 1}:"
        )


def decoded_lists(
    source: JSONLSource, cls: type[IRStruct], *, shared: bool = True, strict: bool = False
) -> Iterator[list[Any]]:
    """What `iter_jsonl` yields, a list at a time (a chunk of the source each).

    The same decoding and the same checks, minus a generator step per record;
    with ``shared=False``, records do not share their repeated vocabulary values.
    """
    for batch, clean in _jsonl_batches(source, cls, strict=strict, shared=shared):
        if clean:
            yield batch
            continue
        for i, item in enumerate(batch):
            if isinstance(item, BadRecord):
                yield batch[:i]
                raise (DecodeError if item.decode_failed else ValidationError)(item.issues)
        yield batch


def _lines(batch: pa.RecordBatch, shape: Shape, where: str) -> memoryview:
    """The rows of ``batch`` as JSON Lines (a view of one Arrow buffer).

    Raises `_BadCellError` for a cell that cannot be read, `DecodeError` for a
    column that cannot hold its field.
    """
    columns = dict(zip(batch.schema.names, batch.columns, strict=True))
    try:
        lines = _object(columns.get, shape, batch.num_rows, _LINE_END)
    except _BadColumnError as bad:
        raise DecodeError(
            [Issue(bad.path, IssueCode.TYPE, bad.message)], title=f"{where}column {bad.path}:"
        ) from None
    return _text_buffer(lines)


def _object(
    column: Callable[[str], pa.Array | None], shape: Shape, length: int, close: pa.Scalar
) -> pa.Array:
    """JSON objects (never null) with one key per field that has a column."""
    omits = any(sub.omit_null for _, sub in shape.fields)
    pieces: list[Any] = []
    for name, sub in shape.fields:
        array = column(name)
        if array is None:
            continue  # a column the table lacks: the field takes its default
        try:
            text = _text(array, sub)
        except _BadCellError as bad:
            raise _BadCellError(bad.index, _join(name, bad.path), bad.message, bad.code) from None
        except _BadColumnError as bad:
            raise _BadColumnError(_join(name, bad.path), bad.message) from None
        comma = "," if omits or pieces else ""
        key = _lit(f"{comma}{_ENCODE(name).decode()}:")
        if sub.omit_null:  # an empty cell: the key is left out
            with_key = pc.binary_join_element_wise(key, text, _EMPTY)
            pieces.append(pc.if_else(pc.is_null(text), _EMPTY, with_key))
        else:
            pieces.extend((key, pc.fill_null(text, _NULL)))
    if not pieces:
        return pa.array(["{" + close.as_py()] * length, _LARGE)
    if omits:  # every key came with a comma before it (or nothing at all): drop the first
        body = pc.binary_join_element_wise(*pieces, _EMPTY)
        pieces = [pc.utf8_slice_codeunits(body, 1)]
    return pc.binary_join_element_wise(_OPEN, *pieces, close, _EMPTY)


def _join(name: str, path: str) -> str:
    if not path:
        return name
    return f"{name}{path}" if path.startswith("[") else f"{name}.{path}"


def _text(array: pa.Array, shape: Shape) -> pa.Array:
    """The JSON text of each value of ``array`` (large strings; null where a cell is null)."""
    kind = array.type
    if pa.types.is_dictionary(kind):
        array, kind = array.dictionary_decode(), kind.value_type
    if shape.kind in (STR, VOCAB):
        _expect(_is_text(kind), kind, "strings")
        return _quoted(array.cast(_LARGE))
    if shape.kind == JSON:
        _expect(_is_text(kind), kind, "JSON text (strings)")
        return _json_text(array.cast(_LARGE))
    if shape.kind == INT:
        _expect(pa.types.is_integer(kind), kind, "integers")
        return array.cast(_LARGE)
    if shape.kind == FLOAT:
        _expect(pa.types.is_floating(kind) or pa.types.is_integer(kind), kind, "numbers")
        if pa.types.is_integer(kind):
            return array.cast(_LARGE)
        array = array.cast(pa.float64())  # (a float32's value, as the quick way reads it)
        text = array.cast(_LARGE)
        infinite = pc.fill_null(pc.invert(pc.is_finite(array)), False)
        if pc.any(infinite).as_py():
            at = pc.index(infinite, True).as_py()
            message = f"expected a finite number, got {array[at].as_py()!r}"
            raise _BadCellError(at, "", message, IssueCode.RANGE)
        # (an integral float64 is written "1": made "1.0", a float, as the quick way reads it)
        integral = pc.fill_null(pc.match_substring_regex(text, "^-?[0-9]+$"), False)
        return pc.if_else(integral, pc.binary_join_element_wise(text, _POINT_ZERO, _EMPTY), text)
    if shape.kind == BOOL:
        _expect(pa.types.is_boolean(kind), kind, "booleans")
        return array.cast(_LARGE)
    if shape.kind == TIME:
        return _timestamps(array)
    if shape.kind == STRUCT:
        return _struct(array, shape)
    return _list(array, shape)


def _is_text(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _expect(ok: bool, kind: pa.DataType, what: str) -> None:
    if not ok:
        raise _BadColumnError("", f"expected a column of {what}, got {kind}")


def _quoted(array: pa.Array) -> pa.Array:
    """Strings as JSON strings: quotes around them, escapes where needed (done by msgspec)."""
    quoted = pc.binary_join_element_wise(_QUOTE, array, _QUOTE, _EMPTY)
    needs = pc.fill_null(pc.match_substring_regex(array, _NEEDS_ESCAPE), False)
    if not pc.any(needs).as_py():
        return quoted
    escaped = [_ENCODE(s).decode() for s in array.filter(needs).to_pylist()]
    return pc.replace_with_mask(quoted, needs, pa.array(escaped, _LARGE))


def _json_text(array: pa.Array) -> pa.Array:
    """JSON text cells, each checked to hold exactly one JSON value, on one line."""
    texts = pc.fill_null(array, _NULL).cast(pa.large_binary()).to_pylist()  # (UTF-8 or not)
    for i, text in enumerate(texts):
        try:
            _RAW(text)
        except msgspec.DecodeError as exc:
            shown = text[:40].decode("utf-8", "replace")
            raise _BadCellError(
                i, "", f"expected JSON text, got {shown!r} ({exc})", IssueCode.SYNTAX
            ) from None
    broken = pc.fill_null(pc.match_substring_regex(array, r"[\r\n]"), False)
    if pc.any(broken).as_py():  # a line break between tokens would split the row's line
        compact = [
            msgspec.json.format(text, indent=-1) for text in array.filter(broken).to_pylist()
        ]
        array = pc.replace_with_mask(array, broken, pa.array(compact, _LARGE))
    return array


def _text_buffer(array: pa.Array) -> memoryview:
    """The characters of a large string array without nulls, all of them, as one buffer."""
    if not len(array):
        return memoryview(b"")
    _, offsets, data = array.buffers()
    bounds = memoryview(offsets).cast("q")
    return memoryview(data)[bounds[array.offset] : bounds[array.offset + len(array)]]


def _timestamps(array: pa.Array) -> pa.Array:
    kind = array.type
    _expect(pa.types.is_timestamp(kind), kind, "timestamps")
    if kind.tz is None:
        raise _BadColumnError("", f"expected timestamps with a time zone (UTC), got {kind}")
    try:  # Arrow holds UTC instants: dropping the zone keeps the UTC wall time
        naive = array.cast(_TIMESTAMP_US)
    except pa.ArrowInvalid:
        raise _BadColumnError(
            "", f"expected timestamps to the microsecond at most (a Python datetime), got {kind}"
        ) from None
    return pc.binary_join_element_wise(_QUOTE, naive.cast(_LARGE), _ZQUOTE, _EMPTY)


def _struct(array: pa.Array, shape: Shape) -> pa.Array:
    kind = array.type
    _expect(pa.types.is_struct(kind), kind, f"structs ({shape.cls.__name__ if shape.cls else ''})")
    # flatten() applies the struct's own nulls to its fields: what lies under a null is not read.
    children = dict(
        zip((kind.field(i).name for i in range(kind.num_fields)), array.flatten(), strict=True)
    )
    text = _object(children.get, shape, len(array), _CLOSE)
    if array.null_count:
        text = pc.if_else(array.is_valid(), text, pa.scalar(None, _LARGE))
    return text


def _list(array: pa.Array, shape: Shape) -> pa.Array:
    kind = array.type
    _expect(pa.types.is_list(kind) or pa.types.is_large_list(kind), kind, "lists")
    assert shape.item is not None
    lengths = pc.fill_null(pc.list_value_length(array), 0).cast(pa.int64())
    offsets = pa.concat_arrays([pa.array([0], pa.int64()), pc.cumulative_sum(lengths)])
    try:
        texts = pc.fill_null(_text(array.flatten(), shape.item), _NULL)
    except _BadCellError as bad:  # at an item: find its list, and its place in the list
        starts = offsets.to_pylist()
        row = bisect.bisect_right(starts, bad.index) - 1
        place = f"[{bad.index - starts[row]}]{_dot(bad.path)}"
        raise _BadCellError(row, place, bad.message, bad.code) from None
    except _BadColumnError as bad:
        raise _BadColumnError(f"[]{_dot(bad.path)}", bad.message) from None
    nested = pa.LargeListArray.from_arrays(offsets, texts)
    joined = pc.binary_join(nested, _COMMA)
    text = pc.binary_join_element_wise(_OPEN_LIST, joined, _CLOSE_LIST, _EMPTY)
    if array.null_count:
        text = pc.if_else(array.is_valid(), text, pa.scalar(None, _LARGE))
    return text


def _dot(path: str) -> str:
    return path if not path or path.startswith("[") else f".{path}"


# -- the quick way --------------------------------------------------------------------------


class _NotQuickError(Exception):
    """A column or value the quick way does not take: the rows go the thorough way."""


_FORCE = msgspec.structs.force_setattr
_OMIT = object()
"""The value of an empty cell where an empty cell means "left out" (the key is dropped)."""


def _quickly(part: pa.RecordBatch, shape: Shape, cls: type[IRStruct]) -> list[Any] | None:
    """The objects of ``part`` built straight from its values, or None to go the thorough way.

    None unless the objects are exactly what decoding the rows' JSON lines
    would give: every value is converted and checked by msgspec as its decoder
    checks JSON, the cross-field rules hold, and JSON text cells hold one value
    each, nest within the limit and hold no timestamp msgspec would round.
    """
    columns = dict(zip(part.schema.names, part.columns, strict=True))
    try:
        with paused_gc():  # (the values form no cycles)
            objects = _convert(part, columns, shape, cls)
    except (_NotQuickError, msgspec.MsgspecError, pa.ArrowException, ValueError, OverflowError):
        return None  # (invalid UTF-8 is a ValueError: the JSON reader names its byte)
    if holds_rules(cls) and any(map(rule_issues, objects)):
        return None
    return objects


def _convert(
    part: pa.Table, columns: dict[str, pa.Array], shape: Shape, cls: type[IRStruct]
) -> list[Any]:
    subs = dict(shape.fields)
    # JSON text of a field with a default is decoded by msgspec as the field's type and
    # set afterwards: as checked as the rest, and `convert` need not copy its maps again.
    later = {
        f.name: _json_values(
            columns.pop(f.name), subs[f.name], 1, cls, msgspec.json.Decoder(f.type)
        )
        for f in msgspec.structs.fields(cls)
        if f.name in columns and not f.required and _deferred(subs[f.name], columns[f.name])
    }
    rows = _dicts(columns.get, shape, part.num_rows, 1, cls)
    objects: list[Any] = msgspec.convert(rows, list[cls])  # type: ignore[valid-type]
    del rows  # (before the collector runs again)
    for name, values in later.items():
        collections.deque(map(_FORCE, objects, itertools.repeat(name), values), maxlen=0)
    return objects


def _deferred(shape: Shape, array: pa.Array) -> bool:
    return shape.kind == JSON and not shape.omit_null and _is_text(array.type)


def _dicts(
    column: Callable[[str], pa.Array | None],
    shape: Shape,
    length: int,
    level: int,
    cls: type[IRStruct],
) -> list[dict[str, Any]]:
    """A dict per row, with a key per field that has a column (``level``: the object's nesting)."""
    names, values, omits = [], [], []
    for name, sub in shape.fields:
        array = column(name)
        if array is not None:
            names.append(name)
            values.append(_values(array, sub, level, cls))
            if sub.omit_null and array.null_count:
                omits.append(name)
    if not names:
        return [{} for _ in range(length)]
    rows = list(map(dict, map(zip, itertools.repeat(names), zip(*values, strict=True))))
    for name in omits:
        for row in rows:
            if row[name] is _OMIT:
                del row[name]
    return rows


def _values(array: pa.Array, shape: Shape, level: int, cls: type[IRStruct]) -> list[Any]:
    """The Python values of ``array`` as msgspec should convert them (None for an empty cell)."""
    kind = array.type
    if pa.types.is_dictionary(kind) and shape.kind == JSON:  # (a value a row: none shared)
        array, kind = array.dictionary_decode(), kind.value_type
    if pa.types.is_dictionary(kind):
        if shape.kind not in (STR, VOCAB):
            raise _NotQuickError
        table = [*_values(array.dictionary, shape, level, cls), _OMIT if shape.omit_null else None]
        indices = pc.fill_null(array.indices, len(table) - 1)
        return list(map(table.__getitem__, indices.to_pylist()))
    if shape.kind == JSON:
        return _json_values(array, shape, level, cls)
    if shape.kind == TIME:
        if not pa.types.is_timestamp(kind) or kind.tz is None:
            raise _NotQuickError
        # The text the thorough way writes: msgspec parses it as the JSON reader does.
        text = pc.binary_join_element_wise(array.cast(_TIMESTAMP_US).cast(pa.string()), "Z", "")
        return text.to_pylist()  # type: ignore[no-any-return]
    if shape.kind == STRUCT:
        if not pa.types.is_struct(kind):
            raise _NotQuickError
        children = dict(
            zip((kind.field(i).name for i in range(kind.num_fields)), array.flatten(), strict=True)
        )
        return _with_nulls(_dicts(children.get, shape, len(array), level + 1, cls), array)
    if shape.kind == LIST:
        return _list_values(array, shape, level, cls)
    if shape.kind == FLOAT and pa.types.is_floating(kind):
        if pc.any(pc.invert(pc.is_finite(array))).as_py():  # (NaN and infinities: the JSON way)
            raise _NotQuickError
        return array.cast(pa.float64()).to_pylist()  # type: ignore[no-any-return]
    takes = _QUICK_TYPES.get(shape.kind)
    if takes is None or not takes(kind):
        raise _NotQuickError
    return array.to_pylist()  # type: ignore[no-any-return]


_QUICK_TYPES: dict[str, Callable[[pa.DataType], bool]] = {
    STR: _is_text,
    VOCAB: _is_text,
    INT: pa.types.is_integer,
    BOOL: pa.types.is_boolean,
}
"""The columns taken as Python values as they are (a float column: see `_values`)."""


def _list_values(array: pa.Array, shape: Shape, level: int, cls: type[IRStruct]) -> list[Any]:
    kind = array.type
    if not (pa.types.is_list(kind) or pa.types.is_large_list(kind)) or shape.item is None:
        raise _NotQuickError
    items = _values(array.flatten(), shape.item, level + 1, cls)  # (what lies under a null: not)
    lengths = pc.fill_null(pc.list_value_length(array), 0).to_pylist()
    ends = list(itertools.accumulate(lengths))
    return _with_nulls(list(map(items.__getitem__, map(slice, [0, *ends], ends))), array)


def _json_values(
    array: pa.Array,
    shape: Shape,
    level: int,
    cls: type[IRStruct],
    decoder: msgspec.json.Decoder[Any] = _ANY,
) -> list[Any]:
    """The values of JSON text cells, decoded by ``decoder``: one value a cell, or not quick."""
    if not _is_text(array.type):
        raise _NotQuickError
    if not len(array):
        return []
    room = MAX_DEPTH - level  # (a text of n levels is at least 2n characters long)
    if (pc.max(pc.binary_length(array)).as_py() or 0) > 2 * room:
        openers = pc.count_substring_regex(array, r"[\[{]")  # (brackets in strings too)
        if (pc.max(openers).as_py() or 0) > room:
            raise _NotQuickError
    lines = pc.binary_join_element_wise(pc.fill_null(array.cast(_LARGE), _NULL), _NEWLINE, _EMPTY)
    text = bytes(_text_buffer(lines))
    if text.count(b"\n") != len(array):
        raise _NotQuickError  # a line break in a cell
    if not shape.opaque and "datetime" in kinds(cls) and may_round_timestamps(text):
        raise _NotQuickError  # (the JSON reader truncates what msgspec would round)
    if pc.any(pc.match_substring_regex(array, r"^[ \t\r]*$")).as_py():
        raise _NotQuickError  # a blank cell: with one of two values, the count would still hold
    values: list[Any] = decoder.decode_lines(text)
    if len(values) != len(array):
        raise _NotQuickError  # two values in one cell
    return _with_nulls(values, array, _OMIT) if shape.omit_null else values


def _with_nulls(values: list[Any], array: pa.Array, empty: Any = None) -> list[Any]:
    """``values`` with ``empty`` where ``array`` holds a null."""
    if not array.null_count:
        return values
    valid = array.is_valid().to_pylist()
    return [v if ok else empty for v, ok in zip(values, valid, strict=True)]
