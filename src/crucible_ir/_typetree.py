"""The type tree: one description of every IR type, read from `msgspec.inspect`.

`plan(cls)` describes the fields of an IR class as `Node` trees (kinds,
constraints, defaults, documentation) as msgspec's own decoder sees them. The
lenient decoder, the checker, the JSON Schema and the CLI's locator interpret
this tree; a type or constraint it does not know is an error, never ignored.
"""

from __future__ import annotations

import datetime
import functools
import re
import types
import typing
from collections.abc import Iterator
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

import msgspec
import msgspec.inspect as mi

from ._model._base import IRStruct

__all__ = ["Bounds", "Field", "Node", "Plan", "guard", "kinds", "plan", "reachable"]


class Bounds(msgspec.Struct, frozen=True):
    """Numeric bounds of a field (any may be None)."""

    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None

    def violated(self, value: float) -> bool:
        """Whether ``value`` is outside the bounds."""
        return (
            (self.ge is not None and value < self.ge)
            or (self.gt is not None and value <= self.gt)
            or (self.le is not None and value > self.le)
            or (self.lt is not None and value >= self.lt)
        )

    def describe(self) -> str:
        """``in [0, 1]``, ``>= 1``, ``> 0``, ``in [0, 1)``."""
        lo = f"[{_n(self.ge)}" if self.ge is not None else f"({_n(self.gt)}"
        hi = f"{_n(self.le)}]" if self.le is not None else f"{_n(self.lt)})"
        has_lo = self.ge is not None or self.gt is not None
        has_hi = self.le is not None or self.lt is not None
        if has_lo and has_hi:
            return f"in {lo}, {hi}"
        if has_lo:
            return f">= {_n(self.ge)}" if self.ge is not None else f"> {_n(self.gt)}"
        return f"<= {_n(self.le)}" if self.le is not None else f"< {_n(self.lt)}"


def _n(x: float | None) -> str:
    return str(int(x)) if x is not None and float(x).is_integer() else str(x)


class Node(msgspec.Struct, frozen=True, eq=False):  # (compared and hashed by identity)
    """One type in the tree.

    ``kind``: str, int, number (int or float, kept as given), bool, literal,
    datetime, list, map (``item`` None for an opaque map), json (any JSON value),
    struct (an IR class), record (a `typing.TypedDict`), union (of non-null
    alternatives, told apart by their JSON type).
    """

    kind: str
    nullable: bool = False
    unset: bool = False
    """Whether the value may be `msgspec.UNSET` (a field whose key is left out of the JSON)."""
    min_length: int | None = None
    max_length: int | None = None
    pattern: re.Pattern[str] | None = None
    expected: str | None = None
    bounds: Bounds = msgspec.field(default_factory=Bounds)
    values: tuple[str, ...] = ()
    item: Node | None = None
    cls: type[Any] | None = None
    options: tuple[Node, ...] = ()
    keys: tuple[Field, ...] = ()
    schema: dict[str, Any] = msgspec.field(default_factory=dict)
    """Extra JSON Schema keywords of the type (``{"format": "uri"}``)."""

    def describe(self) -> str:
        """A short English name for what this node accepts."""
        kind = self.kind
        if kind == "struct":
            return f"an object ({getattr(self.cls, '__ir_type__', '?')})"
        if kind == "literal":
            return "one of " + ", ".join(self.values)
        if kind == "union":
            return " or ".join(o.describe() for o in self.options)
        if kind == "record":
            return "an object with " + ", ".join(f"`{k.name}`" for k in self.keys)
        return _DESCRIBE[kind]

    @property
    def wire(self) -> str:
        """The JSON type a value of this node is written as: str, int, number, bool, list, object."""
        return _WIRE.get(self.kind, "object")


_DESCRIBE = {
    "str": "a string",
    "int": "an integer",
    "number": "a number",
    "bool": "a boolean",
    "datetime": "a timestamp with a UTC offset",
    "list": "a list",
    "map": "an object",
    "json": "a JSON value",
}
_WIRE = {"str": "str", "literal": "str", "datetime": "str", "int": "int", "number": "number"}
_WIRE.update(bool="bool", list="list", json="any")


class Field(msgspec.Struct, frozen=True):
    """One field of an IR class (or one key of a record)."""

    name: str
    node: Node
    required: bool
    default: Any  # (`msgspec.NODEFAULT` for none)
    default_factory: Any = None
    doc: str = ""

    @property
    def unset(self) -> bool:
        """Whether the field may be `msgspec.UNSET`: its key is then left out of the JSON."""
        return self.node.unset

    @property
    def null_kept(self) -> bool:
        """Whether an explicit null is read, kept and left to validation to report.

        The reference writes ``null`` for a name with a default set to ``nil``
        (``profile``, ``strategy``) and for a required string it reads as
        ``nil`` (a null ``baseline.id``); other typed fields refuse null.
        """
        kind = self.node.kind
        named = kind in ("str", "literal") and isinstance(self.default, str)
        return not self.node.nullable and (named or (kind == "str" and self.required))


