"""JSON documents: values from msgspec, positions from a small scanner run on demand.

msgspec decodes the value (fast, exact big integers, no ``NaN``). Positions cost
a second pass in Python, so they are only worked out when `Document.locate` is
first called: one pass of a token regex over the text builds the position tree.
The text is valid JSON by then, so the scanner only tells strings, brackets,
punctuation and bare scalars apart; it keeps an explicit stack, never recursing.

A repeated key keeps its last value, as in every JSON parser; the position is
the last one's too. Nesting past `MAX_DEPTH` levels is an error at the first
bracket past it, as in the other readers, never a `RecursionError`.
"""

from __future__ import annotations

import re

import msgspec

from .._jsonscan import too_deep_at, within_depth
from ._common import (
    TOO_DEEP,
    Document,
    LineIndex,
    Node,
    SourceError,
    TreeLocator,
    char_offset,
    decode_text,
    position_in,
)

__all__ = ["load_json"]

_TOKEN = re.compile(r'[\[\]{}:,]|"[^"\\]*(?:\\.[^"\\]*)*"|[^\s\[\]{}:,"]+', re.DOTALL)
"""One JSON token: punctuation, a string, or a bare scalar (number, true, false, null)."""

_BYTE_OFFSET = re.compile(r"\(byte (\d+)\)$")
_MALFORMED = "JSON is malformed: "

_DECODER = msgspec.json.Decoder()
_TOO_DEEP = object()


def load_json(text: str | bytes) -> Document:
    """Read a JSON document as plain data, with positions for `Document.locate`."""
    source = decode_text(text)
    buffer: str | bytes = source
    if not isinstance(text, str):  # hand msgspec the bytes it would otherwise encode again
        raw = bytes(text)
        buffer = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        data = _DECODER.decode(buffer)
    except msgspec.ValidationError as exc:  # a number out of range
        message = str(exc).split(" - at ", 1)[0]
        message = message[:1].lower() + message[1:]
        raise SourceError(message, *position_in(source, _bad_number(source))) from None
    except msgspec.DecodeError as exc:
        raise _syntax_error(str(exc), source) from None
    except RecursionError:  # deeper than the stack allows here: the limit says where
        data = _TOO_DEEP
    if data is _TOO_DEEP or not within_depth(buffer):
        offset = too_deep_at(buffer)
        if offset is None:  # within the limit: the caller's stack is too deep
            raise SourceError("too little stack is left here to read it", 1, 1) from None
        raise SourceError(TOO_DEEP, *position_in(source, char_offset(source, offset)))
    return Document(data, TreeLocator(lambda: _tree(source), LineIndex(source).position))


def _syntax_error(message: str, source: str) -> SourceError:
    match = _BYTE_OFFSET.search(message)
    if match is None:  # "Input data was truncated"
        return SourceError("unexpected end of input", *position_in(source, len(source)))
    offset = int(match.group(1))
    message = message[: match.start()].rstrip()
    if message.startswith(_MALFORMED):
        message = "malformed JSON: " + message[len(_MALFORMED) :]
    if message.endswith("trailing characters"):
        offset -= 1  # msgspec points one past the first trailing character
    return SourceError(message, *position_in(source, char_offset(source, offset)))


def _bad_number(source: str) -> int:
    """Offset of the first number msgspec cannot hold (``1e400``, 5000 digits)."""
    for match in _TOKEN.finditer(source):
        token = match.group()
        if token[0] in "-0123456789":
            try:
                _DECODER.decode(token)
            except msgspec.ValidationError:
                return match.start()
    return 0


class _Open:
    """An array or object being scanned: where its items go and, for objects, the pending key."""

    __slots__ = ("is_object", "items", "key", "key_at", "members", "want_key")

    def __init__(self, node: Node[int], *, is_object: bool) -> None:
        self.items: list[Node[int]] = []
        self.members: dict[str, tuple[int, Node[int]]] = {}
        node.kids = self.members if is_object else self.items
        self.is_object = is_object
        self.want_key = is_object
        self.key = ""
        self.key_at = 0

    def add(self, node: Node[int]) -> None:
        if self.is_object:
            self.members[self.key] = (self.key_at, node)
        else:
            self.items.append(node)


def _tree(source: str) -> Node[int]:
    """The position tree of ``source``, which msgspec has already accepted."""
    top = _Open(Node(0), is_object=False)  # holds the root value
    stack = [top]
    for match in _TOKEN.finditer(source):
        at = match.start()
        char = source[at]
        current = stack[-1]
        if char in "[{":
            node: Node[int] = Node(at)
            current.add(node)
            stack.append(_Open(node, is_object=char == "{"))
        elif char in "]}":
            stack.pop()
        elif char == ",":
            current.want_key = current.is_object
        elif char == ":":
            current.want_key = False
        elif current.want_key:
            current.key = _DECODER.decode(match.group())
            current.key_at = at
        else:
            current.add(Node(at))
    return top.items[0]
