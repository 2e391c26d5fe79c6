"""JSON Schema (draft 2020-12) for every IR type, written from the type tree.

The schema is one more interpreter of ``_typetree``: the same kinds, constraints,
defaults and field descriptions that the decoders and the checker use. Class
descriptions come from the docstrings through `inspect.cleandoc`, so the
documents do not depend on how an interpreter or msgspec indents them. An
empty array is allowed wherever a map is (decoding reads ``[]`` there as
``{}``: the reference's empty keyword list), and each document states the IR
version it describes under ``x-crucible-ir-version`` (an annotation JSON Schema
ignores). A schema describes valid documents: a ``null`` name where the field
has a default (``"profile": null``) decodes but is invalid, so it is refused.
"""

from __future__ import annotations

import inspect
from typing import Any

import msgspec

from .._model._base import IRStruct, resolve_type
from .._typetree import Field, Node, plan
from .._version import IR_VERSION

__all__ = ["SCHEMA_DIALECT", "VERSION_KEY", "json_schema"]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
VERSION_KEY = "x-crucible-ir-version"
"""The top-level key naming the IR version (`IR_VERSION`) a schema describes."""
_ID_BASE = "urn:crucible-ir:schema:"
_BOUNDS = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum"}


def json_schema(type: type[IRStruct] | str) -> dict[str, Any]:
    """The JSON Schema 2020-12 document for one IR type (a class or type name).

    >>> schema = json_schema("reliability.hedging")
    >>> schema["properties"]["strategy"]["enum"][:3], schema["properties"]["strategy"]["default"]
    (['off', 'fixed', 'percentile'], 'off')
    """
    cls = resolve_type(type)
    writer = _Writer(cls)
    document: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "$id": f"{_ID_BASE}{cls.__ir_type__}",
        VERSION_KEY: IR_VERSION,
        **writer.object(cls),
    }
    if writer.defs:
        document["$defs"] = dict(sorted(writer.defs.items()))
    return document


class _Writer:
    def __init__(self, root: type[IRStruct]) -> None:
        self.root = root
        self.defs: dict[str, dict[str, Any]] = {}

    def object(self, cls: type[Any], keys: tuple[Field, ...] = ()) -> dict[str, Any]:
        """The schema of an IR class, or of a record (``keys`` given) as a plain object."""
        doc = inspect.cleandoc(cls.__doc__ or "")
        if keys:
            title, description, fields = cls.__qualname__, doc, keys
        else:
            title, fields = getattr(cls, "__ir_type__", cls.__qualname__), plan(cls).fields
            description = doc.split("\n\n", 1)[0]
        return {
            "title": title,
            "description": description,
            "type": "object",
            "properties": {f.name: self.field(f) for f in fields},
            "required": [f.name for f in fields if f.required],
        }

    def field(self, f: Field) -> dict[str, Any]:
        schema = {"description": f.doc} if f.doc else {}
        schema.update(self.type(f.node))
        if f.default_factory is not None:
            schema["default"] = msgspec.to_builtins(f.default_factory())
        elif not f.required and not f.unset:
            schema["default"] = msgspec.to_builtins(f.default)
        return schema

    def type(self, node: Node) -> dict[str, Any]:
        kind = node.kind
        schema: dict[str, Any] = dict(node.schema)
        if kind in ("struct", "record"):
            schema["$ref"] = self.ref(node)
        elif kind == "union":
            schema["anyOf"] = [self.type(option) for option in node.options]
        elif kind == "literal":
            schema["enum"] = list(node.values)
        elif kind != "json":
            schema["type"] = _JSON_TYPES[kind]
            if kind == "datetime":
                schema["format"] = "date-time"
            if node.item is not None:
                schema[_ITEMS[kind]] = self.type(node.item)
            low, high = _SIZES.get(kind, ("minLength", "maxLength"))
            limits: dict[str, Any] = {low: node.min_length, high: node.max_length}
            limits["pattern"] = node.pattern.pattern if node.pattern else None
            limits.update({name: getattr(node.bounds, bound) for bound, name in _BOUNDS.items()})
            schema.update({name: value for name, value in limits.items() if value is not None})
            if kind == "map":  # decoding reads `[]` as `{}`: "an object, or an empty array"
                schema["type"] = ["object", "array"]
                schema["maxItems"] = 0
        if node.nullable and kind != "json":
            if kind == "union":
                schema["anyOf"].append({"type": "null"})
            else:
                schema = {"anyOf": [schema, {"type": "null"}]}
        return schema

    def ref(self, node: Node) -> str:
        cls = node.cls
        assert cls is not None
        if cls is self.root:
            return "#"
        name = cls.__qualname__
        if name not in self.defs:
            self.defs[name] = {}  # (taken, for a class that holds itself)
            self.defs[name] = self.object(cls, node.keys)
        return f"#/$defs/{name}"


_ITEMS = {"list": "items", "map": "additionalProperties"}
_SIZES = {"list": ("minItems", "maxItems"), "map": ("minProperties", "maxProperties")}
_JSON_TYPES = {"str": "string", "int": "integer", "number": "number", "bool": "boolean"}
_JSON_TYPES.update(datetime="string", list="array", map="object")
