"""The thorough decoder: plain data to IR objects, reporting every problem.

msgspec's typed decoder is the fast path; it stops at the first problem and
also enforces the value rules. When it fails, or for ``from_dict`` and strict
decoding, this walk runs instead: it checks only what decoding owns (JSON
types, required keys, nulls, timestamps, unknown keys in strict mode),
collects every such problem with its path, and builds the objects without
validating them, as their constructors do. It also reads what the reference
writes but msgspec refuses: ``null`` for a name with a default (kept, for
`errors()` to report), ``[]`` for an empty object, and timestamps with more
than six fractional digits (truncated, as the reference does).
"""

from __future__ import annotations

import datetime
import difflib
import enum
import re
from typing import Any

import msgspec

from ._base import IRStruct
from ._errors import Issue, IssueCode
from ._jsonscan import (
    IR_MAX_DEPTH,
    MAX_DEPTH,
    is_plain,
    json_problems,
    json_type_name,
    scalar_problem,
    text_ok,
)
from ._plan import Node, plan
from ._stack import depth_round_trips
from ._types import Timestamp
from ._validate import too_deep

__all__ = ["convert"]

_MISSING = object()
# The digits of a fraction of seconds past the sixth: the reference truncates them
# (its datetimes hold microseconds); msgspec would round.
_EXCESS_DIGITS = re.compile(r"(:\d\d\.\d{6})\d+")


