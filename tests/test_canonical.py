"""Canonical JSON: byte for byte what ``json.dumps`` writes, to the nesting limit."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crucible_ir as ir
from crucible_ir._codec._canonical import canonical_json, json_text

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


@pytest.mark.parametrize("opener", ["[", '{"k":'])
def test_the_deepest_document_read_is_fingerprinted_and_formatted(opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    depth = ir.MAX_DEPTH - 1  # the event itself is a level
    text = '{"id": "e", "feedback_value": ' + opener * depth + "1" + closer * depth + "}"
    event = ir.from_json(text, "feedback.event")
    assert ir.fingerprint(event).startswith("sha256:")
    compact = canonical_json(event)
    assert compact == ir.to_json(event)  # sorted keys and compact already: the same text
    assert canonical_json(event, indent=2) == msgspec.json.format(compact, indent=2)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("0005-01-01T00:00:00Z", "0005-01-01T00:00:00Z"),
        ("0999-12-31T23:30:00-01:00", "1000-01-01T00:30:00Z"),
        ("2024-03-15T09:30:00.5+02:00", "2024-03-15T07:30:00.500000Z"),
    ],
)
def test_timestamps_are_written_in_utc_with_a_four_digit_year(written: str, canonical: str) -> None:
    ref = ir.from_json(
        json.dumps({"id": "v", "model_id": "m", "version": "1.0.0", "created_at": written}),
        "model_version",
    )
    assert json.loads(canonical_json(ref))["created_at"] == canonical
