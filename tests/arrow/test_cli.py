"""``crucible-ir convert`` between JSON Lines and Parquet, run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import crucible_ir as ir
from crucible_ir import arrow, feedback

from .conftest import sample_events

CLI = Path(sys.executable).parent / "crucible-ir"


def run(
    cwd: Path, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(CLI), *args],
        cwd=cwd,
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "error", **(env or {})},
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode != 3, result.stderr
    return result


def run_here(
    cwd: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> subprocess.CompletedProcess[str]:
    """The command run in this process (no interpreter start-up): quick, for the error paths."""
    from crucible_ir._cli import main

    previous = os.getcwd()
    os.chdir(cwd)
    try:
        code = main(list(args))
    finally:
        os.chdir(previous)
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


def jsonl(events: list[feedback.Event]) -> bytes:
    return b"".join(ir.to_json(e).encode() + b"\n" for e in events)


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_bytes(jsonl(sample_events()))
    return path


def test_jsonl_to_parquet_and_back(tmp_path: Path, events_file: Path) -> None:
    done = run(
        tmp_path,
        "convert",
        "events.jsonl",
        "-t",
        "feedback.event",
        "--to",
        "parquet",
        "-o",
        "out.parquet",
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert list(arrow.read_parquet(tmp_path / "out.parquet", "feedback.event")) == sample_events()
    back = run(
        tmp_path,
        "convert",
        "out.parquet",
        "-t",
        "feedback.event",
        "--to",
        "jsonl",
        "-o",
        "back.jsonl",
    )
    assert back.returncode == 0, back.stderr
    assert list(ir.iter_jsonl(tmp_path / "back.jsonl", "feedback.event")) == sample_events()
    # Without -o, the lines go to standard output: the wire form of each record.
    printed = run(tmp_path, "convert", "out.parquet", "-t", "feedback.event", "--to", "jsonl")
    assert printed.returncode == 0
    lines = printed.stdout.splitlines()
    assert [ir.from_dict(json.loads(line), "feedback.event") for line in lines] == sample_events()
    assert sorted(os.listdir(tmp_path)) == ["back.jsonl", "events.jsonl", "out.parquet"]


def test_a_partitioned_directory_and_back(tmp_path: Path, events_file: Path) -> None:
    done = run(
        tmp_path,
        *("convert", "events.jsonl", "-t", "feedback.event", "--to", "parquet", "-o", "out"),
        *("--partition-by", "feedback_type", "--partition-by", "deployment_id"),
    )
    assert done.returncode == 0, done.stderr
    assert sorted(
        str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*.parquet")
    ) == [
        "feedback_type=label/deployment_id=__HIVE_DEFAULT_PARTITION__/part-0.parquet",
        "feedback_type=rating/deployment_id=__HIVE_DEFAULT_PARTITION__/part-0.parquet",
        "feedback_type=thumbs/deployment_id=__HIVE_DEFAULT_PARTITION__/part-0.parquet",
        "feedback_type=thumbs/deployment_id=prod/part-0.parquet",
    ]
    back = run(
        tmp_path, "convert", "out", "-t", "feedback.event", "--to", "jsonl", "-o", "back.jsonl"
    )
    assert back.returncode == 0, back.stderr
    got = list(ir.iter_jsonl(tmp_path / "back.jsonl", "feedback.event"))
    assert sorted(got, key=lambda e: e.id) == sorted(sample_events(), key=lambda e: e.id)
    # Comma-separated names work too; a directory already there is not replaced.
    again = run(
        tmp_path,
        *("convert", "events.jsonl", "-t", "feedback.event", "--to", "parquet", "-o", "out"),
        "--partition-by=feedback_type,deployment_id",
    )
    assert again.returncode == 2
    assert "out: already exists" in again.stderr


def test_reading_stdin(tmp_path: Path) -> None:
    done = run(
        tmp_path,
        *("convert", "-", "--input-format", "jsonl", "-t", "feedback.event"),
        *("--to", "parquet", "-o", "out.parquet"),
        stdin=jsonl(sample_events()),
    )
    assert done.returncode == 0, done.stderr
    assert list(arrow.read_parquet(tmp_path / "out.parquet", "feedback.event")) == sample_events()


def test_a_bad_record_stops_it_at_its_line_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [ir.to_json(feedback.Event(id=f"e{n}")) for n in range(6)]
    lines[4] = '{"id": "e4", "latency_ms": -1}'
    (tmp_path / "bad.jsonl").write_text("\n".join(lines) + "\n")
    for out, partition in (("out.parquet", ()), ("outdir", ("--partition-by", "feedback_type"))):
        done = run_here(
            tmp_path,
            capsys,
            *("convert", "bad.jsonl", "-t", "feedback.event", "--to", "parquet", "-o", out),
            *partition,
        )
        assert done.returncode == 1
        assert done.stderr.splitlines() == [
            "bad.jsonl:5:28: latency_ms: expected an integer >= 0, got -1",
            "crucible-ir: bad.jsonl: stopped at a bad record; nothing written",
        ]
    assert os.listdir(tmp_path) == ["bad.jsonl"]


def test_an_unknown_key_is_refused_at_its_place_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Parquet would not keep the key: dropping it would lose a word, as in every ``convert``."""
    (tmp_path / "typo.jsonl").write_text('{"id": "a"}\n{"id": "b", "feedbak_type": "x"}\n')
    args = ("convert", "typo.jsonl", "-t", "feedback.event", "--to", "parquet", "-o", "o.parquet")
    done = run_here(tmp_path, capsys, *args)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        "typo.jsonl:2:13: feedbak_type: unknown field `feedbak_type`; did you mean `feedback_type`?"
    )
    assert os.listdir(tmp_path) == ["typo.jsonl"]
    with pytest.raises(ir.DecodeError, match="feedbak_type"):
        arrow.jsonl_to_parquet(
            tmp_path / "typo.jsonl", tmp_path / "o.parquet", "feedback.event", strict=True
        )
    assert (
        arrow.jsonl_to_parquet(tmp_path / "typo.jsonl", tmp_path / "o.parquet", "feedback.event")
        == 2
    )


