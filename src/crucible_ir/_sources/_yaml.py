r"""YAML documents: PyYAML's parser events, turned into plain data by hand.

The events and their positions come from libyaml, PyYAML's C parser, or from
PyYAML's pure-Python port of it where PyYAML was built without libyaml. None of
PyYAML's composer, resolver or constructor runs: no tag constructs anything,
plain scalars follow the YAML 1.2 *core* schema (PyYAML resolves YAML 1.1's,
where ``yes`` and ``off`` are booleans), and no step recurses. The rules:

* Plain scalars: ``null``/``Null``/``NULL``/``~``/empty are null; ``true`` and
  ``false`` (or ``True``, ``TRUE`` ...) booleans; ``[-+]?[0-9]+``, ``0o17`` and
  ``0x1F`` integers (``0123`` is 123); ``1.5``, ``.5``, ``1e3`` floats; anything
  else a string, whatever a ``%YAML 1.1`` directive says. `Document.raw_scalar`
  gives the text of one that did not resolve to a string. ``.inf``, ``.nan``,
  overflowing floats and integers of more than 4300 digits are their text where
  the caller takes text, an error anywhere else (a `BadNumber` until
  `Document.check`); tagged ``!!float`` or ``!!int``, an error at once.
* A ``\ud83d\ude00`` surrogate-pair escape (``json.dumps`` writes them), which
  libyaml refuses as YAML 1.1 does, is refused by either parser, at the escape,
  naming the ``\U0001F600`` escape to write instead.
* Tags: only ``!!str !!int !!float !!bool !!null !!map !!seq`` (or their long
  forms) and ``!``; any other is an error at the tag.
* Keys: a repeated key is an error at the second one; a scalar key is used as
  written (``1: x`` gives ``"1"``); a collection as a key is an error. A plain
  ``<<`` key (a merge key, YAML 1.1, not 1.2) is refused: write the keys out.
* Anchors and aliases: an alias's values are located at its anchor; an alias
  inside its own anchor is an error. One document per stream; an empty one is
  ``None``.
* Limits, counted, never timed: `MAX_DEPTH` levels (aliases included); 50,000
  nodes written (keys and aliases included); 200,000 values once aliases are
  expanded, an error at the alias passing it, before anything is copied.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any, TypeAlias

from .._codec._limits import MAX_DEPTH, MAX_INT_CHARS, TOO_DEEP, int_ok
from ._common import (
    NON_FINITE,
    SURROGATE,
    BadNumber,
    Document,
    LineIndex,
    Node,
    SourceError,
    char_offset,
    decode_text,
)

__all__ = ["PARSERS", "load_yaml", "reads_as_text"]

PARSERS = ("libyaml", "python")
"""PyYAML's two parsers: libyaml (C) and its pure-Python port, the fallback."""

Pos: TypeAlias = tuple[int, int]

MOST_NODES = 50_000  # scalars, collections and aliases written in one document
MOST_VALUES = 200_000  # values once aliases are expanded

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset({"str", "int", "float", "bool", "null"})

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_NON_FINITE = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_ESCAPE = re.compile(r'\\(?:u([0-9a-fA-F]{4})|.)|"', re.DOTALL)  # in a double-quoted scalar
_LOW = re.compile(r"\\u([dD][c-fC-F][0-9a-fA-F]{2})")
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"
_LIBYAML_BAD_ESCAPE = "found invalid Unicode character escape code"

_SCALAR, _SEQ, _MAP = 0, 1, 2
_KIND_NAMES = ("scalar", "sequence", "mapping")


class _ScalarError(Exception):
    """A scalar that cannot be read; the caller adds the position."""


def _to_int(text: str) -> int:
    prefixed = text[:2] in ("0o", "0x")
    if prefixed or len(text.lstrip("+-")) <= MAX_INT_CHARS:  # else too long for int()
        value = int(text[2:], 8 if text[1] == "o" else 16) if prefixed else int(text)
        if int_ok(value):
            return value
    raise _ScalarError("integer out of range")


def _to_float(text: str) -> float:
    if _NON_FINITE.fullmatch(text):
        raise _ScalarError(NON_FINITE)
    value = float(text)
    if not math.isfinite(value):
        raise _ScalarError("number out of range")
    return value


