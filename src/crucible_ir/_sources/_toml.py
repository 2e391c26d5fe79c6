"""TOML documents: values from tomllib, positions from a small scanner of our own.

tomllib (``tomli`` before Python 3.11) gives no positions, so a scanner reads
the text first, without recursion: a value is placed at its first character, a
key at its own, a table at its header's ``[`` (or at the dotted key implying
it), an array-of-tables element at its ``[[``; what the scanner does not follow
falls back to the nearest ancestor it did. It notes the first comment, and
refuses what tomllib would choke on: nesting past `MAX_DEPTH` (checked key part
by key part, as tomllib's time on a long dotted key grows with its square) and
decimal integers too long for ``int()``. Offset date-times become RFC 3339
strings (``Z`` for UTC), local ones keep their ISO form; ``inf``, ``nan``,
overflowing floats and integers beyond `MAX_INT_CHARS` are errors.
"""

from __future__ import annotations

import datetime
import math
import re
import sys
from typing import Any

from .._codec._limits import MAX_DEPTH, MAX_INT_CHARS, TOO_DEEP, int_ok
from ._common import NON_FINITE, Document, LineIndex, Node, Path, SourceError, decode_text

__all__ = ["load_toml"]

_BLANK = re.compile(r"(?:[ \t\r\n]|#[^\n]*)*")
_SPACE = re.compile(r"[ \t]*")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_LITERAL = re.compile(r"'[^'\n]*'")
_ML_BASIC = re.compile(r'"""(?:[^"\\]|\\.|"{1,2}(?!"))*"{3,5}', re.DOTALL)
_ML_LITERAL = re.compile(r"'''(?:[^']|'{1,2}(?!'))*'{3,5}")
_STRINGS = (('"""', _ML_BASIC), ("'''", _ML_LITERAL), ('"', _BASIC), ("'", _LITERAL))
_QUOTED_KEYS = {'"': _BASIC, "'": _LITERAL}
_BARE_VALUE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ Tt][0-9][^\s,\]}#]*|[^\s,\]}#]+")
_DECIMAL = re.compile(r"[-+]?[0-9_]+")
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|.)", re.DOTALL)
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "e": "\x1b"}
_ERROR_AT = re.compile(r" \(at (?:line (\d+), column (\d+)|end of document)\)$")

_SCALAR, _ARRAY, _TABLE = 0, 1, 2


class _TNode(Node[int]):
    """A TOML value's place, with the table or array of its children while scanning."""

    __slots__ = ("array", "kind", "table")

    def __init__(self, at: int, kind: int) -> None:
        self.kind = kind
        self.table: dict[str, tuple[int, _TNode]] = {}
        self.array: list[_TNode] = []
        super().__init__(
            at, self.table if kind == _TABLE else self.array if kind == _ARRAY else None
        )


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if len(code) > 1:
        number = int(code[1:], 16)
        return chr(number) if number <= sys.maxunicode else match.group()
    return _ESCAPES.get(code, code)