def test_standard_input_from_a_file_is_read_again_to_place_a_problem(tmp_path: Path) -> None:
    """A pipe is read once (its problem at column 1); a file behind standard input, again."""
    lines = b'{"id": "a"}\n{"id": "b", "latency_ms": -1}\n'
    (tmp_path / "bad.jsonl").write_bytes(lines)
    args = ["convert", "-", "-t", "feedback.event", "--input-format", "jsonl", "--to", "parquet"]
    with open(tmp_path / "bad.jsonl", "rb") as stdin:
        from_file = subprocess.run(
            [str(CLI), *args, "-o", "o.parquet"],
            cwd=tmp_path,
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    from_pipe = run(tmp_path, *args, "-o", "o.parquet", stdin=lines)
    assert from_file.stderr.splitlines()[0].startswith("<stdin>:2:27: latency_ms:")
    assert from_pipe.stderr.splitlines()[0].startswith("<stdin>:2:1: latency_ms:")
    assert os.listdir(tmp_path) == ["bad.jsonl"]


def test_an_integer_beyond_int64_is_a_bad_record_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "big.jsonl").write_text(
        '{"id": "a"}\n\n{"id": "b", "latency_ms": 9223372036854775808}\n'
    )
    done = run(
        tmp_path,
        "convert",
        "big.jsonl",
        "-t",
        "feedback.event",
        "--to",
        "parquet",
        "-o",
        "o.parquet",
    )
    assert done.returncode == 1
    assert done.stderr.startswith("big.jsonl:3:1: latency_ms: expected an integer within int64")
    assert os.listdir(tmp_path) == ["big.jsonl"]


