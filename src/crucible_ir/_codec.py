"""The wire format: `to_json`, `to_dict`, `from_json`, `from_dict`.

Decoding tries msgspec's typed decoder first: one pass in C that builds the
objects and checks every field type and value rule. When it refuses a
document, the thorough walk of ``_convert`` runs to report every decoding
problem at once (or to build an object whose values merely break a rule,
which is `validate`'s business, not decoding's).
"""

from __future__ import annotations

import re
from _thread import _local
from typing import Any, TypeVar, overload

import msgspec

from ._base import IRStruct, resolve_type
from ._convert import convert
from ._errors import DecodeError, Issue, IssueCode, ValidationError
from ._jsonscan import IR_MAX_DEPTH
from ._plan import chain_paths, holds_timestamps
from ._stack import deep_call, on_fresh_stack
from ._validate import encoding_problems, mark_decoded, mark_typed, unwritable

__all__ = ["from_dict", "from_json", "syntax_issue", "to_dict", "to_json"]

_T = TypeVar("_T", bound=IRStruct)
_IRClass = type[IRStruct]
# Fields are declared in wire (alphabetical) order, so struct keys come out sorted
# without sorting; opaque maps keep their own order (decoded ones, the order read).
_ENCODER = msgspec.json.Encoder()
# Each thread encodes into its own reusable buffer, which saves allocating and
# copying a bytes object on the way to the `str` that `to_json` returns.
_BUFFERS = _local()
_KEEP_BUFFER = 1 << 20  # a buffer grown past this by one large document is dropped
_DECODERS: dict[type, msgspec.json.Decoder[Any]] = {}
# The decoder for each `type` argument seen (a class or a type name): one lookup per call.
_BY_TYPE_ARG: dict[object, msgspec.json.Decoder[Any]] = {}
_BYTE = re.compile(r"\(byte (\d+)\)")
_LONE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])")
# The exponent of a number out of range; no leading digit run, so no backtracking.
_HUGE_NUMBER = re.compile(rb"[eE][+-]?\d{3}")
# A timestamp with more than six fractional digits, which msgspec's decoder rounds to
# the microsecond where the reference truncates (and so does the thorough decoder): a
# quick test, the exact one, and the \u escapes of the characters a timestamp's digits
# and separators are made of (digits : + - .), which no JSON writer escapes.
_SEVEN_AFTER_POINT = re.compile(rb"\.\d{7}")
_LONG_FRACTION = re.compile(rb":\d\d\.\d{7}")
_ESCAPED = re.compile(rb"\\u00(?:3[0-9aA]|2[bBdDeE])")


def _decoder(cls: type[_T]) -> msgspec.json.Decoder[_T]:
    dec = _DECODERS.get(cls)
    if dec is None:
        dec = _DECODERS[cls] = msgspec.json.Decoder(cls)
    return dec


def to_json(obj: IRStruct, *, indent: int | None = None) -> str:
    """The JSON wire form of ``obj``: every field, ``null`` for unset.

    Object keys come in alphabetical order, as the reference writes them;
    opaque maps (``options``, ``metadata``, ...) keep the order they have, as
    ``json.dumps`` does (``crucible-ir fmt`` sorts them too).

    Raises `ValidationError` when ``obj`` holds something JSON cannot carry
    faithfully (NaN, a naive datetime, a set in an opaque map, ...): what is
    written always reads back equal. Values that merely break a rule are written.

    >>> from crucible_ir import StageDef
    >>> to_json(StageDef(name="inference"))
    '{"enabled":true,"module":null,"name":"inference","options":null}'
    """
    problems = encoding_problems(obj)
    if problems:
        raise ValidationError(problems, title="cannot be written as JSON:")
    buffer: bytearray | None = getattr(_BUFFERS, "buffer", None)
    if buffer is None:
        buffer = _BUFFERS.buffer = bytearray()
    try:
        try:
            _ENCODER.encode_into(obj, buffer)
        except RecursionError:  # `deep_call`, without trying the same stack again
            on_fresh_stack(_ENCODER.encode_into, obj, buffer)
    except (TypeError, ValueError, OverflowError, RecursionError, UnicodeError) as exc:
        raise unwritable(exc) from None
    finally:
        if len(buffer) > _KEEP_BUFFER:
            _BUFFERS.buffer = bytearray()
    if indent is not None:
        return msgspec.json.format(bytes(buffer), indent=indent).decode("utf-8")
    return buffer.decode("utf-8")


def to_dict(obj: IRStruct) -> dict[str, Any]:
    """The wire form of ``obj`` as plain data (timestamps as ISO 8601 strings).

    Raises `ValidationError` in the same cases as `to_json`.

    >>> from crucible_ir import BackendRef
    >>> to_dict(BackendRef(id="gpt4"))["profile"]
    'default'
    """
    problems = encoding_problems(obj)
    if problems:
        raise ValidationError(problems, title="cannot be written as JSON:")
    try:
        result: dict[str, Any] = deep_call(msgspec.to_builtins, obj)
    except (TypeError, ValueError, OverflowError, RecursionError, UnicodeError) as exc:
        raise unwritable(exc) from None
    return result


@overload
def from_json(data: str | bytes, type: type[_T], *, strict: bool = ...) -> _T: ...
@overload
def from_json(data: str | bytes, type: str, *, strict: bool = ...) -> Any: ...
def from_json(data: str | bytes, type: type[_T] | str, *, strict: bool = False) -> Any:
    """Decode JSON text into an IR object of ``type`` (a class or a type name).

    Raises `DecodeError` listing every problem (malformed JSON with its line
    and column, wrong JSON types, missing required fields, nulls where a value
    is required, timestamps without an offset); with ``strict=True`` unknown
    keys too. Value rules (ranges, vocabularies, ...) are `validate`'s job.

    >>> from_json('{"id": "gpt4"}', "backend_ref")
    BackendRef(id='gpt4')
    """
    try:
        decoder = _BY_TYPE_ARG[type]
    except (KeyError, TypeError):
        decoder = _decoder(resolve_type(type))
        _BY_TYPE_ARG[type] = decoder
    given: object = data
    if given.__class__ is not bytes and given.__class__ is not str:
        if isinstance(given, (bytearray, memoryview)):
            data = bytes(given)
        elif not isinstance(given, (str, bytes)):
            raise TypeError(f"from_json expects str or bytes, got {data.__class__.__name__}")
    cls: _IRClass = decoder.type  # type: ignore[assignment,unused-ignore]
    if not strict and not (holds_timestamps(cls) and may_round_timestamps(data)):
        try:
            obj = decoder.decode(data)
        except Exception:
            pass
        else:
            if not chains_too_long(obj):
                mark_decoded(obj)
                return obj
    raw = parse_json(data)
    obj, issues = convert(raw, cls, strict=strict, trusted=True)
    if issues:
        raise DecodeError(issues)
    mark_typed(obj)
    return obj


def may_round_timestamps(data: str | bytes | memoryview) -> bool:
    r"""Whether ``data`` may hold a timestamp that msgspec's decoder would round.

    msgspec rounds a fraction of more than six digits to the microsecond; the
    reference truncates it, and so does the thorough decoder, which such text
    is left to. A float with seven digits after its point is looked at twice;
    a text with a digit or separator written as a ``\u`` escape is left to the
    thorough decoder too (the quick tests read the raw text).
    """
    if isinstance(data, str):  # (the characters looked for are ASCII)
        data = data.encode("utf-8", "surrogatepass")
    found = _SEVEN_AFTER_POINT.search(data)
    if found is not None and _LONG_FRACTION.search(data, max(found.start() - 3, 0)):
        return True
    if isinstance(data, memoryview):
        return _ESCAPED.search(data) is not None
    at = data.find(b"\\")
    for _ in range(8):  # a few backslashes are looked at one by one, faster than a search
        if at < 0:
            return False
        if _ESCAPED.match(data, at):
            return True
        at = data.find(b"\\", at + 2)  # (past the escaped character)
    return at >= 0 and _ESCAPED.search(data, at) is not None


def chains_too_long(obj: IRStruct) -> bool:
    """Whether a self-nesting chain in ``obj`` (fallback of fallback ...) is deeper than allowed.

    The thorough decoder and the checker limit IR nesting to `IR_MAX_DEPTH`;
    msgspec's decoder does not, so its results are measured here (only along
    the few self-referencing fields, so it costs next to nothing).
    """
    for path, attr in chain_paths(type(obj)):
        nodes: list[Any] = [obj]
        for step in path:
            name = step.removesuffix("[]")
            values = [getattr(node, name, None) for node in nodes]
            if name != step:  # every item of a list
                values = [x for v in values if isinstance(v, list) for x in v]
            nodes = [v for v in values if isinstance(v, IRStruct)]
        for node in nodes:
            length = 0
            while isinstance(node, IRStruct):
                length += 1
                if length > IR_MAX_DEPTH - len(path):
                    return True
                node = getattr(node, attr, None)
    return False


def parse_json(data: str | bytes) -> Any:
    """Plain data from JSON text, or `DecodeError` with the line and column of the fault."""
    try:
        return deep_call(msgspec.json.decode, data)
    except msgspec.DecodeError as exc:
        raise DecodeError([syntax_issue(data, str(exc))]) from None
    except RecursionError:
        raise DecodeError([Issue("", IssueCode.SYNTAX, "document nested too deeply")]) from None
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
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    match = _BYTE.search(message)
    offset: int | None = None
    if match:
        offset = int(match.group(1))
        message = _BYTE.sub("", message).rstrip()
        if "trailing characters" in message:
            offset -= 1
        elif "invalid escape" in message:
            offset = max(raw.rfind(b"\\", 0, offset), 0)
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
        big = _HUGE_NUMBER.search(raw)
        offset = big.start() if big else None
        message = "number out of range (JSON numbers must be finite doubles)"
    message = message.replace("JSON is malformed: ", "malformed JSON: ")
    if offset is None:
        return Issue("", IssueCode.SYNTAX, message)
    offset = max(0, min(offset, len(raw)))
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[start:offset].decode("utf-8", "replace")) + 1
    return Issue("", IssueCode.SYNTAX, message, line, column)


@overload
def from_dict(mapping: Any, type: type[_T], *, strict: bool = ...) -> _T: ...
@overload
def from_dict(mapping: Any, type: str, *, strict: bool = ...) -> Any: ...
def from_dict(mapping: Any, type: type[_T] | str, *, strict: bool = False) -> Any:
    """Build an IR object of ``type`` from plain data (``dict``, ``list``, ``str``, ...).

    Accepts what `to_dict` returns and what a JSON parser gives; timestamps may
    be ISO 8601 strings or timezone-aware datetimes. Raises `DecodeError` like
    `from_json`, listing every problem.

    >>> from_dict({"name": "inference", "enabled": False}, "stage_def")
    StageDef(name='inference', enabled=False)
    """
    cls = resolve_type(type)
    obj, issues = convert(mapping, cls, strict=strict, trusted=False)
    if issues:
        raise DecodeError(issues)
    mark_typed(obj)
    return obj
