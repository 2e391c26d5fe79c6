"""Naming the typed wire objects that live inside the backend IR types.

Messages, content parts, tool calls, choices and usage are typed classes read
by attribute, but they are not top-level IR documents: each gets a descriptive
type name (shown in error messages; ``from_json(data, Message)`` accepts the
class) without being registered under it, so `crucible_ir.type_names` lists
only the documents of the contract. Their fields are typed
``T | UnsetType | None = UNSET``: a key that was not given stays out of the
JSON, a key given as ``null`` stays ``null``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from .._base import IRStruct, name_publicly

__all__ = ["wire_object"]

_C = TypeVar("_C", bound=type[IRStruct])


def wire_object(name: str) -> Callable[[_C], _C]:
    """Class decorator: name a nested wire type ``name`` and document its fields."""

    def name_it(cls: _C) -> _C:
        cls.__ir_type__ = name
        name_publicly(cls, name)
        return cls

    return name_it
