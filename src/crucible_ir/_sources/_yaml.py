r"""YAML documents: PyYAML's parser events, turned into plain data by hand.

The events and their positions come from libyaml, PyYAML's C parser, or, where
PyYAML was built without it, from PyYAML's pure-Python port of the same parser.
Nothing of PyYAML's composer, resolver or constructor runs: no tag can ever
construct anything, plain scalars follow the YAML 1.2 *core* schema (PyYAML's
resolver is YAML 1.1's, where ``yes`` and ``off`` are booleans), and no step
recurses.

The rules, as IR documents are plain JSON-model data:

* Plain scalars, core schema: ``null``/``Null``/``NULL``/``~``/empty are null;
  ``true``/``True``/``TRUE`` and the three ``false`` are booleans (``yes``,
  ``no``, ``on``, ``off`` are strings); ``[-+]?[0-9]+``, ``0o17`` and ``0x1F`` are
  integers (``0123`` is 123); ``1.5``, ``.5``, ``1e3`` are floats; anything else
  is a string, whatever a ``%YAML 1.1`` directive says.
  `Document.raw_scalar` gives the text of a plain scalar that did not resolve to
  a string. ``.inf``, ``.nan``, floats that overflow and integers of more than
  4300 digits are numbers JSON cannot carry: as a key, or where the caller takes
  the text, they are their text; anywhere else they are an error, which
  `Document.check` raises (the data holds a `BadNumber` for each until then).
  Tagged ``!!float`` or ``!!int``, they are an error at once. Quoted and block
  scalars are strings.
* Surrogate-pair escapes (``"\ud83d\ude00"``, as ``json.dumps`` writes non-BMP
  characters) are refused, at the escape, with the escape to write instead
  (``\U0001F600``): libyaml follows YAML 1.1 there, and refusing keeps both
  parsers and every position honest.
* Tags: only ``!!str !!int !!float !!bool !!null !!map !!seq`` (or their
  ``tag:yaml.org,2002:`` long forms) and the non-specific ``!`` are accepted; any
  other tag is an error at the tag.
* Mapping keys: a repeated key is an error at its second occurrence. A scalar key
  is used as written (``1: x`` gives the key ``"1"``); a mapping or sequence as a
  key is an error.
* Merge keys: a plain ``<<`` key merges a mapping, or a list of mappings, into
  the mapping holding it. Keys written in that mapping win over merged ones, and
  earlier mappings of the list over later ones. ``"<<"`` quoted is an ordinary key.
* Anchors and aliases are allowed; an alias's values are located where its
  anchor defines them. An alias inside its own anchor is an error.
* One document per stream; an empty stream or document gives ``None``.
* Limits, counted, never timed: at most `MAX_DEPTH` levels of nesting (aliases
  included); at most 50,000 nodes written (scalars, collections and aliases,
  keys included), an error at the first one too many; at most 200,000 values
  once aliases and merge keys are expanded (an alias counts the values of its
  anchor, a merge key each mapping it merges with its entries again), an error
  at the alias or merge key that passes it, before anything is copied. With
  libyaml a node costs some 6 µs; the pure-Python parser is several times
  slower, and on lines of deeply nested flow collections much slower still.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple, TypeAlias

from .._jsonscan import MAX_INT_CHARS, int_ok
from ._common import (
    MAX_DEPTH,
    NON_FINITE,
    TOO_DEEP,
    BadNumber,
    Document,
    Node,
    SourceError,
    char_offset,
    decode_text,
    position_in,
)

__all__ = ["PARSERS", "load_yaml", "reads_as_text"]

PARSERS = ("libyaml", "python")
"""PyYAML's two parsers: libyaml (C) and its pure-Python port, the fallback."""

Pos: TypeAlias = tuple[int, int]

MOST_NODES = 50_000  # scalars, collections and aliases written in one document
MOST_VALUES = 200_000  # values once aliases and merge keys are expanded

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset({"str", "int", "float", "bool", "null"})

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_NON_FINITE = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPE = re.compile(r'\\(?:u([0-9a-fA-F]{4})|.)|"', re.DOTALL)  # in a double-quoted scalar
_LOW = re.compile(r"\\u([dD][c-fC-F][0-9a-fA-F]{2})")
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"
_LIBYAML_BAD_ESCAPE = "found invalid Unicode character escape code"