class _Walk:
    def __init__(self, *, strict: bool, trusted: bool, partial: bool = False) -> None:
        self.strict = strict
        self.trusted = trusted  # values came from a JSON parser: opaque values need no scan
        self.partial = partial  # build objects anyway, leaving out the values that failed
        self.issues: list[Issue] = []
        # Opaque values nested too deeply for the scan, each with its place in
        # `issues`: kept aside until the whole document's depth is tried (`convert`).
        self.deep: list[tuple[int, Issue]] = []

    def add(self, path: str, code: IssueCode, message: str) -> None:
        self.issues.append(Issue(path, code, message))

    def struct(self, data: Any, cls: type[IRStruct], path: str, depth: int) -> Any:
        if not isinstance(data, dict):
            self.add(
                path,
                IssueCode.TYPE,
                f"expected an object ({cls.__ir_type__}), got {json_type_name(data)}",
            )
            return None
        if depth > IR_MAX_DEPTH:
            self.add(
                path, IssueCode.SYNTAX, f"IR objects nested more than {IR_MAX_DEPTH} levels deep"
            )
            return None
        p = plan(cls)
        before = len(self.issues)
        kwargs: dict[str, Any] = {}
        for f in p.fields:
            value = data.get(f.name, _MISSING)
            fpath = f"{path}.{f.name}" if path else f.name
            if value is _MISSING:
                if f.required:
                    self.add(fpath, IssueCode.REQUIRED, f"missing required field `{f.name}`")
                continue
            if value is None and f.null_kept:
                kwargs[f.name] = None  # kept as written; `errors()` reports it
                continue
            if value is None and not f.node.nullable:
                if f.required:
                    self.add(fpath, IssueCode.REQUIRED, f"`{f.name}` is required, got null")
                elif f.default is msgspec.UNSET:
                    self.add(
                        fpath,
                        IssueCode.TYPE,
                        f"expected {f.node.describe()}, got null (leave `{f.name}` out instead)",
                    )
                else:
                    default = f.default_value()
                    shown = (
                        f"a default {default.__ir_type__} object"
                        if isinstance(default, IRStruct)
                        else msgspec.json.encode(default).decode()
                    )
                    self.add(
                        fpath,
                        IssueCode.TYPE,
                        f"expected {f.node.describe()}, got null "
                        f"(leave `{f.name}` out to get its default, {shown})",
                    )
                continue
            mark = len(self.issues)
            converted = self.value(value, f.node, fpath, depth)
            if not self.partial or all(i.path != fpath for i in self.issues[mark:]):
                # (partial: a value whose own type was wrong is left out; one
                # with problems deeper inside is kept, holding what did decode)
                kwargs[f.name] = converted
        if self.partial and len(self.issues) > before:
            # Required fields that failed get None, which the checker reports
            # at the same path as the decoding problem (and callers drop it).
            for f in p.fields:
                if f.required and f.name not in kwargs:
                    kwargs[f.name] = None
        if len(data) > len(kwargs) or self.strict:
            for key in data:
                if key in p.by_name:
                    continue
                if not isinstance(key, str):
                    self.add(path, IssueCode.TYPE, f"object keys must be strings, got {key!r}")
                elif self.strict:
                    self.unknown(key, p.by_name, path)
        if len(self.issues) > before and not self.partial:
            return None
        return cls(**kwargs)

    def unknown(self, key: str, known: dict[str, Any], path: str) -> None:
        close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        self.add(
            f"{path}.{key}" if path else key,
            IssueCode.UNKNOWN_FIELD,
            f"unknown field `{key}`{hint}",
        )

    def value(self, value: Any, node: Node, path: str, depth: int) -> Any:
        if value is None:
            if not node.nullable:
                self.add(path, IssueCode.TYPE, f"expected {node.describe()}, got null")
            return None
        kind = node.kind
        if kind in ("str", "literal"):
            if isinstance(value, str):
                return self.scalar(_exact(value, str), path)
        elif kind == "int":
            if isinstance(value, int) and not isinstance(value, bool):
                return self.scalar(_exact(value, int), path)
        elif kind in ("number", "float"):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return self.scalar(_exact(value, int if isinstance(value, int) else float), path)
        elif kind == "bool":
            if isinstance(value, bool):
                return value
        elif kind == "datetime":
            return self.timestamp(value, path)
        elif kind == "list":
            if isinstance(value, (list, tuple)):
                assert node.item is not None
                item = node.item
                return [self.value(x, item, f"{path}[{i}]", depth) for i, x in enumerate(value)]
        elif kind == "map":
            if isinstance(value, dict):
                return self.mapping(value, node, path, depth)
            if isinstance(value, (list, tuple)) and not value:
                return {}  # how the reference writes an empty keyword list (`options: []`)
        elif kind == "json":
            return value if self.trusted else self.scan(value, path)
        elif kind == "struct":
            assert node.cls is not None
            return self.struct(value, node.cls, path, depth + 1)
        elif kind == "union":
            return self.union(value, node, path, depth)
        elif kind == "record" and isinstance(value, dict):
            return self.record(value, node, path, depth)
        self.add(path, IssueCode.TYPE, f"expected {node.describe()}, got {_shown(value)}")
        return None

    def scalar(self, value: Any, path: str) -> Any:
        """A string or number, with what keeps it from travelling as JSON reported."""
        found = scalar_problem(value)
        if found is not None:
            self.add(path, IssueCode(found[0]), found[1])
        return value

    def mapping(self, value: dict[Any, Any], node: Node, path: str, depth: int) -> Any:
        if node.item is None:
            return value if self.trusted else self.scan(value, path)
        result = {}
        for key, sub in value.items():
            if type(key) is not str or not text_ok(key):
                self.add(path, IssueCode.TYPE, f"object keys must be text strings, got {key!r}")
                continue
            result[key] = self.value(sub, node.item, f"{path}.{key}", depth)
        return result

    def record(self, value: dict[Any, Any], node: Node, path: str, depth: int) -> Any:
        """A JSON object with fixed keys, as a plain dict: other keys are dropped."""
        result = {}
        for key in node.keys:
            sub = value.get(key.name, _MISSING)
            kpath = f"{path}.{key.name}"
            if sub is _MISSING:
                if key.required:
                    self.add(kpath, IssueCode.REQUIRED, f"missing required key `{key.name}`")
                continue
            result[key.name] = self.value(sub, key.node, kpath, depth)
        known = {k.name: k for k in node.keys}
        for name in value:
            if not isinstance(name, str):
                self.add(path, IssueCode.TYPE, f"object keys must be strings, got {name!r}")
            elif self.strict and name not in known:
                self.unknown(name, known, path)
        return result

    def union(self, value: Any, node: Node, path: str, depth: int) -> Any:
        for option in node.options:
            trial = _Walk(strict=self.strict, trusted=self.trusted)
            result = trial.value(value, option, path, depth)
            # The first option whose shape fits the value itself wins, so that
            # a problem deeper inside is reported at its own path.
            if not any(i.code == IssueCode.TYPE and i.path == path for i in trial.issues):
                self.deep.extend((len(self.issues) + at, i) for at, i in trial.deep)
                self.issues.extend(trial.issues)
                return result
        self.add(path, IssueCode.TYPE, f"expected {node.describe()}, got {json_type_name(value)}")
        return None

    def scan(self, value: Any, path: str) -> Any:
        """An opaque value checked to be JSON; tuples in it become lists (as JSON reads back)."""
        if type(value) in (dict, list) and is_plain(value):
            return value
        problems = json_problems(value)
        deep = 0
        for rel, code, message in problems:
            issue = Issue(path + rel, IssueCode(code), message)
            if too_deep(issue):
                self.deep.append((len(self.issues), issue))
                deep += 1
            else:
                self.issues.append(issue)
        return value if len(problems) > deep else _as_lists(value)

    def timestamp(self, value: Any, path: str) -> Any:
        if isinstance(value, datetime.datetime):
            if value.utcoffset() is None:
                self.add(
                    path,
                    IssueCode.FORMAT,
                    f"expected a timestamp with a UTC offset, got {value.isoformat()}",
                )
            return value
        if not isinstance(value, str):
            self.add(
                path, IssueCode.TYPE, f"expected a timestamp string, got {json_type_name(value)}"
            )
            return None
        try:
            if len(value) > 26:  # room for a fraction of more than six digits
                value = _EXCESS_DIGITS.sub(r"\1", value, count=1)
            return msgspec.convert(value, Timestamp)
        except Exception as exc:  # not a timestamp (or not even valid text)
            reason = (
                "it has no UTC offset"
                if "timezone" in str(exc)
                else "it is not an ISO 8601 timestamp"
            )
            self.add(
                path,
                IssueCode.FORMAT,
                f"expected a timestamp with a UTC offset such as 2024-03-15T09:30:00Z, got {value!r}: {reason}",
            )
            return None


