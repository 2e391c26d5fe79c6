"""The limits of what travels as JSON, and the checks of plain JSON values.

One nesting limit, `MAX_DEPTH`, holds for every document and object; the
integer and text limits are msgspec's own, so that what is checked here is
what msgspec writes and reads.
"""

from __future__ import annotations

import enum
import math
import re
from typing import Any

MAX_DEPTH = 256
"""Most levels of JSON arrays and objects in one document, counted from its root.

An IR object is a level, and so is each list and map in it: the experiment
``{"metadata": {"a": [1]}}`` nests 3 levels. Deeper documents and objects are
refused (by decoding, `errors` and `to_json` alike) with one issue at the place
where the nesting passes the limit. The limit is the same on every Python and
at any depth of the caller's stack."""

TOO_DEEP = f"nested too deeply (more than {MAX_DEPTH} levels)"
"""The message of the issue for nesting past `MAX_DEPTH`."""

MAX_INT_CHARS = 4300
"""Longest integer text, sign included: msgspec's limit (Python's counts digits only)."""

INT_RANGE = "expected an integer of at most 4300 digits (4299 when negative)"

_INT_LIMIT: int = 10**MAX_INT_CHARS
_NEGATIVE_LIMIT: int = -(10 ** (MAX_INT_CHARS - 1))


def int_ok(value: int) -> bool:
    """Whether an integer's JSON text has at most `MAX_INT_CHARS` characters (sign included)."""
    return _NEGATIVE_LIMIT < value < _INT_LIMIT


def text_ok(value: str) -> bool:
    """Whether a string is valid Unicode text (no lone surrogates), so UTF-8 can carry it."""
    return value.isascii() or _SURROGATE.search(value) is None


_SURROGATE = re.compile("[\ud800-\udfff]")


def json_type_name(value: object) -> str:
    """The JSON name of a value's type (``null``, ``string``, ...), else its Python type."""
    for kind in type(value).__mro__:  # (a subclass of a JSON type is named by it, bool by its own)
        if kind in _JSON_NAMES:
            return _JSON_NAMES[kind]
    ir_type = getattr(type(value), "__ir_type__", None)
    return f"Python {python_type(value)}" if ir_type is None else f"{ir_type} object"


_JSON_NAMES = {type(None): "null", bool: "boolean", int: "integer", float: "float", str: "string"}
_JSON_NAMES.update({list: "array", dict: "object"})


def python_type(value: object) -> str:
    """The qualified name of a value's type: ``tuple``, ``numpy.str_``."""
    kind = type(value)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


_EXACT = frozenset({str, int, float, bool})


def got(value: object) -> str:
    """What a value is, for a message: its JSON type, or its Python type when msgspec refuses it.

    >>> got(3), got((1, 2)), got(True)
    ('integer', 'a tuple (JSON reads it back as a list)', 'boolean')
    """
    kind = type(value)
    if kind not in _EXACT and isinstance(value, (str, int, float)):
        return python_type(value)  # a subclass: msgspec writes only the exact types
    if kind is tuple:
        return "a tuple (JSON reads it back as a list)"
    return json_type_name(value)


def enum_value(value: object, kind: type) -> Any:
    """The value of an enum member that msgspec writes as an equal ``kind`` value, else None.

    msgspec writes enum members as their values; a `StrEnum` member reads back
    equal to its text, a plain `Enum` member does not.
    """
    if isinstance(value, enum.Enum):
        inner = value.value
        if type(inner) is kind and inner == value:
            return inner
    return None


def opaque_problem(value: Any) -> tuple[str, str] | None:
    """``(code, message)`` when a scalar in an opaque value does not travel as JSON, else None.

    An enum member equal to its ``str`` or ``int`` value is written as that value;
    lists and maps are the caller's to walk.
    """
    kind = type(value)
    if value is None or kind is bool:
        return None
    if kind is str and not text_ok(value):
        return ("type", "expected text, got a string with a lone surrogate")
    if kind is int and not int_ok(value):
        return ("range", INT_RANGE)
    if kind is float and not math.isfinite(value):
        return ("range", f"expected a finite number, got {value!r}")
    if kind in _EXACT:
        return None
    if enum_value(value, str) is not None or enum_value(value, int) is not None:
        return opaque_problem(value.value)
    return ("type", f"expected a JSON value, got {got(value)}")


# -- nesting of JSON text --------------------------------------------------------------

JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
"""A JSON string token in bytes (the text of valid JSON; no backtracking)."""
_TOKEN = re.compile(JSON_STRING.pattern + rb"|[\[\]{}]", re.DOTALL)
_AS_BRACKETS = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def as_bytes(text: str | bytes) -> bytes:
    """JSON text as bytes (a string's lone surrogates kept, for offsets to match)."""
    return text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")


def within_depth(text: str | bytes) -> bool:
    """Whether JSON text (known to be valid) nests at most `MAX_DEPTH` levels.

    Short texts and texts with few brackets answer at once; others lose their
    strings and everything but their brackets, then their innermost pairs, one
    level per pass: all in C, however large the text.
    """
    if len(text) <= 2 * MAX_DEPTH:
        return True
    raw = as_bytes(text)
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return True
    brackets = JSON_STRING.sub(b"", raw).translate(_AS_BRACKETS, _NOT_BRACKETS)
    for _ in range(MAX_DEPTH):
        brackets = brackets.replace(b"[]", b"")
        if not brackets:
            return True
    return False


def too_deep_at(text: str | bytes) -> int | None:
    """The byte offset of the first bracket of JSON text past `MAX_DEPTH` levels, or None.

    >>> too_deep_at(b"[" * 300), too_deep_at('{"a": "[[["}')
    (256, None)
    """
    raw = as_bytes(text)
    depth = 0
    for match in _TOKEN.finditer(raw):
        char = raw[match.start()]
        if char in b"[{":
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        elif char in b"]}":
            depth -= 1
    return None
