"""Checks that a Python value is plain JSON data, without recursion."""

from __future__ import annotations

import math
from typing import Any

import msgspec

from ._stack import on_fresh_stack

__all__ = [
    "IR_MAX_DEPTH",
    "MAX_DEPTH",
    "NOT_JSON_BELOW",
    "TOO_DEEP",
    "is_plain",
    "json_problems",
    "json_type_name",
]

MAX_DEPTH = 500
"""Nesting inside one opaque JSON value that is accepted without further ado.

Deeper values are accepted only when msgspec can write the whole document and
read it back (`crucible_ir._stack.depth_round_trips`), which is what decides
for `from_json` too: its limit is msgspec's, some 990 levels for the whole
document, so a Python walk stopping at a fixed depth would disagree with it."""

TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"
"""The message of `json_problems` for plain JSON data nested deeper than `MAX_DEPTH`."""

NOT_JSON_BELOW = (
    f"expected plain JSON data, got values more than {MAX_DEPTH} levels deep "
    "that JSON does not read back equal (a tuple, a date, NaN, ...)"
)
"""The message of `json_problems` for other data nested deeper than `MAX_DEPTH`."""

IR_MAX_DEPTH = 200
"""Deepest nesting of IR objects in one another (a fallback chain, say)."""

_PLAIN = frozenset({str, int, bool, type(None)})

MAX_INT_CHARS = 4300
"""Longest integer text, sign included: msgspec's limit (Python's counts digits only)."""

MAX_INT_BITS = 14_280
"""Every integer of at most this many bits fits `MAX_INT_CHARS` with a sign too."""

_INT_LIMIT = 10**MAX_INT_CHARS
_NEGATIVE_LIMIT = -(10 ** (MAX_INT_CHARS - 1))


def int_ok(value: int) -> bool:
    """Whether an integer's JSON text has at most `MAX_INT_CHARS` characters.

    That is 4300 digits for a positive integer and 4299 for a negative one, as
    msgspec counts the minus sign; the bit count answers the common cases.
    """
    return value.bit_length() <= MAX_INT_BITS or _NEGATIVE_LIMIT < value < _INT_LIMIT


INT_RANGE = "expected an integer of at most 4300 digits (4299 when negative)"


def text_ok(value: str) -> bool:
    """Whether a string is valid Unicode text (no lone surrogates), so UTF-8 can carry it."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def scalar_problem(value: Any) -> tuple[str, str] | None:
    """``(code, message)`` when a str, int or float cannot travel as JSON, else None."""
    kind = type(value)
    if kind is str:
        return (
            None
            if text_ok(value)
            else ("type", "expected text, got a string with a lone surrogate")
        )
    if kind is int:
        return None if int_ok(value) else ("range", INT_RANGE)
    if kind is float:
        return (
            None if math.isfinite(value) else ("range", f"expected a finite number, got {value!r}")
        )
    if kind is bool or value is None:
        return None
    import enum

    if isinstance(value, enum.Enum) and type(value.value) in (str, int):
        return None  # written as its value
    if isinstance(value, (str, int, float)):
        return ("type", f"expected a plain {json_type_name(value)}, got a {type(value).__name__}")
    return ("type", f"expected a JSON value, got {json_type_name(value)}")


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


def json_problems(
    value: Any, *, max_depth: int = MAX_DEPTH
) -> list[tuple[tuple[str | int, ...], str, str]]:
    """Every way ``value`` is not plain JSON data, as ``(relative location, code, message)``.

    Accepted: ``None``, ``bool``, ``int`` (any size), finite ``float``, ``str``,
    ``list``/``tuple`` and ``dict`` with ``str`` keys. Below ``max_depth``
    levels only what msgspec writes as JSON and reads back equal is accepted
    (lists, not tuples), and the scan does not go on: for each value nested
    deeper, one problem where the nesting passes ``max_depth``, `TOO_DEEP`
    (which callers may forgive, see `MAX_DEPTH`) or `NOT_JSON_BELOW`.

    >>> json_problems({"a": [1, 2.5, None, {"b": True}]})
    []
    >>> for problem in json_problems({"a": float("nan"), 1: "x"}):
    ...     print(problem)
    ((), 'type', 'object keys must be strings, got integer 1')
    (('a',), 'range', 'expected a finite number, got nan')
    """
    if is_plain(value, max_depth):
        return []
    problems: list[tuple[tuple[str | int, ...], str, str]] = []
    deep: list[tuple[tuple[str | int, ...], Any]] = []  # where the nesting passes `max_depth`
    stack: list[tuple[Any, tuple[str | int, ...], int]] = [(value, (), 0)]
    while stack:
        item, path, depth = stack.pop()
        kind = type(item)
        if kind is dict:
            if depth >= max_depth:
                deep.append((path, item))
                continue
            for key, sub in item.items():
                if type(key) is not str or not text_ok(key):
                    problems.append(
                        (
                            path,
                            "type",
                            f"object keys must be strings, got {json_type_name(key)} {key!r}",
                        )
                    )
                    continue
                stack.append((sub, (*path, key), depth + 1))
        elif kind is list or kind is tuple:
            if depth >= max_depth:
                deep.append((path, item))
                continue
            for index, sub in enumerate(item):
                stack.append((sub, (*path, index), depth + 1))
        elif kind in _PLAIN or kind is float:
            found = scalar_problem(item)
            if found is not None:
                problems.append((path, *found))
        elif isinstance(item, dict):
            stack.append((dict(item), path, depth))
        elif isinstance(item, (list, tuple)):
            stack.append((list(item), path, depth))
        else:
            found = scalar_problem(item)
            if found is not None:
                problems.append((path, *found))
    if deep:
        too_deep = f"nested more than {max_depth} levels deep"
        exact = on_fresh_stack(_read_back_equal, [item for _, item in deep])
        for (path, _), ok in zip(deep, exact, strict=True):
            problems.append((path, "syntax", too_deep) if ok else (path, "type", NOT_JSON_BELOW))
    from ._errors import path_of

    problems.sort(key=lambda p: path_of(p[0]))
    return problems


def _read_back_equal(values: list[Any]) -> list[bool]:
    """For each value, whether msgspec writes it as JSON and reads back an equal value.

    A value too deep for msgspec counts as equal: its depth is what is wrong.

    Done in C, on the caller's (fresh) stack: the values are nested hundreds
    of levels deep, where a Python walk with paths would be slow.
    """
    result = []
    for value in values:
        try:
            result.append(msgspec.json.decode(msgspec.json.encode(value)) == value)
        except RecursionError:  # too deep for JSON at all: that is the problem to report
            result.append(True)
        except (TypeError, ValueError, OverflowError, msgspec.MsgspecError):
            result.append(False)
    return result


def is_plain(value: Any, max_depth: int = MAX_DEPTH) -> bool:
    """Fast yes/no for the common case: exact JSON types, no paths built."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        kind = type(item)
        if kind is dict:
            if any(type(key) is not str or not (key.isascii() or text_ok(key)) for key in item):
                return False
            values: Any = item.values()
        elif kind is list:
            values = item
        else:
            if not _plain_scalar(item):
                return False
            continue
        if depth >= max_depth:
            return False
        for sub in values:
            if type(sub) is dict or type(sub) is list:
                stack.append((sub, depth + 1))
            elif not _plain_scalar(sub):
                return False
    return True


def _plain_scalar(value: Any) -> bool:
    kind = type(value)
    if kind is str:
        return value.isascii() or text_ok(value)
    if kind is int:
        return int_ok(value)
    if kind is float:
        return math.isfinite(value)
    return kind is bool or value is None
