"""The command itself: the entry point, ``--help`` everywhere, exit statuses, closed pipes."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import entry_points, version
from pathlib import Path

import pytest

from crucible_ir._cli import parser

from ._support import CLI, EXAMPLES, REPO, Result, Runner, assert_no_traceback, command_env

COMMANDS = ["validate", "fmt", "convert", "show", "diff", "hash", "schema"]


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    [sub] = [a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_the_command_is_a_console_scripts_entry_point() -> None:
    [point] = [p for p in entry_points(group="console_scripts") if p.name == "crucible-ir"]
    assert point.value == "crucible_ir._cli:main"
    assert "from crucible_ir._cli import main" in CLI.read_text(encoding="utf-8")
    assert not (REPO / "bin").exists()


def test_help_lists_every_command_and_the_exit_statuses(cli: Runner) -> None:
    result = cli("--help")
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("usage: crucible-ir ")
    for command in COMMANDS:
        assert command in result.out
    assert "exit status: 0 success, 1 problems found" in " ".join(result.out.split())
    assert sorted(_subcommands()) == sorted(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(cli: Runner, command: str) -> None:
    result = cli(command, "--help")
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith(f"usage: crucible-ir {command} ")
    assert "exit status:" in result.out


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_argument_has_help_text_positionals_included(command: str | None) -> None:
    where = parser() if command is None else _subcommands()[command]
    actions = [a for a in where._actions if a.dest != "help"]
    assert actions
    for action in actions:
        assert action.help != argparse.SUPPRESS, (command, action.dest)
        assert len(action.help or "") > 10, (command, action.dest)


def test_the_readme_documents_every_flag() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The command line", 1)[1].split("\n## ", 1)[0]
    for command, sub in _subcommands().items():
        assert f"crucible-ir {command}" in section, command
        for action in sub._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help"):
                    assert f"`{flag}" in section or f" {flag}" in section, (command, flag)


def test_version(cli: Runner) -> None:
    result = cli("--version")
    assert (result.code, result.err) == (0, "")
    assert result.out == f"crucible-ir {version('crucible-ir')}\n"


def test_no_command_and_unknown_commands_are_usage_errors(cli: Runner) -> None:
    for args in ([], ["frobnicate"], ["validate", "--no-such-option", "x.json"]):
        result = cli(*args)
        assert (result.code, result.out) == (2, ""), args
        assert result.err.startswith("usage: crucible-ir"), args


def _python(cli: Runner, *args: str) -> Result:
    proc = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        cwd=cli.cwd,
        env=command_env(),
        check=False,
    )
    return Result(tuple(args), proc.returncode, proc.stdout, proc.stderr)


def test_python_dash_m_runs_the_same_command(cli: Runner) -> None:
    cli.write("bad.json", '{"id": "", "backend": {"id": "b"}, "pipeline": [{"name": "a"}]}')
    result = _python(cli, "-m", "crucible_ir", "validate", "bad.json")
    assert_no_traceback(result)
    assert result.code == 1
    assert result.lines == cli("validate", "bad.json").lines
    assert result.lines == [
        "bad.json:1:8: id: expected a non-empty identifier, got an empty string"
    ]


@pytest.mark.parametrize(
    ("module", "package", "args"),
    [
        ("yaml", "PyYAML", ["validate", "exp.yaml"]),
        ("tomli_w", "tomli-w", ["convert", "exp.yaml", "--to", "toml"]),
    ],
)
def test_a_missing_dependency_is_a_usage_error_with_an_install_hint(
    cli: Runner, module: str, package: str, args: list[str]
) -> None:
    cli.write("exp.yaml", "id: e\nbackend: {id: b}\npipeline: [{name: a}]\n")
    code = (
        f"import sys; sys.modules[{module!r}] = None\n"
        f"from crucible_ir._cli import main; sys.exit(main({args!r}))"
    )
    result = _python(cli, "-c", code)
    assert_no_traceback(result)
    assert (result.code, result.out) == (2, "")
    assert result.err_lines == [
        f"crucible-ir: {args[0]} needs the Python package {package}, which is not installed: "
        f"pip install {package}"
    ]


def _closed_early(cli: Runner, args: list[str]) -> tuple[int, bytes]:
    """Run the command, read one line of its output, close the pipe: (status, stderr)."""
    proc = subprocess.Popen(
        [str(CLI), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cli.cwd,
        env=command_env(),
    )
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


def test_a_closed_pipe_ends_validate_quietly_with_status_1(cli: Runner) -> None:
    """``crucible-ir validate bad.jsonl | head -1``: never 0, never a false "cannot read"."""
    cli.write("bad.jsonl", '{"id": ""}\n' * 100_000)
    for args in (["bad.jsonl"], ["--format", "json", "bad.jsonl"]):
        status, err = _closed_early(cli, ["validate", *args])
        assert (status in (1, -signal.SIGPIPE), err) == (True, b""), (status, err)


@pytest.mark.parametrize("args", [["show", str(EXAMPLES / "comprehensive.json")], ["schema"]])
def test_output_closed_before_anything_is_read_ends_quietly(cli: Runner, args: list[str]) -> None:
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
    assert (proc.returncode, err) == (1, b"")


_GOOD_YAML = "id: e\nbackend: {id: b}\npipeline: [{name: a}]\n"
_EVERY_COMMAND = [
    ["validate", "good.yaml"],
    ["validate", "bad.yaml"],
    ["validate", "--format", "json", "bad.yaml"],
    ["validate", "events.jsonl"],
    ["fmt", "good.yaml"],
    ["fmt", "--check", "good.yaml"],
    ["convert", "good.yaml", "--to", "json"],
    ["convert", "good.yaml", "--to", "jsonl"],
    ["show", "good.yaml"],
    ["diff", "good.yaml", "bad.yaml"],
    ["hash", "good.yaml"],
    ["schema"],
    ["schema", "--list"],
]


def _close(fd: int) -> Callable[[], None]:
    return lambda: os.close(fd)


@pytest.mark.parametrize("args", _EVERY_COMMAND, ids=" ".join)
def test_a_closed_standard_output_ends_every_command_quietly_with_status_1(
    cli: Runner, args: list[str]
) -> None:
    """``crucible-ir ... >&-``: nothing can be printed, so never 0, never a crash."""
    cli.write("good.yaml", _GOOD_YAML)
    cli.write("bad.yaml", "id: e\nzz: 1\n")
    cli.write("events.jsonl", '{"id": "e1"}\n{"id": ""}\n')
    result = cli(*args, preexec_fn=_close(1))
    assert (result.code, result.err) == (1, "")
    assert cli.cwd.joinpath("good.yaml").read_text(encoding="utf-8") == _GOOD_YAML


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "-"],
        ["validate", "--input-format", "jsonl", "-"],
        ["validate", "--format", "json", "-"],
        ["fmt", "-"],
        ["convert", "-", "--to", "yaml"],
        ["convert", "-", "--to", "jsonl"],
        ["convert", "-", "--input-format", "jsonl", "--to", "jsonl"],
        ["convert", "-", "--input-format", "jsonl", "--to", "parquet", "-o", "out.parquet"],
        ["show", "-"],
        ["diff", "-", "good.yaml"],
        ["hash", "-"],
    ],
    ids=" ".join,
)
def test_a_closed_standard_input_is_an_unreadable_input(cli: Runner, args: list[str]) -> None:
    """``crucible-ir ... - <&-``: exit 2 and say so, as for any file that cannot be read."""
    cli.write("good.yaml", _GOOD_YAML)
    result = cli(*args, preexec_fn=_close(0))
    assert result.code == 2
    assert "crucible-ir: <stdin>: cannot read: standard input is closed" in result.err_lines


def _base_dependencies() -> list[str]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["dependencies"])


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="the venv layout of POSIX")
def test_the_entry_point_of_a_base_install_reads_and_writes_every_format(
    tmp_path: Path,
) -> None:
    """A fresh environment with the project and its base dependencies only: no extra at all."""
    source = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(REPO / "src", source / "src", ignore=ignore)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    lock = str(REPO / "requirements" / "dev.txt")
    subprocess.run([*pip, "-c", lock, *_base_dependencies()], check=True)
    subprocess.run([*pip, "--no-deps", str(source)], check=True)
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "list", "--format", "freeze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.lower()
    for extra in ("pyarrow", "ruamel", "pytest", "orjson"):
        assert extra not in installed

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in command_env().items() if k != "PYTHONPATH"}
        return subprocess.run(
            [str(venv / "bin" / "crucible-ir"), *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**env, "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"},
            check=False,
        )

    examples = sorted(str(p) for p in EXAMPLES.iterdir())
    assert (run("validate", *examples).returncode, run("validate", *examples).stdout) == (0, "")
    assert run("validate", str(REPO / "examples" / "events.jsonl")).returncode == 0
    (tmp_path / "exp.yaml").write_text("id: e\nbackend: {id: b}\npipeline: [{name: a}]\n")
    for target in ("json", "yaml", "toml"):
        converted = run("convert", "exp.yaml", "--to", target)
        assert (converted.returncode, converted.stderr) == (0, ""), target
    assert run("fmt", "--check", "exp.yaml").returncode == 1
    assert run("fmt", "-i", "exp.yaml").returncode == 0
    assert run("fmt", "--check", "exp.yaml").returncode == 0