def _as_lists(value: Any) -> Any:
    """A copy of plain data with every tuple turned into a list (other values shared).

    Below `MAX_DEPTH` the scan has made sure there are no tuples: no copying there.
    """
    if not isinstance(value, (dict, list, tuple)):
        return value
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any, int]] = [(root, 0, value, 0)]
    while stack:
        parent, key, item, depth = stack.pop()
        if depth >= MAX_DEPTH:
            parent[key] = item
        elif isinstance(item, dict):
            copy: Any = {}
            parent[key] = copy
            for k, v in item.items():
                stack.append((copy, k, v, depth + 1))
        elif isinstance(item, (list, tuple)):
            copy = [None] * len(item)
            parent[key] = copy
            for i, v in enumerate(item):
                stack.append((copy, i, v, depth + 1))
        else:
            parent[key] = item
    return root[0]


def _exact(value: Any, kind: type) -> Any:
    """``value`` as exactly ``kind`` (a subclass of str or int is not written by msgspec).

    Enum members stay: they are written as their values.
    """
    if type(value) is kind or isinstance(value, enum.Enum):
        return value
    return kind(value)


def _shown(value: Any) -> str:
    """``string 'yes'``, ``integer 3``, or just the JSON type for long or nested values."""
    name = json_type_name(value)
    if isinstance(value, (str, float)) or (isinstance(value, int) and value.bit_length() < 100):
        text = repr(value)
        if len(text) <= 40:
            return f"{name} {text}"
    return name


def convert(
    data: Any, cls: type[IRStruct], *, strict: bool, trusted: bool, partial: bool = False
) -> tuple[Any, list[Issue]]:
    """Build a ``cls`` from plain data: ``(object, [])`` or ``(None, issues)``.

    With ``partial=True`` the object is built even when there are issues,
    leaving out each value that failed (its field takes its default, or None
    when required), so that its other problems can be found too.
    """
    walk = _Walk(strict=strict, trusted=trusted, partial=partial)
    try:
        obj = walk.struct(data, cls, "", 0)
    except RecursionError:
        return None, [Issue("", IssueCode.SYNTAX, "document nested too deeply")]
    if walk.deep and not depth_round_trips(data):
        for at, issue in reversed(walk.deep):
            walk.issues.insert(at, issue)
    if walk.issues and not partial:
        return None, walk.issues
    return obj, walk.issues