class _Scanner:
    """Reads TOML text, left to right, into a tree of `_TNode` positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.index = LineIndex(text)
        self.i = 0
        self.deepest = (0, 0)  # depth and offset of the deepest container seen
        self.comment: int | None = None  # offset of the first comment

    def scan(self) -> _TNode:
        """The position tree of the whole document (as far as it makes sense)."""
        root = _TNode(0, _TABLE)
        table, depth = root, 1  # the table of the last header
        # The inline arrays and tables open, with their depths; where the scanner
        # cannot follow one, it goes back to the table of the last header.
        stack: list[tuple[_TNode, int]] = []
        text = self.text
        while True:
            self._skip(_BLANK)
            at = self.i
            char = text[at : at + 1]
            inline = bool(stack)  # reading the items of an inline array or table
            if inline and char in ("]", "}", ","):
                self.i += 1
                if char != ",":
                    stack.pop()
                continue
            if not inline and not char:
                return root
            if not inline and char == "[":
                close = "]]" if text.startswith("[[", at) else "]"
                self.i += len(close)
                parts = self._key(root, 1)  # which skips the spaces after it
                if not parts or not text.startswith(close, self.i):
                    break
                self.i += len(close)
                if close == "]]":
                    table, depth = self._descend(root, 1, parts[:-1], at)
                    table, depth = self._append_table(table, depth, parts[-1], at)
                else:
                    table, depth = self._descend(root, 1, parts, at)
                continue
            into, into_depth = stack[-1] if inline else (table, depth)
            name, key_at = "", 0
            if not inline or into.kind == _TABLE:
                parts = self._key(into, into_depth)
                if not parts or not text.startswith("=", self.i):
                    if not inline:
                        break
                    stack.clear()  # an inline value not followed: back to the table
                    continue
                self.i += 1
                self._skip(_SPACE)
                into, into_depth = self._descend(into, into_depth, parts[:-1], None)
                name, key_at = parts[-1]
            at = self.i
            char = text[at : at + 1]
            node = _TNode(at, _ARRAY if char == "[" else _TABLE if char == "{" else _SCALAR)
            if node.kind != _SCALAR:
                stack.append((node, self._deeper(into_depth, at)))
                self.i += 1
            elif not self._scalar() and inline:
                stack.clear()
                continue
            if not inline or into.kind == _TABLE:
                into.table[name] = (key_at, node)
            else:
                into.array.append(node)
        # Something the scanner does not follow: any '#' from here may be a comment.
        rest = text.find("#", self.i)
        if rest >= 0 and self.comment is None:
            self.comment = rest
        return root

    def _skip(self, pattern: re.Pattern[str]) -> None:
        match = pattern.match(self.text, self.i)
        if match is not None:
            if self.comment is None and "#" in match.group():
                self.comment = self.text.index("#", self.i)
            self.i = match.end()

    def _deeper(self, depth: int, at: int) -> int:
        """``depth + 1``, checked against `MAX_DEPTH` for something written at ``at``."""
        depth += 1
        if depth > MAX_DEPTH:
            raise SourceError(TOO_DEEP, *self.index.position(at))
        if depth > self.deepest[0]:
            self.deepest = (depth, at)
        return depth

    def _key(self, table: _TNode, depth: int) -> list[tuple[str, int]]:
        """A dotted key at the current offset, as ``(name, offset)`` parts; spaces after it skipped.

        The key is read in ``table``, ``depth`` levels deep. Each part's depth is
        checked as soon as the next is read, as `_descend` would (creating
        nothing): a key nested too deeply is an error whatever follows it.
        """
        parts: list[tuple[str, int]] = []
        text = self.text
        walk: _TNode | None = table
        while True:
            self._skip(_SPACE)
            at = self.i
            quote = text[at : at + 1]
            match = _QUOTED_KEYS.get(quote, _BARE_KEY).match(text, at)
            if match is None:
                return parts
            token = match.group()
            if quote == '"':
                token = _ESCAPE.sub(_unescape, token[1:-1])
            elif quote == "'":
                token = token[1:-1]
            if parts:
                walk, depth = self._step(walk, depth, *parts[-1])
            parts.append((token, at))
            self.i = match.end()
            self._skip(_SPACE)
            if not text.startswith(".", self.i):
                return parts
            self.i += 1

    def _descend(
        self, table: _TNode, depth: int, parts: list[tuple[str, int]], header: int | None
    ) -> tuple[_TNode, int]:
        """The table named by ``parts`` under ``table``, created where missing.

        Tables created for a header are placed at the header, those for a
        dotted key at their own part of the key.
        """
        for name, at in parts:
            child, depth = self._step(table, depth, name, at)
            if child is None:
                child = _TNode(at if header is None else header, _TABLE)
                table.table[name] = (at, child)
            table = child
        return table, depth

    def _step(
        self, table: _TNode | None, depth: int, name: str, at: int
    ) -> tuple[_TNode | None, int]:
        """The table ``name`` (at ``at``) of ``table`` and its depth, checked.

        The table is ``None`` where it does not exist yet (or a value is in its
        place). An array of tables stands for its last element, a level deeper.
        """
        depth = self._deeper(depth, at)
        entry = None if table is None else table.table.get(name)
        if entry is None or entry[1].kind == _SCALAR:
            return None, depth
        child = entry[1]
        if child.kind == _ARRAY and child.array:
            return child.array[-1], self._deeper(depth, at)
        return child, depth

    def _append_table(
        self, table: _TNode, depth: int, part: tuple[str, int], header: int
    ) -> tuple[_TNode, int]:
        """A new element of the array of tables ``part`` of ``table``, for ``[[...]]``."""
        name, at = part
        entry = table.table.get(name)
        if entry is None or entry[1].kind != _ARRAY:
            entry = table.table[name] = (at, _TNode(header, _ARRAY))
        element = _TNode(header, _TABLE)
        entry[1].array.append(element)
        return element, self._deeper(self._deeper(depth, at), at)

    def _scalar(self) -> bool:
        """Skip a string, number, boolean or date; whether there was one."""
        text = self.text
        at = self.i
        pattern = next((p for quote, p in _STRINGS if text.startswith(quote, at)), _BARE_VALUE)
        match = pattern.match(text, at)
        if match is None:
            return False
        token = match.group()
        if _DECIMAL.fullmatch(token) and len(token.lstrip("+-").replace("_", "")) > MAX_INT_CHARS:
            raise SourceError("integer out of range", *self.index.position(at))
        self.i = match.end()
        return True


class _Bad(str):
    """What is wrong with a float tomllib read (``inf``, ``nan``, overflow), until it is placed."""


def _float(text: str) -> float | _Bad:
    value = float(text)
    if math.isfinite(value):
        return value
    return _Bad(NON_FINITE if text.lstrip("+-") in ("inf", "nan") else "number out of range")


def _to_data(doc: Document) -> None:
    """Make tomllib's data (``doc.data``) JSON-model in place, without recursion."""
    stack: list[tuple[Path, Any]] = [((), doc.data)]
    while stack:
        path, container = stack.pop()
        items = container.items() if isinstance(container, dict) else enumerate(container)
        for key, value in list(items):
            if isinstance(value, (dict, list)):
                stack.append(((*path, key), value))
            elif isinstance(value, _Bad):
                raise SourceError(str(value), *doc.locate((*path, key)))
            elif isinstance(value, int) and not int_ok(value):
                raise SourceError("integer out of range", *doc.locate((*path, key)))
            elif isinstance(value, datetime.datetime) and value.utcoffset() == datetime.timedelta(
                0
            ):
                container[key] = value.isoformat()[:-6] + "Z"
            elif isinstance(value, (datetime.date, datetime.time)):  # datetime is a date too
                container[key] = value.isoformat()


def load_toml(text: str | bytes) -> Document:
    """Read a TOML document as plain data, with positions for `Document.locate`."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

    source = decode_text(text)
    scanner = _Scanner(source)
    tree = scanner.scan()
    index = scanner.index
    try:
        data = tomllib.loads(source, parse_float=_float)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _ERROR_AT.search(message)
        if match is None or match.group(1) is None:
            line, column = index.position(len(source))
        else:
            line, column = int(match.group(1)), int(match.group(2))
        if match is not None:
            message = message[: match.start()]
        raise SourceError(message[:1].lower() + message[1:], line, column) from None
    except RecursionError:
        raise SourceError("nested too deeply", *index.position(scanner.deepest[1])) from None
    except ValueError:  # an integer beyond a lowered sys.set_int_max_str_digits()
        raise SourceError("integer out of range", *index.position(len(source))) from None
    comment = None if scanner.comment is None else index.position(scanner.comment)
    doc = Document(data, lambda: tree, index.position, comment=comment)
    _to_data(doc)
    return doc
