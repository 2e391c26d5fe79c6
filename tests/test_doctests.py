"""The examples in the library's docstrings run and show what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import crucible_ir

CORE = sorted(
    info.name
    for info in pkgutil.walk_packages(crucible_ir.__path__, "crucible_ir.")
    if not info.name.startswith(("crucible_ir._cli", "crucible_ir._sources", "crucible_ir.arrow"))
    and not info.name.endswith("__main__")
)


@pytest.mark.parametrize("name", CORE)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0, f"{name}: {failures} docstring example(s) failed (run doctest on it)"
