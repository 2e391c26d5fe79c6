"""The canonical form of an IR object, and its fingerprint.

Canonical JSON is what ``crucible-ir fmt --full`` writes and what ``crucible-ir
hash`` digests; the algorithm is spelled out in README.md ("Fingerprints") so
that another implementation can reproduce it:

1. decode the document into its IR type (every field present: defaults filled
   in, ``null`` for unset optional fields);
2. write timestamps in UTC as ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z`` (six fraction
   digits, only when the microseconds are not zero);
3. serialize as JSON with object keys sorted by code point, no insignificant
   whitespace (``,`` and ``:`` separators), UTF-8 with non-ASCII characters
   written raw, integers as exact decimal digits, floats in the shortest form
   that reads back to the same double (Python's ``repr``: ``0.001``, ``1e-05``,
   ``1e+21``, ``1.0``), strings escaped as Python's ``json`` module does with
   ``ensure_ascii=False``;
4. the fingerprint is ``"sha256:"`` and the lowercase hex SHA-256 of those bytes.
"""

from __future__ import annotations

import datetime
import hashlib
import json.encoder
from typing import Any

import msgspec

from .._errors import Issue, IssueCode, ValidationError
from .._model._base import IRStruct
from ._json import stack_issue, written

__all__ = ["canonical_data", "canonical_json", "fingerprint", "json_text"]


def canonical_data(obj: IRStruct) -> Any:
    """The canonical plain data of ``obj``: every field, timestamps as UTC strings.

    Raises `ValidationError` for an object that cannot be written as JSON.
    """
    written(obj)  # raises when it cannot be written faithfully
    try:
        data = msgspec.to_builtins(obj, builtin_types=(datetime.datetime,))
    except RecursionError:
        raise ValidationError([stack_issue("write it")]) from None
    return _utc(data)


def _utc(value: Any) -> Any:
    """``value`` with timestamps as UTC strings and every object's keys in sorted order.

    Sorting here, not in the JSON encoder, keeps the encoder from comparing
    keys at the deepest level, which would cost it a level of recursion.
    """
    root = [value]
    stack: list[Any] = [root]
    while stack:
        item = stack.pop()
        pairs = item.items() if isinstance(item, dict) else enumerate(item)
        for key, sub in list(pairs):
            if isinstance(sub, datetime.datetime):
                item[key] = _stamp(sub)
            elif isinstance(sub, dict):
                item[key] = sub = {name: sub[name] for name in sorted(sub)}
                stack.append(sub)
            elif isinstance(sub, list):
                stack.append(sub)
    return root[0]


def _stamp(when: datetime.datetime) -> str:
    try:
        utc = when.astimezone(datetime.timezone.utc)
    except OverflowError:  # year 1 east of UTC, or 9999 west of it: keep the offset
        return when.isoformat()
    # (not strftime: on glibc, %Y writes the year 5 as "5", not "0005")
    return utc.replace(tzinfo=None).isoformat() + "Z"


def canonical_json(obj: IRStruct, *, indent: int | None = None) -> str:
    """The canonical JSON text of ``obj`` (compact, or indented for people).

    >>> from crucible_ir import StageDef
    >>> canonical_json(StageDef(name="run"))
    '{"enabled":true,"module":null,"name":"run","options":null}'
    """
    return json_text(canonical_data(obj), indent=indent)


def json_text(data: Any, *, indent: int | None = None) -> str:
    """``json.dumps(data, ensure_ascii=False, allow_nan=False)``, compact or indented.

    Keys are written in their order (`canonical_data` sorts them). With
    CPython's C encoder, called directly, and msgspec's formatter for the
    indentation, it is byte for byte what ``json.dumps`` writes, whose
    indenting encoder is pure Python, recursing several frames a level.
    Raises `ValidationError` for what it cannot write.
    """
    try:
        text = "".join(_COMPACT(data, 0))
        if indent is not None:
            text = msgspec.json.format(text, indent=indent)
        return text
    except RecursionError:
        raise ValidationError([stack_issue("write it")]) from None
    except (TypeError, ValueError) as exc:
        message = f"cannot be written as JSON: {exc}"
        raise ValidationError([Issue("", IssueCode.TYPE, message)]) from None


def _refuse(value: object) -> object:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# `json_text`'s compact encoder: CPython's C one (msgspec runs on CPython only),
# without circularity markers (the data is a tree) or key sorting (done beforehand).
_C_MAKE_ENCODER: Any = getattr(json.encoder, "c_make_encoder")  # noqa: B009 - not in the stubs
_COMPACT = _C_MAKE_ENCODER(
    None, _refuse, json.encoder.encode_basestring, None, ":", ",", False, False, False
)


def fingerprint(obj: IRStruct) -> str:
    """``sha256:<hex>`` of the canonical JSON of ``obj``.

    Equal for documents that differ only in key order, whitespace, file
    format, timestamp offsets or spelled-out defaults.

    >>> from crucible_ir import StageDef
    >>> fingerprint(StageDef(name="run")) == fingerprint(StageDef(name="run", enabled=True))
    True
    """
    digest = hashlib.sha256(canonical_json(obj).encode("utf-8")).hexdigest()
    return f"sha256:{digest}"
