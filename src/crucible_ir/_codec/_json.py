"""The wire format: `to_json`, `to_dict`, `from_json`, `from_dict`.

Decoding tries msgspec's typed decoder first: one pass in C that builds the
objects and checks every field type and value rule. When it refuses a
document, the lenient walk of ``_convert`` runs to report every decoding
problem at once (or to build an object whose values merely break a rule,
which is `validate`'s business, not decoding's).

Writing proves itself: what msgspec writes is read back, and only when it
reads back equal is it returned. So `to_json` never writes NaN as null, never
moves a timestamp, never writes what `from_json` refuses; what it cannot
write faithfully, it refuses with a `ValidationError` saying where.
"""

from __future__ import annotations

import functools
import math
import re
import sys
from typing import Any

import msgspec

from .._checks._checker import check
from .._errors import DecodeError, Issue, IssueCode, ValidationError
from .._model._base import IRStruct, resolve_type
from .._typetree import kinds
from ._convert import convert
from ._limits import (
    JSON_STRING,
    MAX_INT_CHARS,
    TOO_DEEP,
    as_bytes,
    json_type_name,
    too_deep_at,
    within_depth,
)
from ._overloads import reads

__all__ = ["from_dict", "from_json", "may_round_timestamps", "parse_json", "to_dict", "to_json"]

_IRClass = type[IRStruct]  # (inside the functions below, `type` is a parameter)
# Fields are declared in wire (alphabetical) order, so struct keys come out sorted
# without sorting; opaque maps keep their own order (decoded ones, the order read).
_ENCODER = msgspec.json.Encoder()
_PLAIN = msgspec.json.Decoder()
_DECODERS: dict[object, msgspec.json.Decoder[Any]] = {}
"""The typed decoder of each ``type`` argument seen (an IR class or a type name)."""
_BOM = "\ufeff".encode()
_BYTE = re.compile(r"\(byte (\d+)\)")
_LONE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])")
# A string (skipped) or a number: where msgspec finds a number out of range.
_NUMBER = rb"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"  # (what float() reads, and no more)
_STRING_OR_NUMBER = re.compile(JSON_STRING.pattern + b"|" + _NUMBER, re.DOTALL)
_SEVEN_AFTER_POINT = re.compile(rb"\.\d{7}")
_LONG_FRACTION = re.compile(rb":\d\d\.\d{7}")
_ESCAPED = re.compile(rb"\\u00(?:3[0-9aA]|2[bBdDeE])")


def decoder_for(type: object) -> msgspec.json.Decoder[Any]:
    """The typed decoder of an IR class or type name (made once for each)."""
    try:
        return _DECODERS[type]
    except (KeyError, TypeError):  # (a type name or class not seen yet; an unhashable value)
        decoder = _DECODERS[type] = _decoder_of(resolve_type(type))  # type: ignore[arg-type]
        return decoder


@functools.cache
def _decoder_of(cls: _IRClass) -> msgspec.json.Decoder[Any]:
    """The typed decoder of any IR class, registered under a type name or not."""
    return msgspec.json.Decoder(cls)


def stack_issue(what: str) -> Issue:
    """The issue of a call made too deep in the stack for a nesting within `MAX_DEPTH`."""
    limit = sys.getrecursionlimit()
    message = f"too little stack is left here to {what} (Python's recursion limit is {limit})"
    return Issue("", IssueCode.SYNTAX, f"{message}: call it from a shallower stack")


def round_trip(obj: IRStruct) -> bytes | None:
    """The JSON of ``obj`` when the typed decoder reads it back equal (so valid fields), else None.

    The typed decoder checks every type and constraint, and the comparison
    catches whatever msgspec writes unfaithfully (NaN as null, a tuple as a
    list, an offset of seconds rounded); the text nests within `MAX_DEPTH`.
    """
    try:
        data = _ENCODER.encode(obj)
        if within_depth(data) and _decoder_of(type(obj)).decode(data) == obj:
            return data
    except Exception:  # (RecursionError included: the checker, which keeps no stack, says why)
        pass
    return None


def written(obj: Any) -> bytes:
    """The JSON text of ``obj``, read back equal by `from_json`; else `ValidationError`."""
    data = round_trip(obj)
    if data is not None:
        return data
    if not isinstance(obj, IRStruct):
        problem = Issue("", IssueCode.TYPE, f"expected an IR object, got {json_type_name(obj)}")
        raise ValidationError([problem], title="cannot be written as JSON:")
    fallback = Issue("", IssueCode.TYPE, "cannot be written as JSON that reads back equal")
    try:  # values that break a rule: the typed decoder refuses them, the lenient one reads them
        data = _ENCODER.encode(obj)
        if within_depth(data):
            read, issues = convert(_PLAIN.decode(data), type(obj), strict=False, trusted=True)
            if not issues and read == obj:
                return data
    except RecursionError:
        fallback = stack_issue("write it")
    except Exception:
        pass
    raise ValidationError(
        check(obj, writing=True) or [fallback], title="cannot be written as JSON:"
    )


