r"""YAML documents: ruamel.yaml's parser events, turned into plain data by hand.

ruamel.yaml (YAML 1.2, pure-Python parser) supplies the events and their
positions, from ruamel's scanner without its slow paths on deep flow
collections (`_yamlscan.BoundedScanner`); nothing of ruamel's composer,
resolver or constructor is used. That way no tag can ever construct or run
anything, plain scalars follow the YAML 1.2 *core* schema exactly (ruamel's own
resolver also reads ``1_000``, ``0b11`` and others as numbers), and no step is
recursive: ruamel's composer recurses once per nesting level, while its event
stream and the code below do not.

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
  anchor defines them. Before anything is built, the size of the document with
  every alias expanded is computed; more than ``max(100_000, 10 * N)`` values
  (N: the values written in the document) is an error, so an alias bomb fails
  at once, in memory proportional to the text. An alias inside its own anchor
  is an error.
* One document per stream; an empty stream or document gives ``None``.
* Nesting deeper than `MAX_DEPTH`, aliases included, is an error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeAlias

from ._common import (
    MAX_DEPTH,
    MAX_INT_DIGITS,
    NON_FINITE,
    TOO_DEEP,
    BadNumber,
    Document,
    Node,
    SourceError,
    TreeLocator,
    decode_text,
    int_in_range,
    position_in,
)

if TYPE_CHECKING:
    from ruamel.yaml.error import YAMLError

__all__ = ["load_yaml"]

Pos: TypeAlias = tuple[int, int]

_EXPANSION_FLOOR = 100_000
_EXPANSION_FACTOR = 10

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


def _tag_name(tag: str) -> str:
    """The tag as it would be written: ``!!int``, ``!local``, ``!<tag:example.com,2000:x>``."""
    if tag.startswith(_CORE):
        return "!!" + tag[len(_CORE) :]
    return tag if tag.startswith("!") else f"!<{tag}>"


def _to_int(text: str) -> int:
    if text[:2] in ("0o", "0x"):
        value = int(text[2:], 8 if text[1] == "o" else 16)
    elif len(text.lstrip("+-")) > MAX_INT_DIGITS:
        raise _ScalarError("integer out of range")
    else:
        value = int(text)
    if not int_in_range(value):
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
        "height",
        "index",
        "items",
        "kind",
        "merge",
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
        self.merge = False
        self.done = kind == _SCALAR
        self.size = 1  # values in the node once every alias is expanded
        self.height = 0 if kind == _SCALAR else 1  # nesting levels of the node, expanded
        self.items: list[_YNode] = []
        self.pairs: list[tuple[_YNode, Pos, _YNode]] = []  # key, where it is written, value
        self.pending: tuple[_YNode, Pos] | None = None
        self.index: dict[str, tuple[Pos, _YNode]] = {}
        if kind == _SEQ:
            self.kids = self.items
        elif kind == _MAP:
            self.kids = self.index


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
            raise SourceError("a \\u escape gives a lone surrogate, not a character", *at) from None
    node.text = text
    try:
        if tag is None and event.style is None:
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


def _merge_sources(value: _YNode) -> list[_YNode]:
    if value.kind == _MAP:
        return [value]
    if value.kind == _SEQ:
        for item in value.items:
            if item.kind != _MAP:
                raise SourceError(
                    "a merge key '<<' takes a mapping or a list of mappings", *item.at
                )
        return value.items
    raise SourceError("a merge key '<<' takes a mapping or a list of mappings", *value.at)


def _close(node: _YNode) -> None:
    """Finish a collection whose items are all done: its key index, size and height."""
    if node.kind == _MAP:
        written: dict[str, Pos] = {}
        merge_at: Pos | None = None
        for key, key_at, _ in node.pairs:
            if key.merge:
                if merge_at is not None:
                    raise SourceError(f"duplicate key '<<' (first at line {merge_at[0]})", *key_at)
                merge_at = key_at
            elif key.text in written:
                first = written[key.text][0]
                raise SourceError(f"duplicate key {key.text!r} (first at line {first})", *key_at)
            else:
                written[key.text] = key_at
        merged: set[int] = set()
        for key, key_at, value in node.pairs:
            if not key.merge:
                node.index[key.text] = (key_at, value)
                continue
            for source in _merge_sources(value):
                if id(source) in merged:  # an alias repeated in the list adds nothing
                    continue
                merged.add(id(source))
                for name, entry in source.index.items():
                    if name not in written and name not in node.index:
                        node.index[name] = entry
        children: Iterable[_YNode] = (value for _, value in node.index.values())
    else:
        children = node.items
    for child in children:
        node.size += child.size
        node.height = max(node.height, child.height + 1)
    node.pairs = []
    node.done = True


def _attach(node: _YNode, stack: list[_YNode], at: Pos) -> None:
    """Add ``node``, written at ``at`` (an alias's position differs from its node's)."""
    parent = stack[-1]
    if parent.kind == _SEQ:
        parent.items.append(node)
    elif parent.pending is None:
        if node.kind != _SCALAR:
            raise SourceError(f"a {_KIND_NAMES[node.kind]} cannot be a mapping key", *at)
        parent.pending = (node, at)
    else:
        parent.pairs.append((*parent.pending, node))
        parent.pending = None


def _build(events: Iterable[Any]) -> tuple[_YNode | None, int, Pos, bool]:
    """The node graph of the single document in ``events``.

    Returns the root (``None`` for an empty stream), the number of nodes written
    in the document, the position of the alias expanding to the most values, and
    whether a scalar is a `BadNumber`.
    """
    from ruamel.yaml.events import (
        AliasEvent,
        CollectionEndEvent,
        CollectionStartEvent,
        DocumentStartEvent,
        MappingStartEvent,
        ScalarEvent,
    )

    top = _YNode((1, 1), _SEQ)  # holds the root, so every node has a parent
    stack = [top]
    anchors: dict[str, _YNode] = {}
    written = 0
    biggest_alias: tuple[int, Pos] = (0, (1, 1))
    documents = 0
    bad_numbers = False
    previous: Any = None
    for event in events:
        after_previous, previous = previous, event
        if isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise SourceError(
                    "expected one YAML document, found several", *_mark(event.start_mark)
                )
            continue
        if isinstance(event, CollectionEndEvent):
            _close(stack.pop())
            continue
        at = _mark(event.start_mark)
        if isinstance(event, AliasEvent):
            name: str = event.anchor
            target = anchors.get(name)
            if target is None:
                raise SourceError(f"unknown alias *{name}", *at)
            node = target
            if not node.done:
                raise SourceError(f"recursive alias *{name}: it is inside its own anchor", *at)
            if len(stack) - 1 + node.height > MAX_DEPTH:
                raise SourceError(TOO_DEEP, *at)
            if node.size > biggest_alias[0]:
                biggest_alias = (node.size, at)
            _attach(node, stack, at)
            continue
        if isinstance(event, ScalarEvent):
            if event.start_mark.index == event.end_mark.index:
                # Nothing written (``key:``): ruamel places it at the next token, maybe
                # lines below. Right after its key is where a value is missing; an
                # empty document is at 1:1.
                if stack[-1].pending is not None:
                    at = _mark(after_previous.end_mark)
                elif len(stack) == 1:
                    at = (1, 1)
            node = _scalar(event, at)
            bad_numbers = bad_numbers or isinstance(node.value, BadNumber)
        elif isinstance(event, CollectionStartEvent):
            kind = _MAP if isinstance(event, MappingStartEvent) else _SEQ
            tag: str | None = event.tag
            if tag not in (None, "!", _CORE + ("map" if kind == _MAP else "seq")):
                raise SourceError(_bad_tag(tag, kind), *at)
            if len(stack) > MAX_DEPTH:
                raise SourceError(TOO_DEEP, *at)
            node = _YNode(at, kind)
        else:  # the start or end of the stream, the end of a document
            continue
        written += 1
        _attach(node, stack, at)
        if event.anchor is not None:
            anchors[event.anchor] = node
        if node.kind != _SCALAR:
            stack.append(node)
    return (top.items[0] if top.items else None), written, biggest_alias[1], bad_numbers


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


def _syntax_error(exc: YAMLError, text: str) -> SourceError:
    from ruamel.yaml.error import MarkedYAMLError
    from ruamel.yaml.reader import ReaderError

    if isinstance(exc, ReaderError):
        return SourceError(str(exc).splitlines()[0], *position_in(text, int(exc.position)))
    if isinstance(exc, MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "invalid YAML"
        if mark is not None:
            return SourceError(" ".join(message.split("\n")), mark.line + 1, mark.column + 1)
    return SourceError(" ".join(str(exc).split("\n")), 1, 1)


def load_yaml(text: str | bytes) -> Document:
    """Read one YAML 1.2 document as plain data (see the module docstring for the rules)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    from ._yamlscan import BoundedScanner

    source = decode_text(text)
    yaml = YAML(typ="safe", pure=True)
    yaml.Scanner = BoundedScanner
    try:
        root, written, biggest_alias, bad_numbers = _build(yaml.parse(source))
    except YAMLError as exc:
        raise _syntax_error(exc, source) from None
    if root is None:
        return Document(None)
    limit = max(_EXPANSION_FLOOR, _EXPANSION_FACTOR * written)
    if root.size > limit:
        raise SourceError(
            f"alias expansion exceeds {limit} values (a billion laughs?)", *biggest_alias
        )
    return Document(_data(root), TreeLocator(lambda: root, _same), bad_numbers)


def _same(at: Pos) -> Pos:
    return at
