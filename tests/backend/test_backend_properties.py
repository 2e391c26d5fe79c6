"""Property tests: random valid backend objects survive every round trip."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import crucible_ir as ir


def _load_strategies() -> ModuleType:
    # tests/strategies.py exists too, so this module is loaded by path under a
    # name of its own instead of `import strategies`.
    name = "crucible_ir_tests_backend_strategies"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(
            name, Path(__file__).with_name("strategies.py")
        )
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module


strategies = _load_strategies()
STRATEGIES: dict[type, Any] = strategies.STRATEGIES
CASES = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("cls", list(STRATEGIES), ids=lambda c: c.__name__)
def test_valid_objects_round_trip(cls: Any) -> None:
    @CASES
    @given(STRATEGIES[cls])
    def check(obj: Any) -> None:
        assert type(obj) is cls
        assert ir.errors(obj) == []
        text = ir.to_json(obj)
        back = ir.from_json(text, cls)
        assert back == obj
        assert ir.to_json(back) == text  # a stable wire form
        assert ir.errors(back) == []  # still valid when the fast typed decoder built it
        assert ir.from_dict(ir.to_dict(obj), cls) == obj
        assert ir.from_json(text, cls, strict=True) == obj

    check()
