"""Property tests: for random valid objects of every non-backend type, the wire
format round-trips exactly, the objects validate, and encoding is deterministic.

The number of examples comes from a hypothesis settings profile:
``crucible-ir`` (100 examples, the default) or ``crucible-ir-thorough``
(1000), chosen with ``$CRUCIBLE_IR_HYPOTHESIS_PROFILE``.
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings

import crucible_ir as ir

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import helpers
import strategies

settings.register_profile(
    "crucible-ir",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "crucible-ir-thorough",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile(os.environ.get("CRUCIBLE_IR_HYPOTHESIS_PROFILE", "crucible-ir"))

TYPE_NAMES = sorted(strategies.STRATEGIES)


def test_a_strategy_for_every_non_backend_type() -> None:
    expected = {n for n in ir.type_names() if not n.startswith("backend.")}
    assert set(strategies.STRATEGIES) == expected
    assert len(expected) == 19


def _reordered(data: Any, *, sort: bool = False) -> Any:
    """The same JSON data with every object's keys inserted in reverse (or sorted) order."""
    if isinstance(data, dict):
        keys = sorted(data) if sort else reversed(list(data))
        return {k: _reordered(data[k], sort=sort) for k in keys}
    if isinstance(data, list):
        return [_reordered(x, sort=sort) for x in data]
    return data


def _key_orders(data: Any) -> list[list[str]]:
    """The key order of every object in ``data``, depth first (dict ``==`` ignores order)."""
    found: list[list[str]] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.append(list(item))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _struct_keys_sorted(data: Any, obj: Any) -> Any:
    """``data``, the wire form of ``obj``, with the keys of every IR object sorted."""
    if isinstance(obj, msgspec.Struct) and isinstance(data, dict):
        return {k: _struct_keys_sorted(data[k], getattr(obj, k)) for k in sorted(data)}
    if isinstance(obj, list) and isinstance(data, list):
        return [_struct_keys_sorted(d, o) for d, o in zip(data, obj, strict=True)]
    return data


@pytest.mark.parametrize("type_name", TYPE_NAMES)
def test_wire_laws(type_name: str) -> None:
    """One generated object, every law (generation dominates the cost)."""

    @PROFILE
    @given(strategies.STRATEGIES[type_name])
    def check(x: Any) -> None:
        # from_json(to_json(x)) == x, by class and by type name, from str and bytes.
        text = ir.to_json(x)
        back = ir.from_json(text, type(x))
        assert type(back) is type(x)
        assert back == x
        assert ir.from_json(text.encode("utf-8"), type_name) == x
        # Stronger than ==: int/float and bool/int kinds and every byte survive.
        assert ir.to_json(back) == text

        # from_dict(to_dict(x)) == x; to_dict is the parsed form of to_json.
        data = ir.to_dict(x)
        assert helpers.same(json.loads(text), data)
        from_data = ir.from_dict(data, type(x))
        assert from_data == x
        assert helpers.same(ir.to_dict(from_data), data)

        # Valid, and a decoded equal object gets the same verdict.
        assert ir.errors(x) == []
        assert ir.is_valid(x)
        assert ir.validate(x) is x
        assert ir.errors(back) == []
        assert ir.errors(from_data) == []

        # Deterministic: same text again. Struct keys come sorted; maps keep their
        # order, so maps given sorted (as the reference writes them) give sorted text
        # at every level, its bytes, and maps given in another order keep it.
        assert ir.to_json(x) == text
        in_order = ir.from_dict(_reordered(data, sort=True), type(x))
        assert in_order == x
        assert _sorted_everywhere(json.loads(ir.to_json(in_order)))
        shuffled = ir.from_dict(_reordered(data), type(x))
        assert shuffled == x
        expected = _struct_keys_sorted(_reordered(data), x)
        assert _key_orders(json.loads(ir.to_json(shuffled))) == _key_orders(expected)
        assert ir.fingerprint(shuffled) == ir.fingerprint(x)

        # Indented output is the same data.
        pretty = ir.to_json(x, indent=2)
        assert "\n  " in pretty
        assert helpers.same(json.loads(pretty), data)
        assert ir.from_json(pretty, type(x)) == x

    check()


def _sorted_everywhere(data: Any) -> bool:
    if isinstance(data, dict):
        keys = list(data)
        return keys == sorted(keys) and all(_sorted_everywhere(v) for v in data.values())
    if isinstance(data, list):
        return all(_sorted_everywhere(v) for v in data)
    return True


@PROFILE
@given(strategies.json_values)
def test_opaque_values_round_trip_untouched(value: Any) -> None:
    event = ir.feedback.Event(id="e", feedback_value=value, metadata={"v": value})
    back = ir.from_json(ir.to_json(event), "feedback.event")
    assert helpers.same(back.feedback_value, value)
    assert helpers.same(back.metadata, {"v": value})


@PROFILE
@given(strategies.timestamps)
def test_timestamps_round_trip_as_the_same_instant_and_offset(ts: Any) -> None:
    mv = ir.ModelVersion(id="v", model_id="m", version="1.0.0", created_at=ts)
    back = ir.from_json(ir.to_json(mv), "model_version").created_at
    assert back == ts
    assert back.utcoffset() == ts.utcoffset()
    assert back.microsecond == ts.microsecond
