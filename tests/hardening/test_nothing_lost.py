"""Nothing lost: ``fmt --in-place`` and ``convert -o`` write atomically.

On any error (a full disk, a document that does not decode, a kill in the
middle of the write) the original file keeps its bytes: the new text goes to a
temporary file beside it that is renamed over the target only when complete.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import CLI, run_cli, run_script

BIG = {
    "id": "exp",
    "backend": {"id": "gpt4"},
    "pipeline": [{"name": f"stage_{i}", "options": {"i": i}} for i in range(200)],
    "description": "x" * 20_000,
}
ORIGINAL = json.dumps(BIG, separators=(",", ":"))  # compact: fmt rewrites it, longer


def _stray(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _limit_file_size(limit: int) -> None:
    """In the child: files may not grow past ``limit`` bytes, and that is an error, not a kill."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def _full_disk(tmp_path: Path, argv: list[str]) -> tuple[int, str]:
    limit = 4096
    proc = subprocess.run(
        [str(CLI), *argv],
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
        preexec_fn=lambda: _limit_file_size(limit),
        check=False,
    )
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err
    assert "internal error" not in err
    return proc.returncode, err


def test_fmt_in_place_on_a_full_disk(tmp_path: Path) -> None:
    target = tmp_path / "exp.json"
    target.write_text(ORIGINAL, encoding="utf-8")
    assert len(ORIGINAL) > 4096
    code, err = _full_disk(tmp_path, ["fmt", "--in-place", "exp.json"])
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert "exp.json" in err
    assert "unchanged" in err
    assert target.read_text(encoding="utf-8") == ORIGINAL
    assert _stray(tmp_path) == []


@pytest.mark.parametrize("to", ["json", "yaml", "toml"])
@pytest.mark.parametrize("existing", [True, False])
def test_convert_output_on_a_full_disk(tmp_path: Path, to: str, existing: bool) -> None:
    (tmp_path / "exp.json").write_text(json.dumps(BIG), encoding="utf-8")
    out = tmp_path / f"out.{to}"
    if existing:
        out.write_bytes(b"old contents\n")
    code, err = _full_disk(tmp_path, ["convert", "exp.json", "--to", to, "-o", out.name])
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert out.read_bytes() == b"old contents\n" if existing else not out.exists()
    assert _stray(tmp_path) == []


def test_failed_decoding_writes_nothing(tmp_path: Path) -> None:
    broken = '{"id": "exp", "backend": {"id": 5}, "pipeline": []'
    (tmp_path / "bad.json").write_text(broken, encoding="utf-8")
    (tmp_path / "nulls.json").write_text(
        json.dumps({**BIG, "metadata": {"x": None}}), encoding="utf-8"
    )
    (tmp_path / "out.toml").write_text("old = 1\n", encoding="utf-8")
    for argv, code in (
        (["fmt", "--in-place", "bad.json"], 1),
        (["convert", "bad.json", "--to", "yaml", "-o", "out.toml"], 1),
        (["convert", "nulls.json", "--to", "toml", "-o", "out.toml"], 2),  # TOML has no null
    ):
        result = run_cli(
            *(str(tmp_path / a) if a.endswith((".json", ".toml")) else a for a in argv)
        )
        result.clean()
        assert result.code == code, result
    assert (tmp_path / "bad.json").read_text(encoding="utf-8") == broken
    assert (tmp_path / "out.toml").read_text(encoding="utf-8") == "old = 1\n"
    assert _stray(tmp_path) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "exp.json").write_text(ORIGINAL, encoding="utf-8")
    folder.chmod(0o555)
    try:
        result = run_script(["fmt", "--in-place", "ro/exp.json"], cwd=tmp_path)
        result.clean()
        assert result.code == 2
        assert (folder / "exp.json").read_text(encoding="utf-8") == ORIGINAL
    finally:
        folder.chmod(0o755)


def test_in_place_keeps_the_file_mode(tmp_path: Path) -> None:
    target = tmp_path / "exp.json"
    target.write_text(ORIGINAL, encoding="utf-8")
    target.chmod(0o640)
    result = run_cli("fmt", "--in-place", target)
    result.clean()
    assert result.code == 0
    assert target.read_text(encoding="utf-8") != ORIGINAL
    assert target.stat().st_mode & 0o777 == 0o640
    assert _stray(tmp_path) == []


# -- a kill in the middle of the write ----------------------------------------------

HUGE = {**BIG, "description": "y" * 8_000_000}  # a write that takes a while


def _expected(tmp_path: Path, text: str) -> bytes:
    """What fmt --in-place writes for ``text``: run it once, undisturbed."""
    probe = tmp_path / "probe.json"
    probe.write_text(text, encoding="utf-8")
    result = run_cli("fmt", "--in-place", probe)
    assert result.code == 0, result
    return probe.read_bytes()


def test_kill_during_the_write_leaves_old_or_new_bytes(tmp_path: Path) -> None:
    original = json.dumps(HUGE, separators=(",", ":"))
    new = _expected(tmp_path, original)
    assert new != original.encode()
    target = tmp_path / "exp.json"
    caught_writing = 0
    for attempt in range(4):
        target.write_text(original, encoding="utf-8")
        for leftover in _stray(tmp_path):
            (tmp_path / leftover).unlink()
        proc = subprocess.Popen(
            [str(CLI), "fmt", "--in-place", "exp.json"],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Kill as soon as the temporary file appears (and a little later on other
        # attempts), so the kill lands while the new text is being written.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None and not _stray(tmp_path):
            time.sleep(0.0005)
        if _stray(tmp_path):
            time.sleep(0.002 * attempt)
            caught_writing += proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert target.read_bytes() in (original.encode(), new)
        # A killed process cannot clean up: its temporary file may stay (hidden,
        # beside the target); the next successful write is unaffected by it.
    assert caught_writing >= 1  # at least one kill really landed mid-write
    result = run_cli("fmt", "--in-place", target)
    result.clean()
    assert result.code == 0
    assert target.read_bytes() == new


def test_kill_at_any_moment_leaves_old_or_new_bytes(tmp_path: Path) -> None:
    original = json.dumps(HUGE, separators=(",", ":"))
    new = _expected(tmp_path, original)
    target = tmp_path / "exp.json"
    start = time.monotonic()
    target.write_text(original, encoding="utf-8")
    result = run_script(["fmt", "--in-place", "exp.json"], cwd=tmp_path)
    assert result.code == 0
    duration = time.monotonic() - start
    for fraction in (0.3, 0.6, 0.8, 0.9, 0.97):
        target.write_text(original, encoding="utf-8")
        proc = subprocess.Popen(
            [str(CLI), "fmt", "--in-place", "exp.json"],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert target.read_bytes() in (original.encode(), new), fraction
