"""``crucible-ir fmt``: canonical JSON, ``--check``, ``--in-place`` (atomic, nothing lost)."""

from __future__ import annotations

import json
import os
import resource
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from ._support import CLI, Runner, command_env

STAGE_CANONICAL = (
    '{\n  "enabled": true,\n  "module": null,\n  "name": "run",\n  "options": null\n}\n'
)

EXPERIMENT = {
    "pipeline": [{"options": {"z": 1, "a": [3, 2, 1]}, "name": "infer"}],
    "id": "exp",
    "created_at": "2024-03-15T11:30:00.5+02:00",
    "description": "données ✓",
    "backend": {"id": "gpt4"},
    "reliability": {"hedging": {"strategy": "fixed", "delay_ms": 100}},
}


def canonical_text(data: object) -> str:
    """The layout fmt promises: keys sorted, two-space indent, raw UTF-8, final newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_fmt_prints_canonical_json(cli: Runner) -> None:
    cli.write("stage.json", '{"name":"run"}')
    result = cli("fmt", "--type", "stage_def", "stage.json")
    assert (result.code, result.out, result.err) == (0, STAGE_CANONICAL, "")


def test_fmt_fills_in_defaults_sorts_keys_and_normalizes_timestamps(cli: Runner) -> None:
    cli.write("exp.json", json.dumps(EXPERIMENT))
    result = cli("fmt", "exp.json")
    assert result.code == 0
    data = json.loads(result.out)
    assert result.out == canonical_text(data)
    assert "données ✓" in result.out  # non-ASCII written raw
    assert list(data) == sorted(data)
    assert set(data) == {
        "id", "backend", "pipeline", "description", "owner", "tags", "metadata", "dataset",
        "reliability", "outputs", "created_at", "updated_at", "experiment_type",
        "model_version", "training_config", "baseline",
    }  # fmt: skip
    assert data["backend"] == {
        "id": "gpt4",
        "profile": "default",
        "options": None,
        "model_version": None,
        "endpoint_url": None,
        "deployment_id": None,
        "fallback": None,
    }
    assert data["pipeline"] == [
        {"name": "infer", "module": None, "options": {"a": [3, 2, 1], "z": 1}, "enabled": True}
    ]
    assert data["created_at"] == "2024-03-15T09:30:00.500000Z"
    assert data["owner"] is None
    hedging = data["reliability"]["hedging"]
    assert hedging == {
        "strategy": "fixed",
        "delay_ms": 100,
        "percentile": None,
        "max_hedges": None,
        "budget_percent": None,
        "options": None,
    }
    assert data["reliability"]["ensemble"] is None


def test_fmt_of_yaml_and_toml_prints_the_same_json(cli: Runner) -> None:
    cli.write("exp.json", json.dumps(EXPERIMENT))
    cli.write(
        "exp.yaml",
        "id: exp\ndescription: données ✓\ncreated_at: '2024-03-15T09:30:00.5Z'\n"
        "backend: {id: gpt4}\npipeline:\n  - name: infer\n    options: {z: 1, a: [3, 2, 1]}\n"
        "reliability:\n  hedging: {strategy: fixed, delay_ms: 100}\n",
    )
    cli.write(
        "exp.toml",
        'id = "exp"\ndescription = "données ✓"\ncreated_at = 2024-03-15T11:30:00.500+02:00\n'
        'backend = { id = "gpt4" }\n[[pipeline]]\nname = "infer"\n'
        "options = { z = 1, a = [3, 2, 1] }\n"
        '[reliability.hedging]\nstrategy = "fixed"\ndelay_ms = 100\n',
    )
    outputs = [cli("fmt", name) for name in ("exp.json", "exp.yaml", "exp.toml")]
    assert [r.code for r in outputs] == [0, 0, 0]
    assert outputs[0].out == outputs[1].out == outputs[2].out
    json.loads(outputs[1].out)


def test_fmt_prints_one_file_only(cli: Runner) -> None:
    cli.write("a.json", '{"name": "a"}')
    result = cli("fmt", "--type", "stage_def", "a.json", "a.json")
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("crucible-ir: ")


def test_fmt_of_an_undecodable_file_exits_1_with_located_problems(cli: Runner) -> None:
    cli.write("bad.json", '{"name": 5}')
    result = cli("fmt", "--type", "stage_def", "bad.json")
    assert (result.code, result.out) == (1, "")
    assert result.err_lines == ["bad.json:1:10: name: expected a string, got integer 5"]


# -- --check --------------------------------------------------------------------------------------


def test_check_exits_0_on_canonical_and_1_otherwise_leaving_files_alone(cli: Runner) -> None:
    canonical = cli.write("canonical.json", STAGE_CANONICAL)
    loose = cli.write("loose.json", '{"name": "run"}\n')
    spaced = cli.write("spaced.json", STAGE_CANONICAL.replace("\n}\n", "\n}"))  # no final newline
    ok = cli("fmt", "--check", "--type", "stage_def", "canonical.json")
    assert (ok.code, ok.out, ok.err) == (0, "", "")
    bad = cli("fmt", "--check", "-t", "stage_def", "canonical.json", "loose.json", "spaced.json")
    assert (bad.code, bad.out) == (1, "")
    assert [line.split(":")[0] for line in bad.err_lines] == ["loose.json", "spaced.json"]
    assert all("not in canonical form" in line for line in bad.err_lines)
    assert canonical.read_text() == STAGE_CANONICAL
    assert loose.read_text() == '{"name": "run"}\n'
    assert spaced.read_text() == STAGE_CANONICAL[:-1]


def test_check_is_0_after_formatting(cli: Runner) -> None:
    cli.write("exp.json", json.dumps(EXPERIMENT))
    assert cli("fmt", "--check", "exp.json").code == 1
    cli.write("exp.json", cli("fmt", "exp.json").out)
    assert cli("fmt", "--check", "exp.json").code == 0


def test_check_of_an_undecodable_file_exits_1(cli: Runner) -> None:
    path = cli.write("broken.json", '{"name": ')
    result = cli("fmt", "--check", "--type", "stage_def", "broken.json")
    assert result.code == 1
    assert result.err_lines[0].startswith("broken.json:1:10: (root): ")
    assert path.read_text() == '{"name": '


# -- --in-place -----------------------------------------------------------------------------------


def test_in_place_rewrites_is_idempotent_and_keeps_the_mode(cli: Runner) -> None:
    path = cli.write("exp.json", json.dumps(EXPERIMENT))
    path.chmod(0o640)
    expected = cli("fmt", "exp.json").out
    result = cli("fmt", "--in-place", "exp.json")
    assert (result.code, result.out, result.err) == (0, "", "")
    assert path.read_text(encoding="utf-8") == expected
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    before = path.stat()
    again = cli("fmt", "-i", "exp.json")
    assert again.code == 0
    assert path.read_text(encoding="utf-8") == expected
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert cli("fmt", "--check", "exp.json").code == 0
    assert sorted(p.name for p in cli.cwd.iterdir()) == ["exp.json"]  # no temporary left


def test_in_place_keeps_a_private_mode(cli: Runner) -> None:
    path = cli.write("secret.json", '{"name": "x"}')
    path.chmod(0o600)
    assert cli("fmt", "-i", "--type", "stage_def", "secret.json").code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == STAGE_CANONICAL.replace('"run"', '"x"')


def test_in_place_on_several_files(cli: Runner) -> None:
    a = cli.write("a.json", '{"name": "a"}')
    b = cli.write("b.json", STAGE_CANONICAL)
    assert cli("fmt", "-i", "--type", "stage_def", "a.json", "b.json").code == 0
    assert a.read_text() == STAGE_CANONICAL.replace('"run"', '"a"')
    assert b.read_text() == STAGE_CANONICAL


@pytest.mark.parametrize(
    "content",
    [
        b'{"name": "a",}',
        b'{"name": 5}',
        b'{"name": "\xff"}',
        b"",
        b'{"name": "a", "enabled": "yes"}',
    ],
)
def test_in_place_on_a_file_that_fails_to_decode_leaves_it_byte_identical(
    cli: Runner, content: bytes
) -> None:
    path = cli.write("bad.json", content)
    before = path.stat()
    result = cli("fmt", "--in-place", "--type", "stage_def", "bad.json")
    assert result.code == 1
    assert result.out == ""
    assert result.err_lines[0].startswith("bad.json:1:")
    assert path.read_bytes() == content
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    assert sorted(p.name for p in cli.cwd.iterdir()) == ["bad.json"]


def test_in_place_and_check_need_json_files(cli: Runner) -> None:
    path = cli.write("exp.yaml", "name: a\n")
    for flag in ("--in-place", "--check"):
        result = cli("fmt", flag, "--type", "stage_def", "exp.yaml")
        assert result.code == 2
        assert "exp.yaml" in result.err
    assert path.read_text() == "name: a\n"


def test_in_place_through_a_symlink_rewrites_the_target(cli: Runner) -> None:
    target = cli.write("real.json", '{"name": "run"}')
    link = cli.cwd / "link.json"
    link.symlink_to("real.json")
    assert cli("fmt", "-i", "--type", "stage_def", "link.json").code == 0
    assert link.is_symlink()
    assert target.read_text() == STAGE_CANONICAL


# -- atomicity: a full disk, a kill mid-write -----------------------------------------------------


def big_experiment(stages: int) -> bytes:
    doc = {
        "id": "big",
        "backend": {"id": "b"},
        "pipeline": [
            {"name": f"stage_{i}", "options": {"text": "v" * 50, "n": i}} for i in range(stages)
        ],
    }
    return json.dumps(doc, separators=(",", ":")).encode()


def _small_file_limit() -> None:
    """In the child: writing past 64 KiB fails with EFBIG (not a SIGXFSZ death)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_a_full_disk_leaves_the_original_untouched(cli: Runner) -> None:
    original = big_experiment(1000)
    path = cli.write("big.json", original)
    assert len(original) > 64 * 1024
    result = cli("fmt", "--in-place", "big.json", preexec_fn=_small_file_limit)
    assert result.code == 2
    assert result.err_lines == [
        "crucible-ir: big.json: cannot write: File too large; the file is unchanged"
    ]
    assert path.read_bytes() == original
    assert sorted(p.name for p in cli.cwd.iterdir()) == ["big.json"]  # temporary removed


