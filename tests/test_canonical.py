"""Canonical JSON: byte for byte what ``json.dumps`` writes, as deep as msgspec reads."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crucible_ir as ir
from crucible_ir._canonical import canonical_json, json_text
from crucible_ir._stack import on_fresh_stack

KEYS = st.text(max_size=5)
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=25,
)


def _sorted(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True))


@given(VALUES, st.sampled_from([None, 2]))
@settings(max_examples=300, deadline=None)
def test_json_text_is_json_dumps(value: Any, indent: int | None) -> None:
    value = _sorted(value)
    separators = (",", ":") if indent is None else (",", ": ")
    expected = json.dumps(value, ensure_ascii=False, indent=indent, separators=separators)
    assert json_text(value, indent=indent) == expected


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), {1, 2}])
def test_json_text_refuses_what_json_cannot_carry(bad: Any) -> None:
    with pytest.raises(ir.ValidationError):
        json_text({"a": [bad]})


def _deepest_read(make: Any) -> int:
    """The deepest document ``from_json`` reads here, by bisection."""
    low, high = 900, 1100
    while low < high:
        middle = (low + high + 1) // 2
        try:
            ir.from_json(make(middle), "feedback.event")
        except ir.DecodeError:
            high = middle - 1
        else:
            low = middle
    return low


@pytest.mark.parametrize("opener", ["[", '{"k":'])
def test_the_deepest_document_read_is_fingerprinted_and_formatted(opener: str) -> None:
    closer = "]" if opener == "[" else "}"

    def make(depth: int) -> str:
        return '{"id": "e", "feedback_value": ' + opener * depth + "1" + closer * depth + "}"

    event = ir.from_json(make(_deepest_read(make)), "feedback.event")
    assert ir.fingerprint(event).startswith("sha256:")
    compact = canonical_json(event)
    assert compact == ir.to_json(event)  # sorted keys and compact already: the same text
    assert canonical_json(event, indent=2) == on_fresh_stack(msgspec.json.format, compact, indent=2)
