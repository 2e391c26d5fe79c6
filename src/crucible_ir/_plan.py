"""The rules of each IR class, read back from its annotations.

`plan(cls)` turns the type hints of an IR class (with their `msgspec.Meta`
constraints) into a small tree of `Node`s. The checker behind `errors()` and
the lenient decoder interpret that tree; msgspec's own decoder reads the same
annotations. So every rule is written once, in the class definition.
"""

from __future__ import annotations

import datetime
import math
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

import msgspec

from ._base import IRStruct

__all__ = ["Field", "Node", "Plan", "plan"]


@dataclass(frozen=True)
class Bounds:
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

    def outside(self, var: str) -> str:
        """Python source that is true when ``var`` breaks the bounds (``"x < 0 or x > 1"``)."""
        conds = []
        if self.ge is not None:
            conds.append(f"{var} < {self.ge!r}")
        if self.gt is not None:
            conds.append(f"{var} <= {self.gt!r}")
        if self.le is not None:
            conds.append(f"{var} > {self.le!r}")
        if self.lt is not None:
            conds.append(f"{var} >= {self.lt!r}")
        return " or ".join(conds)

    def describe(self) -> str:
        """``in [0, 1]``, ``>= 1``, ``> 0``, ``in [0, 1)``."""
        lo = (
            (f"[{_n(self.ge)}" if self.ge is not None else f"({_n(self.gt)}")
            if (self.ge is not None or self.gt is not None)
            else None
        )
        hi = (
            (f"{_n(self.le)}]" if self.le is not None else f"{_n(self.lt)})")
            if (self.le is not None or self.lt is not None)
            else None
        )
        if lo and hi:
            return f"in {lo}, {hi}"
        if lo:
            return f">= {_n(self.ge)}" if self.ge is not None else f"> {_n(self.gt)}"
        if hi:
            return f"<= {_n(self.le)}" if self.le is not None else f"< {_n(self.lt)}"
        return ""

    def __bool__(self) -> bool:
        return any(b is not None for b in (self.ge, self.gt, self.le, self.lt))


def _n(x: float | None) -> str:
    return str(int(x)) if x is not None and float(x).is_integer() else str(x)


@dataclass(frozen=True)
class Node:
    """One type in a plan.

    ``kind`` is one of: str, int, number (int or float, kept as given), bool,
    literal, datetime, list, map (JSON object with typed values), json (any
    JSON value), struct, record (a JSON object with a fixed set of typed keys,
    held as a plain ``dict``: a `typing.TypedDict`), union (of non-null
    alternatives). ``unset`` means the value may be `msgspec.UNSET`: the key is
    left out on the wire.
    """

    kind: str
    nullable: bool = False
    unset: bool = False
    min_length: int | None = None
    pattern: re.Pattern[str] | None = None
    expected: str | None = None
    bounds: Bounds = field(default_factory=Bounds)
    values: tuple[str, ...] = ()
    item: Node | None = None
    cls: type[IRStruct] | None = None
    options: tuple[Node, ...] = ()
    keys: tuple[Field, ...] = ()

    def describe(self) -> str:
        """A short English name for what this node accepts."""
        return (
            _DESCRIBE.get(self.kind)
            or {
                "struct": f"an object ({self.cls.__ir_type__ if self.cls else '?'})",
                "literal": "one of " + ", ".join(self.values),
                "union": " or ".join(o.describe() for o in self.options),
                "record": "an object with " + ", ".join(f"`{k.name}`" for k in self.keys),
            }[self.kind]
        )


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


@dataclass(frozen=True)
class Field:
    """One field of an IR class."""

    name: str
    node: Node
    required: bool
    default: Any = msgspec.NODEFAULT
    default_factory: Any = None

    def default_value(self) -> Any:
        """A fresh copy of the field's default."""
        if self.default_factory is not None:
            return self.default_factory()
        return self.default

    @property
    def null_kept(self) -> bool:
        """Whether an explicit null is read, kept and left to validation to report.

        True for a name with a non-null default (``profile``, ``strategy``,
        ...): the reference writes ``null`` for such a name set to ``nil``,
        which its types allow (``nil`` is an atom). Other typed fields refuse null.
        """
        return (
            self.node.kind in ("str", "literal")
            and not self.node.nullable
            and isinstance(self.default, str)
        )


@dataclass(frozen=True)
class Plan:
    """The fields of one IR class, in declaration order."""

    cls: type[IRStruct]
    fields: tuple[Field, ...]
    by_name: dict[str, Field]


_PLANS: dict[type, Plan] = {}


def plan(cls: type[IRStruct]) -> Plan:
    """The (cached) plan of an IR class."""
    cached = _PLANS.get(cls)
    if cached is not None:
        return cached
    hints = typing.get_type_hints(cls, include_extras=True)
    info = {f.name: f for f in msgspec.structs.fields(cls)}
    fields = []
    for name, hint in hints.items():
        if name not in info or get_origin(hint) is ClassVar:
            continue
        fi = info[name]
        required = fi.required
        factory = None if fi.default_factory is msgspec.NODEFAULT else fi.default_factory
        fields.append(
            Field(
                name,
                _node(hint),
                required,
                fi.default if not required else msgspec.NODEFAULT,
                factory,
            )
        )
    result = Plan(cls, tuple(fields), {f.name: f for f in fields})
    _PLANS[cls] = result
    return result


def _metas(hint: Any) -> tuple[Any, list[msgspec.Meta]]:
    metas: list[msgspec.Meta] = []
    while get_origin(hint) is Annotated:
        args = get_args(hint)
        hint = args[0]
        metas.extend(m for m in args[1:] if isinstance(m, msgspec.Meta))
    return hint, metas