def _resolve(text: str, name: str | None = None) -> Any:
    """A scalar under the YAML 1.2 core schema: plain (``name`` None) or tagged ``!!name``."""
    if name == "str":
        return text
    if text in _NULLS and name in (None, "null"):
        return None
    if text in _BOOLS and name in (None, "bool"):
        return _BOOLS[text]
    if _INT.fullmatch(text) and name in (None, "int"):
        return _to_int(text)
    if (_FLOAT.fullmatch(text) or _NON_FINITE.fullmatch(text)) and name in (None, "float"):
        return _to_float(text)
    if name is None:
        return text
    raise _ScalarError(f"{text!r} is not a valid !!{name}")


def reads_as_text(text: str) -> bool:
    """Whether ``text`` written as a plain scalar reads back as this very string."""
    try:
        value = _resolve(text)
    except _ScalarError:
        return False
    return isinstance(value, str)


def _surrogate_escape(source: str, start: int) -> SourceError | None:
    r"""The error for the first ``\ud800``-style escape of the double-quoted scalar at ``start``."""
    for match in _ESCAPE.finditer(source, start + 1):
        if match.group() == '"':  # the end of the scalar
            return None
        code = int(match.group(1) or "0", 16)  # 0 for an escape other than \uXXXX
        if not 0xD800 <= code <= 0xDFFF:
            continue
        low = _LOW.match(source, match.end())
        instead = "the character itself"
        if code < 0xDC00 and low is not None:
            pair = 0x10000 + ((code - 0xD800) << 10) + int(low.group(1), 16) - 0xDC00
            instead += f" or \\U{pair:08X}"
        return SourceError(
            f"YAML cannot escape a character as a UTF-16 surrogate pair (\\u{match.group(1)}); "
            f"write {instead}",
            *LineIndex(source).position(match.start()),
        )
    return None


class _YNode(Node[Pos]):
    """A YAML node: a `Node` for `Document.locate`, plus what building the data needs."""

    __slots__ = ("height", "index", "items", "kind", "merge", "pending", "size", "text", "value")

    def __init__(self, at: Pos, kind: int) -> None:
        super().__init__(at)
        self.kind = kind
        self.text = ""  # a scalar as written, which a key is
        self.value: Any = None
        self.merge = False  # a plain '<<'
        self.size = 1  # values the node counts for, every alias expanded
        self.height = 0 if kind == _SCALAR else -1  # levels of the node, expanded; -1 while open
        self.items: list[_YNode] = []
        self.index: dict[str, tuple[Pos, _YNode]] = {}
        self.pending: tuple[str, Pos] | None = None  # a mapping's key waiting for its value
        self.kids = self.items if kind == _SEQ else self.index if kind == _MAP else None


def _mark(mark: Any) -> Pos:
    return int(mark.line) + 1, int(mark.column) + 1


def _scalar(event: Any, at: Pos, source: str) -> _YNode:
    node = _YNode(at, _SCALAR)
    text: str = event.value
    tag: str | None = event.tag
    if event.style == '"' and SURROGATE.search(text):  # the pure-Python parser took the escape
        error = _surrogate_escape(source, int(event.start_mark.index))
        raise error or SourceError("invalid escape", *at)
    node.text = text
    plain = tag is None and not event.style  # libyaml's style is "", Python's None
    if tag is None or tag == "!":
        name = None if plain else "str"
    elif tag.startswith(_CORE) and tag[len(_CORE) :] in _SCALAR_TAGS:
        name = tag[len(_CORE) :]
    else:
        raise SourceError(_bad_tag(tag, _SCALAR), *at)
    try:
        node.value = _resolve(text, name)
    except _ScalarError as exc:
        if not plain:
            raise SourceError(str(exc), *at) from None
        node.value = BadNumber(str(exc), *at)  # its text or an error: the caller's choice
    if plain:
        node.merge = text == "<<"
        node.raw = text if text and not isinstance(node.value, str) else None
    return node


