"""Fixtures for the command-line tests (see `_support`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._support import Runner


@pytest.fixture
def cli(tmp_path: Path) -> Runner:
    """The installed ``crucible-ir``, run in a fresh temporary folder that holds its files."""
    return Runner(tmp_path)