class Plan(msgspec.Struct, frozen=True):
    """The fields of one IR class, in declaration (and wire) order."""

    cls: type[IRStruct]
    fields: tuple[Field, ...]
    by_name: dict[str, Field]


_PLANS: dict[type, Plan] = {}
_INFOS: dict[type, mi.StructType] = {}  # (nested classes met in a `type_info` answer)


def plan(cls: type[IRStruct]) -> Plan:
    """The type tree of an IR class's fields (worked out once per class)."""
    found = _PLANS.get(cls)
    if found is None:  # (one `type_info` call describes the classes nested in ``cls`` too)
        info = _INFOS.get(cls) or mi.type_info(cls)
        found = _PLANS[cls] = _plan(info)  # type: ignore[arg-type]  # (an IR class is a struct)
    return found


def _plan(info: mi.StructType) -> Plan:
    cls: type[IRStruct] = info.cls  # type: ignore[assignment]  # (only IR structs get here)
    # (`msgspec.inspect` shows an UNSET default as no default: the struct's own defaults say)
    names, defaults = cls.__struct_fields__, cls.__struct_defaults__
    with_default = zip(names[len(names) - len(defaults) :], defaults, strict=True)
    unset = {name for name, default in with_default if default is msgspec.UNSET}
    # (and sorts the values of a literal: `guard` kept the order of the annotations)
    if cls not in _ORDERS:
        guard(cls)  # (a class naming one defined after it)
    orders, where = _ORDERS[cls], cls.__qualname__
    fields = tuple(
        _field(f, f"{where}.{f.name}", f.name in unset, orders[f.name]) for f in info.fields
    )
    return Plan(cls, fields, {f.name: f for f in fields})


_Orders = dict[frozenset[Any], tuple[Any, ...]]


@functools.cache
def kinds(cls: type[IRStruct]) -> frozenset[str]:
    """The kinds of node in ``cls``'s tree, its nested IR classes' included.

    (msgspec's typed decoder rounds timestamps and drops a record's unknown keys.)
    """
    return frozenset(n.kind for n in reachable(Node("struct", cls=cls)))


def reachable(node: Node) -> Iterator[Node]:
    """``node`` and every node below it, nested IR classes' fields included, each once."""
    seen: set[int] = set()
    todo = [node]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if current.kind == "struct":
            todo.extend(f.node for f in plan(current.cls).fields)  # type: ignore[arg-type]
        todo.extend([*current.options, *(k.node for k in current.keys)])
        if current.item is not None:
            todo.append(current.item)


def _field(info: mi.Field, where: str, unset: bool, orders: _Orders) -> Field:
    node, doc = _node(info.type, where, orders)
    factory = None if info.default_factory is msgspec.NODEFAULT else info.default_factory
    default = msgspec.UNSET if unset else info.default
    node = _replace(node, unset=True) if unset else node
    return Field(info.name, node, info.required, default, factory, doc)


def _node(t: mi.Type, where: str, orders: _Orders) -> tuple[Node, str]:
    """The node of a msgspec type, and the description its metadata gives."""
    doc = ""
    extra: dict[str, Any] = {}
    schema: dict[str, Any] = {}
    while isinstance(t, mi.Metadata):
        json_schema = dict(t.extra_json_schema or {})
        doc = doc or json_schema.pop("description", "")
        json_schema.pop("title", None)
        json_schema.pop("examples", None)
        schema = {**json_schema, **schema}
        extra = {**(t.extra or {}), **extra}
        t = t.type
    node = _plain(t, where, orders)
    if "expected" in extra or schema:
        expected = extra.get("expected", node.expected)
        node = _replace(node, expected=expected, schema={**node.schema, **schema})
    return node, doc