def _bad_tag(tag: str, kind: int) -> str:
    """The error for ``tag`` on a node of ``kind``, the tag as written (``!!int``, ``!<x:y>``)."""
    if tag.startswith(_CORE):
        name = "!!" + tag[len(_CORE) :]
    else:
        name = tag if tag.startswith("!") else f"!<{tag}>"
    if len(name) > 60:
        name = name[:41] + "..."
    if tag in (_CORE + "map", _CORE + "seq", *(_CORE + scalar for scalar in _SCALAR_TAGS)):
        return f"tag {name} cannot be applied to a {_KIND_NAMES[kind]}"
    return f"tag {name} is not allowed: IR documents are plain data"


_NODE_EVENTS = ("AliasEvent", "ScalarEvent", "MappingStartEvent", "SequenceStartEvent")


class _Builder:
    """The node graph of a document, from its events, within the limits.

    ``total`` counts the values the data will hold, every alias expanded; it is
    checked at each alias, before anything is copied, so a billion laughs fails
    at once, in memory proportional to the text.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.total = 0
        self.scalars: list[tuple[int, int]] = []  # spans, where a '#' is no comment
        self.top = _YNode((1, 1), _SEQ)  # holds the root, so every node has a parent
        self.stack = [self.top]

    def attach(self, node: _YNode, at: Pos) -> bool:
        """Add ``node``, written at ``at`` (an alias's position differs from its node's).

        Returns whether it is a value (else a mapping key, held until its value comes).
        """
        parent = self.stack[-1]
        if parent.kind == _SEQ:
            parent.items.append(node)
            return True
        if parent.pending is None:
            if node.kind != _SCALAR:
                raise SourceError(f"a {_KIND_NAMES[node.kind]} cannot be a mapping key", *at)
            if node.merge:
                raise SourceError(
                    "merge keys ('<<') are YAML 1.1, not read here: write the keys out", *at
                )
            parent.pending = (node.text, at)
            return False
        key, key_at = parent.pending
        first = parent.index.get(key)
        if first is not None:
            raise SourceError(f"duplicate key {key!r} (first at line {first[0][0]})", *key_at)
        parent.index[key] = (key_at, node)
        parent.pending = None
        return True

    def close(self, node: _YNode) -> None:
        """Finish a collection whose items are all done: its size and height."""
        children = node.items if node.kind == _SEQ else [v for _, v in node.index.values()]
        node.size += sum(child.size for child in children)
        node.height = max((child.height + 1 for child in children), default=1)

    def build(self, events: Iterator[Any]) -> _YNode:
        """The root of the single document in ``events`` (a null at 1:1 for an empty stream)."""
        stack = self.stack
        anchors: dict[str, _YNode] = {}
        documents = nodes = 0
        previous: Any = None
        for event in events:
            after_previous, previous = previous, event
            event_name = type(event).__name__
            if event_name == "DocumentStartEvent":
                documents += 1
                if documents > 1:
                    raise SourceError(
                        "expected one YAML document, found several", *_mark(event.start_mark)
                    )
                continue
            if event_name in ("MappingEndEvent", "SequenceEndEvent"):
                self.close(stack.pop())
                continue
            if event_name not in _NODE_EVENTS:  # the stream's start or end, a document's end
                continue
            at = _mark(event.start_mark)
            nodes += 1
            if nodes > MOST_NODES:
                raise SourceError(
                    f"more than {MOST_NODES} values, keys and aliases: too large a YAML "
                    "document (write it as JSON, which has no such limit)",
                    *at,
                )
            if event_name == "AliasEvent":
                name: str = event.anchor
                target = anchors.get(name)
                if target is None:
                    raise SourceError(f"unknown alias *{name}", *at)
                if target.height < 0:
                    raise SourceError(f"recursive alias *{name}: it is inside its own anchor", *at)
                if len(stack) - 1 + target.height > MAX_DEPTH:
                    raise SourceError(TOO_DEEP, *at)
                if self.attach(target, at):
                    self.total += target.size
                    if self.total > MOST_VALUES:
                        raise SourceError(
                            f"alias expansion exceeds {MOST_VALUES} values (a billion laughs?)",
                            *at,
                        )
                continue
            if event_name == "ScalarEvent":
                start, end = int(event.start_mark.index), int(event.end_mark.index)
                self.scalars.append((start, end))
                if start == end:
                    # Nothing written (``key:``): the parsers place it at the next token, maybe
                    # lines below. Right after its key is where a value is missing; an
                    # empty document is at 1:1.
                    if stack[-1].pending is not None:
                        at = _mark(after_previous.end_mark)
                    elif len(stack) == 1:
                        at = (1, 1)
                node = _scalar(event, at, self.source)
            else:  # the start of a mapping or a sequence
                kind = _MAP if event_name == "MappingStartEvent" else _SEQ
                tag: str | None = event.tag
                if tag not in (None, "!", _CORE + ("map" if kind == _MAP else "seq")):
                    raise SourceError(_bad_tag(tag, kind), *at)
                if len(stack) > MAX_DEPTH:
                    raise SourceError(TOO_DEEP, *at)
                node = _YNode(at, kind)
            self.total += self.attach(node, at)
            if node.kind != _SCALAR:
                stack.append(node)
            if event.anchor is not None:
                anchors[event.anchor] = node
        return self.top.items[0] if self.top.items else _YNode((1, 1), _SCALAR)

    def first_comment(self) -> Pos | None:
        """Where the first ``#`` outside every scalar is: a comment (or, rarely, in a tag)."""
        at = self.source.find("#")
        for start, end in self.scalars:  # in document order
            if at < start:  # before this scalar (or no '#' left)
                break
            if at < end:  # inside it: the next '#' after it
                at = self.source.find("#", end)
        return LineIndex(self.source).position(at) if at >= 0 else None


