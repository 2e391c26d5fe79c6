"""The command itself: ``--help`` everywhere, ``--version``, usage errors, ``python -m``."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest

from ._support import CLI, EXAMPLES, Result, Runner, assert_no_traceback, command_env

COMMANDS = ["validate", "fmt", "convert", "show", "diff", "hash", "schema"]


def test_help_lists_every_command(cli: Runner) -> None:
    result = cli("--help")
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("usage: crucible-ir ")
    for command in COMMANDS:
        assert command in result.out
    assert "Exit status: 0 success, 1 problems found" in " ".join(result.out.split())


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(cli: Runner, command: str) -> None:
    result = cli(command, "--help")
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith(f"usage: crucible-ir {command} ")


def test_version(cli: Runner) -> None:
    result = cli("--version")
    assert (result.code, result.err) == (0, "")
    assert result.out == f"crucible-ir {version('crucible-ir')}\n"


def test_no_command_and_unknown_commands_are_usage_errors(cli: Runner) -> None:
    for args in ([], ["frobnicate"], ["validate", "--no-such-option", "x.json"]):
        result = cli(*args)
        assert (result.code, result.out) == (2, ""), args
        assert result.err.startswith("usage: crucible-ir"), args


def test_python_dash_m_runs_the_same_command(cli: Runner) -> None:
    cli.write("bad.json", '{"id": "", "backend": {"id": "b"}, "pipeline": [{"name": "a"}]}')
    proc = subprocess.run(
        [sys.executable, "-m", "crucible_ir", "validate", "bad.json"],
        capture_output=True,
        text=True,
        cwd=cli.cwd,
        env=command_env(),
        check=False,
    )
    result = Result(("-m",), proc.returncode, proc.stdout, proc.stderr)
    assert_no_traceback(result)
    assert result.code == 1
    assert result.lines == cli("validate", "bad.json").lines
    assert result.lines == [
        "bad.json:1:8: id: expected a non-empty identifier, got an empty string"
    ]


@pytest.mark.parametrize("args", [["show", str(EXAMPLES / "comprehensive.json")], ["schema"]])
def test_output_closed_early_is_not_an_error(cli: Runner, args: list[str]) -> None:
    proc = subprocess.Popen(
        [str(CLI), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cli.cwd,
        env=command_env(),
    )
    assert proc.stdout is not None
    proc.stdout.close()  # like `| true`: nobody reads
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err
    assert (proc.returncode, err) == (0, b"")
