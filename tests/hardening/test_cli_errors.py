"""Every problem a user can cause gets one clear line, never a traceback.

Every subcommand runs on a corpus of broken inputs (in this process, which is
fast; a few through the real console script too). Each run must exit 1 or 2,
print no traceback and no "internal error", and say what is wrong in lines of
the documented shapes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .conftest import MINIMAL, Run, run_cli, run_script

OK = MINIMAL
_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 10)}]\n" for a, b in zip("abcde", "bcdef", strict=True)
)

BROKEN: dict[str, bytes] = {
    # JSON
    "truncated.json": OK[:-9].encode(),
    "trailing.json": (OK + " }{").encode(),
    "wrong_types.json": b'{"id": 1, "backend": [], "pipeline": {"name": "x"}, "tags": "a"}',
    "missing.json": b'{"pipeline": [{}]}',
    "nulls.json": b'{"id": null, "backend": null, "pipeline": null}',
    "array.json": b"[" + OK.encode() + b"]",
    "scalar.json": b"null",
    "empty.json": b"",
    "blank.json": b" \n\t\n",
    "deep.json": b"[" * 5000 + b"]" * 5000,
    "utf16.json": OK.encode("utf-16"),
    "bad_key.json": OK[:-1].encode() + b', "\xff": 1}',
    "surrogate.json": OK[:-1].encode() + b', "description": "\\udc00"}',
    "nan.json": OK[:-1].encode() + b', "reliability": {"stats": {"alpha": NaN}}}',
    "big_float.json": OK[:-1].encode() + b', "reliability": {"stats": {"alpha": 1e400}}}',
    "timestamp.json": OK[:-1].encode() + b', "created_at": "2024-03-15T09:30:00"}',
    "nul.json": b"\x00" * 16,
    # YAML
    "tabs.yaml": b"id: exp\n\tbackend: {id: b}\n",
    "unclosed.yaml": b"id: exp\nbackend: {id: b\npipeline: [{name: s}\n",
    "duplicate.yaml": b"id: exp\nid: again\nbackend: {id: b}\npipeline: [{name: s}]\n",
    "bomb.yaml": _BOMB.encode(),
    "recursive.yaml": b"a: &a [*a]\n",
    "tag.yaml": b"id: !!python/object/apply:os.system ['true']\n",
    "documents.yaml": b"id: a\n---\nid: b\n",
    "invalid_utf8.yaml": b"id: \xc3\x28\n",
    "nan.yaml": b"id: exp\nbackend: {id: b}\npipeline: [{name: s}]\nmetadata: {x: .nan}\n",
    "deep.yaml": b"x:\n  " + b"- " * 5000 + b"y\n",
    "list.yaml": b"- id: exp\n",
    # TOML
    "duplicate.toml": b'[backend]\nid = "a"\n[backend]\nid = "b"\n',
    "inf.toml": b'id = "exp"\n[reliability.stats]\nalpha = inf\n',
    "unterminated.toml": b'id = "exp\n',
    "invalid_utf8.toml": b'id = "\xff"\n',
    "deep.toml": b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "local_time.toml": b'id = "exp"\ncreated_at = 2024-03-15T09:30:00\n',
}

_PROBLEM = re.compile(r"^[^\n]+:\d+:\d+: [^\n]+: [^\n]+$")
_SUMMARY = re.compile(r"^\d+ problems? in \d+ of \d+ files?$")


def _clear(result: Run, names: list[str]) -> None:
    """Exit 1 or 2, no traceback, and every line one of the documented shapes."""
    result.clean()
    assert result.code in (1, 2), result
    assert (result.out + result.err).strip(), result  # it says something
    for line in result.err.splitlines():
        assert (
            line.startswith("crucible-ir: ")
            or _PROBLEM.match(line)
            or _SUMMARY.match(line)
            or line.endswith(": would be reformatted by crucible-ir fmt")
        ), (result.argv, line)
        if line.startswith("crucible-ir: "):
            assert any(name in line for name in names) or "--" in line or "type" in line, line


@pytest.fixture
def corpus(tmp_path: Path) -> list[str]:
    for name, data in BROKEN.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "ok.json").write_text(OK, encoding="utf-8")
    return [str(tmp_path / name) for name in BROKEN]


def test_every_command_on_broken_files(corpus: list[str], tmp_path: Path) -> None:
    before = {p: Path(p).read_bytes() for p in corpus}
    ok = str(tmp_path / "ok.json")
    names = [Path(p).name for p in corpus]
    many = [
        ["validate", *corpus],
        ["validate", "--strict", *corpus],
        ["validate", "--type", "feedback.event", *corpus],
        ["validate", "--format", "json", *corpus],
        ["hash", *corpus],
        ["fmt", "--check", *corpus],
    ]
    for argv in many:
        result = run_cli(*argv)
        _clear(result, names)
        if argv[-2] == "json":
            problems = json.loads(result.out)
            assert {Path(p["file"]).name for p in problems} == set(names)
    text = run_cli("validate", *corpus)
    assert text.code == 1
    for line in text.out.splitlines():
        assert _PROBLEM.match(line), line
    assert {Path(line.split(":", 1)[0]).name for line in text.out.splitlines()} == set(names)
    for path in corpus:
        out = str(tmp_path / "out")
        for argv in (
            ["fmt", path],
            ["fmt", "--in-place", path],
            ["show", path],
            ["convert", path, "--to", "json"],
            ["convert", path, "--to", "yaml", "-o", out + ".yaml"],
            ["convert", path, "--to", "toml", "-o", out + ".toml"],
            ["diff", path, ok],
            ["diff", ok, path, "--format", "json"],
        ):
            _clear(run_cli(*argv), names)
    assert {p: Path(p).read_bytes() for p in corpus} == before  # nothing rewritten
    assert not list(tmp_path.glob("out.*"))  # nothing written
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "missing.json"],
        ["validate", "."],
        ["validate", "notes.txt"],
        ["validate", "--type", "experimnt", "ok.json"],
        ["validate", "--type", "", "ok.json"],
        ["validate", "--format", "xml", "ok.json"],
        ["validate"],
        ["frobnicate"],
        ["fmt", "--check", "--in-place", "ok.json"],
        ["fmt", "--in-place", "-"],
        ["convert", "ok.json"],
        ["convert", "ok.json", "--to", "xml"],
        ["convert", "ok.json", "--to", "json", "-o", "no/such/dir/out.json"],
        ["convert", "events.jsonl", "--to", "json"],
        ["diff", "ok.json"],
        ["diff", "ok.json", "missing.json"],
        ["hash", "missing.yaml"],
        ["show", "."],
        ["schema", "no_such_type"],
        ["schema", "--all", "ok.json/dir"],
    ],
    ids=lambda argv: " ".join(argv) or "nothing",
)
def test_usage_errors(tmp_path: Path, argv: list[str]) -> None:
    (tmp_path / "ok.json").write_text(OK, encoding="utf-8")
    (tmp_path / "notes.txt").write_text(OK, encoding="utf-8")
    (tmp_path / "exp.yaml").write_text("id: x\n", encoding="utf-8")
    (tmp_path / "events.jsonl").write_text('{"id": "e"}\n', encoding="utf-8")
    paths = [str(tmp_path / a) if "." in a and not a.startswith("-") else a for a in argv]
    paths = [str(tmp_path) if a == "." else a for a in paths]
    result = run_cli(*paths)
    result.clean()
    assert result.code == 2, result
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert lines, result
    # argparse prints its usage first; our own errors are one line
    last = lines[-1]
    assert last.startswith(("crucible-ir: ", "crucible-ir COMMAND", "usage:")) or ": error:" in last


def test_the_console_script_on_broken_input(corpus: list[str], tmp_path: Path) -> None:
    names = [Path(p).name for p in corpus]
    result = run_script(["validate", *names], cwd=tmp_path)
    _clear(result, names)
    assert result.code == 1
    assert len({line.split(":", 1)[0] for line in result.out.splitlines()}) == len(names)
    for argv in (
        ["validate", "-"],  # stdin needs --input-format
        ["validate", "--input-format", "json", "-"],
        ["show", "tag.yaml"],
        ["convert", "deep.json", "--to", "toml"],
    ):
        result = run_script(argv, cwd=tmp_path, input=b"\xff{\x00")
        _clear(result, names)


@pytest.mark.parametrize("command", ["show", "hash", "diff"])
def test_commands_that_take_one_document_refuse_jsonl(tmp_path: Path, command: str) -> None:
    """(Found by the fuzz run: this was an internal error, exit 3.)"""
    path = tmp_path / "events.jsonl"
    path.write_text('{"id": "e1"}\n{"id": "e2"}\n', encoding="utf-8")
    argv = [command, "--type", "feedback.event", path] + ([path] if command == "diff" else [])
    result = run_cli(*argv)
    result.clean()
    assert result.code == 2


@pytest.mark.parametrize("key", ["a\\nb", "x\\r\\ny", "line\\u2028sep", "nul\\u0000"])
def test_a_problem_is_one_line_whatever_the_key(tmp_path: Path, key: str) -> None:
    """(A newline in a key used to split a problem over two lines.)"""
    path = tmp_path / "exp.json"
    path.write_text(OK[:-1] + f', "{key}": 1, "metadata": {{"{key}": []}}}}', encoding="utf-8")
    result = run_cli("validate", "--strict", path)
    result.clean()
    assert result.code == 1
    problems = result.out.splitlines()
    assert len(problems) == 1, problems  # one unknown key, one line
    assert _PROBLEM.match(problems[0])


@pytest.mark.parametrize("command", ["fmt", "hash", "convert", "diff"])
def test_calendar_edge_timestamps(tmp_path: Path, command: str) -> None:
    """(Found by the fuzz run: OverflowError in the canonical form, a traceback.)"""
    path = tmp_path / "exp.json"
    path.write_text(OK[:-1] + ', "created_at": "0001-01-01T00:00:00+23:59"}', encoding="utf-8")
    argv = {
        "fmt": ["fmt", path],
        "hash": ["hash", path],
        "convert": ["convert", path, "--to", "yaml"],
        "diff": ["diff", path, path],
    }[command]
    result = run_cli(*argv)
    result.clean()
    assert result.code in (0, 1, 2)
