"""What every source reader shares: the error, the document, and position lookup.

A reader turns text into plain JSON-model data and a *position tree* of
`Node`, which `Document.locate` walks along a path. Positions are 1-based;
columns count characters, not bytes.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeAlias, TypeVar

Path: TypeAlias = tuple[str | int, ...]
"""Where a value sits in a document: object keys and array indexes, from the root."""

NON_FINITE = "non-finite numbers are not allowed in IR documents"
"""The message for ``.inf``/``.nan`` (YAML) and ``inf``/``nan`` (TOML)."""


class SourceError(Exception):
    """A document that cannot be read at all, with the 1-based position of the problem."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message, line, column)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.message}"


class BadNumber(float):
    """A YAML plain scalar that reads as a number JSON cannot carry, held as NaN.

    ``.inf``, ``.nan``, ``1e400`` or an integer of 5000 digits is its text where
    the field takes text (`Document.raw_scalar`) and an error anywhere else,
    which only the caller can tell: the reader puts this in the data, with the
    error it would be, and `Document.check` raises the first one left.
    """

    __slots__ = ("column", "line", "message")

    message: str
    line: int
    column: int

    def __new__(cls, message: str, line: int, column: int) -> BadNumber:
        self = super().__new__(cls, math.nan)
        self.message = message
        self.line = line
        self.column = column
        return self

    def __repr__(self) -> str:
        return f"BadNumber({self.message!r}, {self.line}, {self.column})"


P = TypeVar("P")

Kids: TypeAlias = "Mapping[str, tuple[P, Node[P]]] | Sequence[Node[P]] | None"


class Node(Generic[P]):
    """Where one value of a document sits.

    ``at`` is the value's position (a character offset or a ``(line, column)``
    pair, as the reader finds convenient). ``kids`` maps an object's keys to
    ``(key position, node)``, or lists an array's items; it is ``None`` for a
    scalar. ``raw`` is the source text of a YAML plain scalar that did not
    resolve to a string.
    """

    __slots__ = ("at", "kids", "raw")

    def __init__(self, at: P, kids: Kids[P] = None, raw: str | None = None) -> None:
        self.at = at
        self.kids = kids
        self.raw = raw


class Document:
    """Plain data read from a source, and the way back to where each value was written.

    ``data`` is the document as JSON-model data (dict, list, str, int, float,
    bool or None; YAML only: until `check`, a plain scalar such as ``.inf`` is a
    `BadNumber` there). ``build`` makes the position tree on first use, and
    ``position`` turns a node's ``at`` into a line and column (by default ``at``
    is one); without a tree everything is at 1:1. ``comment`` is the line and
    column of the text's first comment (YAML and TOML), else ``None``: writing
    the data again would drop the comments, so ``fmt`` refuses such a file.
    """

    __slots__ = ("_build", "_position", "_root", "comment", "data")

    def __init__(
        self,
        data: Any,
        build: Callable[[], Node[Any]] | None = None,
        position: Callable[[Any], tuple[int, int]] | None = None,
        *,
        comment: tuple[int, int] | None = None,
    ) -> None:
        self.data = data
        self._build = build or (lambda: Node((1, 1)))
        self._position = position or (lambda at: at)
        self._root: Node[Any] | None = None
        self.comment = comment

    def _walk(self, path: Path) -> tuple[Node[Any], Any, bool]:
        """The deepest node along ``path``, the key position of its last step, whether it exists."""
        if self._root is None:
            self._root = self._build()
        node, key_at = self._root, None
        for step in path:
            kids = node.kids
            if isinstance(kids, Mapping) and isinstance(step, str) and step in kids:
                key_at, node = kids[step]
            elif isinstance(kids, Sequence) and type(step) is int and 0 <= step < len(kids):
                key_at, node = None, kids[step]
            else:
                return node, None, False
        return node, key_at, True

    def locate(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at ``path`` (with ``key``, of its key).

        Where the path does not exist (a missing field), of its deepest existing
        ancestor (the enclosing object); without positions, 1:1.
        """
        node, key_at, _ = self._walk(path)  # no key position where the path is missing
        return self._position(key_at if key and key_at is not None else node.at)

    def raw_scalar(self, path: Path) -> str | None:
        """YAML only: the text of the *plain* scalar at ``path`` that is not a string, else None.

        So a caller can read ``owner: 1.10`` as ``"1.10"`` (or ``owner: .inf`` as
        ``".inf"``) where the field is a string. ``key:`` with nothing has no text.
        """
        node, _, found = self._walk(path)
        return node.raw if found else None

    def check(self, data: Any) -> None:
        """Raise `SourceError` for the first `BadNumber` in ``data``, in document order.

        ``data`` is `data`, or a copy of it in which the caller has replaced the
        bad numbers that land where text is wanted with their `raw_scalar` text.
        """
        bad: list[BadNumber] = []
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, BadNumber):
                bad.append(item)
        if bad:
            first = min(bad, key=lambda number: (number.line, number.column))
            raise SourceError(first.message, first.line, first.column)


_NEWLINE = re.compile("\n")
SURROGATE = re.compile("[\ud800-\udfff]")
"""A surrogate code point: in a ``str`` it cannot have come from UTF-8 text."""


class LineIndex:
    """Turns character offsets into 1-based (line, column); a newline ends a line.

    The line starts are found on the first lookup, not before, so an index
    made for one lookup costs one pass over the text.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] = []

    def position(self, offset: int) -> tuple[int, int]:
        """The line and column of ``offset``."""
        if not self._starts:
            self._starts = [0, *(m.end() for m in _NEWLINE.finditer(self._text))]
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def char_offset(text: str, byte_offset: int) -> int:
    """The offset in ``text`` of UTF-8 byte ``byte_offset`` (parsers in C count bytes)."""
    if text.isascii():
        return byte_offset
    return len(text.encode("utf-8", "surrogatepass")[:byte_offset].decode("utf-8", "ignore"))


def decode_text(text: str | bytes) -> str:
    """``text`` as a string: UTF-8 checked, a leading byte-order mark dropped.

    Raises `SourceError` at the first byte that is not UTF-8, or at a lone
    surrogate in a ``str`` (it could not have come from a UTF-8 file).
    """
    if isinstance(text, str):
        lone = SURROGATE.search(text)
        if lone is not None:
            raise SourceError(
                f"invalid character U+{ord(lone.group()):04X} (a lone surrogate)",
                *LineIndex(text).position(lone.start()),
            )
        return text.removeprefix("\ufeff")
    try:
        decoded = bytes(text).decode("utf-8")
    except UnicodeDecodeError as exc:
        valid = bytes(text[: exc.start]).decode("utf-8")
        raise SourceError(
            f"invalid UTF-8: byte 0x{text[exc.start]:02X} ({exc.reason})",
            *LineIndex(valid).position(len(valid)),
        ) from None
    return decoded.removeprefix("\ufeff")
