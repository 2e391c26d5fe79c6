"""Garbage in, one clear line out: never a traceback, whatever the bytes, whatever the command."""

from __future__ import annotations

import json
import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from ._support import Result, Runner

OK_JSON = '{"id": "exp", "backend": {"id": "b"}, "pipeline": [{"name": "a"}]}'
_RANDOM = bytes(random.Random(20240315).randrange(256) for _ in range(4096))

# Per format: what a hostile or broken file may hold.
GARBAGE: dict[str, dict[str, bytes]] = {
    "json": {
        "random": _RANDOM,
        "invalid_utf8": b'{"id": "\xff\xfe", "backend": {"id": "b"}, "pipeline": [{"name": "a"}]}',
        "empty": b"",
        "top_level_array": b'[{"id": "exp"}]',
        "top_level_string": b'"exp"',
        "huge_number": OK_JSON.replace('"a"}]', '"a"}], "metadata": {"n": 1e400}').encode(),
        "nan": OK_JSON.replace('"a"}]', '"a"}], "metadata": {"n": NaN}').encode(),
        "infinity": OK_JSON.replace(
            '"a"}]', '"a"}], "reliability": {"stats": {"alpha": -Infinity}}'
        ).encode(),
        "nul_bytes": b"\x00\x00\x00",
        "bom_only": b"\xef\xbb\xbf",
        "lone_surrogate": b'{"id": "\\ud800", "backend": {"id": "b"}, "pipeline": [{"name": "a"}]}',
        "huge_int_digits": OK_JSON.replace(
            '"a"}]', '"a"}], "metadata": {"n": ' + "9" * 5000 + "}"
        ).encode(),
    },
    "yaml": {
        "random": _RANDOM,
        "invalid_utf8": b"id: \xff\xfe\nbackend: {id: b}\npipeline: [{name: a}]\n",
        "empty": b"",
        "top_level_list": b"- id: exp\n",
        "top_level_scalar": b"exp\n",
        "huge_number": b"id: exp\nbackend: {id: b}\npipeline: [{name: a}]\nmetadata: {n: 1e400}\n",
        "nan": b"id: exp\nbackend: {id: b}\npipeline: [{name: a}]\nmetadata: {n: .nan}\n",
        "infinity": b"id: exp\nbackend: {id: b}\npipeline: [{name: a}]\nmetadata: {n: -.inf}\n",
        "nul_bytes": b"\x00\x00\x00",
        "tabs": b"id: exp\n\tbackend: {id: b}\n",
        "unknown_alias": b"id: *nowhere\n",
        "recursive_alias": b"a: &a [*a]\n",
        "complex_key": b"? [a, b]\n: c\n",
    },
    "toml": {
        "random": _RANDOM,
        "invalid_utf8": b'id = "\xff"\n',
        "empty": b"",
        "huge_number": b'id = "exp"\npipeline = [{name = "a"}]\n[backend]\nid = "b"\n'
        b"[metadata]\nn = 1e400\n",
        "nan": b'id = "exp"\npipeline = [{name = "a"}]\n[backend]\nid = "b"\n[metadata]\nn = nan\n',
        "infinity": b'id = "exp"\n[reliability.stats]\nalpha = -inf\n',
        "nul_bytes": b"\x00\x00\x00",
        "duplicate_table": b'[backend]\nid = "a"\n[backend]\nid = "b"\n',
        "local_datetime": b'id = "exp"\ncreated_at = 2024-03-15T09:30:00\n',
        "huge_int_digits": b"n = " + b"9" * 5000 + b"\n",
    },
}
FILES = [(fmt, name) for fmt, payloads in GARBAGE.items() for name in payloads]


def _run_all(cli: Runner, commands: list[list[str]]) -> list[Result]:
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda args: cli(*args), commands))


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(GARBAGE))
def test_garbage_never_gives_a_traceback(cli: Runner, fmt: str) -> None:
    names = []
    for name, content in GARBAGE[fmt].items():
        names.append(f"{name}.{fmt}")
        cli.write(names[-1], content)
    cli.write("ok.json", OK_JSON)
    before = {name: (cli.cwd / name).read_bytes() for name in names}

    commands = [
        ["validate", *names],
        ["validate", "--strict", *names],
        ["validate", "--type", "feedback.event", *names],
        ["validate", "--format", "json", *names],
        ["hash", *names],
        ["fmt", "--check", *names],
        ["fmt", "--in-place", *names],
    ]
    # The commands that take one file share the reader with the batched ones
    # above; each gets a rotating share of the garbage.
    single = [
        lambda n: ["fmt", n],
        lambda n: ["show", n],
        lambda n: ["convert", n, "--to", "yaml"],
        lambda n: ["convert", n, "--to", "toml", "-o", f"out_{n}.toml"],
        lambda n: ["diff", n, "ok.json"],
        lambda n: ["diff", "ok.json", n, "--format", "json"],
        lambda n: ["convert", n, "--to", "json", "--full"],
    ]
    for i, name in enumerate(names):
        commands.append(single[i % len(single)](name))
    results = _run_all(cli, commands)  # each run already checked for a traceback
    for result in results:
        assert result.code in (1, 2), (result.args, result.code, result.out, result.err)
        assert result.out.strip() or result.err.strip(), result.args  # says something

    # Every file is reported, each problem on one located line.
    validate = results[0]
    assert validate.code == 1
    for line in validate.lines:
        file, line_no, column, rest = line.split(":", 3)
        assert file in names
        assert int(line_no) >= 1
        assert int(column) >= 1
        assert rest.startswith(" ")
    assert {line.split(":", 1)[0] for line in validate.lines} == set(names)
    problems = json.loads(results[3].out)
    assert {p["file"] for p in problems} == set(names)

    # Nothing rewrote or created a file.
    assert {name: (cli.cwd / name).read_bytes() for name in names} == before
    assert sorted(p.name for p in cli.cwd.iterdir()) == sorted([*names, "ok.json"])


