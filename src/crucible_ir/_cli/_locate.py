"""The library's verdict on a document, with every problem placed at LINE:COL.

A JSON file is decoded by `crucible_ir.from_json` from its bytes, a YAML or
TOML file by `crucible_ir.from_dict` from its reader's data, and the object is
judged by `crucible_ir.errors`. Only then is each issue placed, following its
path through the reader's position tree (to the key, for an unknown key; to the
enclosing object, for a missing field). Before a YAML document reaches the
library, a plain scalar that YAML 1.2 reads as a boolean or a number but that
lands in a string field becomes that field's text (``strategy: off`` is
``"off"``, ``owner: 1.10`` is ``"1.10"``), inside a union too (an ensemble's
``models: [gpt4, {id: 3}]``: the object is the backend ref, whose ``id`` is ``"3"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from .._checks._validate import errors
from .._codec._convert import convert
from .._codec._json import from_dict, from_json
from .._errors import DecodeError, Issue, IssueCode
from .._model._base import IRStruct
from .._typetree import Node, plan
from ._common import Input, Located

if TYPE_CHECKING:  # the readers are imported when a document needs placing
    from .._codec._jsonl import BadRecord
    from .._sources import Document, Path

__all__ = ["Checked", "check", "decode_located", "locate_record"]


class Checked(NamedTuple):
    """A document judged: the object (``None`` when it could not be decoded) and its problems."""

    obj: IRStruct | None
    problems: list[Located]
    comment: tuple[int, int] | None = None  # where the first comment is (YAML and TOML)


def check(source: Input, *, strict: bool) -> Checked:
    """Decode and validate one document as the library does; place its problems."""
    verdict: tuple[IRStruct | None, list[Issue]] | None = None
    if source.format == "json":
        try:
            obj: IRStruct | None = from_json(source.data, source.cls, strict=strict)
        except DecodeError as exc:
            # A syntax error the library placed; one it could not place (nesting past
            # the limit, on a Python whose msgspec reads that deep) the reader places.
            syntax = [i for i in exc.errors if i.code == IssueCode.SYNTAX and i.line]
            if syntax:
                return Checked(
                    None, [_at(source.name, i, i.line or 1, i.column or 1) for i in syntax]
                )
            verdict = (None, exc.errors)
        else:
            verdict = (obj, errors(obj))
            if not verdict[1]:
                return Checked(obj, [])
    from .._sources import SourceError, load

    try:
        doc = load(source.data, source.format)
    except SourceError as exc:
        return Checked(
            None, [Located(source.name, exc.line, exc.column, "", "syntax", exc.message)]
        )
    obj, problems, _ = decode_located(doc, source.cls, source.name, strict=strict, verdict=verdict)
    return Checked(obj, problems, doc.comment)


def decode_located(
    doc: Document,
    cls: type[IRStruct],
    name: str,
    *,
    strict: bool,
    verdict: tuple[IRStruct | None, list[Issue]] | None = None,
) -> tuple[IRStruct | None, list[Located], bool]:
    """``(object or None, problems, decoded)`` for a document read by a source reader.

    ``verdict`` is the object and issues the library already found, if any.
    """
    from .._sources import SourceError

    try:
        data = coerce_plain_scalars(doc, doc.data, cls)
        doc.check(data)
    except SourceError as exc:
        return None, [Located(name, exc.line, exc.column, "", "syntax", exc.message)], False
    except RecursionError:
        return None, [Located(name, 1, 1, "", "syntax", "document nested too deeply")], False
    if verdict is None:
        try:
            decoded = from_dict(data, cls, strict=strict)
        except DecodeError as exc:
            verdict = (None, exc.errors)
        else:
            verdict = (decoded, errors(decoded))
    obj, issues = verdict
    if obj is None:  # report the broken rules of the rest too, so one run shows every problem
        rest, _ = convert(data, cls, strict=strict, trusted=False, partial=True)
        seen = {i.path for i in issues}
        issues = issues + [
            i
            for i in (errors(rest) if isinstance(rest, IRStruct) else [])
            if not any(i.path == p or i.path.startswith((p + ".", p + "[")) for p in seen if p)
            and i.path not in seen
        ]
    located = [locate_issue(doc, data, name, i) for i in issues]
    located.sort(key=lambda p: (p.line or 0, p.column or 0))
    return obj, located, obj is not None


def locate_record(name: str, record: BadRecord) -> list[Located]:
    """The problems of a bad JSON Lines record, each placed in its line as in a ``.json`` file.

    Only a bad record is read again, by the JSON source reader, for positions:
    the good ones never are. A syntax error is where the library placed it.
    """
    from .._sources import SourceError, load

    try:
        doc: Document | None = load(record.text, "json")
    except SourceError:  # unreadable: its issues are placed already, if at all
        doc = None
    located = []
    for i in record.issues:
        if i.column is not None or doc is None:
            located.append(_at(name, i, record.line, i.column or 1))
        else:
            line, column = doc.locate(i.loc, key=i.code == IssueCode.UNKNOWN_FIELD)
            located.append(_at(name, i, record.line + line - 1, column))
    located.sort(key=lambda p: (p.line or 0, p.column or 0))
    return located


def _at(name: str, issue: Issue, line: int, column: int) -> Located:
    return Located(name, line, column, issue.path, str(issue.code), issue.message)


def locate_issue(doc: Document, data: Any, name: str, issue: Issue) -> Located:
    """Place one issue in the source, following its structured location ``issue.loc``."""
    return _at(name, issue, *doc.locate(issue.loc, key=issue.code == IssueCode.UNKNOWN_FIELD))


def coerce_plain_scalars(doc: Document, data: Any, cls: type[IRStruct]) -> Any:
    """``data`` with YAML plain scalars in string fields turned back into their text."""
    if not isinstance(data, dict):
        return data
    return _coerce(doc, data, Node("struct", cls=cls), ())


_OBJECTS = ("struct", "record", "map")  # the kinds of node a JSON object is read as


def _coerce(doc: Document, value: Any, node: Node, path: Path) -> Any:
    kind = node.kind
    options = node.options if kind == "union" and node.options else [node]
    if isinstance(value, (bool, int, float)) and any(o.kind in ("str", "literal") for o in options):
        raw = doc.raw_scalar(path)
        return value if raw is None else raw
    if kind == "union":  # a union's options differ in JSON type: follow the one of the value
        shapes = (
            _OBJECTS if isinstance(value, dict) else ("list",) if isinstance(value, list) else ()
        )
        option = next((o for o in options if o.kind in shapes), None)
        return value if option is None else _coerce(doc, value, option, path)
    if kind == "struct" and isinstance(value, dict) and node.cls is not None:
        fields = plan(node.cls).by_name
        return {
            key: _coerce(doc, item, fields[key].node, (*path, key)) if key in fields else item
            for key, item in value.items()
        }
    if kind == "record" and isinstance(value, dict):
        keys = {k.name: k.node for k in node.keys}
        return {
            key: _coerce(doc, item, keys[key], (*path, key)) if key in keys else item
            for key, item in value.items()
        }
    if kind == "list" and isinstance(value, list) and node.item is not None:
        return [_coerce(doc, item, node.item, (*path, i)) for i, item in enumerate(value)]
    if kind == "map" and isinstance(value, dict) and node.item is not None:
        return {k: _coerce(doc, v, node.item, (*path, k)) for k, v in value.items()}
    return value
