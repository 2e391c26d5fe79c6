"""Printing problems: one line each, or a JSON list; colour only on a terminal."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import IO

from ._common import Located, printable

__all__ = ["print_problems", "use_color"]


def use_color(stream: IO[str], choice: str = "auto") -> bool:
    """Colour when asked, or on a terminal unless NO_COLOR is set (https://no-color.org)."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def print_problems(problems: Sequence[Located], fmt: str, stream: IO[str] = sys.stdout) -> None:
    """Write problems as ``FILE:LINE:COL: PATH: MESSAGE`` lines or as a JSON list."""
    if fmt == "json":
        json.dump([p.as_dict() for p in problems], stream, ensure_ascii=False, indent=2)
        stream.write("\n")
        return
    color = use_color(stream)
    for p in problems:
        if color:
            where = f"\x1b[1m{printable(p.file)}:{p.line}:{p.column}:\x1b[0m"
            path, message = printable(p.path or "(root)"), printable(p.message)
            stream.write(f"{where} \x1b[36m{path}\x1b[0m: {message}\n")
        else:
            stream.write(p.text() + "\n")