def to_json(obj: IRStruct, *, indent: int | None = None) -> str:
    """The JSON wire form of ``obj``: every field, ``null`` for unset.

    Object keys come in alphabetical order, as the reference writes them;
    opaque maps (``options``, ``metadata``, ...) keep the order they have, as
    ``json.dumps`` does (``crucible-ir fmt`` sorts them too).

    Raises `ValidationError` when ``obj`` holds something JSON cannot carry
    faithfully (NaN, a naive datetime, a tuple or a set in an opaque map, a
    reference cycle, nesting past `MAX_DEPTH`, ...): what is written always
    reads back equal. Values that merely break a rule are written.

    >>> from crucible_ir import StageDef
    >>> to_json(StageDef(name="inference"))
    '{"enabled":true,"module":null,"name":"inference","options":null}'
    """
    data = written(obj)
    if indent is None:
        return data.decode("utf-8")
    try:
        return msgspec.json.format(data, indent=indent).decode("utf-8")
    except RecursionError:
        raise ValidationError([stack_issue("write it")]) from None


def to_dict(obj: IRStruct) -> dict[str, Any]:
    """The wire form of ``obj`` as plain data (timestamps as ISO 8601 strings).

    Raises `ValidationError` in the same cases as `to_json`.

    >>> from crucible_ir import BackendRef
    >>> to_dict(BackendRef(id="gpt4"))["profile"]
    'default'
    """
    data = written(obj)
    try:
        result: dict[str, Any] = _PLAIN.decode(data)
    except RecursionError:
        raise ValidationError([stack_issue("write it")]) from None
    return result


@reads
def from_json(data: str | bytes, type: type[IRStruct] | str, *, strict: bool = False) -> Any:
    """Decode JSON text into an IR object of ``type`` (a class or a type name).

    Raises `DecodeError` listing every problem (malformed JSON with its line
    and column, wrong JSON types, missing required fields, nulls where a
    required object or list goes, timestamps without an offset, nesting past
    `MAX_DEPTH`); with ``strict=True`` unknown keys too. Value rules (ranges,
    vocabularies, ...) are `validate`'s job.

    >>> from_json('{"id": "gpt4"}', "backend_ref")
    BackendRef(id='gpt4')
    """
    decoder = decoder_for(type)
    given: object = data
    if given.__class__ is not bytes and given.__class__ is not str:
        if isinstance(given, (bytearray, memoryview)):
            data = bytes(given)
        elif not isinstance(given, (str, bytes)):
            raise TypeError(f"from_json expects str or bytes, got {data.__class__.__name__}")
    cls: _IRClass = decoder.type  # type: ignore[assignment]
    if fast_decodable(cls, data, strict):
        try:
            obj = decoder.decode(data)
        except Exception:  # (RecursionError included: the lenient path says why)
            pass
        else:
            if within_depth(data):
                return obj
    raw = parse_json(data)
    deep = not within_depth(data)  # (then the walk measures every value, unknown keys' too)
    obj, issues = convert(raw, cls, strict=strict, trusted=not deep)
    if deep and not issues:  # the text nests too deep, though its data does not (a repeated key)
        issues = [_at_offset(data, too_deep_at(data) or 0, TOO_DEEP)]
    if issues:
        raise DecodeError(issues)
    return obj


def fast_decodable(cls: type[IRStruct], data: str | bytes, strict: bool) -> bool:
    """Whether msgspec's typed decoder, where it succeeds, reads ``data`` as the lenient one.

    It refuses unknown keys (see `IRStruct`), except in a `typing.TypedDict`,
    which matters in strict mode; and it rounds long timestamp fractions.
    """
    tree = kinds(cls)
    if strict and "record" in tree:
        return False
    return "datetime" not in tree or not may_round_timestamps(data)


def may_round_timestamps(data: str | bytes | memoryview) -> bool:
    r"""Whether ``data`` may hold a timestamp that msgspec's decoder would round.

    msgspec rounds a fraction of more than six digits to the microsecond; the
    reference truncates it, and so does the lenient decoder, which such text
    is left to. A float with seven digits after its point is looked at twice;
    a text with a digit or separator written as a ``\u`` escape is left to the
    lenient decoder too (the quick tests read the raw text).
    """
    if isinstance(data, str):  # (the characters looked for are ASCII)
        data = data.encode("utf-8", "surrogatepass")
    found = _SEVEN_AFTER_POINT.search(data)
    if found is not None and _LONG_FRACTION.search(data, max(found.start() - 3, 0)):
        return True
    if isinstance(data, memoryview):
        return _ESCAPED.search(data) is not None
    at = data.find(b"\\")  # (most texts have no backslash: answered without a search)
    return at >= 0 and _ESCAPED.search(data, at) is not None


