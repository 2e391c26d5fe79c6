"""Helpers for the command-line tests: the installed ``crucible-ir``, run in a subprocess.

Every test drives the real console script (the one ``pip install`` put beside
the interpreter) with files written to a temporary folder, which is also the
working directory, so problem lines read ``name.yaml:LINE:COL: ...``.

Each run is checked for the one thing that must never happen whatever the input:
a crash, shown as a Python traceback or as the command's own one-line
"internal error" (exit status 3).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CLI = Path(sys.executable).parent / "crucible-ir"
REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "experiments"


def _interop_root() -> Path:
    """The reference's interop data: ``$CRUCIBLE_IR_INTEROP`` or ``../shared/interop``."""
    env = os.environ.get("CRUCIBLE_IR_INTEROP")
    return Path(env) if env else REPO.parent / "shared" / "interop"


INTEROP = _interop_root()


@dataclass(frozen=True)
class Result:
    """What one run of the command did."""

    args: tuple[str, ...]
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        """Standard output, one entry per line (only ``\\n`` ends a line)."""
        return _lines(self.out)

    @property
    def err_lines(self) -> list[str]:
        """Standard error, one entry per line (only ``\\n`` ends a line)."""
        return _lines(self.err)


def _lines(text: str) -> list[str]:
    # Not str.splitlines(): U+2028, U+0085 and friends inside a message are not line ends.
    return text.removesuffix("\n").split("\n") if text else []


def command_env(
    *, no_color: bool | None = None, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment of a run: warnings are errors; ``NO_COLOR`` unset unless asked for."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["PYTHONWARNINGS"] = "error"
    if no_color:
        env["NO_COLOR"] = "1"
    env.update(extra or {})
    return env


def assert_no_traceback(result: Result) -> None:
    """A user can never make the command crash: no traceback, no "internal error" (exit 3)."""
    assert "Traceback" not in result.err, result.err[-2000:]
    assert "Traceback" not in result.out, result.out[-2000:]
    assert "internal error" not in result.err, result.err[-2000:]
    assert result.code != 3, result.err[-2000:]


class Runner:
    """Runs ``crucible-ir`` in ``cwd`` and writes the files it reads."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd

    def __call__(
        self,
        *args: str | os.PathLike[str],
        stdin: bytes | str | None = None,
        no_color: bool | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 60,
        preexec_fn: Callable[[], Any] | None = None,
    ) -> Result:
        argv = [str(CLI), *(os.fspath(a) for a in args)]
        data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
        try:
            proc = subprocess.run(
                argv,
                input=data,
                stdin=None if data is not None else subprocess.DEVNULL,
                capture_output=True,
                cwd=self.cwd,
                env=command_env(no_color=no_color, extra=env),
                timeout=timeout,
                preexec_fn=preexec_fn,
                check=False,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"crucible-ir {' '.join(argv[1:])[:200]} did not finish in {timeout} s")
        result = Result(
            tuple(argv[1:]),
            proc.returncode,
            proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"),
        )
        assert_no_traceback(result)
        return result

    def write(self, name: str, content: str | bytes) -> Path:
        """Write ``content`` (text is UTF-8) to ``name`` in the working folder."""
        path = self.cwd / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_bytes(content.encode("utf-8"))
        else:
            path.write_bytes(content)
        return path


def where(text: str, fragment: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column (in characters) of the n-th ``fragment`` in ``text``."""
    offset = -1
    for _ in range(occurrence):
        offset = text.index(fragment, offset + 1)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def uncommented(path: Path) -> str:
    """The text of a shipped example without its comments (fmt and convert refuse comments).

    The examples hold no ``#`` inside a string, so a ``#`` always starts a comment.
    """
    return re.sub(r"[ \t]*#.*", "", path.read_text(encoding="utf-8"))
