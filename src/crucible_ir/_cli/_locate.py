"""Decoding a source document into an IR object with every problem placed at LINE:COL.

Two things happen between the parsed source and the library:

* YAML plain scalars are read the way their author means them: a plain
  scalar that YAML 1.2 resolves to a boolean or a number but that lands in a
  string field is that field's text (``strategy: off`` is ``"off"``,
  ``owner: 1.10`` is ``"1.10"``, ``owner: .inf`` is ``".inf"``). Elsewhere YAML
  1.2 core rules stand, and a number JSON cannot carry (``.inf``) is an error.
* Issue paths (``pipeline[2].name``) are mapped back onto the source to find
  the line and column of the offending value (of the key, for an unknown key;
  of the enclosing object, for a missing field).
"""

from __future__ import annotations

from typing import Any

from .._base import IRStruct
from .._codec import from_dict
from .._convert import convert
from .._errors import DecodeError, Issue, IssueCode
from .._plan import Node, plan
from .._sources import SourceError
from .._validate import errors
from ._common import Located, issue_to_located

__all__ = ["decode_located", "locate_issue", "split_path"]

Path = tuple[str | int, ...]


def decode_located(
    doc: Any, cls: type[IRStruct], name: str, *, strict: bool
) -> tuple[IRStruct | None, list[Located], bool]:
    """``(object or None, problems, decoded)`` for a parsed source document."""
    try:
        data = coerce_plain_scalars(doc, doc.data, cls)
    except RecursionError:
        return None, [Located(name, 1, 1, "", "syntax", "document nested too deeply")], False
    try:
        doc.check(data)
    except SourceError as exc:
        return None, [Located(name, exc.line, exc.column, "", "syntax", exc.message)], False
    try:
        obj = from_dict(data, cls, strict=strict)
    except DecodeError as exc:
        problems = list(exc.errors)
        problems += _beyond(problems, _other_problems(data, cls, strict=strict))
        return None, _in_order(doc, data, name, problems), False
    return obj, _in_order(doc, data, name, errors(obj)), True


def _in_order(doc: Any, data: Any, name: str, issues: list[Issue]) -> list[Located]:
    located = [locate_issue(doc, data, name, i) for i in issues]
    located.sort(key=lambda p: (p.line, p.column))
    return located


def _other_problems(data: Any, cls: type[IRStruct], *, strict: bool) -> list[Issue]:
    """The rule violations of a document that also failed to decode.

    The document is decoded leaving out the values that failed, and the rest
    is validated, so that one run reports every problem.
    """
    obj, _ = convert(data, cls, strict=strict, trusted=False, partial=True)
    return errors(obj) if isinstance(obj, IRStruct) else []


def _beyond(decoding: list[Issue], others: list[Issue]) -> list[Issue]:
    """``others`` without the issues at (or below) a path decoding already reported."""
    seen = {i.path for i in decoding}
    return [
        i
        for i in others
        if i.path not in seen
        and not any(i.path.startswith(p + ".") or i.path.startswith(p + "[") for p in seen if p)
    ]


def locate_issue(doc: Any, data: Any, name: str, issue: Issue) -> Located:
    """Place one issue in the source."""
    path = split_path(issue.path, data)
    line, column = doc.locate(path, key=issue.code == IssueCode.UNKNOWN_FIELD)
    return issue_to_located(name, issue, line, column)


def split_path(path: str, data: Any) -> Path:
    """``"pipeline[2].name"`` as ``("pipeline", 2, "name")``, guided by ``data``.

    Map keys may contain dots and brackets, so each step takes the longest
    key of the current object that the rest of the path starts with.
    """
    parts: list[str | int] = []
    rest = path
    node = data
    while rest:
        if rest.startswith("["):
            end = rest.find("]")
            if end < 0 or not rest[1:end].isdigit():
                break
            index = int(rest[1:end])
            parts.append(index)
            node = node[index] if isinstance(node, list) and index < len(node) else None
            rest = rest[end + 1 :]
            continue
        if rest.startswith("."):
            rest = rest[1:]
        key = _longest_key(rest, node)
        parts.append(key)
        node = node.get(key) if isinstance(node, dict) else None
        rest = rest[len(key) :]
    return tuple(parts)


def _longest_key(rest: str, node: Any) -> str:
    if isinstance(node, dict):
        best = ""
        for key in node:
            if (
                isinstance(key, str)
                and len(key) > len(best)
                and rest.startswith(key)
                and (len(rest) == len(key) or rest[len(key)] in ".[")
            ):
                best = key
        if best:
            return best
    cut = min((i for i in (rest.find("."), rest.find("[")) if i >= 0), default=len(rest))
    return rest[:cut]


def coerce_plain_scalars(doc: Any, data: Any, cls: type[IRStruct]) -> Any:
    """``data`` with YAML plain scalars in string fields turned back into their text."""
    if not hasattr(doc, "raw_scalar") or not isinstance(data, dict):
        return data
    return _coerce_struct(doc, data, cls, ())


def _coerce_struct(
    doc: Any, data: dict[str, Any], cls: type[IRStruct], path: Path
) -> dict[str, Any]:
    fields = plan(cls).by_name
    result = dict(data)
    for key, value in data.items():
        f = fields.get(key)
        if f is not None:
            result[key] = _coerce(doc, value, f.node, (*path, key))
    return result


def _coerce(doc: Any, value: Any, node: Node, path: Path) -> Any:
    kind = node.kind
    if kind in ("str", "literal"):
        if isinstance(value, (bool, int, float)):
            raw = doc.raw_scalar(path)
            if raw is not None:
                return raw
        return value
    if kind == "struct" and isinstance(value, dict) and node.cls is not None:
        return _coerce_struct(doc, value, node.cls, path)
    if kind == "list" and isinstance(value, list) and node.item is not None:
        return [_coerce(doc, item, node.item, (*path, i)) for i, item in enumerate(value)]
    if kind == "map" and isinstance(value, dict) and node.item is not None:
        return {k: _coerce(doc, v, node.item, (*path, k)) for k, v in value.items()}
    if kind == "union" and node.options:
        for option in node.options:
            if option.kind in ("str", "literal") and isinstance(value, (bool, int, float)):
                raw = doc.raw_scalar(path)
                if raw is not None:
                    return raw
        return value
    return value
