"""``crucible-ir fmt``: the authoring and canonical forms in JSON, YAML and TOML, nothing lost."""

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
import yaml

from ._support import CLI, Runner, command_env

STAGE_FULL = '{\n  "enabled": true,\n  "module": null,\n  "name": "run",\n  "options": null\n}\n'
STAGE = '{\n  "name": "run"\n}\n'

EXPERIMENT = {
    "pipeline": [{"options": {"z": 1, "a": [3, 2, 1]}, "name": "infer", "enabled": True}],
    "id": "exp",
    "created_at": "2024-03-15T11:30:00.5+02:00",
    "description": "données ✓",
    "backend": {"id": "gpt4", "profile": "default", "fallback": None},
    "reliability": {"hedging": {"strategy": "fixed", "delay_ms": 100}},
}

# A tidy hand-written experiment, already in the authoring form.
TIDY = """\
{
  "backend": {
    "id": "openai_gpt4",
    "profile": "fast"
  },
  "dataset": {
    "name": "mmlu",
    "split": "test"
  },
  "id": "mmlu_eval",
  "pipeline": [
    {
      "name": "preprocess",
      "options": {
        "normalize": true
      }
    },
    {
      "name": "inference"
    }
  ],
  "reliability": {
    "stats": {
      "alpha": 0.01,
      "tests": [
        "ttest"
      ]
    }
  },
  "tags": [
    "mmlu"
  ]
}
"""

YAML_DOC = """\
id: exp
description: données ✓
created_at: '2024-03-15T09:30:00.5Z'
backend: {id: gpt4, profile: default}
pipeline:
  - name: infer
    options: {z: 1, a: [3, 2, 1]}
    enabled: true
reliability:
  hedging: {strategy: fixed, delay_ms: 100}
"""

TOML_DOC = """\
id = "exp"
description = "données ✓"
created_at = 2024-03-15T11:30:00.500+02:00
backend = { id = "gpt4" }
[[pipeline]]
name = "infer"
options = { z = 1, a = [3, 2, 1] }
[reliability.hedging]
strategy = "fixed"
delay_ms = 100
"""


def test_fmt_prints_the_authoring_form(cli: Runner) -> None:
    cli.write("stage.json", '{"enabled": true, "name":"run", "module": null}')
    result = cli("fmt", "--type", "stage_def", "stage.json")
    assert (result.code, result.out, result.err) == (0, STAGE, "")


def test_authoring_form_leaves_out_defaults_in_wire_order_and_keeps_what_was_written(
    cli: Runner,
) -> None:
    cli.write("exp.json", json.dumps(EXPERIMENT))
    result = cli("fmt", "exp.json")
    assert result.code == 0
    data = json.loads(result.out)
    assert result.out == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    assert list(data) == ["backend", "created_at", "description", "id", "pipeline", "reliability"]
    assert data["backend"] == {"id": "gpt4"}
    # opaque maps keep their order; timestamps their offset
    assert data["pipeline"] == [{"name": "infer", "options": {"z": 1, "a": [3, 2, 1]}}]
    assert data["created_at"] == "2024-03-15T11:30:00.500000+02:00"
    assert data["reliability"] == {"hedging": {"delay_ms": 100, "strategy": "fixed"}}


def test_a_tidy_hand_written_file_is_left_as_it_is(cli: Runner) -> None:
    cli.write("exp.json", TIDY)
    assert cli("fmt", "exp.json").out == TIDY
    assert cli("fmt", "--check", "exp.json").code == 0
    full = cli("fmt", "--full", "exp.json").out
    assert len(full.splitlines()) > 2 * len(TIDY.splitlines())  # what the authoring form spares


