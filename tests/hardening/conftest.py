"""Shared helpers of the hardening tests (issue 5): the fuzz driver, the command line."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
FUZZ_SCRIPT = REPO / "scripts" / "fuzz.py"
CLI = Path(sys.executable).parent / "crucible-ir"

MINIMAL = '{"id": "exp", "backend": {"id": "gpt4"}, "pipeline": [{"name": "run"}]}'
"""A valid experiment, as JSON text."""


def load_fuzz() -> ModuleType:
    """``scripts/fuzz.py`` imported from its path (it is a script, not a package module)."""
    name = "crucible_ir_fuzz_driver"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, FUZZ_SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def fuzz() -> ModuleType:
    """The fuzz driver."""
    return load_fuzz()


@dataclass(frozen=True)
class Run:
    """One run of the command line."""

    argv: tuple[str, ...]
    code: int
    out: str
    err: str

    def clean(self) -> None:
        """No traceback, no internal error: whatever went wrong was said in plain words."""
        for text in (self.out, self.err):
            assert "Traceback" not in text, (self.argv, text[-3000:])
            assert "internal error" not in text, (self.argv, text[-3000:])


def run_cli(*argv: str | os.PathLike[str]) -> Run:
    """``crucible-ir ARGV`` in this process (fast): exit status and both streams.

    An exception escaping ``main`` is what the console script would show as a
    traceback; it is returned as exit status -1 with the traceback as stderr.
    """
    import traceback

    from crucible_ir._cli import main

    args = tuple(os.fspath(a) for a in argv)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    except SystemExit as exc:  # argparse
        code = exc.code if isinstance(exc.code, int) else 2
    except Exception:
        return Run(args, -1, out.getvalue(), err.getvalue() + traceback.format_exc())
    return Run(args, code, out.getvalue(), err.getvalue())


def run_script(
    argv: Sequence[str | os.PathLike[str]], *, cwd: Path, timeout: float = 60, **kw: object
) -> Run:
    """The installed console script ``crucible-ir ARGV`` in a subprocess."""
    args = [str(CLI), *(os.fspath(a) for a in argv)]
    env = {k: v for k, v in os.environ.items() if k not in ("CRUCIBLE_IR_DEBUG", "NO_COLOR")}
    proc = subprocess.run(
        args, capture_output=True, cwd=cwd, timeout=timeout, env=env, check=False, **kw
    )
    return Run(
        tuple(args[1:]),
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )
