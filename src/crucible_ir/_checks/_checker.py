"""The checker behind `errors()`: the type tree, interpreted over an object.

`check` walks an IR object with an explicit stack and reports every problem at
its location (types, values JSON would not read back equal, constraints,
nesting, cycles, cross-field rules): what msgspec reads back equal passes.
"""

from __future__ import annotations

import datetime
import difflib
import functools
from typing import TYPE_CHECKING, Any

import msgspec

from .._codec._limits import (
    MAX_DEPTH,
    TOO_DEEP,
    enum_value,
    got,
    opaque_problem,
    python_type,
    text_ok,
)
from .._errors import Issue, IssueCode, Loc
from .._model._base import IRStruct
from .._typetree import Field, Node, plan, reachable
from ._rules import RULES

if TYPE_CHECKING:
    from ._rules import Rule

__all__ = [
    "Walker",
    "check",
    "holds_rules",
    "option_for",
    "rule_issues",
    "safe_repr",
    "timestamp_problem",
]

C = IssueCode
_LEAVE = object()  # a stack entry that leaves a container (for the cycle test)
_RULES = object()  # a stack entry that runs the cross-field rules of an object
_JSON = Node("json", nullable=True)
_CONTAINERS = frozenset({"struct", "list", "map", "record", "json"})
_DATETIME = msgspec.json.Decoder(datetime.datetime)


@functools.lru_cache(maxsize=1024)  # the same wrong value tends to recur (a file of records)
def enum_message(values: tuple[str, ...], got: str) -> str:
    """``expected one of a, b, c; got 'x'`` with a did-you-mean when one is close."""
    msg = f"expected one of {', '.join(values)}; got {got!r}"
    close = difflib.get_close_matches(got, values, n=1, cutoff=0.6)
    return f"{msg} (did you mean {close[0]!r}?)" if close else msg


def safe_repr(value: Any) -> str:
    """``repr(value)``, but short for integers too long to print."""
    if type(value) is int and value.bit_length() > 256:
        return f"an integer of {value.bit_length()} bits"
    return repr(value)


def check(obj: IRStruct, *, writing: bool = False) -> list[Issue]:
    """Every problem of ``obj``, deep, in field order (an object's rules after its fields).

    ``writing=True`` reports only what keeps ``obj`` from being written as JSON
    that reads back equal: value constraints and cross-field rules are left out.
    """
    return _Walk(writing).run(obj)


