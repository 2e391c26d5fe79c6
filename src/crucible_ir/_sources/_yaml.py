r"""YAML documents: parser events, turned into plain data by hand.

The events and their positions come from libyaml, or from ruamel.yaml's
YAML 1.2 parser where libyaml is missing (`_yamlevents`); nothing of either library's composer, resolver or
constructor is used. That way no tag can ever construct or run anything,
plain scalars follow the YAML 1.2 *core* schema exactly (ruamel's own resolver
also reads ``1_000``, ``0b11`` and others as numbers; PyYAML's, ``yes`` and
``off`` as booleans), and no step is recursive: the composers recurse once
per nesting level, while the event streams and the code below do not.

The rules, as IR documents are plain JSON-model data:

* Plain scalars, core schema: ``null``/``Null``/``NULL``/``~``/empty are null;
  ``true``/``True``/``TRUE`` and the three ``false`` are booleans (``yes``,
  ``no``, ``on``, ``off`` are strings); ``[-+]?[0-9]+``, ``0o17`` and ``0x1F`` are
  integers (``0123`` is 123); ``1.5``, ``.5``, ``1e3`` are floats; anything else
  is a string. A ``%YAML 1.1`` directive does not change this.
  `Document.raw_scalar` gives the text of a plain scalar that did not resolve to
  a string. ``.inf``, ``.nan``, floats that overflow and integers of more than
  4300 digits are numbers JSON cannot carry: as a key, or where the caller takes
  the text, they are their text; anywhere else they are an error, which
  `Document.check` raises (the data holds a `BadNumber` for each until then).
  Tagged ``!!float`` or ``!!int``, they are an error at once. Quoted and block
  scalars are strings. In double-quoted scalars, ``\ud83d\ude00``-style
  surrogate pairs are combined, as in JSON; a lone surrogate is an error.
* Tags: only ``!!str !!int !!float !!bool !!null !!map !!seq`` (or their
  ``tag:yaml.org,2002:`` long forms) and the non-specific ``!`` are accepted; any
  other tag is an error at the tag.
* Mapping keys: a repeated key is an error at its second occurrence. A scalar key
  is used as written (``1: x`` gives the key ``"1"``); a mapping or sequence as a
  key is an error.
* Merge keys: a plain ``<<`` key merges a mapping, or a list of mappings, into
  the mapping holding it, the merged keys taking the place of the ``<<``. Keys
  written in that mapping win over merged ones wherever they are, and earlier
  mappings of the list win over later ones. ``"<<"`` quoted is an ordinary key.
* Anchors and aliases are allowed; an alias's values are located where its
  anchor defines them. Before any data is built, the document's values are
  counted, every alias expanded: a written value counts 1, an alias the values
  of its anchor, and a merge key, instead of its value, each mapping it merges
  (once, however often listed) with its values and, again, its entries, which
  the merge copies. More than ``max(100_000, 10 * N)`` (N: the values written
  in the document) is an error, at the alias or merge key counting the most
  so far. An alias or merge-key bomb fails at once, in memory proportional to
  the text: merges stop copying entries once that would pass the budget, and
  an alias or merge key that takes the count past the most the rest of the
  text could still allow ends the reading there. An alias inside its own
  anchor is an error.
* One document per stream; an empty stream or document gives ``None``.
* Nesting deeper than `MAX_DEPTH`, aliases included, is an error.
* More than 50,000 nodes written (scalars, collections and aliases, keys
  included) is an error, at the first one too many. Reading time goes with
  the nodes, some 6 µs each with libyaml (30 µs with ruamel's parser), so this
  bounds it; an IR document that large is better written as JSON.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
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
    TreeLocator,
    decode_text,
)
from ._yamlevents import LONE_SURROGATE, events, libyaml_available

__all__ = ["load_yaml"]

Pos: TypeAlias = tuple[int, int]

_EXPANSION_FLOOR = 100_000
_MOST_NODES = 50_000  # scalars, collections and aliases written in one document
_EXPANSION_FACTOR = 10
_PER_CHARACTER = 3  # the most values a character of YAML writes (2, for `?` or `-:`)

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset({"str", "int", "float", "bool", "null"})

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_NON_FINITE = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_SURROGATE = re.compile("[\ud800-\udfff]")

_SCALAR, _SEQ, _MAP = 0, 1, 2
_KIND_NAMES = ("scalar", "sequence", "mapping")


class _ScalarError(Exception):
    """A scalar that cannot be read; the caller adds the position."""


_TAG_SHOWN = 40  # characters of a tag shown in a message


def _tag_name(tag: str) -> str:
    """The tag as it would be written: ``!!int``, ``!local``, ``!<tag:example.com,2000:x>``."""
    if tag.startswith(_CORE):
        name = "!!" + tag[len(_CORE) :]
    else:
        name = tag if tag.startswith("!") else f"!<{tag}>"
    return name if len(name) <= _TAG_SHOWN + 20 else name[: _TAG_SHOWN + 1] + "..."


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
        self.size = 1  # values the node counts for, every alias expanded (see `_Builder`)
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
        seen: set[int] = set()
        sources: list[_YNode] = []
        bad: _YNode | None = None
        for item in value.items:
            if item.kind != _MAP:
                bad = bad or item
            elif id(item) not in seen:  # an alias repeated in the list adds nothing
                seen.add(id(item))
                sources.append(item)
        value.merging = _Merge(
            sources,
            sum(source.size + source.entries for source in sources),
            sum(source.entries for source in sources),
            bad,
        )
    return value.merging


def _mark(mark: Any) -> Pos:
    return int(mark.line) + 1, int(mark.column) + 1


def _scalar(event: Any, at: Pos) -> _YNode:
    node = _YNode(at, _SCALAR)
    text: str = event.value
    tag: str | None = event.tag
    if event.style == '"' and _SURROGATE.search(text):  # "\ud83d\ude00" escapes a pair
        try:
            text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
        except UnicodeDecodeError:
            raise SourceError(LONE_SURROGATE, *at) from None
    node.text = text
    try:
        if tag is None and not event.style:  # plain: libyaml's style is "", ruamel's None
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

# The events by class name, the same in PyYAML and ruamel.yaml.
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
    """The node graph of a document, from its events, within the expansion budget.

    The budget counts values as the data will hold them, every alias expanded: a
    written value counts 1, an alias the values of its anchor; keys do not count.
    A merge key counts, instead of its value, each mapping it merges (once,
    however often listed): that mapping's values and, once more, its entries,
    which the merge copies, so that merges of merges cannot copy more than the
    budget either. `_YNode.size` is that count for a node; ``total`` is the count
    of everything read so far, which only grows and ends as the root's size. At
    each alias or merge key, ``total`` is compared with the most the budget can
    still become (the rest of the text writes at most `_PER_CHARACTER` values a
    character, and each open collection two empty values as it closes); past it, the document is refused there and then. Merges are
    built (their entries copied) only while the work of all merges fits the
    budget the values written so far allow; past it they are only counted, and
    a document that proves within its budget is read again, its budget known,
    to build them.
    """

    def __init__(self, length: int, limit: int | None) -> None:
        self.length = length  # characters in the text
        self.limit = limit  # the budget, when known before reading
        self.offset = 0  # where the current event starts
        self.written = 0  # values (and keys) written in the document so far
        self.total = 0  # values counted so far: the root's size at the end
        self.work = 0  # mappings and entries visited by the merges built
        self.counting = False  # merges are counted only, no longer built
        self.bad_numbers = False  # whether a scalar is a `BadNumber`
        self.biggest: tuple[int, Pos, bool] = (0, (1, 1), False)  # count, where, a merge key?
        self.top = _YNode((1, 1), _SEQ)  # holds the root, so every node has a parent
        self.stack = [self.top]
        self.opened = [0]  # `total` when each node of `stack` was opened

    def budget(self) -> int:
        """The most values the document may count, as far as its written values tell so far."""
        if self.limit is not None:
            return self.limit
        return max(_EXPANSION_FLOOR, _EXPANSION_FACTOR * self.written)

    def too_big(self, limit: int) -> SourceError:
        """The error for a document counting more than ``limit`` values."""
        _, at, merge = self.biggest
        if merge:
            return SourceError(
                f"merge key expansion exceeds {limit} values (a merge-key bomb?)", *at
            )
        return SourceError(f"alias expansion exceeds {limit} values (a billion laughs?)", *at)

    def expanded(self, count: int, at: Pos, merge: bool) -> None:
        """Note an alias or merge key at ``at`` counting ``count`` values (already in ``total``).

        Raises if the document now surely counts more than its budget.
        """
        if count > self.biggest[0]:
            self.biggest = (count, at, merge)
        if self.limit is not None:
            most = self.limit
        else:
            # the most values still to come: a few per character, and the empty
            # values (`? ? ?`) the open collections may still write as they close
            rest = _PER_CHARACTER * (self.length - self.offset + 1) + 2 * len(self.stack)
            most = max(_EXPANSION_FLOOR, _EXPANSION_FACTOR * (self.written + rest))
        if self.total > most:
            raise self.too_big(most)

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

    def alias(self, node: _YNode, at: Pos) -> None:
        """Add a done node met through an alias at ``at``."""
        role = self.attach(node, at)
        holder = self.stack[-1]
        if role == _VALUE:
            self.total += node.size
            self.expanded(node.size, at, merge=False)
        elif role == _MERGED and holder.kind == _MAP:  # in a merged list: counted with the list
            charge = _merge(node).charge
            self.total += charge
            self.expanded(charge, holder.pairs[-1][1], merge=True)

    def open(self, node: _YNode, at: Pos) -> None:
        """Add a node written at ``at``: a scalar, or a collection whose items follow."""
        self.written += 1
        role = self.attach(node, at)
        parent = self.stack[-1]
        if node.kind == _SCALAR:
            if role == _VALUE:
                self.total += 1
            return
        # merged: a mapping in a merge key's value, or a list that is one
        node.merge = role == _MERGED and _MAP in (node.kind, parent.kind)
        self.opened.append(self.total)
        if not (node.merge and node.kind == _SEQ):  # a merged list counts as its mappings
            self.total += 1
        self.stack.append(node)

    def end(self) -> None:
        """Finish the innermost collection, and count it where it sits."""
        node = self.stack.pop()
        opened = self.opened.pop()
        self.close(node)
        holder = self.stack[-1]
        if node.merge and (node.kind == _SEQ or holder.kind == _MAP):  # a merge key's value
            charge = _merge(node).charge
            self.total = opened + charge
            self.expanded(charge, holder.pairs[-1][1], merge=True)
        elif node.merge:  # a mapping in a merge key's list: the share it surely adds
            self.total = opened + node.size + node.entries
        else:
            self.total = opened + node.size

    def close(self, node: _YNode) -> None:
        """Finish a collection whose items are all done: its key index, size and height."""
        if node.kind == _MAP:
            written: dict[str, Pos] = {}
            merge_at: Pos | None = None
            for key, key_at, _ in node.pairs:
                if key.merge:
                    if merge_at is not None:
                        raise SourceError(
                            f"duplicate key '<<' (first at line {merge_at[0]})", *key_at
                        )
                    merge_at = key_at
                elif key.text in written:
                    first = written[key.text][0]
                    raise SourceError(
                        f"duplicate key {key.text!r} (first at line {first})", *key_at
                    )
                else:
                    written[key.text] = key_at
            merge: _Merge | None = None
            for key, _, value in node.pairs:
                if key.merge:
                    merge = _merge(value)
                    if merge.bad is not None:
                        raise SourceError(
                            "a merge key '<<' takes a mapping or a list of mappings", *merge.bad.at
                        )
                    node.size += merge.charge
                    node.entries += merge.entries
                    work = len(merge.sources) + merge.entries
                    if self.counting or self.work + work > self.budget():
                        self.counting = True
                    else:
                        self.work += work
                else:
                    node.size += value.size
                    node.entries += 1
            for key, key_at, value in node.pairs:
                if not key.merge:
                    node.index[key.text] = (key_at, value)
                elif merge is not None and not self.counting:  # merged keys replace the '<<'
                    for source in merge.sources:
                        for name, entry in source.index.items():
                            if name not in written and name not in node.index:
                                node.index[name] = entry
            children: Iterable[_YNode] = (value for _, value in node.index.values())
        else:
            node.size += sum(item.size for item in node.items)
            children = node.items
        for child in children:
            node.height = max(node.height, child.height + 1)
        node.pairs = []
        node.done = True

    def build(self, events: Iterable[Any]) -> _YNode | None:
        """The root of the single document in ``events`` (``None`` for an empty stream).

        Also sets ``written``, ``total``, ``biggest``, ``counting`` and ``bad_numbers``.
        """
        stack = self.stack
        anchors: dict[str, _YNode] = {}
        documents = 0
        nodes = 0
        previous: Any = None
        for event in events:
            after_previous, previous = previous, event
            self.offset = int(event.start_mark.index)
            kind_of_event = _EVENT_KINDS.get(type(event).__name__, _OTHER)
            if kind_of_event == _DOCUMENT:
                documents += 1
                if documents > 1:
                    raise SourceError(
                        "expected one YAML document, found several", *_mark(event.start_mark)
                    )
                continue
            if kind_of_event == _END:
                self.end()
                continue
            if kind_of_event == _OTHER:  # the start or end of the stream, the end of a document
                continue
            at = _mark(event.start_mark)
            nodes += 1
            if nodes > _MOST_NODES:
                raise SourceError(
                    f"more than {_MOST_NODES} values, keys and aliases: too large a YAML "
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
                self.alias(target, at)
                continue
            if kind_of_event == _SCALAR_EVENT:
                if event.start_mark.index == event.end_mark.index:
                    # Nothing written (``key:``): the parsers place it at the next token, maybe
                    # lines below. Right after its key is where a value is missing; an
                    # empty document is at 1:1.
                    if stack[-1].pending is not None:
                        at = _mark(after_previous.end_mark)
                    elif len(stack) == 1:
                        at = (1, 1)
                node = _scalar(event, at)
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


def load_yaml(text: str | bytes) -> Document:
    """Read one YAML 1.2 document as plain data (see the module docstring for the rules).

    The events come from libyaml when it is installed, else from ruamel.yaml
    (`_yamlevents`).
    """
    source = decode_text(text)
    root, builder = _build(source, "libyaml" if libyaml_available() else "ruamel")
    if root is None:
        return Document(None)
    built = root
    return Document(_data(built), TreeLocator(lambda: built, _same), builder.bad_numbers)


def _build(source: str, parser: str) -> tuple[_YNode | None, _Builder]:
    """The root node of ``source`` and the builder that made it, within the expansion budget."""
    builder = _Builder(len(source), None)
    root = builder.build(events(source, parser))
    if root is None:
        return None, builder
    limit = max(_EXPANSION_FLOOR, _EXPANSION_FACTOR * builder.written)
    if root.size > limit:
        raise builder.too_big(limit)
    if builder.counting:  # merges went past the budget as it then stood: build them now
        builder = _Builder(len(source), limit)
        root = builder.build(events(source, parser))
        assert root is not None  # the same text, now known to be within its budget,
        assert not builder.counting  # so every merge was built
    return root, builder


def _same(at: Pos) -> Pos:
    return at
