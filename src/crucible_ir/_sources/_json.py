"""JSON documents: values and syntax errors from the library, positions from a small scanner.

The text is parsed by the library (``crucible_ir._codec._json.parse_json``), so a
syntax error is placed by its one locator (``syntax_issue``), exactly as
`crucible_ir.from_json` reports it. Positions of values are worked out only
when first asked for: one pass of a token regex over the (valid) text, with an
explicit stack. A repeated key keeps its last value and position.
"""

from __future__ import annotations

import re

import msgspec

from .._codec._json import parse_json
from .._codec._limits import too_deep_at, within_depth
from .._errors import DecodeError
from ._common import (
    TOO_DEEP,
    Document,
    LineIndex,
    Node,
    SourceError,
    char_offset,
    position_in,
)

__all__ = ["load_json"]

_TOKEN = re.compile(r'[\[\]{}:,]|"[^"\\]*(?:\\.[^"\\]*)*"|[^\s\[\]{}:,"]+', re.DOTALL)
"""One JSON token: punctuation, a string, or a bare scalar (number, true, false, null)."""


def load_json(text: str | bytes) -> Document:
    """Read a JSON document as plain data, with positions for `Document.locate`."""
    try:
        data = parse_json(text)
    except DecodeError as exc:
        issue = exc.errors[0]
        raise SourceError(issue.message, issue.line or 1, issue.column or 1) from None
    source = text if isinstance(text, str) else bytes(text).decode("utf-8")
    if not within_depth(text):  # the library's one nesting limit, as for YAML and TOML
        offset = too_deep_at(text)
        raise SourceError(TOO_DEEP, *position_in(source, char_offset(source, offset or 0)))
    return Document(data, lambda: _tree(source), LineIndex(source).position)


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
    """The position tree of ``source``, which the parser has already accepted."""
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
            current.key = msgspec.json.decode(match.group())
            current.key_at = at
        else:
            current.add(Node(at))
    return top.items[0]