def parse_json(data: str | bytes) -> Any:
    """Plain data from JSON text, or `DecodeError` with the line and column of the fault."""
    try:
        return _PLAIN.decode(data)
    except msgspec.DecodeError as exc:
        raise DecodeError([syntax_issue(data, str(exc))]) from None
    except RecursionError:
        offset = too_deep_at(data)
        if offset is None:
            raise DecodeError([stack_issue("read it")]) from None
        raise DecodeError([_at_offset(data, offset, TOO_DEEP)]) from None
    except UnicodeError as exc:
        raise DecodeError([Issue("", IssueCode.SYNTAX, f"invalid text: {exc}")]) from None
    except (ValueError, OverflowError) as exc:  # e.g. an integer beyond the digit limit
        raise DecodeError([Issue("", IssueCode.RANGE, f"number out of range: {exc}")]) from None


def syntax_issue(data: str | bytes, message: str) -> Issue:
    """An `Issue` for msgspec's complaint ``message`` about ``data``, with line and column.

    msgspec reports a byte offset that is sometimes just past the fault (after
    a trailing character, at the end of the word it expected in place of a bad
    literal, after an escaped character); the offset is moved back onto it.
    """
    raw = as_bytes(data)
    match = _BYTE.search(message)
    offset: int | None = None
    if match:
        offset = int(match.group(1))
        message = _BYTE.sub("", message).rstrip()
        if "trailing characters" in message:
            offset -= 1
        elif "invalid escape" in message:
            offset = max(raw.rfind(b"\\", 0, offset), 0)
        elif "invalid character" in message and offset == 0 and raw.startswith(_BOM):
            message = (
                "a byte order mark (U+FEFF) before the JSON text: save it as UTF-8 without one"
            )
        elif "invalid character" in message:
            # A misspelt true/false/null is reported where the word would end.
            for word in (b"true", b"null", b"false"):
                begin = offset - len(word)
                if begin >= 0 and raw[begin : begin + 1] == word[:1] and raw[begin:offset] != word:
                    offset = begin
                    break
    elif "truncated" in message:
        surrogate = _LONE_SURROGATE.search(raw)
        if surrogate:
            offset = surrogate.start()
            message = "invalid \\u escape: a lone UTF-16 surrogate is not a character"
        else:
            offset = len(raw)
            message = "unexpected end of input"
    elif "out of range" in message.lower():
        offset = _out_of_range_at(raw)
        message = (
            "number out of range (JSON numbers must be finite doubles, "
            f"integers at most {MAX_INT_CHARS} characters)"
        )
    elif "UTF-8" in message:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            offset = exc.start
            message = f"invalid UTF-8: byte 0x{raw[exc.start]:02X} ({exc.reason})"
    message = message.replace("JSON is malformed: ", "malformed JSON: ")
    if offset is None:
        return Issue("", IssueCode.SYNTAX, message)
    return _at_offset(raw, offset, message)


def _out_of_range_at(raw: bytes) -> int | None:
    """The offset of the first number msgspec cannot read: too long an integer, an infinite float."""
    for token in _STRING_OR_NUMBER.finditer(raw):
        text = token.group()
        if text[:1] == b'"':
            continue
        if text.lstrip(b"-").isdigit():
            if len(text) > MAX_INT_CHARS:
                return token.start()
        elif math.isinf(float(text)):
            return token.start()
    return None


def _at_offset(data: str | bytes, offset: int, message: str) -> Issue:
    """A syntax issue at a byte offset of JSON text, with its line and column (in characters)."""
    raw = as_bytes(data)
    offset = max(0, min(offset, len(raw)))
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[start:offset].decode("utf-8", "replace")) + 1
    return Issue("", IssueCode.SYNTAX, message, line, column)


@reads
def from_dict(mapping: Any, type: type[IRStruct] | str, *, strict: bool = False) -> Any:
    """Build an IR object of ``type`` from plain data (``dict``, ``list``, ``str``, ...).

    Accepts what `to_dict` returns and what a JSON parser gives; timestamps may
    be ISO 8601 strings or timezone-aware datetimes; tuples are read as lists.
    The object holds copies: changing ``mapping`` later does not change it.
    Raises `DecodeError` like `from_json`, listing every problem, and for
    values JSON cannot carry (NaN, sets, reference cycles, ...).

    >>> from_dict({"name": "inference", "enabled": False}, "stage_def")
    StageDef(enabled=False, name='inference')
    """
    decoder = decoder_for(type)
    cls: _IRClass = decoder.type  # type: ignore[assignment]
    trusted = False
    try:  # plain JSON data reads as its JSON text does (a copy, made in C)
        data = _ENCODER.encode(mapping)
        plain = _PLAIN.decode(data) if within_depth(data) else None
        if plain == mapping:
            mapping, trusted = plain, True
            if fast_decodable(cls, data, strict):
                return decoder.decode(data)
    except Exception:  # (a value that breaks a rule; RecursionError: the lenient path says)
        pass
    obj, issues = convert(mapping, cls, strict=strict, trusted=trusted)
    if issues:
        raise DecodeError(issues)
    return obj
