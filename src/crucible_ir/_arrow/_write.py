"""IR objects to Arrow: the schema of an IR class, and record batches of its objects.

Each field becomes one column, built from the list of that field's values
across a batch of objects (`operator.attrgetter` and `zip` do the transposing
in C). Nested objects become struct columns, lists list columns, and values
laid out as JSON text are written by msgspec's encoder, the one `to_json` uses.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import msgspec
import pyarrow as pa
import pyarrow.compute as pc

from .._checks._checker import safe_repr
from .._checks._validate import encoding_problems
from .._codec._gcpause import paused_gc
from .._codec._json import stack_issue
from .._codec._limits import json_type_name
from .._errors import Issue, IssueCode, ValidationError
from .._model._base import IRStruct
from .._version import IR_VERSION
from ._shape import BOOL, FLOAT, INT, JSON, LIST, STR, STRUCT, TIME, VOCAB, Shape, shape_of

__all__ = [
    "ENCODING_KEY",
    "TYPE_KEY",
    "VERSION_KEY",
    "arrow_type",
    "record_batch",
    "schema_of",
]

TYPE_KEY = b"crucible_ir.type"
"""Schema metadata: the IR type name of the records."""
VERSION_KEY = b"crucible_ir.ir_version"
"""Schema metadata: the IR version whose wire format the records follow."""
ENCODING_KEY = b"crucible_ir.encoding"
"""Field metadata: ``json`` on a string column that holds JSON text."""

_JSON_FIELD = {ENCODING_KEY: b"json"}
_TIMESTAMP = pa.timestamp("us", tz="UTC")
_VOCAB = pa.dictionary(pa.int32(), pa.string())
_SCALAR_TYPES = {
    STR: pa.string(),
    VOCAB: _VOCAB,
    INT: pa.int64(),
    FLOAT: pa.float64(),
    BOOL: pa.bool_(),
    TIME: _TIMESTAMP,
    JSON: pa.string(),
}
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_ENCODER = msgspec.json.Encoder()
_ENCODE, _ENCODE_LINES = _ENCODER.encode, _ENCODER.encode_lines
_NULL_TEXT = pa.scalar("null", pa.string())
_NO_TEXT = pa.scalar(None, pa.string())
_SCHEMAS: dict[type, pa.Schema] = {}


def arrow_type(shape: Shape) -> pa.DataType:
    """The Arrow type of a shape."""
    if shape.kind == STRUCT:
        return pa.struct(_fields(shape))
    if shape.kind == LIST and shape.item is not None:
        item = shape.item
        return pa.list_(
            pa.field("item", arrow_type(item), metadata=_JSON_FIELD if item.kind == JSON else None)
        )
    return _SCALAR_TYPES[shape.kind]


def _fields(shape: Shape) -> list[pa.Field]:
    return [
        pa.field(name, arrow_type(sub), metadata=_JSON_FIELD if sub.kind == JSON else None)
        for name, sub in shape.fields
    ]


def schema_of(cls: type[IRStruct]) -> pa.Schema:
    """The Arrow schema of an IR class, with its type name and the IR version as metadata."""
    found = _SCHEMAS.get(cls)
    if found is None:
        metadata = {TYPE_KEY: cls.__ir_type__.encode(), VERSION_KEY: IR_VERSION.encode()}
        found = _SCHEMAS[cls] = pa.schema(_fields(shape_of(cls)), metadata=metadata)
    return found


def record_batch(
    objects: Sequence[Any], cls: type[IRStruct], *, first: int = 0, trusted: bool = False
) -> pa.RecordBatch:
    """One record batch of ``objects``, all of class ``cls``.

    Each object is checked first as `to_json` checks it (types, finite
    numbers, plain JSON in opaque values), unless ``trusted``: objects a
    decoder has just built are known to be fine. Problems raise
    `ValidationError` at paths ``[i].field``, ``i`` counting from ``first``.
    """
    if not trusted:
        _check(objects, cls, first)
    shape = shape_of(cls)
    try:
        with paused_gc():  # (the lists made here form no cycles)
            columns = _columns(objects, shape)
    except (pa.ArrowException, OverflowError, TypeError, ValueError) as exc:
        _raise_unwritable(objects, shape, first, exc)
    return pa.RecordBatch.from_arrays(columns, schema=schema_of(cls))


def _check(objects: Sequence[Any], cls: type[IRStruct], first: int) -> None:
    for i, obj in enumerate(objects, first):
        if not isinstance(obj, cls):
            got = type(obj).__ir_type__ if isinstance(obj, IRStruct) else json_type_name(obj)
            raise ValidationError(
                [Issue(f"[{i}]", IssueCode.TYPE, f"expected a {cls.__ir_type__} object, got {got}")]
            )
        problems = encoding_problems(obj)
        if problems:
            raise ValidationError([_at(i, p) for p in problems], title=_TITLE)


_TITLE = "cannot be written to Arrow:"


def _at(index: int, issue: Issue) -> Issue:
    path = f"[{index}].{issue.path}" if issue.path else f"[{index}]"
    return Issue(path, issue.code, issue.message)


def _raise_unwritable(
    objects: Sequence[Any], shape: Shape, first: int, exc: Exception
) -> Any:  # never returns
    """Find the value Arrow refused (an integer beyond int64 or float64) and report its path."""
    for i, obj in enumerate(objects, first):
        issue = _out_of_range(obj, shape, "")
        if issue is not None:
            raise ValidationError([_at(i, issue)], title=_TITLE) from None
    raise exc  # not a value of the objects: a bug, shown as such


def _out_of_range(value: Any, shape: Shape, path: str) -> Issue | None:
    kind = shape.kind
    if kind == INT and type(value) is int and not _INT64_MIN <= value <= _INT64_MAX:
        return Issue(
            path,
            IssueCode.RANGE,
            "expected an integer within int64 (-2**63 to 2**63 - 1), what an Arrow "
            f"integer column holds, got {safe_repr(value)}",
        )
    if kind == FLOAT and not _float_holds(value):
        return Issue(
            path,
            IssueCode.RANGE,
            "expected a number a float64 column holds exactly (integers up to 2**53 "
            f"always), got {safe_repr(value)}",
        )
    if kind == STRUCT and isinstance(value, IRStruct):
        for name, sub in shape.fields:
            found = _out_of_range(getattr(value, name), sub, f"{path}.{name}" if path else name)
            if found is not None:
                return found
    elif kind == LIST and shape.item is not None and isinstance(value, (list, tuple)):
        for j, item in enumerate(value):
            found = _out_of_range(item, shape.item, f"{path}[{j}]")
            if found is not None:
                return found
    return None


def _columns(objects: Sequence[Any], shape: Shape) -> list[pa.Array]:
    """One array per field of ``shape`` from ``objects`` (IR objects, none of them None)."""
    names = [name for name, _ in shape.fields]
    if not objects:
        return [pa.array([], arrow_type(sub)) for _, sub in shape.fields]
    if len(names) == 1:
        columns: list[Sequence[Any]] = [[getattr(obj, names[0]) for obj in objects]]
    else:
        # (lists: Arrow converts a list faster than the tuple zip makes)
        columns = list(map(list, zip(*map(operator.attrgetter(*names), objects), strict=True)))
    return [_array(column, sub) for column, (_, sub) in zip(columns, shape.fields, strict=True)]


def _array(values: Sequence[Any], shape: Shape) -> pa.Array:
    kind = shape.kind
    if kind == VOCAB:
        return pa.array(values, pa.string()).dictionary_encode()
    if kind == JSON:
        return _json_array(values, shape)
    if kind == STRUCT:
        return _struct_array(values, shape)
    if kind == LIST:
        return _list_array(values, shape)
    if kind == FLOAT:
        if not all(map(_float_holds, values)):
            raise ValueError("an integer a float64 does not hold exactly")  # (placed by the caller)
        values = [float(v) if type(v) is int else v for v in values]  # (Arrow stops at 2**53)
    return pa.array(values, _SCALAR_TYPES[kind])


def _float_holds(value: Any) -> bool:
    """Whether a float64 cell holds ``value`` (a number or None) exactly."""
    if type(value) is not int:
        return True
    try:
        return float(value) == value
    except OverflowError:
        return False


def _json_array(values: Sequence[Any], shape: Shape) -> pa.Array:
    """JSON text; None is an empty cell, but where an empty cell means "left out".

    The values are written in one call, one per line (compact JSON holds no
    line break), and Arrow splits the lines: much faster than a call each.
    """
    if shape.omit_null:
        unset = msgspec.UNSET
        texts = [None if v is unset else _ENCODE(v) for v in values]
        return pa.array(texts, pa.string())
    if not values:
        return pa.array([], pa.string())
    try:
        lines = _ENCODE_LINES(values)
    except RecursionError:  # (values nest within the limit: the caller's stack is too deep)
        raise ValidationError([stack_issue("write it")], title=_TITLE) from None
    whole = pa.array([lines[:-1]], pa.binary()).cast(pa.string())
    array = pc.split_pattern(whole, "\n").flatten()
    if None not in values:
        return array
    return pc.if_else(pc.equal(array, _NULL_TEXT), _NO_TEXT, array)


def _struct_array(values: Sequence[Any], shape: Shape) -> pa.Array:
    kind = arrow_type(shape)
    present = [v for v in values if v is not None]
    if not present:
        return pa.nulls(len(values), kind)
    array = pa.StructArray.from_arrays(_columns(present, shape), fields=list(kind))
    if len(present) == len(values):
        return array
    # Spread the objects over the rows, with a null row where there is no object.
    indices: list[int | None] = []
    count = 0
    for v in values:
        if v is None:
            indices.append(None)
        else:
            indices.append(count)
            count += 1
    return array.take(pa.array(indices, pa.int64()))


def _list_array(values: Sequence[Any], shape: Shape) -> pa.Array:
    assert shape.item is not None
    offsets = [0]
    nulls = []
    items: list[Any] = []
    for v in values:
        if v is not None:
            items.extend(v)
        nulls.append(v is None)
        offsets.append(len(items))
    return pa.ListArray.from_arrays(
        pa.array(offsets, pa.int32()),
        _array(items, shape.item),
        type=arrow_type(shape),
        mask=pa.array(nulls, pa.bool_()) if any(nulls) else None,
    )
