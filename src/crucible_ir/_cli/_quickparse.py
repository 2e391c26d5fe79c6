r"""Parsing JSON for the quick check with the standard library's C scanner.

``json.loads`` would import ``re`` (through ``json.decoder``) and that alone
costs a third of Python's start-up; the scanner of the ``_json`` accelerator
needs only a context object. It is used only to say "valid" quickly: texts
where it could disagree with msgspec (``\u`` escapes, which may hold lone
surrogates; NaN; numbers out of range) are left to the full decoder.
"""

from __future__ import annotations

TYPE_CHECKING = False  # importing typing costs start-up time
if TYPE_CHECKING:
    from typing import Any

__all__ = ["parse"]


class RefusedError(ValueError):
    """Not something the quick check parses."""


def _constant(name: str) -> Any:
    raise RefusedError(f"{name} is not JSON")


_INFINITY = float("inf")


def _finite(text: str) -> float:
    value = float(text)
    if value in (_INFINITY, -_INFINITY):
        raise RefusedError("number out of range")
    return value


def _integer(text: str) -> int:
    # msgspec reads at most 4300 characters, the sign included; Python counts digits
    if len(text) > 4300:
        raise RefusedError("integer out of range")
    return int(text)


class _Context:
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = staticmethod(_finite)
    parse_int = staticmethod(_integer)
    parse_constant = staticmethod(_constant)
    memo: dict[str, str] = {}  # noqa: RUF012 - read by the C scanner


_WHITESPACE = " \t\n\r"


def parse(data: bytes) -> Any:
    """The JSON value of ``data``, or an exception (any kind) when in doubt."""
    if b"\\u" in data:
        raise RefusedError("escapes are left to the full decoder")
    import _json

    text = data.decode("utf-8")
    start = len(text) - len(text.lstrip(_WHITESPACE))
    value, end = _json.make_scanner(_Context)(text, start)  # type: ignore[arg-type]
    if text[end:].strip(_WHITESPACE):
        raise RefusedError("trailing characters")
    return value