_SCALAR, _SEQ, _MAP = 0, 1, 2
_KIND_NAMES = ("scalar", "sequence", "mapping")


class _ScalarError(Exception):
    """A scalar that cannot be read; the caller adds the position."""


def _tag_name(tag: str) -> str:
    """The tag as it would be written: ``!!int``, ``!local``, ``!<tag:example.com,2000:x>``."""
    if tag.startswith(_CORE):
        name = "!!" + tag[len(_CORE) :]
    else:
        name = tag if tag.startswith("!") else f"!<{tag}>"
    return name if len(name) <= 60 else name[:41] + "..."


def _to_int(text: str) -> int:
    if text[:2] in ("0o", "0x"):
        value = int(text[2:], 8 if text[1] == "o" else 16)
    elif len(text.lstrip("+-")) > MAX_INT_CHARS:
        raise _ScalarError("integer out of range")
    else:
        value = int(text)
    if not int_ok(value):
        raise _ScalarError("integer out of range")
    return value


def _to_float(text: str) -> float:
    if _NON_FINITE.fullmatch(text):
        raise _ScalarError(NON_FINITE)
    value = float(text)
    if not math.isfinite(value):
        raise _ScalarError("number out of range")
    return value


def _plain(text: str) -> Any:
    """A plain, untagged scalar under the YAML 1.2 core schema."""
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if _INT.fullmatch(text):
        return _to_int(text)
    if _FLOAT.fullmatch(text) or _NON_FINITE.fullmatch(text):
        return _to_float(text)
    return text


def reads_as_text(text: str) -> bool:
    """Whether ``text`` written as a plain scalar reads back as this very string."""
    try:
        value = _plain(text)
    except _ScalarError:
        return False
    return isinstance(value, str)


def _tagged(text: str, name: str) -> Any:
    """A scalar with an explicit standard tag ``!!name``."""
    if name == "str":
        return text
    if name == "int" and _INT.fullmatch(text):
        return _to_int(text)
    if name == "float" and (_FLOAT.fullmatch(text) or _NON_FINITE.fullmatch(text)):
        return _to_float(text)
    if name == "bool" and text in _BOOLS:
        return _BOOLS[text]
    if name == "null" and text in _NULLS:
        return None
    raise _ScalarError(f"{text!r} is not a valid !!{name}")


def _surrogate_escape(source: str, start: int) -> SourceError | None:
    r"""The error for the first ``\ud800``-style escape of the double-quoted scalar at ``start``."""
    for match in _ESCAPE.finditer(source, start + 1):
        digits = match.group(1)
        if match.group() == '"':  # the end of the scalar
            return None
        if digits is None or not 0xD800 <= int(digits, 16) <= 0xDFFF:
            continue
        low = _LOW.match(source, match.end())
        instead = "the character itself"
        if int(digits, 16) < 0xDC00 and low is not None:
            code = 0x10000 + ((int(digits, 16) - 0xD800) << 10) + int(low.group(1), 16) - 0xDC00
            instead += f" or \\U{code:08X}"
        return SourceError(
            f"YAML cannot escape a character as a UTF-16 surrogate pair (\\u{digits}); "
            f"write {instead}",
            *position_in(source, match.start()),
        )
    return None


class _YNode(Node[Pos]):
    """A YAML node: a `Node` for `Document.locate`, plus what building the data needs."""

    __slots__ = (
        "done",
        "entries",
        "height",
        "index",
        "items",
        "kind",
        "merge",
        "merging",
        "pairs",
        "pending",
        "size",
        "text",
        "value",
    )

    def __init__(self, at: Pos, kind: int) -> None:
        super().__init__(at)
        self.kind = kind
        self.text = ""
        self.value: Any = None
        # a plain '<<' key; a mapping or sequence written as (part of) a merge key's value
        self.merge = False
        self.done = kind == _SCALAR
        self.size = 1  # values the node counts for, every alias expanded
        self.entries = 0  # a mapping's entries, merged ones included, before any key overrides
        self.height = 0 if kind == _SCALAR else 1  # nesting levels of the node, expanded
        self.items: list[_YNode] = []
        self.pairs: list[tuple[_YNode, Pos, _YNode]] = []  # key, where it is written, value
        self.pending: tuple[_YNode, Pos] | None = None
        self.index: dict[str, tuple[Pos, _YNode]] = {}
        self.merging: _Merge | None = None  # a sequence's `_merge`, once asked for
        if kind == _SEQ:
            self.kids = self.items
        elif kind == _MAP:
            self.kids = self.index


class _Merge(NamedTuple):
    """What a merge key's value merges."""

    sources: list[_YNode]  # the mappings, each once, in order
    charge: int  # the values they count for: their sizes and their entries
    entries: int  # their entries
    bad: _YNode | None  # the first value that is not a mapping


def _merge(value: _YNode) -> _Merge:
    """The mappings merged by ``value``, a merge key's value (done); a sequence keeps its answer."""
    if value.kind == _MAP:
        return _Merge([value], value.size + value.entries, value.entries, None)
    if value.kind == _SCALAR:
        return _Merge([], 0, 0, value)
    if value.merging is None:
        sources = list({id(item): item for item in value.items if item.kind == _MAP}.values())
        bad = next((item for item in value.items if item.kind != _MAP), None)
        value.merging = _Merge(
            sources,
            sum(source.size + source.entries for source in sources),
            sum(source.entries for source in sources),
            bad,
        )
    return value.merging


def _mark(mark: Any) -> Pos:
    return int(mark.line) + 1, int(mark.column) + 1


def _scalar(event: Any, at: Pos, source: str) -> _YNode:
    node = _YNode(at, _SCALAR)
    text: str = event.value
    tag: str | None = event.tag
    if event.style == '"' and _SURROGATE.search(text):  # the pure-Python parser took the escape
        error = _surrogate_escape(source, int(event.start_mark.index))
        raise error or SourceError("invalid escape", *at)
    node.text = text
    try:
        if tag is None and not event.style:  # plain: libyaml's style is "", Python's None
            try:
                node.value = _plain(text)
            except _ScalarError as exc:
                node.value = BadNumber(str(exc), *at)
            node.merge = text == "<<"
            if not isinstance(node.value, str) and text:
                node.raw = text
        elif tag is None or tag == "!":
            node.value = text
        elif tag.startswith(_CORE) and tag[len(_CORE) :] in _SCALAR_TAGS:
            node.value = _tagged(text, tag[len(_CORE) :])
        else:
            raise _ScalarError(_bad_tag(tag, _SCALAR))
    except _ScalarError as exc:
        raise SourceError(str(exc), *at) from None
    return node


def _bad_tag(tag: str, kind: int) -> str:
    if tag in (_CORE + "map", _CORE + "seq", *(_CORE + name for name in _SCALAR_TAGS)):
        return f"tag {_tag_name(tag)} cannot be applied to a {_KIND_NAMES[kind]}"
    return f"tag {_tag_name(tag)} is not allowed: IR documents are plain data"


_KEY, _VALUE, _MERGED = 0, 1, 2  # how a node sits in its parent

_DOCUMENT, _END, _ALIAS, _SCALAR_EVENT, _START_MAP, _START_SEQ, _OTHER = range(7)
_EVENT_KINDS = {
    "DocumentStartEvent": _DOCUMENT,
    "MappingEndEvent": _END,
    "SequenceEndEvent": _END,
    "AliasEvent": _ALIAS,
    "ScalarEvent": _SCALAR_EVENT,
    "MappingStartEvent": _START_MAP,
    "SequenceStartEvent": _START_SEQ,
}