class Walker:
    """What the checker and the lenient decoder share: the issues found, the limits of nesting."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self.too_deep = False
        self.active: set[int] = set()  # the containers on the way to the value at hand

    def add(self, loc: Loc, code: IssueCode, message: str) -> None:
        self.issues.append(Issue.at(loc, code, message))

    def deep(self, loc: Loc, depth: int) -> bool:
        """Whether a container at ``depth`` (0 for the root) is past the limit (said once)."""
        if depth < MAX_DEPTH:
            return False
        if not self.too_deep:
            self.too_deep = True
            self.add(loc, C.SYNTAX, TOO_DEEP)
        return True

    def cycle(self, value: Any, loc: Loc) -> bool:
        """Whether a container holds itself (reported); if not, it is now on the way."""
        if id(value) in self.active:
            self.add(loc, C.TYPE, "a reference cycle: this value holds itself")
            return True
        self.active.add(id(value))
        return False

    def json_scalar(self, value: Any, loc: Loc) -> bool:
        """Whether a scalar travels as JSON (reported when not): no lone surrogate, no NaN, ..."""
        found = opaque_problem(value)
        if found is not None:
            self.add(loc, IssueCode(found[0]), found[1])
        return found is None


class _Walk(Walker):
    def __init__(self, writing: bool) -> None:
        super().__init__()
        self.writing = writing

    def run(self, obj: IRStruct) -> list[Issue]:
        stack: list[tuple[Any, Any, Loc, int, Field | None]] = [
            (obj, Node("struct", cls=type(obj)), (), 0, None)
        ]
        while stack:
            value, node, loc, depth, f = stack.pop()
            if value is _LEAVE:
                self.active.discard(node)
                continue
            if value is _RULES:
                for rule in _rules_of(type(node)):
                    for at, text in rule(node):
                        self.add(loc + at, C.CONSISTENCY, text)
                continue
            if value is None or value is msgspec.UNSET:
                self.absent(value, node, loc, f)
                continue
            if node.kind == "union":
                option = option_for(node, value)
                if option is None:
                    self.add(loc, C.TYPE, f"expected {node.describe()}, got {got(value)}")
                    continue
                node = option
            if node.kind not in _CONTAINERS:
                self.scalar(value, node, loc)
            elif self.shape_ok(value, node, loc) and not (
                self.deep(loc, depth) or self.cycle(value, loc)
            ):
                stack.append((_LEAVE, id(value), loc, depth, None))
                self.children(value, node, loc, depth + 1, stack)
        return self.issues

    def absent(self, value: Any, node: Node, loc: Loc, f: Field | None) -> None:
        if value is msgspec.UNSET:
            if f is None or not f.unset:
                self.add(loc, C.TYPE, f"expected {node.describe()}, got UNSET (a key left out)")
        elif node.nullable or (self.writing and f is not None and f.null_kept):
            pass
        elif f is not None and f.null_kept:  # read and written (the reference's nil): invalid
            if f.required:
                self.add(loc, C.REQUIRED, f"expected {node.expected or node.describe()}, got null")
            else:
                got = "; got" if node.kind == "literal" else ", got"  # (after a list of values)
                message = f"expected {node.describe()}{got} null (the default is {f.default!r})"
                self.add(loc, C.TYPE, message)
        elif f is not None and f.required:
            self.add(loc, C.REQUIRED, "a value is required, got None")
        else:
            self.add(loc, C.TYPE, f"expected {node.describe()}, got None")

    def shape_ok(self, value: Any, node: Node, loc: Loc) -> bool:
        """Whether a value has the container type its node needs (reported when not)."""
        kind = node.kind
        if kind == "struct":
            if type(value) is node.cls:
                return True
            what = got(value)
            if isinstance(value, node.cls):  # type: ignore[arg-type]
                what = f"a {python_type(value)} (a subclass reads back as its base class)"
            self.add(loc, C.TYPE, f"expected {node.describe()}, got {what}")
            return False
        if kind == "json":
            if isinstance(value, (dict, list)):
                return True
            self.json_scalar(value, loc)
            return False
        if isinstance(value, list if kind == "list" else dict):
            if not self.writing:  # (a wrong length does not stop the walk)
                empty = f"expected a non-empty {kind}, got an empty one"
                self.length(len(value), node, loc, "items" if kind == "list" else "keys", empty)
            return True
        self.add(loc, C.TYPE, f"expected {node.describe()}, got {got(value)}")
        return False

    def length(self, size: int, node: Node, loc: Loc, unit: str, empty: str) -> bool:
        """Whether a length is within the node's bounds (reported when not; ``empty`` for 0 < 1)."""
        low, high = node.min_length, node.max_length
        if low and size < low:
            if low == 1:
                self.add(loc, C.EMPTY, empty)
            else:
                self.add(loc, C.RANGE, f"expected at least {low} {unit}, got {size}")
            return False
        if high is not None and size > high:
            self.add(loc, C.RANGE, f"expected at most {high} {unit}, got {size}")
            return False
        return True

    def children(self, value: Any, node: Node, loc: Loc, depth: int, stack: list[Any]) -> None:
        kind, item = node.kind, node.item or _JSON
        push = stack.append
        if kind == "struct":
            if not self.writing and _rules_of(type(value)):
                push((_RULES, value, loc, depth, None))
            for f in reversed(plan(node.cls).fields):  # type: ignore[arg-type]
                push((getattr(value, f.name), f.node, (*loc, f.name), depth, f))
        elif kind == "record":
            known = {k.name for k in node.keys}
            for key in value:
                if key not in known:  # decoding drops it: it would not read back
                    where = (*loc, str(key))
                    self.add(where, C.UNKNOWN_FIELD, f"unknown key `{key}` (decoding drops it)")
            for k in reversed(node.keys):
                if k.name in value:
                    push((value[k.name], k.node, (*loc, k.name), depth, k))
                elif k.required:
                    self.add((*loc, k.name), C.REQUIRED, f"missing required key `{k.name}`")
        elif isinstance(value, dict):
            for key, sub in reversed(value.items()):
                if isinstance(key, str) and text_ok(key):
                    push((sub, item, (*loc, key), depth, None))
                else:
                    self.add(loc, C.TYPE, f"object keys must be text strings, got {safe_repr(key)}")
        else:
            for i in range(len(value) - 1, -1, -1):
                push((value[i], item, (*loc, i), depth, None))

    def scalar(self, value: Any, node: Node, loc: Loc) -> None:
        kind = node.kind
        if kind == "bool":
            if value is not True and value is not False:
                self.add(loc, C.TYPE, f"expected a boolean (true or false), got {got(value)}")
            return
        if kind == "datetime":
            problem = timestamp_problem(value)
            if problem is not None:
                self.add(loc, *problem)
            return
        exact = _EXACT[kind]  # (msgspec writes an enum member as its value: equal to it?)
        if type(value) not in exact:
            inner = enum_value(value, exact[0])
            if inner is None:
                self.add(loc, C.TYPE, f"expected {node.describe()}, got {got(value)}")
                return
            value = inner
        if not self.json_scalar(value, loc) or self.writing:
            return
        if kind == "literal":
            if value not in node.values:
                self.add(loc, C.ENUM, enum_message(node.values, value))
        elif kind == "str":
            empty = f"expected {node.expected or 'a non-empty string'}, got an empty string"
            fits = self.length(len(value), node, loc, "characters", empty)
            if fits and node.pattern is not None and not node.pattern.search(value):
                expected = node.expected or f"a string matching {node.pattern.pattern}"
                self.add(loc, C.FORMAT, f"expected {expected}, got {safe_repr(value)}")
        elif node.bounds.violated(value):
            message = f"expected {node.describe()} {node.bounds.describe()}, got {safe_repr(value)}"
            self.add(loc, C.RANGE, message)


