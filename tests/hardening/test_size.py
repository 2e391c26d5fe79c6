"""Size: a 10 MB string field works; a 200 MB JSON Lines file streams in bounded memory."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import crucible_ir as ir
from crucible_ir._sources import load_json, load_toml

from .conftest import CLI, MINIMAL, run_cli

TEN_MB = 10 * 1024 * 1024


@pytest.mark.slow  # some 700 MB at its peak
def test_a_10_mb_string_field_round_trips(tmp_path: Path) -> None:
    text = "\u2028" + "x" * TEN_MB + "\U0001f600\x00"
    data = {**json.loads(MINIMAL), "description": text, "metadata": {"blob": text}}
    source = json.dumps(data, ensure_ascii=False)
    for raw in (source, source.encode("utf-8")):
        obj = ir.from_json(raw, "experiment")
        assert obj.description == text
        assert obj.metadata == {"blob": text}
        assert ir.errors(obj) == []
    out = ir.to_json(obj)
    assert len(out) > 2 * TEN_MB
    assert ir.from_json(out, "experiment") == obj
    assert ir.from_json(out, "experiment", strict=True) == obj
    assert ir.from_dict(ir.to_dict(obj), "experiment") == obj
    assert ir.from_dict(data, "experiment") == obj
    assert ir.fingerprint(obj) == ir.fingerprint(ir.from_json(out, "experiment"))
    assert load_json(source).data == data
    # and through the command line: validate, fmt, hash of the 10 MB JSON file
    big = tmp_path / "big.json"
    big.write_text(source, encoding="utf-8")
    for argv, code in ((["validate", big], 0), (["fmt", "--check", big], 1), (["hash", big], 0)):
        result = run_cli(*argv)
        result.clean()
        assert result.code == code, result
    # JSON -> TOML -> the same fingerprint (1 MB here: TOML reading, tomllib and the
    # position scanner, runs at about 0.5 s per MB, far slower than JSON)
    small = {**data, "description": text[: 1 << 20], "metadata": {"blob": text[-1000:]}}
    (tmp_path / "s.json").write_text(json.dumps(small), encoding="utf-8")
    result = run_cli("convert", tmp_path / "s.json", "--to", "toml", "-o", tmp_path / "s.toml")
    result.clean()
    assert result.code == 0, result
    assert load_toml((tmp_path / "s.toml").read_bytes()).data["description"] == text[: 1 << 20]
    hashes = run_cli("hash", tmp_path / "s.json", tmp_path / "s.toml")
    assert hashes.code == 0, hashes
    assert len({line.split()[0] for line in hashes.out.splitlines()}) == 1


def _event(i: int) -> str:
    return json.dumps(
        {
            "id": f"evt_{i}",
            "deployment_id": "dep_1",
            "model_version": "1.2.3",
            "input": {"prompt": "What is the capital of France?", "n": i},
            "output": {"text": "Paris", "tokens": [1, 2, 3]},
            "feedback_type": "thumbs",
            "feedback_value": i % 2 == 0,
            "user_id": f"u{i % 1000}",
            "latency_ms": i % 5000,
            "metadata": {"note": "\u2028\U0001f600" * (i % 7)},
            "timestamp": "2024-03-15T09:30:00Z",
        }
    )


def _write_jsonl(path: Path, megabytes: int) -> int:
    """About ``megabytes`` MB of valid feedback events, written in chunks; the record count."""
    size = count = 0
    with path.open("w", encoding="utf-8") as handle:
        while size < megabytes << 20:
            block = "\n".join(_event(i) for i in range(count, count + 2000)) + "\n"
            handle.write(block)
            size += len(block.encode("utf-8"))
            count += 2000
    return count


_MEASURE = textwrap.dedent(
    """
    import resource, subprocess, sys
    proc = subprocess.run(sys.argv[1:], capture_output=True, check=False)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    sys.stdout.buffer.write(proc.stdout)
    sys.stderr.buffer.write(proc.stderr)
    print(f"PEAK_KB={peak_kb} EXIT={proc.returncode}", file=sys.stderr)
    """
)


def _peak(argv: list[str]) -> tuple[int, str, str, int]:
    """Run ``argv`` as the only child of a fresh process: (exit, stdout, stderr, peak RSS in MB).

    ``RUSAGE_CHILDREN`` of this test process would mix in every earlier child;
    the wrapper's only child is the command measured.
    """
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, *argv], capture_output=True, timeout=300, check=False
    )
    err = proc.stderr.decode("utf-8", "replace")
    tail = err.rstrip().rsplit("\n", 1)[-1]
    assert tail.startswith("PEAK_KB="), err[-2000:]
    fields = dict(part.split("=") for part in tail.split())
    return int(fields["EXIT"]), proc.stdout.decode(), err, int(fields["PEAK_KB"]) // 1024


_COUNT = textwrap.dedent(
    """
    import sys
    import crucible_ir as ir
    n = 0
    for event in ir.iter_jsonl(sys.argv[1], "feedback.event"):
        n += 1
    print(n)
    """
)


def _bounded_memory(tmp_path: Path, megabytes: int) -> None:
    path = tmp_path / "events.jsonl"
    count = _write_jsonl(path, megabytes)
    assert path.stat().st_size >= megabytes << 20
    limit_mb = 150

    code, out, err, peak = _peak([sys.executable, "-c", _COUNT, str(path)])
    assert code == 0, err[-2000:]
    assert int(out) == count
    assert peak < limit_mb, f"iter_jsonl peaked at {peak} MB"

    code, out, err, peak = _peak([str(CLI), "validate", "--type", "feedback.event", str(path)])
    assert code == 0, err[-2000:]
    assert out == ""
    assert peak < limit_mb, f"crucible-ir validate peaked at {peak} MB"

    # Two bad records at the end: each reported at its line, still in bounded memory.
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "evt_bad", "latency_ms": -1}\n{"id": \n')
    code, out, err, peak = _peak([str(CLI), "validate", "--type", "feedback.event", str(path)])
    assert code == 1, err[-2000:]
    lines = out.splitlines()
    assert [line.split(":")[1] for line in lines] == [str(count + 1), str(count + 2)], lines
    assert "latency_ms" in lines[0]
    assert peak < limit_mb


@pytest.mark.slow
def test_a_200_mb_jsonl_file_in_bounded_memory(tmp_path: Path) -> None:
    _bounded_memory(tmp_path, 200)


def test_a_20_mb_jsonl_file_in_bounded_memory(tmp_path: Path) -> None:
    _bounded_memory(tmp_path, 20)