def test_a_full_disk_during_convert_writes_nothing(cli: Runner) -> None:
    cli.write("big.json", big_experiment(1000))
    previous = cli.write("out.yaml", "previous: content\n")
    for target in ("new.json", "out.yaml"):
        result = cli(
            "convert", "big.json", "--to", "yaml", "-o", target, preexec_fn=_small_file_limit
        )
        assert result.code == 2
        assert result.err_lines == [
            f"crucible-ir: {target}: cannot write: File too large; the file is unchanged"
        ]
    assert not (cli.cwd / "new.json").exists()
    assert previous.read_text() == "previous: content\n"
    assert sorted(p.name for p in cli.cwd.iterdir()) == ["big.json", "out.yaml"]


@pytest.mark.slow
def test_a_kill_mid_write_leaves_the_old_or_the_new_file_never_a_partial_one(
    tmp_path: Path,
) -> None:
    original = big_experiment(10_000)
    path = tmp_path / "big.json"
    path.write_bytes(original)
    canonical = Runner(tmp_path)("fmt", "big.json").out.encode("utf-8")
    assert len(canonical) > 2**20

    def temporaries() -> list[str]:
        return [p.name for p in tmp_path.iterdir() if p.name != "big.json"]

    def start() -> subprocess.Popen[bytes]:
        path.write_bytes(original)
        for name in temporaries():
            (tmp_path / name).unlink()
        return subprocess.Popen(
            [str(CLI), "fmt", "--in-place", "big.json"],
            cwd=tmp_path,
            env=command_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def kill_and_check(proc: subprocess.Popen[bytes], attempt: str) -> None:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        content = path.read_bytes()
        assert content in (original, canonical), (
            f"{attempt}: the file holds {len(content)} bytes, neither the original "
            f"({len(original)}) nor the canonical text ({len(canonical)})"
        )

    # How long a whole run takes, undisturbed.
    began = time.monotonic()
    full = start()
    assert full.wait(timeout=60) == 0
    duration = time.monotonic() - began
    assert path.read_bytes() == canonical

    # Kills timed near the end of a run, when any writer would be writing.
    for fraction in (0.85, 0.92, 0.97, 0.99):
        proc = start()
        time.sleep(duration * fraction)
        kill_and_check(proc, f"kill at {fraction:.0%} of the run")

    # Kills just after the temporary file appears: while it is written or renamed.
    mid_write = 0
    for attempt in range(6):
        proc = start()
        deadline = time.monotonic() + 30
        while proc.poll() is None and not temporaries() and time.monotonic() < deadline:
            time.sleep(0.0002)
        writing = proc.poll() is None and bool(temporaries())
        time.sleep(attempt * 0.002)
        kill_and_check(proc, f"kill {attempt * 2} ms after the temporary file appeared")
        mid_write += writing and proc.returncode == -signal.SIGKILL
        if mid_write >= 3:
            break
    assert mid_write >= 1, "no attempt was killed while the temporary file existed"
    assert os.access(path, os.R_OK)