@pytest.mark.parametrize(("fmt", "name"), [("json", "top_level_array"), ("yaml", "empty")])
def test_a_document_that_is_not_an_object_says_so(cli: Runner, fmt: str, name: str) -> None:
    cli.write(f"doc.{fmt}", GARBAGE[fmt][name])
    result = cli("validate", f"doc.{fmt}")
    assert result.code == 1
    got = "array" if name == "top_level_array" else "null"
    assert result.lines == [f"doc.{fmt}:1:1: (root): expected an object (experiment), got {got}"]


@pytest.mark.parametrize(
    ("fmt", "name", "message"),
    [
        ("json", "huge_number", "number out of range"),
        ("json", "nan", "malformed JSON"),
        ("yaml", "huge_number", "number out of range"),
        ("yaml", "nan", "non-finite numbers are not allowed in IR documents"),
        ("toml", "nan", "non-finite numbers are not allowed in IR documents"),
        ("toml", "huge_number", "number out of range"),
        ("json", "invalid_utf8", "invalid UTF-8: byte 0xFF"),
        ("yaml", "invalid_utf8", "invalid UTF-8: byte 0xFF"),
        ("json", "huge_int_digits", "number out of range"),
    ],
)
def test_numbers_and_bytes_that_cannot_be_ir_are_syntax_problems(
    cli: Runner, fmt: str, name: str, message: str
) -> None:
    cli.write(f"doc.{fmt}", GARBAGE[fmt][name])
    result = cli("validate", "--format", "json", f"doc.{fmt}")
    assert result.code == 1
    [problem] = json.loads(result.out)
    assert problem["code"] == "syntax"
    assert problem["message"].startswith(message)


def test_an_empty_jsonl_file_has_no_bad_record(cli: Runner) -> None:
    cli.write("empty.jsonl", b"")
    result = cli("validate", "--type", "feedback.event", "empty.jsonl")
    assert (result.code, result.out) == (0, "")


def test_garbage_jsonl_is_reported_record_by_record(cli: Runner) -> None:
    names = []
    for name, content in GARBAGE["json"].items():
        if content:
            names.append(f"{name}.jsonl")
            cli.write(names[-1], content)
    results = _run_all(
        cli,
        [
            ["validate", "--type", "feedback.event", *names],
            ["validate", "--type", "feedback.event", "--strict", "--format", "json", *names],
            ["fmt", names[0]],
            ["fmt", "--check", names[1]],
            ["convert", names[2], "--to", "json"],
            ["convert", names[3], "--to", "toml", "-o", "out.toml"],
        ],
    )
    assert results[0].code == 1
    assert {line.split(":", 1)[0] for line in results[0].lines} == set(names)
    assert {p["file"] for p in json.loads(results[1].out)} == set(names)
    for result, name in zip(results[2:], names, strict=False):
        assert (result.code, result.out) == (2, ""), result.args
        [line] = result.err_lines
        assert line.startswith(f"crucible-ir: {name}: "), result.args
    assert results[2].err_lines == [
        f"crucible-ir: {names[0]}: a JSON Lines file holds many documents: `validate` reads "
        "it, and `convert --to jsonl|parquet` converts it (--input-format json|yaml|toml for one "
        "document)"
    ]


@pytest.mark.parametrize("command", ["show", "diff", "hash"])
def test_show_diff_hash_refuse_jsonl_with_one_line(cli: Runner, command: str) -> None:
    cli.write("events.jsonl", '{"id": "a"}\n')
    args = ["events.jsonl", "events.jsonl"] if command == "diff" else ["events.jsonl"]
    result = cli(command, "--type", "feedback.event", *args)
    assert (result.code, result.out) == (2, "")
    assert len(result.err_lines) == 1
    assert "events.jsonl" in result.err


def test_control_characters_in_keys_are_not_written_raw(cli: Runner) -> None:
    cli.write(
        "esc.json",
        '{"id": "x", "backend": {"id": "b", "\\u001b[2Jkey": 1}, "pipeline": [{"name": "a"}]}',
    )
    result = cli("validate", "--strict", "esc.json", no_color=True)
    assert result.code == 1
    assert "\x1b" not in result.out
