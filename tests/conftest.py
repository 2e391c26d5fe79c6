"""Shared fixtures: where the reference implementation's interop data lives.

The golden files are read from ``../shared/interop`` beside the checkout (or
from ``$CRUCIBLE_IR_INTEROP``) at test time; they are never copied into the repo.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# In CI every run draws the same examples, so a commit gives the same answer
# each time; local runs keep exploring (and remember what failed).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]


def interop_root() -> Path:
    """The folder holding ``manifest.json`` written by the reference implementation."""
    env = os.environ.get("CRUCIBLE_IR_INTEROP")
    root = Path(env) if env else REPO.parent / "shared" / "interop"
    if not (root / "manifest.json").is_file():
        raise RuntimeError(
            f"interop data not found at {root}: set CRUCIBLE_IR_INTEROP to the folder "
            "holding manifest.json"
        )
    return root


def load_manifest() -> list[dict[str, Any]]:
    """The reference's round-trip fixture index."""
    entries: list[dict[str, Any]] = json.loads(
        (interop_root() / "manifest.json").read_text(encoding="utf-8")
    )
    return entries


@pytest.fixture(scope="session")
def interop() -> Path:
    """Path of the interop folder."""
    return interop_root()
