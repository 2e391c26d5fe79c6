"""The checker behind `errors()`: one generated function per IR class.

Each function is straight-line Python generated from the class's `Plan` (so
from its annotations) the first time the class is checked, the way attrs
generates ``__init__``: no per-field interpretation at run time. The
cross-field rules of ``_rules`` run at the end of each class's checks.
"""

from __future__ import annotations

import datetime
import difflib
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import msgspec

from ._base import IRStruct
from ._errors import Issue, IssueCode
from ._jsonscan import (
    IR_MAX_DEPTH,
    MAX_DEPTH,
    MAX_INT_BITS,
    int_ok,
    json_problems,
    json_type_name,
    scalar_problem,
    text_ok,
)
from ._plan import Node, plan
from ._rules import RULES

if TYPE_CHECKING:
    from ._rules import Rule

__all__ = ["check", "check_rules_only", "enum_message", "join"]

_MISSING = object()

Checker = Callable[[Any, str, list[Issue], int], None]
_CHECKERS: dict[type, Checker] = {}
_TRUSTED_CHECKERS: dict[type, Checker] = {}
_ENCODING_CHECKERS: dict[type, Checker] = {}
_RULE_WALKERS: dict[type, Checker | None] = {}


def join(path: str, name: str) -> str:
    """``path.name``, or ``name`` at the root."""
    return f"{path}.{name}" if path else name


def index(path: str, i: int) -> str:
    """``path[i]``."""
    return f"{path}[{i}]"


@functools.lru_cache(maxsize=1024)  # the same wrong value tends to recur (a file of records)
def enum_message(values: tuple[str, ...], got: str) -> str:
    """``expected one of a, b, c; got 'x'`` with a did-you-mean when one is close."""
    msg = f"expected one of {', '.join(values)}; got {got!r}"
    close = difflib.get_close_matches(got, values, n=1, cutoff=0.6)
    return f"{msg} (did you mean {close[0]!r}?)" if close else msg


def check(
    obj: IRStruct, path: str = "", out: list[Issue] | None = None, *, scan: bool = True
) -> list[Issue]:
    """Every problem of ``obj`` (deep), appended to ``out``.

    ``scan=False`` skips checking that opaque values are plain JSON: for
    objects built from parsed JSON, whose opaque values cannot be anything else.
    """
    issues: list[Issue] = [] if out is None else out
    (checker_for if scan else _trusted_checker_for)(type(obj))(obj, path, issues, 0)
    return issues


def check_rules_only(obj: IRStruct, path: str = "", out: list[Issue] | None = None) -> list[Issue]:
    """Only the cross-field rules of ``obj`` and everything below it.

    For objects whose field types and values the decoder has already checked.
    """
    issues: list[Issue] = [] if out is None else out
    walker = rule_walker_for(type(obj))
    if walker is not None:
        walker(obj, path, issues, 0)
    return issues


def checker_for(cls: type) -> Checker:
    """The generated checker of an IR class."""
    fn = _CHECKERS.get(cls)
    if fn is None:
        fn = _CHECKERS[cls] = _Generator(cls, rules_only=False).build()
    return fn


def encoding_checker_for(cls: type) -> Checker:
    """The generated checker of only what writing JSON needs: types, finite numbers, offsets."""
    fn = _ENCODING_CHECKERS.get(cls)
    if fn is None:
        fn = _ENCODING_CHECKERS[cls] = _Generator(cls, rules_only=False, encode_only=True).build()
    return fn


def _trusted_checker_for(cls: type) -> Checker:
    """The generated checker of an IR class that trusts opaque values to be JSON."""
    fn = _TRUSTED_CHECKERS.get(cls)
    if fn is None:
        fn = _TRUSTED_CHECKERS[cls] = _Generator(cls, rules_only=False, scan=False).build()
    return fn


def rule_walker_for(cls: type) -> Checker | None:
    """The generated cross-field-rules walker of a class, or None when it has no rules below it."""
    if cls not in _RULE_WALKERS:
        _RULE_WALKERS[cls] = _Generator(cls, rules_only=True).build() if _has_rules(cls) else None
    return _RULE_WALKERS[cls]


def rules_of(cls: type) -> tuple[Rule, ...]:
    """The cross-field rules of an IR class (registered under its type name)."""
    return tuple(RULES.get(getattr(cls, "__ir_type__", ""), ()))


