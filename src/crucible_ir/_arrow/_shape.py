"""The columnar shape of an IR class, read from its plan.

`shape_of` is the one place where the Arrow support reads the description of
the IR types (``_typetree``): it folds each field's node into one of a few column
kinds. Everything else in ``_arrow`` works on `Shape`, so the Arrow schema is
derived from the class definitions and never written by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._model._base import IRStruct
from .._model._types import NAME_EXPECTED
from .._typetree import Node, plan

__all__ = ["Shape", "shape_of"]

STR = "str"
"""Free text and identifiers: a string column."""
VOCAB = "vocab"
"""A vocabulary value (an open `Name` or a closed literal): a dictionary-encoded string column."""
INT = "int"
"""An integer: int64."""
FLOAT = "float"
"""A number (a float, or an integer a float64 holds exactly): float64."""
BOOL = "bool"
"""A boolean."""
TIME = "time"
"""A timezone-aware timestamp: timestamp("us", tz="UTC")."""
JSON = "json"
"""JSON text in a string column: opaque values, unions, maps."""
STRUCT = "struct"
"""A nested IR object: a struct column."""
LIST = "list"
"""A list: a list column."""


@dataclass(frozen=True)
class Shape:
    """How one value (a field, a list item, a whole record) is laid out in Arrow."""

    kind: str
    omit_null: bool = False
    """For JSON text of a field that may be left out (`msgspec.UNSET`): an empty
    cell means "left out", the text ``null`` means None."""
    item: Shape | None = None
    """The shape of a list's items."""
    fields: tuple[tuple[str, Shape], ...] = ()
    """The shapes of a struct's fields, in declaration (alphabetical) order."""
    cls: type[IRStruct] | None = None
    """The IR class of a struct."""
    opaque: bool = False
    """For JSON text: any JSON value (or map of them), so it holds no timestamp to parse."""


_SCALARS = {"int": INT, "number": FLOAT, "bool": BOOL, "datetime": TIME, "literal": VOCAB}
_SHAPES: dict[type, Shape] = {}


def shape_of(cls: type[IRStruct]) -> Shape:
    """The struct shape of an IR class (cached: classes do not change)."""
    found = _SHAPES.get(cls)
    if found is None:
        found = _SHAPES[cls] = _struct(cls, (cls,))
    return found


def _struct(cls: type[IRStruct], outer: tuple[type, ...]) -> Shape:
    fields = tuple((f.name, _shape(f.node, outer)) for f in plan(cls).fields)
    return Shape(STRUCT, fields=fields, cls=cls)


def _shape(node: Node, outer: tuple[type, ...]) -> Shape:
    """The shape of one node; ``outer`` holds the classes being laid out around it.

    A number (a float field, which takes an integer too) is a float64: an
    integer there reads back as a float (``1`` as ``1.0``, equal), and one a
    float64 cannot hold exactly is refused when written. A class
    nested in itself (a backend's fallback) is JSON text where it recurs, as an
    Arrow schema is finite. Maps, unions and opaque values are JSON text too;
    so is any field that may be left out (`msgspec.UNSET`) as well as null.
    """
    if node.unset:
        return Shape(JSON, omit_null=True)
    kind = node.kind
    if kind == "str":
        return Shape(VOCAB if node.expected == NAME_EXPECTED else STR)
    if kind in _SCALARS:
        return Shape(_SCALARS[kind])
    if kind == "list" and node.item is not None:
        return Shape(LIST, item=_shape(node.item, outer))
    if kind == "struct" and node.cls is not None and node.cls not in outer:
        return _struct(node.cls, (*outer, node.cls))
    opaque = kind == "json" or (kind == "map" and node.item is None)
    return Shape(JSON, opaque=opaque)  # json, map, record, union, a recurring struct