def test_full_fills_in_defaults_sorts_keys_and_normalizes_timestamps(cli: Runner) -> None:
    cli.write("exp.json", json.dumps(EXPERIMENT))
    result = cli("fmt", "--full", "exp.json")
    assert result.code == 0
    data = json.loads(result.out)
    assert result.out == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert "données ✓" in result.out  # non-ASCII written raw
    assert set(data) == {
        "id", "backend", "pipeline", "description", "owner", "tags", "metadata", "dataset",
        "reliability", "outputs", "created_at", "updated_at", "experiment_type",
        "model_version", "training_config", "baseline",
    }  # fmt: skip
    assert data["backend"]["profile"] == "default"
    assert data["backend"]["endpoint_url"] is None
    assert data["pipeline"] == [
        {"name": "infer", "module": None, "options": {"a": [3, 2, 1], "z": 1}, "enabled": True}
    ]
    assert data["created_at"] == "2024-03-15T09:30:00.500000Z"
    assert data["reliability"]["ensemble"] is None
    stage = cli.write("stage.json", '{"name": "run"}')
    assert cli("fmt", "--full", "-t", "stage_def", stage).out == STAGE_FULL


def test_fmt_keeps_each_files_format_and_the_same_object(cli: Runner) -> None:
    cli.write("exp.yaml", YAML_DOC)
    cli.write("exp.toml", TOML_DOC)
    cli.write("exp.json", json.dumps(EXPERIMENT))
    digests = {cli("hash", name).out.split()[0] for name in ("exp.json", "exp.yaml", "exp.toml")}
    assert len(digests) == 1
    for name, opener in (("exp.yaml", "backend:\n  id: gpt4\n"), ("exp.toml", 'created_at = "')):
        for flags in ([], ["--full"]):
            result = cli("fmt", *flags, name)
            assert (result.code, result.err) == (0, ""), name
            assert result.out.startswith(opener if not flags else result.out[:1]), result.out
            again = cli.write("again" + name[3:], result.out)
            assert cli("fmt", *flags, again).out == result.out, (name, flags)  # idempotent
            assert cli("hash", again).out.split()[0] in digests
    assert cli("fmt", "exp.toml").out.startswith('created_at = "2024-03-15T11:30:00.500000+02:00"')


def test_yaml_strings_that_would_read_as_something_else_are_quoted(cli: Runner) -> None:
    cli.write(
        "exp.yaml",
        "id: e\nbackend: {id: b}\npipeline: [{name: s, options: "
        '{a: "0o17", b: "true", c: "1.5", d: "off", e: "x\\u2028y", f: "two\\nlines"}}]\n',
    )
    out = cli("fmt", "exp.yaml").out
    assert 'a: "0o17"' in out
    assert "c: '1.5'" in out or 'c: "1.5"' in out
    assert "d: 'off'" in out or "d: off" in out
    assert 'e: "x\\Ly"' in out
    assert "f: |-\n" in out
    cli.write("out.yaml", out)
    assert cli("hash", "out.yaml").out.split()[0] == cli("hash", "exp.yaml").out.split()[0]


def test_fmt_of_standard_input_writes_the_format_it_read(cli: Runner) -> None:
    cli.write("x.yaml", YAML_DOC)
    assert cli("fmt", "-", stdin=YAML_DOC).out == cli("fmt", "x.yaml").out
    assert cli("fmt", "-", stdin=TOML_DOC).out.startswith('created_at = "')
    assert cli("fmt", "-", stdin=json.dumps(EXPERIMENT)).out.startswith("{\n")


def test_fmt_prints_several_files_in_turn(cli: Runner) -> None:
    """In argument order; a ``---`` line between two YAML documents (one YAML stream),
    JSON and TOML results simply one after the other."""
    cli.write("a.json", json.dumps(EXPERIMENT))
    cli.write("b.yaml", YAML_DOC)
    cli.write("c.yml", YAML_DOC.replace("id: exp", "id: exp2"))
    cli.write("d.toml", TOML_DOC)
    cli.write("e.yaml", YAML_DOC)
    names = ["a.json", "b.yaml", "c.yml", "d.toml", "e.yaml", "a.json"]
    alone = {name: cli("fmt", name).out for name in set(names)}
    result = cli("fmt", *names)
    assert (result.code, result.err) == (0, "")
    expected = [alone["a.json"], alone["b.yaml"], "---\n", alone["c.yml"], alone["d.toml"]]
    expected += [alone["e.yaml"], alone["a.json"]]
    assert result.out == "".join(expected)
    stream = alone["b.yaml"] + "---\n" + alone["c.yml"]
    assert [doc["id"] for doc in yaml.safe_load_all(stream)] == ["exp", "exp2"]