def test_a_bad_row_of_parquet_stops_it_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["a", "b"], "latency_ms": [1, -2]}), tmp_path / "bad.parquet")
    done = run(
        tmp_path,
        "convert",
        "bad.parquet",
        "-t",
        "feedback.event",
        "--to",
        "jsonl",
        "-o",
        "out.jsonl",
    )
    assert done.returncode == 1
    assert done.stderr.splitlines()[:2] == [
        "crucible-ir: bad.parquet: row 2:",
        "latency_ms: expected an integer >= 0, got -2",
    ]
    assert sorted(os.listdir(tmp_path)) == ["bad.parquet"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("missing.jsonl", "--to", "parquet", "-o", "o.parquet"), "missing.jsonl: No such file"),
        (("events.jsonl", "--to", "parquet"), "--to parquet needs -o OUT"),
        (("garbage.parquet", "--to", "jsonl"), "garbage.parquet: cannot read as Parquet"),
        (("garbage.parquet", "--to", "json"), "Parquet converts to JSON Lines (--to jsonl)"),
        (("events.jsonl", "--to", "yaml"), "a JSON Lines file holds many documents"),
        (
            ("events.jsonl", "--to", "parquet", "-o", "o", "--partition-by", "input"),
            "cannot partition feedback.event records by 'input'",
        ),
    ],
)
def test_usage_errors_and_unreadable_input_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    events_file: Path,
    args: tuple[str, ...],
    message: str,
) -> None:
    (tmp_path / "garbage.parquet").write_bytes(b"not parquet at all")
    (tmp_path / "exp.json").write_text('{"id": "x"}')
    before = sorted(os.listdir(tmp_path))
    done = run_here(tmp_path, capsys, "convert", *args, "-t", "feedback.event")
    assert done.returncode == 2
    assert message in done.stderr
    assert sorted(os.listdir(tmp_path)) == before


def test_one_document_converts_to_a_parquet_file_of_one_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exp = ir.experiment("x").with_backend("b").add_stage("s").build()
    (tmp_path / "exp.yaml").write_text("id: x\nbackend: {id: b}\npipeline: [{name: s}]\n")
    done = run_here(tmp_path, capsys, "convert", "exp.yaml", "--to", "parquet", "-o", "e.parquet")
    assert (done.returncode, done.stderr) == (0, "")
    assert list(arrow.read_parquet(tmp_path / "e.parquet", "experiment")) == [exp]
    # What the document would lose is refused, as every conversion refuses it; nothing written.
    (tmp_path / "typo.yaml").write_text("id: x\nbackend: {id: b}\npipeline: [{name: s}]\nzz: 1\n")
    done = run_here(tmp_path, capsys, "convert", "typo.yaml", "--to", "parquet", "-o", "t.parquet")
    assert done.returncode == 1
    assert "typo.yaml:4:1: zz: unknown field" in done.stderr
    assert not (tmp_path / "t.parquet").exists()


def test_a_broken_rule_of_one_document_is_placed_in_the_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "exp.yaml").write_text(
        "id: x\nbackend: {id: b}\npipeline: [{name: s}]\nreliability:\n  stats: {alpha: 1.5}\n"
    )
    done = run_here(tmp_path, capsys, "convert", "exp.yaml", "--to", "parquet", "-o", "e.parquet")
    assert done.returncode == 1
    assert done.stderr.startswith("exp.yaml:5:18: reliability.stats.alpha: expected a number")
    assert not (tmp_path / "e.parquet").exists()


def test_json_lines_on_standard_input_convert_to_parquet(tmp_path: Path) -> None:
    events = sample_events()
    done = run(
        tmp_path,
        "convert",
        "-",
        "-t",
        "feedback.event",
        "--to",
        "parquet",
        "-o",
        "s.parquet",
        stdin=jsonl(events),
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert list(arrow.read_parquet(tmp_path / "s.parquet", "feedback.event")) == events


def test_the_wrong_type_for_a_parquet_file_says_which_to_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arrow.write_parquet(sample_events(), tmp_path / "e.parquet", "feedback.event")
    done = run_here(
        tmp_path, capsys, "convert", "e.parquet", "--to", "jsonl", "--type", "experiment"
    )
    assert done.returncode == 2
    assert "e.parquet: holds feedback.event records" in done.stderr
    assert "use --type feedback.event" in done.stderr
    # without --type, the type the file's schema names
    assert run_here(tmp_path, capsys, "convert", "e.parquet", "--to", "jsonl").returncode == 0


def test_without_pyarrow_the_error_says_what_to_install(tmp_path: Path, events_file: Path) -> None:
    fake = tmp_path / "fake"
    (fake / "pyarrow").mkdir(parents=True)
    (fake / "pyarrow" / "__init__.py").write_text("raise ImportError('No module named pyarrow')\n")
    done = run(
        tmp_path,
        *("convert", "events.jsonl", "-t", "feedback.event", "--to", "parquet", "-o", "o.parquet"),
        env={"PYTHONPATH": str(fake)},
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "crucible-ir: Parquet conversion needs pyarrow: pip install 'crucible-ir[arrow]'"
    )
    assert not (tmp_path / "o.parquet").exists()