class _Builder:
    """The node graph of a document, from its events, within the limits.

    ``total`` counts the values the data will hold, every alias expanded: a
    written value counts 1, an alias the values of its anchor, a merge key each
    mapping it merges with its entries again (the merge copies them). It is
    checked against `MOST_VALUES` at each alias and merge key, before anything
    is copied, so a bomb fails at once, in memory proportional to the text.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.total = 0
        self.bad_numbers = False  # whether a scalar is a `BadNumber`
        self.hashes = "#" in source  # so maybe comments, found among the scalars' spans
        self.scalars: list[tuple[int, int]] = []
        self.top = _YNode((1, 1), _SEQ)  # holds the root, so every node has a parent
        self.stack = [self.top]

    def grow(self, count: int, at: Pos, *, merge: bool) -> None:
        """Count ``count`` more values for an alias or merge key at ``at``; raise past the limit."""
        self.total += count
        if self.total > MOST_VALUES:
            what = "merge key" if merge else "alias"
            raise SourceError(
                f"{what} expansion exceeds {MOST_VALUES} values (a billion laughs?)", *at
            )

    def attach(self, node: _YNode, at: Pos) -> int:
        """Add ``node``, written at ``at`` (an alias's position differs from its node's)."""
        parent = self.stack[-1]
        if parent.kind == _SEQ:
            parent.items.append(node)
            return _MERGED if parent.merge else _VALUE
        if parent.pending is None:
            if node.kind != _SCALAR:
                raise SourceError(f"a {_KIND_NAMES[node.kind]} cannot be a mapping key", *at)
            parent.pending = (node, at)
            return _KEY
        key = parent.pending[0]
        parent.pairs.append((*parent.pending, node))
        parent.pending = None
        return _MERGED if key.merge else _VALUE

    def open(self, node: _YNode, at: Pos) -> None:
        """Add a node written at ``at``: a scalar, or a collection whose items follow."""
        role = self.attach(node, at)
        if role != _KEY:
            self.total += 1
        if node.kind != _SCALAR:
            node.merge = role == _MERGED and _MAP in (node.kind, self.stack[-1].kind)
            self.stack.append(node)

    def close(self, node: _YNode) -> None:
        """Finish a collection whose items are all done: its key index, size and height."""
        if node.kind == _MAP:
            written: dict[str, Pos] = {}
            merge_at: Pos | None = None
            for key, key_at, _ in node.pairs:
                first = merge_at if key.merge else written.get(key.text)
                if first is not None:
                    name = "<<" if key.merge else key.text
                    raise SourceError(f"duplicate key {name!r} (first at line {first[0]})", *key_at)
                if key.merge:
                    merge_at = key_at
                else:
                    written[key.text] = key_at
            for key, key_at, value in node.pairs:
                if not key.merge:
                    node.size += value.size
                    node.entries += 1
                    node.index[key.text] = (key_at, value)
                    continue
                merge = _merge(value)
                if merge.bad is not None:
                    raise SourceError(
                        "a merge key '<<' takes a mapping or a list of mappings", *merge.bad.at
                    )
                self.grow(merge.charge, key_at, merge=True)  # before any copying
                node.size += merge.charge
                node.entries += merge.entries
                for source in merge.sources:  # in the place of the '<<', the first winning
                    for name, entry in source.index.items():
                        if name not in written and name not in node.index:
                            node.index[name] = entry
            children: Iterable[_YNode] = (value for _, value in node.index.values())
        else:
            node.size += sum(item.size for item in node.items)
            children = node.items
        node.height = max((child.height + 1 for child in children), default=1)
        node.pairs = []
        node.done = True

    def build(self, events: Iterator[Any]) -> _YNode | None:
        """The root of the single document in ``events`` (``None`` for an empty stream)."""
        stack = self.stack
        anchors: dict[str, _YNode] = {}
        documents = nodes = 0
        previous: Any = None
        for event in events:
            after_previous, previous = previous, event
            kind_of_event = _EVENT_KINDS.get(type(event).__name__, _OTHER)
            if kind_of_event == _DOCUMENT:
                documents += 1
                if documents > 1:
                    raise SourceError(
                        "expected one YAML document, found several", *_mark(event.start_mark)
                    )
                continue
            if kind_of_event == _END:
                self.close(stack.pop())
                continue
            if kind_of_event == _OTHER:  # the start or end of the stream, the end of a document
                continue
            at = _mark(event.start_mark)
            nodes += 1
            if nodes > MOST_NODES:
                raise SourceError(
                    f"more than {MOST_NODES} values, keys and aliases: too large a YAML "
                    "document (write it as JSON, which has no such limit)",
                    *at,
                )
            if kind_of_event == _ALIAS:
                name: str = event.anchor
                target = anchors.get(name)
                if target is None:
                    raise SourceError(f"unknown alias *{name}", *at)
                if not target.done:
                    raise SourceError(f"recursive alias *{name}: it is inside its own anchor", *at)
                if len(stack) - 1 + target.height > MAX_DEPTH:
                    raise SourceError(TOO_DEEP, *at)
                if self.attach(target, at) == _VALUE:
                    self.grow(target.size, at, merge=False)
                continue
            if kind_of_event == _SCALAR_EVENT:
                start, end = int(event.start_mark.index), int(event.end_mark.index)
                if self.hashes:
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
                self.bad_numbers = self.bad_numbers or isinstance(node.value, BadNumber)
            else:  # the start of a mapping or a sequence
                kind = _MAP if kind_of_event == _START_MAP else _SEQ
                tag: str | None = event.tag
                if tag not in (None, "!", _CORE + ("map" if kind == _MAP else "seq")):
                    raise SourceError(_bad_tag(tag, kind), *at)
                if len(stack) > MAX_DEPTH:
                    raise SourceError(TOO_DEEP, *at)
                node = _YNode(at, kind)
            self.open(node, at)
            if event.anchor is not None:
                anchors[event.anchor] = node
        return self.top.items[0] if self.top.items else None

    def first_comment(self) -> Pos | None:
        """Where the first ``#`` outside every scalar is: a comment (or, rarely, in a tag)."""
        source = self.source
        at = source.find("#")
        spans = iter(self.scalars)
        span = next(spans, None)
        while at >= 0:
            while span is not None and span[1] <= at:
                span = next(spans, None)
            if span is None or at < span[0]:
                return position_in(source, at)
            at = source.find("#", span[1])
        return None