def test_fmt_of_several_files_refuses_each_that_would_lose_something(cli: Runner) -> None:
    cli.write("a.yaml", YAML_DOC)
    cli.write("b.yaml", YAML_DOC.replace("id: exp", "id: exp  # a comment"))
    cli.write("c.json", '{"name": "c", "zz": 1}')
    cli.write("d.yaml", YAML_DOC)
    result = cli("fmt", "a.yaml", "b.yaml", "d.yaml")
    assert result.code == 1
    assert result.out == cli("fmt", "a.yaml").out + "---\n" + cli("fmt", "d.yaml").out
    assert result.err_lines == [
        "b.yaml:1:10: a comment, which fmt would drop (the YAML and TOML writers keep no comments)"
    ]
    typed = cli("fmt", "--type", "stage_def", "c.json", "c.json")
    assert (typed.code, typed.out) == (1, "")
    assert typed.err_lines == ["c.json:1:15: zz: unknown field `zz` (fmt would drop it)"] * 2


def test_fmt_of_an_undecodable_file_exits_1_with_located_problems(cli: Runner) -> None:
    cli.write("bad.json", '{"name": 5}')
    result = cli("fmt", "--type", "stage_def", "bad.json")
    assert (result.code, result.out) == (1, "")
    assert result.err_lines == ["bad.json:1:10: name: expected a string, got integer 5"]


def test_fmt_formats_documents_that_break_rules(cli: Runner) -> None:
    cli.write("exp.yaml", "id: e\nbackend: {id: b}\npipeline: [{name: s}]\n"
              "reliability: {stats: {alpha: 1.5}}\n")  # fmt: skip
    result = cli("fmt", "exp.yaml")
    assert result.code == 0
    assert "alpha: 1.5" in result.out


# -- never losing a word ------------------------------------------------------------------------


@pytest.mark.parametrize("flags", [[], ["--check"], ["--in-place"], ["--full"]])
def test_unknown_keys_are_refused_one_line_each(cli: Runner, flags: list[str]) -> None:
    text = "id: e\nbackend: {id: b}\npipeline:\n  - name: s\n    enabld: false\nowner_: me\n"
    path = cli.write("exp.yaml", text)
    result = cli("fmt", *flags, "exp.yaml")
    assert (result.code, result.out) == (1, "")
    assert result.err_lines == [
        "exp.yaml:5:5: pipeline[0].enabld: unknown field `enabld`; did you mean `enabled`? "
        "(fmt would drop it)",
        "exp.yaml:6:1: owner_: unknown field `owner_`; did you mean `owner`? (fmt would drop it)",
    ]
    assert path.read_text() == text


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("exp.yaml", "# top\nid: e\nbackend: {id: b}\npipeline: [{name: s}]\n", "1:1"),
        ("exp.yaml", "id: e  # the id\nbackend: {id: b}\npipeline: [{name: s}]\n", "1:8"),
        ("exp.toml", 'id = "e"\n[backend]\nid = "b"  # here\n[[pipeline]]\nname = "s"\n', "3:11"),
        ("exp.toml", 'id = "e"\nbackend = {id = "b"}\npipeline = [\n # x\n {name = "s"}]\n', "4:2"),
    ],
)
def test_comments_are_refused(cli: Runner, name: str, text: str, where: str) -> None:
    path = cli.write(name, text)
    for flags in ([], ["-i"], ["--check"]):
        result = cli("fmt", *flags, name)
        assert (result.code, result.out) == (1, "")
        assert result.err_lines == [
            f"{name}:{where}: a comment, which fmt would drop (the YAML and TOML writers keep "
            "no comments)"
        ]
    assert path.read_text() == text
    converted = cli("convert", name, "--to", "json")
    assert (converted.code, converted.out) == (1, "")
    assert "convert would drop" in converted.err


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("exp.yaml", 'id: "e#1"\nbackend: {id: b}\npipeline: [{name: s, module: "x #y"}]\n'),
        (
            "exp.yaml",
            "id: e\ndescription: |\n  # not a comment\nbackend: {id: b}\npipeline: [{name: s}]\n",
        ),
        ("exp.toml", 'id = "e#1"\nbackend = {id = "b"}\npipeline = [{name = "s#"}]\n'),
    ],
)
def test_a_hash_sign_in_a_string_is_not_a_comment(cli: Runner, name: str, text: str) -> None:
    cli.write(name, text)
    result = cli("fmt", name)
    assert (result.code, result.err) == (0, "")
    assert "#" in result.out


