"""The type tree: every constraint it shows is enforced, and what it cannot read is refused
when the class is defined, never ignored."""

import dataclasses
import datetime
from typing import Annotated, Any, Literal

import msgspec
import pytest
from msgspec import Meta

import crucible_ir as ir
from crucible_ir._codec._schema import _Writer
from crucible_ir._model._base import IRStruct
from crucible_ir._typetree import plan


class Short(IRStruct, frozen=True, kw_only=True):
    """A class with a length limit (no type name: it stays out of the registry)."""

    code: Annotated[str, Meta(max_length=8, description="At most 8 characters.")]
    tags: Annotated[list[str], Meta(max_length=2)] = msgspec.field(default_factory=list)
    ratio: float = 0.5


def test_max_length_is_enforced_everywhere_it_shows() -> None:
    """(The plan dropped constraints it did not interpret: Meta(max_length=8) showed in
    the schema, yet every check accepted 24 characters.)"""
    long = Short(code="x" * 24, tags=["a", "b", "c"])
    assert [(i.path, i.code) for i in ir.errors(long)] == [("code", "range"), ("tags", "range")]
    assert ir.errors(Short(code="x" * 8, tags=["a", "b"])) == []
    assert msgspec.json.decode(ir.to_json(long)) == {
        "code": "x" * 24,
        "ratio": 0.5,
        "tags": ["a", "b", "c"],
    }
    schema = _Writer(Short).object(Short)
    assert schema["properties"]["code"]["maxLength"] == 8
    assert schema["properties"]["tags"]["maxItems"] == 2
    node = plan(Short).by_name["code"].node
    assert (node.kind, node.max_length) == ("str", 8)


def test_a_lone_float_is_a_number() -> None:
    assert plan(Short).by_name["ratio"].node.kind == "number"
    assert ir.errors(Short(code="c", ratio=1)) == []  # a JSON integer reads as a float


@dataclasses.dataclass
class _Point:
    x: int


@pytest.mark.parametrize(
    "hint",
    [
        Annotated[int, Meta(multiple_of=2)],
        Annotated[float, Meta(multiple_of=0.5)],
        Annotated[datetime.datetime, Meta(tz=False)],
        bytes,
        set[str],
        tuple[int, ...],
        dict[int, str],
        Literal[1, 2],
        _Point,
        datetime.date,
    ],
    ids=lambda h: repr(h)[:40],
)
def test_what_the_tree_cannot_read_is_refused_when_the_class_is_defined(hint: Any) -> None:
    with pytest.raises(TypeError, match=r"crucible_ir|JSON objects|literal values"):

        class Odd(IRStruct, frozen=True, kw_only=True):
            value: hint  # type: ignore[valid-type]


def test_every_registered_class_has_a_tree() -> None:
    for name in ir.type_names():
        cls = ir._model._base.resolve_type(name)
        assert plan(cls).fields, name
