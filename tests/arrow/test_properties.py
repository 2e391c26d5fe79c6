"""The law of the Arrow layout, for random valid objects of every IR type:
``list(from_table(to_table(xs, T), T)) == xs``, through Parquet too, unless an
integer field holds a value beyond int64, or a number field (float64) an integer a
float64 cannot hold exactly: each is refused at its path. A number field's integer
reads back as the equal float.

Objects come from the hypothesis strategies of the other property tests
(``tests/strategies.py``, ``tests/backend/strategies.py``): unicode text,
integers of any size and floats in opaque maps, numbers that are integers or
floats, timestamps with offsets, nested and missing values. Set
``$CRUCIBLE_IR_ARROW_EXAMPLES`` for more examples per type (default 25).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crucible_ir as ir
from crucible_ir import arrow
from crucible_ir._arrow._shape import FLOAT, LIST, STRUCT, Shape, shape_of
from crucible_ir._model._base import resolve_type

from .conftest import resolve

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
import strategies  # noqa: E402


def _backend_strategies() -> dict[str, st.SearchStrategy[Any]]:
    spec = importlib.util.spec_from_file_location(
        "crucible_ir_backend_strategies", TESTS / "backend" / "strategies.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {
        cls.__ir_type__: strategy
        for cls, strategy in module.STRATEGIES.items()
        if cls.__ir_type__ in ir.type_names()
    }


STRATEGIES: dict[str, st.SearchStrategy[Any]] = {**strategies.STRATEGIES, **_backend_strategies()}
EXAMPLES = int(os.environ.get("CRUCIBLE_IR_ARROW_EXAMPLES", "25"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_every_type_is_covered() -> None:
    assert set(STRATEGIES) == set(ir.type_names())
    assert len(STRATEGIES) == 23  # the 19 types of the contract and the 4 backend documents


def _written_or_refused(xs: list[Any], name: str) -> Any:
    """The table of ``xs``, or None when an integer was refused (checked here)."""
    try:
        return arrow.to_table(xs, name)
    except ir.ValidationError as exc:
        (issue,) = exc.errors
        value = resolve(xs, issue.path)
        assert type(value) is int
        assert issue.code == "range"
        if "float64" in issue.message:
            assert value > 2**53 or value < -(2**53), issue
        else:
            assert not -(2**63) <= value < 2**63, issue
        return None


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_to_table_then_from_table_gives_back_the_objects(name: str) -> None:
    @SETTINGS
    @given(st.lists(STRATEGIES[name], max_size=3))
    def check(xs: list[Any]) -> None:
        assert all(ir.is_valid(x) for x in xs)
        table = _written_or_refused(xs, name)
        if table is not None:
            back = list(arrow.from_table(table, name))
            assert back == xs
            assert typed(back) == typed(as_floats(xs, shape_of(resolve_type(name))))

    check()


def as_floats(value: Any, shape: Shape) -> Any:
    """``value`` with the integers of its float64 columns as floats, as Arrow gives them back."""
    if isinstance(value, list):
        return [as_floats(item, shape) for item in value]
    if shape.kind == FLOAT and type(value) is int:
        return float(value)
    if shape.kind == LIST and isinstance(value, list) and shape.item is not None:
        return [as_floats(item, shape.item) for item in value]
    if shape.kind == STRUCT and isinstance(value, msgspec.Struct):
        changes = {n: as_floats(getattr(value, n), sub) for n, sub in shape.fields}
        return msgspec.structs.replace(value, **changes)
    return value


def typed(value: Any) -> Any:
    """``value`` with the type of every number beside it: ``==`` takes 1 and 1.0 for equal."""
    if isinstance(value, msgspec.Struct):
        return type(value), {name: typed(getattr(value, name)) for name in value.__struct_fields__}
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [typed(item) for item in value]
    return type(value), value


@pytest.mark.parametrize("name", ["experiment", "feedback.event"])
def test_through_parquet_too(name: str) -> None:
    @settings(SETTINGS, max_examples=max(EXAMPLES // 2, 1))
    @given(st.lists(STRATEGIES[name], max_size=3))
    def check(xs: list[Any]) -> None:
        if _written_or_refused(xs, name) is None:
            return
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "x.parquet"
            assert arrow.write_parquet(xs, path, name) == len(xs)
            assert list(arrow.read_parquet(path, name)) == xs

    check()