def _plain(t: mi.Type, where: str, orders: _Orders) -> Node:
    if isinstance(t, mi.StrType):
        pattern = re.compile(t.pattern) if t.pattern is not None else None
        return Node("str", min_length=t.min_length, max_length=t.max_length, pattern=pattern)
    if isinstance(t, (mi.IntType, mi.FloatType)) and t.multiple_of is None:
        kind = "int" if isinstance(t, mi.IntType) else "number"  # (a JSON integer reads as a float)
        return Node(kind, bounds=Bounds(ge=t.ge, gt=t.gt, le=t.le, lt=t.lt))
    if isinstance(t, mi.BoolType):
        return Node("bool")
    if isinstance(t, mi.AnyType):
        return Node("json", nullable=True)
    if isinstance(t, mi.DateTimeType) and t.tz is True:
        return Node("datetime")
    if isinstance(t, mi.LiteralType) and all(type(v) is str for v in t.values):
        values = orders.get(frozenset(t.values), t.values)
        return Node("literal", values=tuple(str(v) for v in values))
    if isinstance(t, mi.ListType):
        item, _ = _node(t.item_type, f"{where}[]", orders)
        return Node("list", item=item, min_length=t.min_length, max_length=t.max_length)
    if isinstance(t, mi.DictType) and t.key_type == mi.StrType():
        value, _ = _node(t.value_type, f"{where}{{}}", orders)
        typed = None if value.kind == "json" else value
        return Node("map", item=typed, min_length=t.min_length, max_length=t.max_length)
    if isinstance(t, mi.StructType) and issubclass(t.cls, IRStruct):
        _INFOS.setdefault(t.cls, t)
        return Node("struct", cls=t.cls)
    if isinstance(t, mi.TypedDictType):
        keys = []
        for f in t.fields:
            node, doc = _node(f.type, f"{where}.{f.name}", orders)
            keys.append(Field(f.name, node, f.required, msgspec.NODEFAULT, doc=doc))
        return Node("record", cls=t.cls, keys=tuple(keys))
    if isinstance(t, mi.UnionType):
        return _union(t, where, orders)
    raise TypeError(f"{where}: crucible_ir does not interpret the type {t!r}")


def _union(t: mi.UnionType, where: str, orders: _Orders) -> Node:
    nullable = any(isinstance(o, mi.NoneType) for o in t.types)
    nodes = [_node(o, where, orders)[0] for o in t.types if not isinstance(o, mi.NoneType)]
    kinds = sorted(n.kind for n in nodes)
    if kinds == ["int", "number"] and nodes[0].bounds == nodes[1].bounds:
        return Node("number", nullable, bounds=nodes[0].bounds)  # an int stays an int
    if len(nodes) == 1:
        return _replace(nodes[0], nullable=nullable or nodes[0].nullable)
    wires = [n.wire for n in nodes]
    if len(set(wires)) < len(wires) or "any" in wires:
        raise TypeError(f"{where}: the alternatives of {t!r} have the same JSON type")
    return Node("union", nullable, options=tuple(nodes))


def _replace(node: Node, **changes: Any) -> Node:
    return msgspec.structs.replace(node, **changes)


# -- checked when a class is defined ----------------------------------------------------

_META_KNOWN = {"ge", "gt", "le", "lt", "min_length", "max_length", "pattern"}
_META_KNOWN |= {"description", "title", "examples", "extra", "extra_json_schema", "tz"}
_ATOMS = (str, int, float, bool, type(None), datetime.datetime, msgspec.UnsetType)
_SHAPES = (list, dict, Literal, Union, types.UnionType)


_ORDERS: dict[type, dict[str, _Orders]] = {}  # (each field's literals in written order, by set)
_META_NAMES = [k for k in dir(msgspec.Meta) if k[0] != "_"]


def guard(cls: type) -> None:
    """Raise `TypeError` when ``cls`` declares a type or constraint the type tree does not know.

    Called as each IR class is defined, before msgspec can describe it: a
    ``Meta(multiple_of=...)`` or a ``bytes`` field is refused at once.
    """
    try:
        hints = typing.get_type_hints(cls, include_extras=True, localns={cls.__name__: cls})
    except NameError:  # a class defined further down: `plan` will check it
        return
    orders: dict[str, _Orders] = {}
    for name, hint in hints.items():
        if get_origin(hint) is not ClassVar:
            orders[name] = {}
            _guard_hint(hint, f"{cls.__qualname__}.{name}", orders[name])
    _ORDERS[cls] = orders


def _guard_hint(hint: Any, where: str, orders: _Orders) -> None:
    origin = get_origin(hint)
    if origin is Annotated:
        base, *metas = get_args(hint)
        for meta in metas:
            if isinstance(meta, msgspec.Meta):
                unknown = {k for k in _META_NAMES if getattr(meta, k) is not None} - _META_KNOWN
                if unknown or meta.tz is False:
                    bad = ", ".join(sorted(unknown)) or "tz=False"
                    raise TypeError(f"{where}: crucible_ir does not interpret Meta({bad})")
        _guard_hint(base, where, orders)
    elif origin in _SHAPES:
        if origin is dict and get_args(hint)[0] is not str:
            raise TypeError(f"{where}: JSON objects have string keys, not {hint!r}")
        for arg in get_args(hint):
            if origin is not Literal:
                _guard_hint(arg, where, orders)
            elif type(arg) is not str:
                raise TypeError(f"{where}: literal values are strings, not {arg!r}")
        if origin is Literal:
            orders[frozenset(get_args(hint))] = get_args(hint)
    elif not (
        hint is Any
        or hint in _ATOMS
        or (isinstance(hint, type) and issubclass(hint, IRStruct))
        or typing.is_typeddict(hint)
    ):
        raise TypeError(f"{where}: crucible_ir does not interpret the type {hint!r}")
