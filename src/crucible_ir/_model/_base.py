"""The base of every IR type: a frozen, keyword-only `msgspec.Struct`.

Construction never validates (exactly like an Elixir struct); `validate` and
`errors` do. Each concrete type names itself with ``__ir_type__`` (the stable
type name the CLI and ``from_json(data, "experiment")`` use) and is registered
here when its class is created.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, ClassVar, TypeVar, get_args, get_origin

import msgspec

__all__ = ["IRStruct", "replace", "resolve_type", "type_names", "wire_object"]

_T = TypeVar("_T", bound="IRStruct")
_C = TypeVar("_C", bound="type[IRStruct]")
_REGISTRY: dict[str, type[IRStruct]] = {}


class IRStruct(
    msgspec.Struct,
    frozen=True,
    kw_only=True,
    repr_omit_defaults=True,
    # msgspec's decoder skips the value of an unknown key unread; refusing it sends
    # the document to the thorough decoder, which checks the value before dropping it.
    forbid_unknown_fields=True,
):
    """Common behaviour of the IR types: immutability, equality, ``replace``."""

    __ir_type__: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        from .._typetree import guard

        guard(cls)
        name = cls.__dict__.get("__ir_type__")
        if name is None:
            return
        if name in _REGISTRY:  # pragma: no cover - a programming error
            raise RuntimeError(f"IR type name {name!r} registered twice")
        _REGISTRY[name] = cls
        name_publicly(cls, name)

    def replace(self: _T, **changes: Any) -> _T:
        """A copy with ``changes`` applied; the original is untouched.

        Unknown field names raise `TypeError`.
        """
        return msgspec.structs.replace(self, **changes)

    __replace__ = replace  # copy.replace (Python 3.13)


def replace(obj: _T, /, **changes: Any) -> _T:
    """Return a copy of the IR object ``obj`` with ``changes`` applied.

    >>> from crucible_ir import StageDef
    >>> replace(StageDef(name="inference"), enabled=False)
    StageDef(enabled=False, name='inference')
    """
    return msgspec.structs.replace(obj, **changes)


def resolve_type(type_: str | type[_T]) -> type[_T]:
    """The IR class for a class or a stable type name such as ``"reliability.stats"``."""
    if isinstance(type_, str):
        _load_all(type_)
        try:
            return _REGISTRY[type_]  # type: ignore[return-value]
        except KeyError:
            import difflib

            hint = difflib.get_close_matches(type_, _REGISTRY, n=1)
            extra = f"; did you mean {hint[0]!r}?" if hint else ""
            raise ValueError(
                f"unknown IR type name {type_!r}{extra} (known: {', '.join(type_names())})"
            ) from None
    if isinstance(type_, type) and issubclass(type_, IRStruct) and "__ir_type__" in vars(type_):
        return type_
    raise TypeError(f"expected an IR class or type name, got {type_!r}")


def type_names() -> list[str]:
    """Every stable type name, sorted."""
    _load_all()
    return sorted(_REGISTRY)


def name_publicly(cls: type, type_name: str) -> None:
    """Give ``cls`` the name it is imported by (``reliability.Config``) and its field docs.

    The name is what ``repr`` shows: ``reliability.Config(alpha=0.01)``, not
    the private module's ``ReliabilityConfig``. ``__qualname__`` stays, so
    pickling finds the class where it is defined.
    """
    if "." in type_name:
        package, last = type_name.rsplit(".", 1)
        cls.__name__ = f"{package}.{''.join(part.capitalize() for part in last.split('_'))}"
    cls.__doc__ = _document(cls)


def wire_object(name: str) -> Callable[[_C], _C]:
    """Class decorator: give a wire object nested in the backend types the name ``name``.

    Messages, content parts, tool calls, choices and usage are not top-level
    documents: the name shows in error messages, but is not registered, so
    `type_names` lists only the documents of the contract.
    """

    def name_it(cls: _C) -> _C:
        cls.__ir_type__ = name
        name_publicly(cls, name)
        return cls

    return name_it


def _load_all(name: str | None = None) -> None:
    """Import the model modules so that the registry holds ``name`` (every type for None).

    An experiment's types come first (its module imports every other model
    module but these): a command that reads experiments does not pay for the backend's.
    """
    from . import _experiment  # noqa: F401

    if name not in _REGISTRY:
        from . import _deployment  # noqa: F401
        from ._backend import _capabilities, _completion, _prompt  # noqa: F401


def _document(cls: type) -> str:
    """The class docstring followed by an ``Attributes:`` section from the field docs."""
    head = (cls.__doc__ or "").rstrip()
    lines: list[str] = []
    for name, hint in getattr(cls, "__annotations__", {}).items():
        # A field's doc is the last described `msgspec.Meta` of its `Annotated` hint.
        metas = get_args(hint)[1:] if get_origin(hint) is Annotated else ()
        docs = [m.description for m in metas if isinstance(m, msgspec.Meta) and m.description]
        if docs:
            lines.append(f"    {name}: {docs[-1]}")
    if not lines:
        return head
    indent = "    " if "\n    " in head else ""
    body = "\n".join(indent + line for line in lines)
    return f"{head}\n\n{indent}Attributes:\n{body}\n"
