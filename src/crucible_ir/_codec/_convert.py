"""The lenient decoder: plain data to IR objects, reporting every decoding problem.

It runs when msgspec's typed decoder (which stops at the first problem) refuses
a document, and for ``from_dict`` data it cannot take as it is. It checks only
what decoding owns (JSON types, required keys, nulls, timestamps, unknown keys
in strict mode, nesting, values JSON cannot carry) and builds new objects
without validating their values. It also reads what the reference writes but
msgspec refuses: ``null`` for a name with a default (kept, for `errors()`),
``[]`` for an empty object, and timestamps with over six fractional digits
(truncated).
"""

from __future__ import annotations

import datetime
import difflib
import enum
import re
from typing import Any

import msgspec

from .._checks._checker import Walker, option_for, timestamp_problem
from .._errors import Issue, IssueCode, Loc
from .._model._base import IRStruct
from .._model._types import Timestamp
from .._typetree import Field, Node, plan
from ._limits import enum_value, got, json_type_name, text_ok

__all__ = ["convert"]

C = IssueCode
_MISSING = object()
_JSON = Node("json", nullable=True)
# Digits of a fraction past the sixth: the reference truncates them, msgspec would round.
_EXCESS_DIGITS = re.compile(r"(:\d\d\.\d{6})\d+")
# What a stack entry does (its first item).
_VALUE, _BUILD, _ABSENT, _KEYS, _LEAVE = range(5)


def convert(
    data: Any, cls: type[IRStruct], *, strict: bool, trusted: bool, partial: bool = False
) -> tuple[Any, list[Issue]]:
    """Build a ``cls`` from plain data: ``(object, [])`` or ``(None, issues)``.

    ``trusted`` data came from a JSON parser and nests within `MAX_DEPTH`: its
    opaque values are taken as they are; other data is checked and copied.
    ``partial=True`` builds the object even with issues, leaving out each value
    that failed (default, or None when required), so that it can be checked too.
    """
    walk = _Walk(strict=strict, trusted=trusted, partial=partial)
    obj = walk.run(data, cls)
    return (None if walk.issues and not partial else obj), walk.issues


