"""``validate --type feedback.event`` on JSON Lines: one record per line, streamed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ._support import CLI, REPO, Runner, command_env, where


def at(text: str, fragment: str) -> str:
    """``LINE:COL`` of the first ``fragment`` in ``text``."""
    return "{}:{}".format(*where(text, fragment))


EVENTS = (
    "\n".join(
        [
            '{"id": "evt_1", "feedback_type": "thumbs", "feedback_value": "up", "latency_ms": 12}',
            "",
            '{"id": ""}',
            '{"id": "evt_3", "latency_ms": -1}',
            "   \t",
            '{"id": "evt_5", "timestamp": "2024-03-16T12:03:13Z"}',
            '{"id": "evt_6",',
            '{"id": "evt_7", "input": {"text": "fine"}}',
            '{"feedback_type": "correction"}',
            '{"id": "evt_9", "timestamp": "yesterday"}',
            "[1, 2]",
            '{"id": "evt_11"}',
        ]
    )
    + "\n"
)


def test_each_bad_record_is_one_line_at_its_line_number(cli: Runner) -> None:
    cli.write("events.jsonl", EVENTS)
    result = cli("validate", "--type", "feedback.event", "events.jsonl")
    assert result.code == 1
    assert [line.split(": ", 2)[:2] for line in result.lines] == [
        ["events.jsonl:3:8", "id"],
        ["events.jsonl:" + at(EVENTS, "-1"), "latency_ms"],
        ["events.jsonl:7:16", "(root)"],
        ["events.jsonl:9:1", "id"],  # a missing field: at its object
        ["events.jsonl:" + at(EVENTS, '"yesterday"'), "timestamp"],
        ["events.jsonl:11:1", "(root)"],
    ]
    assert result.lines[0].endswith("id: expected a non-empty identifier, got an empty string")
    assert result.lines[1].endswith("latency_ms: expected an integer >= 0, got -1")
    assert result.lines[2].endswith("(root): unexpected end of input")
    assert result.lines[3].endswith("id: missing required field `id`")


def test_each_problem_is_placed_in_its_line_as_in_a_json_file(cli: Runner) -> None:
    """The key of an unknown key, the value of a wrong one, a syntax error where it is;
    columns count characters, lines count in the file."""
    text = (
        '{"id": "e1"}\n'
        '{"id": "e2", "zz": 1}\n'
        "\n"
        '  {"id": "é3", "user_id": "ü", "latency_ms": -1, "output": {"a": 1}}\n'
        '{"id": "e5", "output": {"a": [1]}, "timestamp": 5}\n'
        '{"id": "e5", "latency_ms": 1,, "x": 2}\n'
        '{"id": "e6",\n'
    )
    cli.write("mix.jsonl", text)
    result = cli("validate", "mix.jsonl")
    assert result.code == 1
    assert result.lines == [
        "mix.jsonl:" + at(text, '"zz"') + ": zz: unknown field `zz`",
        "mix.jsonl:" + at(text, "-1") + ": latency_ms: expected an integer >= 0, got -1",
        "mix.jsonl:" + at(text, "5}") + ": timestamp: expected a timestamp string, got integer",
        "mix.jsonl:" + at(text, ', "x"') + ": (root): malformed JSON: object keys must be strings",
        "mix.jsonl:7:13: (root): unexpected end of input",
    ]
    as_json = cli("validate", "--format", "json", "mix.jsonl")
    assert [(p["line"], p["column"]) for p in json.loads(as_json.out)] == [
        where(text, '"zz"'),
        where(text, "-1"),
        where(text, "5}"),
        where(text, ', "x"'),
        (7, 13),
    ]


def test_json_output_gives_codes_and_line_numbers(cli: Runner) -> None:
    cli.write("events.jsonl", EVENTS)
    result = cli("validate", "-t", "feedback.event", "--format", "json", "events.jsonl")
    assert result.code == 1
    problems = json.loads(result.out)
    assert [(p["line"], p["path"], p["code"]) for p in problems] == [
        (3, "id", "empty"),
        (4, "latency_ms", "range"),
        (7, "", "syntax"),
        (9, "id", "required"),
        (10, "timestamp", "format"),
        (11, "", "type"),
    ]
    assert {p["file"] for p in problems} == {"events.jsonl"}


def test_good_records_and_blank_lines_are_silent(cli: Runner) -> None:
    good = "\n".join(line for i, line in enumerate(EVENTS.splitlines()) if i + 1 in (1, 2, 5, 6, 8))
    cli.write("good.jsonl", good + "\n\n\n")
    result = cli("validate", "--type", "feedback.event", "good.jsonl")
    assert (result.code, result.out, result.err) == (0, "", "")


def test_the_shipped_events_are_valid(cli: Runner) -> None:
    events = REPO / "examples" / "events.jsonl"
    result = cli("validate", "--type", "feedback.event", events)
    assert (result.code, result.out) == (0, "")


def test_crlf_line_endings_and_no_final_newline(cli: Runner) -> None:
    cli.write("crlf.jsonl", b'{"id": "a"}\r\n\r\n{"id": ""}\r\n{"id": "c", "latency_ms": -2}')
    result = cli("validate", "--type", "feedback.event", "--format", "json", "crlf.jsonl")
    assert result.code == 1
    assert [(p["line"], p["path"]) for p in json.loads(result.out)] == [
        (3, "id"),
        (4, "latency_ms"),
    ]


def test_unknown_keys_are_problems_per_record_unless_allowed(cli: Runner) -> None:
    cli.write("strict.jsonl", '{"id": "a", "feedbak_type": "thumbs"}\n{"id": "b"}\n')
    assert cli("validate", "--allow-unknown", "strict.jsonl").code == 0
    result = cli("validate", "-t", "feedback.event", "--format", "json", "strict.jsonl")
    assert result.code == 1
    [problem] = json.loads(result.out)
    assert (problem["line"], problem["path"], problem["code"]) == (
        1,
        "feedbak_type",
        "unknown_field",
    )
    assert "did you mean `feedback_type`?" in problem["message"]


@pytest.mark.parametrize("name", ["events.jsonl", "events.ndjson", "events.JSONL"])
def test_json_lines_files_hold_feedback_events_by_default(cli: Runner, name: str) -> None:
    cli.write(name, '{"id": "a", "feedback_value": "up"}\n{"id": ""}\n')
    result = cli("validate", name)
    assert result.lines == [f"{name}:2:8: id: expected a non-empty identifier, got an empty string"]
    typed = cli("validate", "--type", "experiment", name)
    assert "feedback_value: unknown field `feedback_value`" in typed.out


@pytest.mark.parametrize("args", [["--input-format", "jsonl"], []])
def test_jsonl_from_stdin(cli: Runner, args: list[str]) -> None:
    events = '{"id": "a"}\n{"id": ""}\n'
    result = cli("validate", "--type", "feedback.event", *args, "-", stdin=events)
    assert result.code == 1
    assert [line.split(": ")[0] for line in result.lines] == ["<stdin>:2:8"]


@pytest.mark.parametrize("args", [["--input-format", "jsonl"], []])
def test_standard_input_holds_experiments_by_default_whatever_its_format(
    cli: Runner, args: list[str]
) -> None:
    """Only JSON Lines *files* default to feedback events: `-` has no name to go by."""
    result = cli("validate", *args, "-", stdin='{"id": "e1"}\n{"id": "e2"}\n')
    assert result.code == 1
    assert "<stdin>:1:1: backend: missing required field `backend`" in result.lines
    assert "<stdin>:2:1: pipeline: missing required field `pipeline`" in result.lines


def test_invalid_utf8_in_a_record_is_reported_at_its_line(cli: Runner) -> None:
    cli.write("utf8.jsonl", b'{"id": "a"}\n{"id": "\xff"}\n{"id": "c"}\n')
    result = cli("validate", "--type", "feedback.event", "--format", "json", "utf8.jsonl")
    assert result.code == 1
    [problem] = json.loads(result.out)
    assert problem["line"] == 2
    assert problem["code"] == "syntax"


def test_1e400_in_an_unknown_key_is_rejected_in_jsonl_as_in_json(cli: Runner) -> None:
    record = '{"id": "a", "extra": 1e400}'
    cli.write("one.json", record)
    cli.write("one.jsonl", record + "\n")
    as_json = cli("validate", "--type", "feedback.event", "one.json")
    assert as_json.code == 1
    as_jsonl = cli("validate", "--type", "feedback.event", "one.jsonl")
    assert as_jsonl.code == 1


# -- a large file in bounded memory ---------------------------------------------------------------

RECORDS = 200_000
_PEAK_RSS = """
import resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
sys.stdout.write(proc.stdout.decode()[-4000:])
sys.stderr.write(proc.stderr.decode()[-4000:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(f"\\nPEAK-RSS-KB {peak} EXIT {proc.returncode}")
"""


def _peak_rss(args: list[str | Path], cwd: Path) -> tuple[int, int, str]:
    """Run the command in a fresh helper process: (exit status, peak RSS in MiB, output)."""
    proc = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS, str(CLI), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=command_env(),
        timeout=120,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    *body, last = proc.stdout.rstrip("\n").split("\n")
    _, peak, _, code = last.split()
    return int(code), int(peak) // 1024, "\n".join(body)


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in KiB is Linux's")
def test_a_large_file_validates_in_bounded_memory(tmp_path: Path) -> None:
    record = {
        "id": "evt_000000",
        "deployment_id": "sentiment_prod",
        "model_version": "1.1.0",
        "input": {"text": "x" * 250},
        "output": {"label": "positive"},
        "feedback_type": "thumbs",
        "feedback_value": "up",
        "user_id": "user_03",
        "session_id": "sess_001",
        "latency_ms": 117,
        "timestamp": "2024-03-16T12:03:13Z",
    }
    line = json.dumps(record)
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(RECORDS):
            out.write(line.replace("evt_000000", f"evt_{i:06d}"))
            out.write("\n")
        out.write('{"id": ""}\n')  # one bad record, at the very end
    size_mb = path.stat().st_size / 2**20
    assert size_mb > 100

    code, peak_mb, output = _peak_rss(["validate", path.name], tmp_path)
    assert code == 1
    assert output.splitlines() == [
        f"big.jsonl:{RECORDS + 1}:8: id: expected a non-empty identifier, got an empty string"
    ]
    # Reading the file whole would take more than its size (> 100 MiB).
    assert peak_mb < 60, f"peak RSS {peak_mb} MiB for a {size_mb:.0f} MiB file"


def test_standard_input_converted_to_parquet_holds_experiments_by_default(cli: Runner) -> None:
    pytest.importorskip("pyarrow")
    args = ("convert", "-", "--input-format", "jsonl", "--to", "parquet", "-o", "out.parquet")
    result = cli(*args, stdin='{"id": "e1"}\n')
    assert result.code == 1
    assert "<stdin>:1:1: backend: missing required field `backend`" in result.err_lines
    assert not (cli.cwd / "out.parquet").exists()
    assert cli(*args, "--type", "feedback.event", stdin='{"id": "e1"}\n').code == 0


def test_only_bad_records_are_read_again_for_positions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import crucible_ir._sources as sources
    from crucible_ir._cli import main

    read_again: list[bytes] = []
    load = sources.load

    def counting_load(text: str | bytes, fmt: str) -> sources.Document:
        read_again.append(bytes(text) if not isinstance(text, str) else text.encode())
        return load(text, fmt)

    monkeypatch.setattr(sources, "load", counting_load)
    records = [f'{{"id": "evt_{i}", "latency_ms": {i}}}' for i in range(1000)]
    records[10] = '{"id": "evt_10", "latency_ms": -1}'
    records[500] = '{"id": "evt_500", "zz": 1}'
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(records) + "\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{path}:11:32: latency_ms: expected an integer >= 0, got -1",
        f"{path}:501:19: zz: unknown field `zz`",
    ]
    assert read_again == [records[10].encode(), records[500].encode()]
