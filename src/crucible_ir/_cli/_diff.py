"""``crucible-ir diff A B``: every changed path, with its old and new value."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .._codec._canonical import canonical_data, json_text
from ._common import open_input, print_problems, printable, use_color
from ._locate import check

__all__ = ["changes", "run"]

_ABSENT = object()


def changes(old: Any, new: Any) -> list[tuple[str, Any, Any]]:
    """``(path, old, new)`` for every leaf that differs; ``_ABSENT`` marks a missing side."""
    found: list[tuple[str, Any, Any]] = []
    stack: list[tuple[str, Any, Any]] = [("", old, new)]
    while stack:
        path, a, b = stack.pop()
        if isinstance(a, dict) and isinstance(b, dict):
            keys = sorted(set(a) | set(b), reverse=True)
            stack.extend(
                (f"{path}.{k}" if path else k, a.get(k, _ABSENT), b.get(k, _ABSENT)) for k in keys
            )
        elif isinstance(a, list) and isinstance(b, list):
            for i in reversed(range(max(len(a), len(b)))):
                stack.append(
                    (
                        f"{path}[{i}]",
                        a[i] if i < len(a) else _ABSENT,
                        b[i] if i < len(b) else _ABSENT,
                    )
                )
        elif type(a) is not type(b) or a != b:
            found.append((path, a, b))
    return found


def _show(value: Any) -> str:
    return "(absent)" if value is _ABSENT else json.dumps(value, ensure_ascii=False, sort_keys=True)


def run(args: argparse.Namespace) -> int:
    """Exit 0 when the documents are the same IR value, 1 when they differ, 2 on errors."""
    sides = []
    for path in (args.old, args.new):
        checked = check(open_input(path, args), strict=False)
        if checked.obj is None:
            print_problems(checked.problems)
            return 2
        sides.append(canonical_data(checked.obj))
    found = changes(*sides)
    if args.format == "json":
        report = [
            {
                "path": p,
                **({} if a is _ABSENT else {"old": a}),
                **({} if b is _ABSENT else {"new": b}),
            }
            for p, a, b in found
        ]
        sys.stdout.write(json_text(report, indent=2) + "\n")
    else:
        color = use_color(sys.stdout)
        for path, a, b in found:
            old, new = _show(a), _show(b)
            if color:
                old, new = f"\x1b[31m{old}\x1b[0m", f"\x1b[32m{new}\x1b[0m"
            print(printable(f"{path or '(root)'}: {old} -> {new}"))
    return 1 if found else 0
