"""Checks that a Python value is plain JSON data, without recursion."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["IR_MAX_DEPTH", "MAX_DEPTH", "json_problems", "json_type_name"]

MAX_DEPTH = 256
"""Deepest nesting accepted inside one opaque JSON value."""

IR_MAX_DEPTH = 200
"""Deepest nesting of IR objects in one another (a fallback chain, say)."""

_SCALARS = (str, int, bool, type(None))


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
    """
    if isinstance(value, _SCALARS):
        return []
    problems: list[tuple[str, str, str]] = []
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, _SCALARS):
            continue
        if isinstance(item, float):
            if not math.isfinite(item):
                problems.append((path, "range", f"expected a finite number, got {item!r}"))
            continue
        if depth >= MAX_DEPTH:
            problems.append((path, "syntax", f"nested more than {MAX_DEPTH} levels deep"))
            continue
        if isinstance(item, dict):
            for key, sub in item.items():
                if not isinstance(key, str):
                    problems.append(
                        (
                            path,
                            "type",
                            f"object keys must be strings, got {json_type_name(key)} {key!r}",
                        )
                    )
                    continue
                if not isinstance(sub, _SCALARS):
                    stack.append((sub, f"{path}.{key}", depth + 1))
        elif isinstance(item, (list, tuple)):
            for index, sub in enumerate(item):
                if not isinstance(sub, _SCALARS):
                    stack.append((sub, f"{path}[{index}]", depth + 1))
        else:
            problems.append((path, "type", f"expected a JSON value, got {json_type_name(item)}"))
    problems.reverse()
    return problems
