"""Shared test helpers: strict JSON comparison and the interop data.

Under ``--import-mode=importlib`` the tests folder is not on ``sys.path``, so a
test module that needs this module (or ``strategies``) puts it there first::

    sys.path.insert(0, str(pathlib.Path(__file__).parent))
    import helpers
"""

from __future__ import annotations

import datetime
import json
import os
import re
from pathlib import Path
from typing import Any

__all__ = [
    "INTEROP",
    "diff",
    "instant",
    "load_json",
    "manifest",
    "same",
]

REPO = Path(__file__).resolve().parents[1]


def _interop_root() -> Path:
    env = os.environ.get("CRUCIBLE_IR_INTEROP")
    return Path(env) if env else REPO.parent / "shared" / "interop"


INTEROP = _interop_root()
"""The folder holding the reference implementation's ``manifest.json``."""


def load_json(path: Path) -> Any:
    """Parsed JSON of a file (UTF-8)."""
    return json.loads(path.read_text(encoding="utf-8"))


def manifest() -> list[dict[str, Any]]:
    """The round-trip fixture index, or ``[]`` when the interop data is absent."""
    path = INTEROP / "manifest.json"
    if not path.is_file():
        return []
    entries: list[dict[str, Any]] = load_json(path)
    return entries


def diff(a: Any, b: Any, path: str = "") -> list[str]:
    """Every difference between two JSON values, by path.

    Stricter than ``==``: ``1`` differs from ``1.0`` and ``True`` from ``1``;
    ``-0.0`` differs from ``0.0``; dict key order does not matter.
    """
    where = path or "(root)"
    if type(a) is not type(b):
        return [f"{where}: {type(a).__name__} {a!r} != {type(b).__name__} {b!r}"]
    if isinstance(a, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            sub = f"{path}.{key}" if path else str(key)
            if key not in a:
                out.append(f"{sub}: missing on the left")
            elif key not in b:
                out.append(f"{sub}: missing on the right")
            else:
                out.extend(diff(a[key], b[key], sub))
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{where}: list of {len(a)} != list of {len(b)}"]
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            out.extend(diff(x, y, f"{path}[{i}]"))
        return out
    if isinstance(a, float):
        if a != b or str(a) != str(b):  # catches -0.0 vs 0.0 too
            return [f"{where}: {a!r} != {b!r}"]
        return []
    if a != b:
        return [f"{where}: {a!r} != {b!r}"]
    return []


def same(a: Any, b: Any) -> bool:
    """Whether two JSON values are equal as data, telling int from float and bool from int."""
    return not diff(a, b)


def instant(text: str) -> datetime.datetime:
    """An ISO 8601 timestamp with offset (``Z`` allowed) as an aware datetime."""
    # Python 3.10's fromisoformat wants 0, 3 or 6 fractional digits and no ``Z``.
    text = re.sub(r"\.(\d+)", lambda m: "." + (m.group(1) + "000000")[:6], text)
    value = datetime.datetime.fromisoformat(re.sub(r"Z$", "+00:00", text))
    assert value.utcoffset() is not None, text
    return value