def _data(root: _YNode) -> Any:
    """Plain data for the node graph, aliases expanded into fresh containers."""
    holder: list[Any] = [None]
    stack: list[tuple[_YNode, Any, str | int]] = [(root, holder, 0)]  # node, into, where
    while stack:
        node, into, where = stack.pop()
        if node.kind == _SCALAR:
            into[where] = node.value
        elif node.kind == _SEQ:
            into[where] = items = [None] * len(node.items)
            stack.extend((child, items, i) for i, child in enumerate(node.items))
        else:
            into[where] = members = dict.fromkeys(node.index)
            stack.extend((child, members, name) for name, (_, child) in node.index.items())
    return holder[0]


def libyaml_available() -> bool:
    """Whether PyYAML was built with libyaml, its C parser."""
    import yaml

    return bool(getattr(yaml, "__with_libyaml__", False))


def _events(source: str, parser: str) -> Iterator[Any]:
    """The parser events of ``source``; syntax errors as `SourceError` at their place."""
    import yaml

    loader_class = yaml.CBaseLoader if parser == "libyaml" else yaml.BaseLoader
    loader = None
    try:
        loader = loader_class(source)  # only its parser is used: nothing is composed
        while loader.check_event():
            yield loader.get_event()
    except yaml.YAMLError as exc:
        raise _error(exc, source, in_bytes=parser == "libyaml") from None
    finally:
        if loader is not None:
            loader.dispose()


def _error(exc: Any, source: str, *, in_bytes: bool) -> SourceError:
    """PyYAML's exception as a `SourceError` at its line and column."""
    position = getattr(exc, "position", None)
    if position is not None and not hasattr(exc, "problem_mark"):  # a reader error
        offset = char_offset(source, int(position)) if in_bytes else int(position)
        return SourceError(str(exc).splitlines()[0], *LineIndex(source).position(offset))
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None)
    message = " ".join((problem or "invalid YAML").split())
    if message == _LIBYAML_TOO_DEEP:  # libyaml's own limit, 1000 levels
        message = TOO_DEEP
    start = getattr(exc, "context_mark", None)
    escape = None
    if message == _LIBYAML_BAD_ESCAPE and start is not None:
        escape = _surrogate_escape(source, int(start.index))
    return escape or SourceError(message, *(_mark(mark) if mark is not None else (1, 1)))


def load_yaml(text: str | bytes, parser: str | None = None) -> Document:
    """Read one YAML 1.2 document as plain data (see the module docstring for the rules).

    ``parser`` is one of `PARSERS`; by default libyaml when PyYAML has it.
    """
    source = decode_text(text)
    builder = _Builder(source)
    chosen = parser or ("libyaml" if libyaml_available() else "python")
    root = builder.build(_events(source, chosen))
    return Document(_data(root), lambda: root, comment=builder.first_comment())