def _node(hint: Any) -> Node:
    hint, metas = _metas(hint)
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        args = get_args(hint)
        nullable = type(None) in args
        unset = msgspec.UnsetType in args
        rest = [a for a in args if a is not type(None) and a is not msgspec.UnsetType]
        nodes = [_node(a) for a in rest]
        ints = [n for n in nodes if n.kind == "int"]
        floats = [n for n in nodes if n.kind == "float"]
        if len(nodes) == 2 and ints and floats:
            merged = Node("number", nullable, unset, bounds=floats[0].bounds)
        elif len(nodes) == 1:
            merged = nodes[0]
            changes = {"nullable": nullable or merged.nullable, "unset": unset or merged.unset}
            merged = Node(**{**merged.__dict__, **changes})
            return _with_metas(merged, metas)
        else:
            merged = Node("union", nullable, unset, options=tuple(nodes))
        return _with_metas(merged, metas)
    return _with_metas(_plain(hint, origin), metas)


def _plain(hint: Any, origin: Any) -> Node:
    if hint is str:
        return Node("str")
    if hint is bool:
        return Node("bool")
    if hint is int:
        return Node("int")
    if hint is float:
        return Node("float")
    if hint is Any:
        return Node("json", nullable=True)
    if hint is datetime.datetime:
        return Node("datetime")
    if origin is Literal:
        return Node("literal", values=tuple(get_args(hint)))
    if origin is list:
        (item,) = get_args(hint)
        return Node("list", item=_node(item))
    if origin is dict:
        key, value = get_args(hint)
        if key is not str:  # pragma: no cover - a programming error
            raise TypeError(f"IR maps have string keys, not {key!r}")
        inner = _node(value)
        return Node("map", item=None if inner.kind == "json" else inner)
    if isinstance(hint, type) and issubclass(hint, IRStruct):
        return Node("struct", cls=hint)
    if typing.is_typeddict(hint):
        required = hint.__required_keys__
        keys = tuple(
            Field(name, _node(sub), name in required)
            for name, sub in typing.get_type_hints(hint, include_extras=True).items()
        )
        return Node("record", keys=keys)
    raise TypeError(f"unsupported IR field type {hint!r}")  # pragma: no cover


def _with_metas(node: Node, metas: list[msgspec.Meta]) -> Node:
    changes: dict[str, Any] = {}
    for meta in metas:
        if meta.min_length is not None:
            changes["min_length"] = meta.min_length
        if meta.pattern is not None:
            changes["pattern"] = re.compile(meta.pattern)
        if meta.extra and "expected" in meta.extra:
            changes["expected"] = meta.extra["expected"]
        bounds = {
            k: getattr(meta, k) for k in ("ge", "gt", "le", "lt") if getattr(meta, k) is not None
        }
        if bounds:
            changes["bounds"] = Bounds(**bounds)
    return Node(**{**node.__dict__, **changes}) if changes else node


def is_finite(value: float) -> bool:
    """Whether a float is neither NaN nor infinite."""
    return math.isfinite(value)


_CHAINS: dict[type, tuple[tuple[tuple[str, ...], str], ...]] = {}


def chain_paths(cls: type[IRStruct]) -> tuple[tuple[tuple[str, ...], str], ...]:
    """Where ``cls`` holds classes that nest in themselves: ``((path, field), ...)``.

    ``path`` is the attribute path from ``cls`` to an object whose ``field``
    holds another object of its own class (``(("backend",), "fallback")`` for
    an experiment); a step ending in ``[]`` stands for every item of a list
    (``(("reliability", "ensemble", "models[]"), "fallback")``).
    """
    cached = _CHAINS.get(cls)
    if cached is not None:
        return cached
    found: list[tuple[tuple[str, ...], str]] = []
    # (class, path to it, the classes above it): a class met again below itself is
    # a cycle through other classes, which no IR type has; it is not followed.
    stack: list[tuple[type[IRStruct], tuple[str, ...], frozenset[type]]] = [(cls, (), frozenset())]
    while stack:
        current, path, above = stack.pop()
        for f in plan(current).fields:
            for target, step in _struct_steps(f.node, f.name):
                if target is current and step == f.name:
                    found.append((path, f.name))
                elif target not in above and target is not current:
                    stack.append((target, (*path, step), above | {current}))
    _CHAINS[cls] = result = tuple(sorted(found))
    return result


def _struct_steps(node: Node, name: str) -> list[tuple[type[IRStruct], str]]:
    """The IR classes a field holds, each with its step: ``name``, or ``name[]`` in a list."""
    if node.kind == "struct" and node.cls is not None:
        return [(node.cls, name)]
    if node.kind == "union":
        return [step for option in node.options for step in _struct_steps(option, name)]
    if node.kind == "list" and node.item is not None:
        return [(cls, f"{name}[]") for cls, _ in _struct_steps(node.item, name)]
    return []


_TIMESTAMPED: dict[type, bool] = {}


def holds_timestamps(cls: type[IRStruct]) -> bool:
    """Whether objects of ``cls`` (or any IR object inside them) have a timestamp field."""
    cached = _TIMESTAMPED.get(cls)
    if cached is not None:
        return cached
    seen: set[type] = set()
    stack: list[type[IRStruct]] = [cls]
    found = False
    while stack and not found:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        for f in plan(current).fields:
            found = found or _has_datetime(f.node)
            stack.extend(target for target, _ in _struct_steps(f.node, f.name))
    _TIMESTAMPED[cls] = found
    return found


def _has_datetime(node: Node) -> bool:
    return (
        node.kind == "datetime"
        or (node.item is not None and _has_datetime(node.item))
        or any(_has_datetime(option) for option in node.options)
        or any(_has_datetime(key.node) for key in node.keys)
    )