class _Walk(Walker):
    def __init__(self, *, strict: bool, trusted: bool, partial: bool) -> None:
        super().__init__()
        self.strict = strict
        self.trusted = trusted
        self.partial = partial

    def run(self, data: Any, cls: type[IRStruct]) -> Any:
        root: list[Any] = [None]
        # (what, value, node, loc, depth, the container the result goes in, its key, field)
        self.stack: list[tuple[Any, ...]] = [
            (_VALUE, data, Node("struct", cls=cls), (), 0, root, 0, None)
        ]
        stack = self.stack
        while stack:
            what, value, node, loc, depth, into, key, f = stack.pop()
            if what == _VALUE:
                if value is None:
                    self.null(node, loc, (into, key), f)
                else:
                    self.value(value, node, loc, depth, (into, key))
            elif what == _BUILD:  # value: the issue count before the object's fields
                kwargs = into[key]
                if self.partial:  # (a required field left out is None)
                    kwargs = {f.name: None for f in plan(node.cls).fields if f.required} | kwargs
                ok = self.partial or len(self.issues) == value
                into[key] = node.cls(**kwargs) if ok else None
            elif what == _ABSENT:
                self.add(loc, C.REQUIRED, f"missing required {value} `{loc[-1]}`")
            elif what == _KEYS:
                self.keys(value, node, loc, depth)
            else:
                self.active.discard(value)
        return root[0]

    def null(self, node: Node, loc: Loc, to: tuple[Any, Any], f: Field | None) -> None:
        if node.nullable or (f is not None and f.null_kept):  # (kept: `errors()` reports it)
            to[0][to[1]] = None
        elif f is None:  # not a field of an IR object
            self.add(loc, C.TYPE, f"expected {node.describe()}, got null")
        elif f.required:
            self.add(loc, C.REQUIRED, f"`{f.name}` is required, got null")
        else:
            hint = "instead"
            if not f.unset:
                default = f.default if f.default_factory is None else f.default_factory()
                if isinstance(default, IRStruct):
                    hint = f"to get its default, a default {default.__ir_type__} object"
                else:
                    hint = f"to get its default, {msgspec.json.encode(default).decode()}"
            message = f"expected {node.describe()}, got null (leave `{f.name}` out {hint})"
            self.add(loc, C.TYPE, message)

    def value(self, value: Any, node: Node, loc: Loc, depth: int, to: tuple[Any, Any]) -> None:
        """Check and convert one value; the result goes in ``to`` (a container and a key)."""
        into, key = to
        stack = self.stack
        if node.kind == "union":
            option = option_for(node, value)
            if option is None:
                self.add(loc, C.TYPE, f"expected {node.describe()}, got {_shown(value)}")
                return
            node = option
        kind = node.kind
        if kind in _OBJECTS and isinstance(value, (list, tuple)) and not value and loc:
            value = {}  # how the reference writes an empty keyword list (`options: []`)
        if kind in _TAKES or kind == "datetime":
            converted = (
                self.timestamp(value, loc) if kind == "datetime" else self.scalar(value, node, loc)
            )
            if converted is not _MISSING:
                into[key] = converted
            return
        # An opaque value is taken as it is from a JSON parser, else copied: tuples become lists.
        opaque = kind == "json" or (kind == "map" and node.item is None and isinstance(value, dict))
        if opaque and (self.trusted or not isinstance(value, (dict, list, tuple))):
            if not self.trusted:
                self.json_scalar(value, loc)
            into[key] = value
            return
        if opaque:
            kind = "map" if isinstance(value, dict) else "list"
        if not _shaped(value, kind):
            shown = json_type_name(value) if kind == "struct" else _shown(value)
            self.add(loc, C.TYPE, f"expected {node.describe()}, got {shown}")
            return
        if self.deep(loc, depth) or (opaque and self.cycle(value, loc)):
            return
        if opaque:
            stack.append((_LEAVE, id(value), None, loc, depth, None, None, None))
        item = node.item or _JSON
        if kind == "list":
            items: list[Any] = [None] * len(value)
            into[key] = items
            for i in range(len(value) - 1, -1, -1):
                stack.append((_VALUE, value[i], item, (*loc, i), depth + 1, items, i, None))
        elif kind == "map":
            mapping = {name: None for name in value if type(name) is str and text_ok(name)}
            into[key] = mapping
            bad = [name for name in value if name not in mapping]
            for name in bad if opaque else reversed(bad):  # (a typed map: last first)
                shown = f"{got(name)} {name!r}" if opaque else repr(name)
                strings = "strings" if opaque else "text strings"
                self.add(loc, C.TYPE, f"object keys must be {strings}, got {shown}")
            for name in reversed(mapping):
                entry = (_VALUE, value[name], item, (*loc, name), depth + 1, mapping, name, None)
                stack.append(entry)
        else:  # struct or record: its fields in order, a missing one where it belongs
            self.fields(value, node, loc, depth, to)

    def fields(self, data: dict[Any, Any], node: Node, loc: Loc, depth: int, to: Any) -> None:
        into, key = to
        stack = self.stack
        struct = node.kind == "struct"
        fields = plan(node.cls).fields if struct else node.keys  # type: ignore[arg-type]
        kwargs: dict[str, Any] = {}
        into[key] = kwargs
        if struct:  # built once its fields are done (they are pushed after it)
            stack.append((_BUILD, len(self.issues), node, loc, depth, into, key, None))
        if self.strict or len(data) > sum(f.name in data for f in fields):
            stack.append((_KEYS, data, node, loc, depth, None, None, None))
        for f in reversed(fields):
            value = data.get(f.name, _MISSING)
            if value is not _MISSING:
                field = f if struct else None
                entry = (_VALUE, value, f.node, (*loc, f.name), depth + 1, kwargs, f.name, field)
                stack.append(entry)
            elif f.required:
                what = "field" if struct else "key"
                stack.append((_ABSENT, what, None, (*loc, f.name), depth, None, None, None))

    def keys(self, data: dict[Any, Any], node: Node, loc: Loc, depth: int) -> None:
        """Keys that are not fields: not strings (always), unknown (in strict mode).

        What an unknown key holds is dropped, but it still counts against the nesting
        limit, as it does in JSON text (data from a JSON parser is known to be within it).
        """
        known = plan(node.cls).by_name if node.kind == "struct" else {k.name for k in node.keys}  # type: ignore[arg-type]
        for name, value in data.items():
            if name in known:
                continue
            if not isinstance(name, str):
                self.add(loc, C.TYPE, f"object keys must be strings, got {name!r}")
                continue
            if self.strict:
                close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
                hint = f"; did you mean `{close[0]}`?" if close else ""
                self.add((*loc, name), C.UNKNOWN_FIELD, f"unknown field `{name}`{hint}")
            if not self.trusted:
                self.within_depth(value, (*loc, name), depth + 1)

    def within_depth(self, value: Any, loc: Loc, depth: int) -> None:
        """Report (once) where a dropped value nests past the limit; each container looked at once."""
        seen: set[int] = set()  # (so a reference cycle or a shared value ends the walk)
        stack = [(value, loc, depth)]
        while stack:
            item, where, level = stack.pop()
            if isinstance(item, dict):  # (a key that is not text is named by its repr)
                kids: Any = (
                    (k if type(k) is str else repr(k), v) for k, v in reversed(item.items())
                )
            elif isinstance(item, (list, tuple)):
                kids = ((i, item[i]) for i in range(len(item) - 1, -1, -1))
            else:
                continue
            if id(item) in seen:
                continue
            if self.deep(where, level):
                return
            seen.add(id(item))
            stack.extend((sub, (*where, key), level + 1) for key, sub in kids)

    def scalar(self, value: Any, node: Node, loc: Loc) -> Any:
        """A string, number or boolean in its exact type, or `_MISSING` (reported)."""
        kind = node.kind  # (and a bool is an integer to Python, not to JSON)
        fits = isinstance(value, _TAKES[kind]) and isinstance(value, bool) == (kind == "bool")
        if fits and isinstance(value, enum.Enum):  # written as its value: equal to it?
            inner = enum_value(value, type(value.value))
            fits = inner is not None and type(inner) in (str, int)
            plain = inner
        elif fits:
            plain = value = _exact(value)
        if not fits:
            self.add(loc, C.TYPE, f"expected {node.describe()}, got {_shown(value)}")
            return _MISSING
        self.json_scalar(plain, loc)
        return value

    def timestamp(self, value: Any, loc: Loc) -> Any:
        if isinstance(value, datetime.datetime):
            problem = timestamp_problem(value)
            if problem is not None:
                self.add(loc, *problem)
            return value if problem is None else _MISSING
        if not isinstance(value, str):
            self.add(loc, C.TYPE, f"expected a timestamp string, got {json_type_name(value)}")
            return _MISSING
        try:
            if len(value) > 26:  # room for a fraction of more than six digits
                value = _EXCESS_DIGITS.sub(r"\1", value, count=1)
            return msgspec.convert(value, Timestamp)
        except Exception as exc:  # not a timestamp (or not even valid text)
            no_offset = "timezone" in str(exc)
            reason = "it has no UTC offset" if no_offset else "it is not an ISO 8601 timestamp"
            expected = "a timestamp with a UTC offset such as 2024-03-15T09:30:00Z"
            self.add(loc, C.FORMAT, f"expected {expected}, got {value!r}: {reason}")
            return _MISSING


_TAKES: dict[str, Any] = {"str": str, "literal": str, "int": int, "number": (int, float)}
_TAKES["bool"] = bool
_OBJECTS = frozenset({"map", "struct", "record"})  # (JSON objects)


def _shaped(value: Any, kind: str) -> bool:
    """Whether a value is an array (for a list) or an object (for a map, struct or record)."""
    return isinstance(value, (list, tuple) if kind == "list" else dict)


def _exact(value: Any) -> Any:
    """A str, int or float in its exact type (msgspec writes no subclass); a bool as it is."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value if type(value) is str else str.__str__(value)
    if isinstance(value, int):
        return value if type(value) is int else int.__int__(value)
    return value if type(value) is float else float.__float__(value)


def _shown(value: Any) -> str:
    """``string 'yes'``, ``integer 3``, or just the type for long or nested values."""
    if type(value) is tuple:
        return "array"
    name = got(value)
    if type(value) in (str, float) or (type(value) is int and value.bit_length() < 100):
        text = repr(value)
        if len(text) <= 40:
            return f"{name} {text}"
    return name