# -- --check --------------------------------------------------------------------------------------


def test_check_exits_0_on_formatted_files_and_1_naming_the_others(cli: Runner) -> None:
    formatted = cli.write("formatted.json", STAGE)
    loose = cli.write("loose.json", '{"name": "run"}\n')
    spaced = cli.write("spaced.json", STAGE[:-1])  # no final newline
    ok = cli("fmt", "--check", "--type", "stage_def", "formatted.json")
    assert (ok.code, ok.out, ok.err) == (0, "", "")
    bad = cli("fmt", "--check", "-t", "stage_def", "formatted.json", "loose.json", "spaced.json")
    assert (bad.code, bad.out) == (1, "")
    assert bad.err_lines == [
        "loose.json: would be reformatted by crucible-ir fmt",
        "spaced.json: would be reformatted by crucible-ir fmt",
    ]
    assert formatted.read_text() == STAGE
    assert loose.read_text() == '{"name": "run"}\n'
    assert spaced.read_text() == STAGE[:-1]
    assert cli("fmt", "--check", "--full", "-t", "stage_def", "formatted.json").code == 1


def test_check_is_0_after_formatting(cli: Runner) -> None:
    cli.write("exp.json", json.dumps(EXPERIMENT))
    cli.write("exp.yaml", YAML_DOC)
    cli.write("exp.toml", TOML_DOC)
    files = ["exp.json", "exp.yaml", "exp.toml"]
    assert cli("fmt", "--check", *files).code == 1
    assert cli("fmt", "-i", *files).code == 0
    assert cli("fmt", "--check", *files).code == 0


def test_check_of_an_undecodable_file_exits_1(cli: Runner) -> None:
    path = cli.write("broken.json", '{"name": ')
    result = cli("fmt", "--check", "--type", "stage_def", "broken.json")
    assert result.code == 1
    assert result.err_lines[0].startswith("broken.json:1:10: (root): ")
    assert path.read_text() == '{"name": '


def test_check_and_in_place_need_a_file(cli: Runner) -> None:
    for flag in ("--in-place", "--check"):
        result = cli("fmt", flag, "-", stdin="name: a\n")
        assert result.code == 2
        assert "need a file" in result.err


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
    assert path.read_text() == STAGE.replace('"run"', '"x"')


def test_in_place_on_several_files_of_each_format(cli: Runner) -> None:
    a = cli.write("a.json", '{"name": "a", "enabled": true}')
    b = cli.write("b.json", STAGE)
    c = cli.write("c.yaml", "{name: c, enabled: true}")
    d = cli.write("d.toml", 'name = "d"\nenabled = false\n')
    assert cli("fmt", "-i", "--type", "stage_def", a, b, c, d).code == 0
    assert a.read_text() == STAGE.replace('"run"', '"a"')
    assert b.read_text() == STAGE
    assert c.read_text() == "name: c\n"
    assert d.read_text() == 'enabled = false\nname = "d"\n'


@pytest.mark.parametrize(
    "content",
    [
        b'{"name": "a",}',
        b'{"name": 5}',
        b'{"name": "\xff"}',
        b"",
        b'{"name": "a", "enabled": "yes"}',
        b'{"name": "a", "enabeld": true}',
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


def test_in_place_through_a_symlink_rewrites_the_target(cli: Runner) -> None:
    target = cli.write("real.json", '{"name": "run", "enabled": true}')
    link = cli.cwd / "link.json"
    link.symlink_to("real.json")
    assert cli("fmt", "-i", "--type", "stage_def", "link.json").code == 0
    assert link.is_symlink()
    assert target.read_text() == STAGE


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
    canonical = Runner(tmp_path)("fmt", "big.json").out.encode("utf-8")  # the new text
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