def _data(root: _YNode) -> Any:
    """Plain data for the node graph, aliases expanded into fresh containers."""
    if root.kind == _SCALAR:
        return root.value
    stack: list[tuple[_YNode, list[Any] | dict[str, Any]]] = []
    result = _value(root, stack)
    while stack:
        node, target = stack.pop()
        if isinstance(target, list):
            target.extend(_value(child, stack) for child in node.items)
        else:
            for name, (_, child) in node.index.items():
                target[name] = _value(child, stack)
    return result


def _value(node: _YNode, stack: list[tuple[_YNode, list[Any] | dict[str, Any]]]) -> Any:
    """The scalar of ``node``, or an empty container queued on ``stack`` for filling."""
    if node.kind == _SCALAR:
        return node.value
    container: list[Any] | dict[str, Any] = [] if node.kind == _SEQ else {}
    stack.append((node, container))
    return container


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
        return SourceError(str(exc).splitlines()[0], *position_in(source, offset))
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    message = " ".join((exc.problem or exc.context or "invalid YAML").split())
    if message == _LIBYAML_TOO_DEEP:  # libyaml's own limit, 1000 levels
        message = TOO_DEEP
    start = getattr(exc, "context_mark", None)
    if message == _LIBYAML_BAD_ESCAPE and start is not None:
        escape = _surrogate_escape(source, int(start.index))
        if escape is not None:
            return escape
    return SourceError(message, *_mark(mark)) if mark is not None else SourceError(message, 1, 1)


def load_yaml(text: str | bytes, parser: str | None = None) -> Document:
    """Read one YAML 1.2 document as plain data (see the module docstring for the rules).

    ``parser`` is one of `PARSERS`; by default libyaml when PyYAML has it.
    """
    source = decode_text(text)
    builder = _Builder(source)
    chosen = parser or ("libyaml" if libyaml_available() else "python")
    root = builder.build(_events(source, chosen))
    comment = builder.first_comment()
    if root is None:
        return Document(None, comment=comment)
    return Document(
        _data(root), lambda: root, _same, bad_numbers=builder.bad_numbers, comment=comment
    )


def _same(at: Pos) -> Pos:
    return at
