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
from .._codec._limits import TOO_DEEP, too_deep_at, within_depth
from .._errors import DecodeError
from ._common import Document, LineIndex, Node, SourceError, char_offset

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
    index = LineIndex(source)
    if not within_depth(text):  # the library's one nesting limit, as for YAML and TOML
        offset = too_deep_at(text)
        raise SourceError(TOO_DEEP, *index.position(char_offset(source, offset or 0)))
    return Document(data, lambda: _tree(source), index.position)


def _tree(source: str) -> Node[int]:
    """The position tree of ``source``, which the parser has already accepted."""
    root: list[Node[int]] = []  # holds the root value
    stack = [Node(0, root)]
    want_key = False  # whether the next string is an object's key
    key, key_at = "", 0
    for match in _TOKEN.finditer(source):
        at = match.start()
        char = source[at]
        kids = stack[-1].kids
        if char in "]}":
            stack.pop()
        elif char == ",":
            want_key = isinstance(kids, dict)
        elif char == ":":
            want_key = False
        elif want_key:
            key, key_at = msgspec.json.decode(match.group()), at
        else:
            node: Node[int] = Node(at, {} if char == "{" else [] if char == "[" else None)
            if isinstance(kids, dict):
                kids[key] = (key_at, node)
            elif isinstance(kids, list):
                kids.append(node)
            if node.kids is not None:
                stack.append(node)
                want_key = char == "{"
    return root[0]
