"""JSON Schema (draft 2020-12) for every IR type, generated from the classes.

msgspec writes the schema from the same annotations that carry the rules; this
module tidies it for people and editors: a short title and description per
type, enums in the order the contract lists them, and "integer or float"
numbers written as one ``number``, and an empty array allowed wherever a map
is (decoding reads ``[]`` there as ``{}``: the reference's empty keyword
list). Each document states the IR version it describes under
``x-crucible-ir-version`` (an annotation JSON Schema ignores).

A schema describes valid documents: a ``null`` name where the field has a
default (``"profile": null``) decodes but is invalid, so the schema refuses it.
"""

from __future__ import annotations

import inspect
from typing import Any

import msgspec

from ._base import IRStruct, resolve_type, type_names
from ._plan import plan
from ._version import IR_VERSION

__all__ = ["SCHEMA_DIALECT", "VERSION_KEY", "json_schema"]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
VERSION_KEY = "x-crucible-ir-version"
"""The top-level key naming the IR version (`IR_VERSION`) a schema describes."""
_ID_BASE = "urn:crucible-ir:schema:"


def json_schema(type: type[IRStruct] | str) -> dict[str, Any]:
    """The JSON Schema 2020-12 document for one IR type (a class or type name).

    >>> schema = json_schema("reliability.hedging")
    >>> schema["properties"]["strategy"]["enum"][:3], schema["properties"]["strategy"]["default"]
    (['off', 'fixed', 'percentile'], 'off')
    """
    cls = resolve_type(type)
    (root,), defs = msgspec.json.schema_components([cls], ref_template="#/$defs/{name}")
    by_title = {_def_name(c): c for c in _all_classes(cls)}
    for name, definition in defs.items():
        owner = by_title.get(name)
        if owner is not None:
            _tidy(definition, owner)
        elif "description" in definition:
            # Docstrings of other classes (typed dicts) are cleaned here, not left to
            # however the installed msgspec dedents them.
            definition["description"] = inspect.cleandoc(definition["description"])
    top_name = root["$ref"].rsplit("/", 1)[-1]
    top = defs.pop(top_name)
    document: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "$id": f"{_ID_BASE}{cls.__ir_type__}",
        VERSION_KEY: IR_VERSION,
        **top,
    }
    document["title"] = cls.__ir_type__
    if defs:
        document["$defs"] = dict(sorted(defs.items()))
    # References to the top type itself (BackendRef.fallback) point at the root.
    result: dict[str, Any] = _retarget(document, f"#/$defs/{top_name}", "#")
    return result


def all_schemas() -> dict[str, dict[str, Any]]:
    """Every type name with its schema."""
    return {name: json_schema(name) for name in type_names()}


def _def_name(cls: type) -> str:
    return cls.__name__


def _all_classes(cls: type[IRStruct]) -> list[type[IRStruct]]:
    seen: list[type[IRStruct]] = []
    stack = [cls]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.append(current)
        for f in plan(current).fields:
            stack.extend(_classes_in(f.node))
    return seen


def _classes_in(node: Any) -> list[type[IRStruct]]:
    found = [node.cls] if node.cls is not None else []
    if node.item is not None:
        found += _classes_in(node.item)
    for option in node.options:
        found += _classes_in(option)
    return found


def _tidy(definition: dict[str, Any], cls: type[IRStruct]) -> None:
    doc = (cls.__doc__ or "").strip()
    definition["title"] = getattr(cls, "__ir_type__", cls.__name__)
    definition["description"] = doc.split("\n\n", 1)[0].strip()
    # Unknown keys are dropped by the default (lax) decoding, so the schema allows them;
    # the classes forbid them only to route such documents to the thorough decoder.
    definition.pop("additionalProperties", None)
    fields = plan(cls).by_name
    for name, prop in definition.get("properties", {}).items():
        f = fields.get(name)
        if f is None:
            continue
        _merge_numbers(prop)
        _empty_arrays_too(prop)
        if f.node.kind == "literal" and "enum" in prop:
            prop["enum"] = list(f.node.values)
        if f.default_factory is not None:
            prop["default"] = msgspec.to_builtins(f.default_factory())


def _empty_arrays_too(schema: dict[str, Any]) -> None:
    """Each map in ``schema`` (an object without fixed properties) may also be ``[]``.

    ``"type": ["object", "array"]`` with ``"maxItems": 0``: ``maxItems`` holds
    for arrays only, so this reads "an object, or an empty array". IR objects
    and records are ``$ref``s to their definitions and are left alone.
    """
    if schema.get("type") == "object" and "properties" not in schema:
        schema["type"] = ["object", "array"]
        schema["maxItems"] = 0
    for option in schema.get("anyOf", ()):
        _empty_arrays_too(option)
    items = schema.get("items")
    if isinstance(items, dict):
        _empty_arrays_too(items)


def _merge_numbers(prop: dict[str, Any]) -> None:
    """``anyOf: [integer(bounds), number(bounds), ...]`` becomes one ``number``."""
    options = prop.get("anyOf")
    if not options:
        return
    ints = [o for o in options if o.get("type") == "integer"]
    nums = [o for o in options if o.get("type") == "number"]
    if len(ints) == 1 and len(nums) == 1:
        merged = dict(nums[0])
        rest = [o for o in options if o is not ints[0] and o is not nums[0]]
        if rest:
            prop["anyOf"] = [merged, *rest]
        else:
            del prop["anyOf"]
            prop.update(merged)


def _retarget(value: Any, old: str, new: str) -> Any:
    if isinstance(value, dict):
        return {
            k: (new if k == "$ref" and v == old else _retarget(v, old, new))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_retarget(v, old, new) for v in value]
    return value