def _has_rules(cls: type, seen: frozenset[type] = frozenset()) -> bool:
    if rules_of(cls):
        return True
    if cls in seen:
        return False
    seen = seen | {cls}
    return any(_node_has_rules(f.node, seen) for f in plan(cls).fields)


def _node_has_rules(node: Node, seen: frozenset[type]) -> bool:
    if node.kind == "struct" and node.cls is not None:
        return _has_rules(node.cls, seen)
    if node.item is not None and _node_has_rules(node.item, seen):
        return True
    return any(_node_has_rules(o, seen) for o in node.options) or any(
        _node_has_rules(k.node, seen) for k in node.keys
    )


def _add(out: list[Issue], path: str, code: IssueCode, message: str) -> None:
    out.append(Issue(path, code, message))


def safe_repr(value: Any) -> str:
    """``repr(value)``, but short for integers too long to print."""
    if type(value) is int and value.bit_length() > 256:
        return f"an integer of {value.bit_length()} bits"
    return repr(value)


def _scalar_bad(value: Any) -> bool:
    """Whether a str, int or float cannot travel as JSON (the common cases answered fast)."""
    kind = type(value)
    if kind is str:
        return not value.isascii() and not text_ok(value)
    if kind is int:
        return not int_ok(value)
    return scalar_problem(value) is not None


def _add_scalar_problem(out: list[Issue], path: str, value: Any) -> None:
    found = scalar_problem(value)
    if found is not None:
        out.append(Issue(path, IssueCode(found[0]), found[1]))


def _add_json(out: list[Issue], path: str, value: Any, max_depth: int = MAX_DEPTH) -> None:
    for rel, code, message in json_problems(value, max_depth=max_depth):
        out.append(Issue(path + rel, IssueCode(code), message))


# For the check before writing, opaque values have no depth limit: whether deep
# data can be written is msgspec's to say (what it decoded, it can write).
_add_json_any_depth = functools.partial(_add_json, max_depth=1 << 30)


def _check_node(
    value: Any, node: Node, path: str, out: list[Issue], depth: int, *, encode_only: bool = False
) -> None:
    """Interpretive fallback for union nodes (rare)."""
    if value is None:
        if not node.nullable:
            _add(out, path, IssueCode.TYPE, f"expected {node.describe()}, got null")
        return
    for option in node.options:
        trial: list[Issue] = []
        _checker_for_node(option, encode_only)(value, path, trial, depth)
        # The first option whose shape fits the value itself wins, so that a
        # problem deeper inside is reported at its own path.
        if not any(i.code == IssueCode.TYPE and i.path == path for i in trial):
            out.extend(trial)
            return
    _add(out, path, IssueCode.TYPE, f"expected {node.describe()}, got {json_type_name(value)}")


def _walk_rules(value: Any, node: Node, path: str, out: list[Issue], depth: int) -> None:
    """Interpretive cross-field-rules walk below union and record nodes (rare)."""
    if value is None or value is msgspec.UNSET:
        return
    kind = node.kind
    if kind == "struct":
        if isinstance(value, IRStruct):
            walker = rule_walker_for(type(value))
            if walker is not None:
                walker(value, path, out, depth + 1)
    elif kind == "list" and node.item is not None:
        if isinstance(value, (list, tuple)):
            for i, x in enumerate(value):
                _walk_rules(x, node.item, index(path, i), out, depth)
    elif kind == "record":
        if isinstance(value, dict):
            for key in node.keys:
                if key.name in value:
                    _walk_rules(value[key.name], key.node, join(path, key.name), out, depth)
    elif kind == "union":
        for option in node.options:
            if (option.kind == "struct" and isinstance(value, IRStruct)) or (
                option.kind in ("list", "record")
                and isinstance(value, (list, tuple) if option.kind == "list" else dict)
            ):
                _walk_rules(value, option, path, out, depth)
                return


_NODE_CHECKERS: dict[tuple[int, bool], Checker] = {}


def _checker_for_node(node: Node, encode_only: bool) -> Checker:
    key = (id(node), encode_only)
    fn = _NODE_CHECKERS.get(key)
    if fn is None:
        generator = _Generator(None, rules_only=False, encode_only=encode_only)
        fn = _NODE_CHECKERS[key] = generator.build_node(node)
    return fn


