"""Checks that a Python value is plain JSON data, without recursion."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["IR_MAX_DEPTH", "MAX_DEPTH", "json_problems", "json_type_name"]

MAX_DEPTH = 10_000
"""Deepest nesting accepted inside one opaque JSON value.

Deeper than any JSON text the decoders can read, so that a decoded object and
an equal object built in Python always get the same verdict."""

IR_MAX_DEPTH = 200
"""Deepest nesting of IR objects in one another (a fallback chain, say)."""

_PLAIN = frozenset({str, int, bool, type(None)})


def json_type_name(value: object) -> str:
    """The JSON name of a value's type (``null``, ``string``, ...), else its Python type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    ir_type = getattr(type(value), "__ir_type__", None)
    if ir_type is not None:
        return f"{ir_type} object"
    return f"Python {type(value).__name__}"


def json_problems(value: Any) -> list[tuple[str, str, str]]:
    """Every way ``value`` is not plain JSON data, as ``(relative path, code, message)``.

    Accepted: ``None``, ``bool``, ``int`` (any size), finite ``float``, ``str``,
    ``list``/``tuple`` and ``dict`` with ``str`` keys. Nesting deeper than
    `MAX_DEPTH` is a problem too (it could not be encoded).

    >>> json_problems({"a": [1, 2.5, None, {"b": True}]})
    []
    >>> for problem in json_problems({"a": float("nan"), 1: "x"}):
    ...     print(problem)
    ('', 'type', 'object keys must be strings, got integer 1')
    ('.a', 'range', 'expected a finite number, got nan')
    """
    if type(value) in _PLAIN or _is_plain(value):
        return []
    problems: list[tuple[str, str, str]] = []
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        kind = type(item)
        if kind is dict:
            if depth >= MAX_DEPTH:
                problems.append((path, "syntax", f"nested more than {MAX_DEPTH} levels deep"))
                continue
            for key, sub in item.items():
                if type(key) is not str and not isinstance(key, str):  # (a str subclass is fine)
                    problems.append(
                        (
                            path,
                            "type",
                            f"object keys must be strings, got {json_type_name(key)} {key!r}",
                        )
                    )
                    continue
                if type(sub) not in _PLAIN:
                    stack.append((sub, f"{path}.{key}", depth + 1))
        elif kind is list or kind is tuple:
            if depth >= MAX_DEPTH:
                problems.append((path, "syntax", f"nested more than {MAX_DEPTH} levels deep"))
                continue
            for index, sub in enumerate(item):
                if type(sub) not in _PLAIN:
                    stack.append((sub, f"{path}[{index}]", depth + 1))
        elif kind is float:
            if not math.isfinite(item):
                problems.append((path, "range", f"expected a finite number, got {item!r}"))
        elif isinstance(item, (str, int, type(None))):
            continue  # subclasses of the plain types (bool is in _PLAIN already)
        elif isinstance(item, float):
            if not math.isfinite(item):
                problems.append((path, "range", f"expected a finite number, got {item!r}"))
        elif isinstance(item, dict):
            stack.append((dict(item), path, depth))
        elif isinstance(item, (list, tuple)):
            stack.append((list(item), path, depth))
        else:
            problems.append((path, "type", f"expected a JSON value, got {json_type_name(item)}"))
    problems.sort(key=lambda p: p[0])
    return problems


def _is_plain(value: Any) -> bool:
    """Fast yes/no for the common case: exact JSON types, no paths built."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    plain = _PLAIN
    isfinite = math.isfinite
    while stack:
        item, depth = stack.pop()
        kind = type(item)
        if kind is dict:
            if depth >= MAX_DEPTH:
                return False
            for key, sub in item.items():
                if type(key) is not str:
                    return False
                t = type(sub)
                if t in plain:
                    continue
                if t is float:
                    if not isfinite(sub):
                        return False
                else:
                    stack.append((sub, depth + 1))
        elif kind is list:
            if depth >= MAX_DEPTH:
                return False
            for sub in item:
                t = type(sub)
                if t in plain:
                    continue
                if t is float:
                    if not isfinite(sub):
                        return False
                else:
                    stack.append((sub, depth + 1))
        elif kind is float:
            if not isfinite(item):
                return False
        elif kind not in plain:
            return False
    return True