_EXACT: dict[str, tuple[type, ...]] = {"str": (str,), "literal": (str,), "int": (int,)}
_EXACT["number"] = (int, float)


def timestamp_problem(value: Any) -> tuple[IssueCode, str] | None:
    """Why a value is not a timestamp JSON reads back as the same instant, or None."""
    if type(value) is not datetime.datetime:
        return C.TYPE, f"expected a timezone-aware datetime, got {got(value)}"
    offset = value.utcoffset()
    if offset is None:
        return C.FORMAT, f"expected a timestamp with a UTC offset, got {value.isoformat()}"
    if offset.total_seconds() % 60:
        text = f"UTC offsets have whole minutes on the wire (RFC 3339), got {value.isoformat()}"
        return C.FORMAT, text
    try:
        if _DATETIME.decode(msgspec.json.encode(value)) == value:
            return None
    except (msgspec.DecodeError, ValueError, OverflowError):
        pass
    return (
        C.FORMAT,
        f"{value.isoformat()} does not read back as the same instant (a local time that its "
        "time zone repeats or skips): give it a fixed UTC offset",
    )


def option_for(node: Node, value: Any) -> Node | None:
    """The alternative of a union that a value selects by its JSON type, as msgspec's decoder does."""
    if isinstance(value, IRStruct):
        return next((o for o in node.options if o.cls is type(value)), None)
    wire = _WIRE_OF.get(type(value))
    if wire is None:
        for kind, name in ((str, "str"), (dict, "object"), ((list, tuple), "list")):
            if isinstance(value, kind):
                wire = name
                break
    for option in node.options:
        if option.wire == wire or (wire == "int" and option.wire == "number"):
            return option
    return None


_WIRE_OF: dict[type, str] = {str: "str", int: "int", float: "number", bool: "bool", list: "list"}
_WIRE_OF.update({dict: "object", datetime.datetime: "str", tuple: "list"})


# -- the cross-field rules ------------------------------------------------------------------


def _rules_of(cls: type) -> list[Rule]:
    return RULES.get(getattr(cls, "__ir_type__", ""), [])


@functools.cache  # (of the class and the rule table, which never change)
def holds_rules(cls: type[IRStruct]) -> bool:
    """Whether an object of ``cls`` may break a cross-field rule (its own or an object's in it)."""
    return bool(_rules_of(cls) or _fields_with_rules(cls))


@functools.cache
def _holds_rules(node: Node) -> bool:
    """Whether a value of ``node`` may hold an IR object that has cross-field rules."""
    return any(n.kind == "struct" and _rules_of(n.cls) for n in reachable(node))  # type: ignore[arg-type]


@functools.cache
def _fields_with_rules(cls: type[IRStruct]) -> tuple[Field, ...]:
    """The fields of ``cls`` that may hold an object with rules, last first (for a stack)."""
    return tuple(f for f in reversed(plan(cls).fields) if _holds_rules(f.node))


def rule_issues(obj: IRStruct) -> list[Issue]:
    """The cross-field rules of ``obj`` and of every object in it, in the order `check` gives.

    For an object whose fields are known to be right: walks only where rules can be.
    """
    if not holds_rules(type(obj)):  # (a property of the class: most records have no rules)
        return []
    out: list[Issue] = []
    stack: list[tuple[Any, Any, Loc]] = [(obj, Node("struct", cls=type(obj)), ())]
    while stack:
        value, node, loc = stack.pop()
        if value is _RULES:
            for rule in _rules_of(type(node)):
                out.extend(Issue.at(loc + at, C.CONSISTENCY, text) for at, text in rule(node))
        elif node.kind == "union":
            option = option_for(node, value) if value is not None else None
            if option is not None:
                stack.append((value, option, loc))
        elif node.kind == "struct" and type(value) is node.cls:
            cls: type[IRStruct] = node.cls
            if _rules_of(cls):
                stack.append((_RULES, value, loc))
            for f in _fields_with_rules(cls):
                stack.append((getattr(value, f.name), f.node, (*loc, f.name)))
        elif node.kind == "list" and isinstance(value, list) and node.item is not None:
            stack.extend((value[i], node.item, (*loc, i)) for i in range(len(value) - 1, -1, -1))
        elif node.kind == "record" and isinstance(value, dict):
            stack.extend(
                (value[k.name], k.node, (*loc, k.name))
                for k in reversed(node.keys)
                if k.name in value
            )
    return out
