"""``crucible-ir show FILE``: the document as a tree, readable at a glance.

One drawing for every type: each IR object is a node titled with its field
name (the type's name at the root) and its identifying value (``id``,
``name`` or ``strategy``), its other values inline as ``key=value``, and its
nested IR objects, and lists of them, as children. What is set is shown:
fields equal to their default are left out, as in the authoring form.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import msgspec

from .._model._base import IRStruct
from ._common import open_input, print_problems, printable, use_color
from ._fmt import authoring_data
from ._locate import check

__all__ = ["render", "run"]

_NAMES = ("id", "name", "strategy")  # the value a node is titled with, the first one set


def _inline(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return ", ".join(str(v) for v in value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _node(label: str, obj: Any, data: Any, paint: Any) -> tuple[str, list[tuple[str, Any, Any]]]:
    """The line of ``obj`` (written as ``data``) titled ``label``, and its children."""
    if not isinstance(obj, IRStruct):  # a list of IR objects
        items = [(f"{i}.", a, d) for i, (a, d) in enumerate(zip(obj, data, strict=True), 1)]
        count = f"{len(items)} item{'s' * (len(items) != 1)}"
        return f"{paint('1', label)}  {paint('2', count)}", items
    names = {f.encode_name: f.name for f in msgspec.structs.fields(obj)}
    title = next((key for key in _NAMES if isinstance(data.get(key), (str, int))), None)
    line = paint("1", label) + (f" {paint('36', str(data[title]))}" if title else "")
    pairs, children = [], []
    for key, value in data.items():
        attr = getattr(obj, names[key])
        if isinstance(attr, IRStruct) or (
            isinstance(attr, (list, tuple)) and any(isinstance(a, IRStruct) for a in attr)
        ):
            children.append((key, attr, value))
        elif key != title and value not in (None, [], {}):
            pairs.append(f"{key}={_inline(value)}")
    return line + (f"  {paint('2', printable('  '.join(pairs)))}" if pairs else ""), children


def render(obj: IRStruct, *, color: bool = False) -> str:
    """The tree of ``obj`` as text (ANSI colours if ``color``)."""

    def paint(code: str, text: str) -> str:
        text = printable(text)
        return f"\x1b[{code}m{text}\x1b[0m" if color and text else text

    lines: list[str] = []
    stack: list[tuple[str, Any, Any, str, str]] = [
        (type(obj).__name__, obj, authoring_data(obj), "", "")
    ]
    while stack:
        label, item, data, prefix, branch = stack.pop()
        line, children = _node(label, item, data, paint)
        lines.append(f"{prefix}{branch}{line}")
        inner = prefix + {"": "", "├── ": "│   ", "└── ": "    "}[branch]
        for i, (key, child, part) in reversed(list(enumerate(children))):
            stack.append((key, child, part, inner, "└── " if i == len(children) - 1 else "├── "))
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    """Print the tree; exit 1 (with the problems) when the file cannot be decoded."""
    checked = check(open_input(args.file, args), strict=False)
    if checked.obj is None:
        print_problems(checked.problems)
        return 1
    sys.stdout.write(render(checked.obj, color=use_color(sys.stdout, args.color)))
    if checked.problems:
        count = len(checked.problems)
        print(f"({count} validation problem(s): run crucible-ir validate)", file=sys.stderr)
    return 0