class _Generator:
    """Writes the source of one checker function and compiles it."""

    def __init__(
        self, cls: type | None, *, rules_only: bool, scan: bool = True, encode_only: bool = False
    ) -> None:
        self.cls = cls
        self.rules_only = rules_only
        self.scan = scan
        self.encode_only = encode_only  # only what a faithful JSON encoding needs
        self.ns: dict[str, Any] = {
            "Issue": Issue,
            "C": IssueCode,
            "J": join,
            "IDX": index,
            "ADD": _add,
            "ADD_JSON": _add_json_any_depth if encode_only else _add_json,
            "JT": json_type_name,
            "ENUM": enum_message,
            "BAD": _scalar_bad,
            "TEXT_OK": text_ok,
            "MAX_INT_BITS": MAX_INT_BITS,
            "INFS": (float("inf"), float("-inf")),
            "ADD_BAD": _add_scalar_problem,
            "R": safe_repr,
            "DT": datetime.datetime,
            "CHECKER": (
                encoding_checker_for
                if encode_only
                else checker_for
                if scan
                else _trusted_checker_for
            ),
            "RULE_WALKER": rule_walker_for,
            "CHECK_NODE": _check_node,
            "WALK_RULES": _walk_rules,
            "UNSET": msgspec.UNSET,
            "MISSING": _MISSING,
            "MAX_DEPTH": IR_MAX_DEPTH,
        }
        self.lines: list[str] = []
        self.counter = 0

    def const(self, value: Any) -> str:
        self.counter += 1
        name = f"K{self.counter}"
        self.ns[name] = value
        return name

    def var(self, stem: str) -> str:
        self.counter += 1
        return f"{stem}{self.counter}"

    def build(self) -> Checker:
        assert self.cls is not None
        p = plan(self.cls)
        emit = self.lines.append
        emit("def check(obj, p, out, depth):")
        emit("    if depth > MAX_DEPTH:")
        emit(
            f"        ADD(out, p, C.SYNTAX, 'IR objects nested more than {IR_MAX_DEPTH} levels deep')"
        )
        emit("        return")
        for f in p.fields:
            if self.rules_only and not _node_has_rules(f.node, frozenset()):
                continue
            var = self.var("v")
            emit(f"    {var} = obj.{f.name}")
            path = f"(p + {'.' + f.name!r} if p else {f.name!r})"
            kept = f.default if f.null_kept else None
            self.node(f.node, var, path, "    ", required=f.required, null_default=kept)
        rules = () if self.encode_only else rules_of(self.cls)
        if rules:
            emit(f"    for rule in {self.const(rules)}:")
            emit("        for rel, message in rule(obj):")
            emit("            ADD(out, J(p, rel), C.CONSISTENCY, message)")
        emit("    return")
        return self.compile()

    def build_node(self, node: Node) -> Checker:
        emit = self.lines.append
        emit("def check(value, p, out, depth):")
        self.node(node, "value", "p", "    ", required=False)
        emit("    return")
        return self.compile()

    def compile(self) -> Checker:
        source = "\n".join(self.lines)
        name = getattr(self.cls, "__ir_type__", "node")
        code = compile(source, f"<crucible_ir checker {name}>", "exec")
        exec(code, self.ns)
        fn: Checker = self.ns["check"]
        return fn

    # -- code for one value -------------------------------------------------
    def node(
        self,
        node: Node,
        v: str,
        path: str,
        ind: str,
        *,
        required: bool,
        null_default: str | None = None,
    ) -> None:
        """Check one value; ``null_default`` is the default of a name whose null is kept."""
        emit = self.lines.append
        if self.rules_only:
            self.rules_node(node, v, path, ind)
            return
        if node.unset:  # left out on the wire: nothing to check
            emit(f"{ind}if {v} is not UNSET:")
            ind += "    "
        if node.nullable or (null_default is not None and self.encode_only):
            emit(f"{ind}if {v} is not None:")
        elif null_default is not None:  # decodes (it is how the reference writes nil), invalid
            got = "; got" if node.kind == "literal" else ", got"  # (a list of values before it)
            message = f"expected {node.describe()}{got} null (the default is {null_default!r})"
            emit(f"{ind}if {v} is None:")
            emit(f"{ind}    ADD(out, {path}, C.TYPE, {message!r})")
            emit(f"{ind}else:")
        else:
            code, msg = (
                ("REQUIRED", "a value is required, got None")
                if required
                else ("TYPE", f"expected {node.describe()}, got None")
            )
            emit(f"{ind}if {v} is None:")
            emit(f"{ind}    ADD(out, {path}, C.{code}, {msg!r})")
            emit(f"{ind}else:")
        self.value(node, v, path, ind + "    ")

    def rules_node(self, node: Node, v: str, path: str, ind: str) -> None:
        emit = self.lines.append
        if node.kind == "struct":
            emit(f"{ind}if {v} is not None and {v} is not UNSET:")
            emit(f"{ind}    RULE_WALKER(type({v}))({v}, {path}, out, depth + 1)")
        elif node.kind == "list" and node.item is not None:
            i, x = self.var("i"), self.var("x")
            emit(f"{ind}if {v} is not None:")
            emit(f"{ind}    for {i}, {x} in enumerate({v}):")
            self.rules_node(node.item, x, f"IDX({path}, {i})", ind + "        ")
        elif node.kind in ("union", "record"):
            emit(f"{ind}WALK_RULES({v}, {self.const(node)}, {path}, out, depth)")

    def value(self, node: Node, v: str, path: str, ind: str) -> None:
        emit = self.lines.append
        kind = node.kind
        got = f" ' + JT({v})"
        if kind in ("str", "literal"):
            emit(f"{ind}if not isinstance({v}, str):")
            emit(f"{ind}    ADD(out, {path}, C.TYPE, 'expected {node.describe()}, got{got})")
            emit(f"{ind}elif not {v}.isascii() and BAD({v}):")
            emit(f"{ind}    ADD_BAD(out, {path}, {v})")
            if self.encode_only:
                return
            if kind == "literal":
                values = self.const(node.values)
                emit(f"{ind}elif {v} not in {values}:")
                emit(f"{ind}    ADD(out, {path}, C.ENUM, ENUM({values}, {v}))")
            if node.min_length:
                expected = node.expected or "a non-empty string"
                emit(f"{ind}elif not {v}:")
                emit(
                    f"{ind}    ADD(out, {path}, C.EMPTY, {('expected ' + expected + ', got an empty string')!r})"
                )
            if node.pattern is not None:
                pattern = self.const(node.pattern)
                expected = node.expected or f"a string matching {node.pattern.pattern}"
                emit(f"{ind}elif not {pattern}.search({v}):")
                emit(
                    f"{ind}    ADD(out, {path}, C.FORMAT, {('expected ' + expected + ', got ')!r} + R({v}))"
                )
        elif kind == "int":
            emit(f"{ind}if isinstance({v}, bool) or not isinstance({v}, int):")
            emit(f"{ind}    ADD(out, {path}, C.TYPE, 'expected an integer, got{got})")
            emit(f"{ind}elif type({v}) is not int or {v}.bit_length() > MAX_INT_BITS:")
            emit(f"{ind}    ADD_BAD(out, {path}, {v})")
            if not self.encode_only:
                self.bounds(node, v, path, ind, "an integer")
        elif kind in ("number", "float"):
            emit(f"{ind}if isinstance({v}, bool) or not isinstance({v}, (int, float)):")
            emit(f"{ind}    ADD(out, {path}, C.TYPE, 'expected a number, got{got})")
            emit(
                f"{ind}elif (type({v}) is float and ({v} != {v} or {v} in INFS)) "
                f"or (type({v}) is int and {v}.bit_length() > MAX_INT_BITS) "
                f"or (type({v}) is not float and type({v}) is not int):"
            )
            emit(f"{ind}    ADD_BAD(out, {path}, {v})")
            if not self.encode_only:
                self.bounds(node, v, path, ind, "a number")
        elif kind == "bool":
            emit(f"{ind}if {v} is not True and {v} is not False:")
            emit(
                f"{ind}    ADD(out, {path}, C.TYPE, 'expected a boolean (true or false), got{got})"
            )
        elif kind == "datetime":
            emit(f"{ind}if not isinstance({v}, DT):")
            emit(
                f"{ind}    ADD(out, {path}, C.TYPE, 'expected a timezone-aware datetime, got{got})"
            )
            emit(f"{ind}elif {v}.utcoffset() is None:")
            emit(
                f"{ind}    ADD(out, {path}, C.FORMAT, 'expected a timestamp with a UTC offset, got ' + {v}.isoformat())"
            )
            emit(f"{ind}elif {v}.utcoffset().total_seconds() % 60:")
            emit(
                f"{ind}    ADD(out, {path}, C.FORMAT, 'UTC offsets have whole minutes on the wire (RFC 3339), got ' + {v}.isoformat())"
            )
        elif kind == "list":
            assert node.item is not None
            emit(f"{ind}if not isinstance({v}, (list, tuple)):")
            emit(f"{ind}    ADD(out, {path}, C.TYPE, 'expected a list, got{got})")
            if node.min_length and not self.encode_only:
                emit(f"{ind}elif not {v}:")
                emit(
                    f"{ind}    ADD(out, {path}, C.EMPTY, 'expected a non-empty list, got an empty one')"
                )
            emit(f"{ind}else:")
            i, x = self.var("i"), self.var("x")
            emit(f"{ind}    for {i}, {x} in enumerate({v}):")
            self.node(node.item, x, f"IDX({path}, {i})", ind + "        ", required=False)
        elif kind == "map":
            emit(f"{ind}if not isinstance({v}, dict):")
            emit(f"{ind}    ADD(out, {path}, C.TYPE, 'expected an object, got{got})")
            if node.item is None:
                if self.scan:
                    emit(f"{ind}elif {v}:")
                    emit(f"{ind}    ADD_JSON(out, {path}, {v})")
            else:
                k, x = self.var("k"), self.var("x")
                emit(f"{ind}else:")
                emit(f"{ind}    for {k}, {x} in {v}.items():")
                emit(f"{ind}        if type({k}) is not str or not TEXT_OK({k}):")
                emit(
                    f"{ind}            ADD(out, {path}, C.TYPE, 'object keys must be text strings, got ' + R({k}))"
                )
                emit(f"{ind}            continue")
                self.node(node.item, x, f"{path} + '.' + {k}", ind + "        ", required=False)
        elif kind == "json":
            emit(f"{ind}ADD_JSON(out, {path}, {v})" if self.scan else f"{ind}pass")
        elif kind == "struct":
            cls = self.const(node.cls)
            emit(f"{ind}if type({v}) is not {cls} and not isinstance({v}, {cls}):")
            emit(f"{ind}    ADD(out, {path}, C.TYPE, 'expected {node.describe()}, got{got})")
            emit(f"{ind}else:")
            emit(f"{ind}    CHECKER({cls})({v}, {path}, out, depth + 1)")
        elif kind == "union":
            emit(
                f"{ind}CHECK_NODE({v}, {self.const(node)}, {path}, out, depth, encode_only={self.encode_only})"
            )
        elif kind == "record":
            known = self.const(frozenset(k.name for k in node.keys))
            emit(f"{ind}if not isinstance({v}, dict):")
            emit(f"{ind}    ADD(out, {path}, C.TYPE, 'expected {node.describe()}, got{got})")
            emit(f"{ind}else:")
            for key in node.keys:
                x = self.var("x")
                emit(f"{ind}    {x} = {v}.get({key.name!r}, MISSING)")
                emit(f"{ind}    if {x} is MISSING:")
                if key.required:
                    message = f"missing required key `{key.name}`"
                    emit(f"{ind}        ADD(out, J({path}, {key.name!r}), C.REQUIRED, {message!r})")
                else:
                    emit(f"{ind}        pass")
                emit(f"{ind}    else:")
                kpath = f"J({path}, {key.name!r})"
                self.node(key.node, x, kpath, ind + "        ", required=key.required)
            k = self.var("k")
            emit(f"{ind}    for {k} in {v}:")
            emit(f"{ind}        if {k} not in {known}:")
            emit(
                f"{ind}            ADD(out, J({path}, str({k})), C.UNKNOWN_FIELD, "
                f"'unknown key `' + str({k}) + '` (it would be dropped on decoding)')"
            )
        else:  # pragma: no cover - a programming error
            raise TypeError(f"no checker for {kind!r}")

    def bounds(self, node: Node, v: str, path: str, ind: str, what: str) -> None:
        b = node.bounds
        if not b:
            return
        message = f"expected {what} {b.describe()}, got "
        self.lines.append(f"{ind}elif {b.outside(v)}:")
        self.lines.append(f"{ind}    ADD(out, {path}, C.RANGE, {message!r} + R({v}))")
