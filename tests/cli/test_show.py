"""``crucible-ir show``: a tree readable at a glance; colour only on a terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest

from ._support import CLI, EXAMPLES, INTEROP, Runner, command_env

COMPREHENSIVE = EXAMPLES / "comprehensive.json"
ESC = "\x1b"


def test_the_comprehensive_example_shows_every_section(cli: Runner) -> None:
    result = cli("show", COMPREHENSIVE)
    assert (result.code, result.err) == (0, "")
    lines = result.lines
    assert lines[0].startswith("Experiment comprehensive_reliability_eval  created_at=")
    assert "  owner=ml-platform  tags=sentiment, production, reliability" in lines[0]
    top = [line[4:].split()[0] for line in lines[1:] if line[:4] in ("├── ", "└── ")]
    assert top == [
        "backend", "baseline", "dataset", "model_version", "outputs", "pipeline",
        "reliability", "training_config",
    ]  # fmt: skip
    text = result.out
    assert "│   └── fallback openai_gpt4o_mini  endpoint_url=https://api.openai.com/v1  " in text
    assert "├── pipeline  5 items\n│   ├── 1. load_data  module=Crucible.Stages.LoadData  " in text
    assert "│   └── 5. debug_dump  enabled=no  module=Crucible.Stages.Dump  " in text
    for mechanism in (
        "│   ├── ensemble weighted  min_agreement=0.6  models=sentiment_bert_prod, ",
        "│   ├── fairness  enabled=yes  fail_on_violation=yes  group_by=language  ",
        "│   ├── hedging percentile  budget_percent=15  delay_ms=50  max_hedges=2  ",
        "│   └── stats  alpha=0.01  bootstrap_iterations=10000  ",
    ):
        assert any(line.startswith(mechanism) for line in lines), mechanism
    assert 'circuit_breaker={"failure_threshold": 5, ' in text  # opaque maps inline
    assert lines[-1].startswith("    └── model_ref sentiment_bert  architecture=transformer")
    assert ESC not in text


def test_a_small_experiment_shows_only_what_it_has(cli: Runner) -> None:
    cli.write(
        "small.yaml", "id: exp\nbackend: {id: b, profile: default}\npipeline:\n  - name: only\n"
    )
    result = cli("show", "small.yaml")
    assert result.code == 0
    assert result.lines == [
        "Experiment exp",
        "├── backend b",
        "└── pipeline  1 item",
        "    └── 1. only",
    ]


def test_every_type_is_drawn_the_same_way(cli: Runner) -> None:
    golden = INTEROP / "reference" / "model_version" / "full.json"
    result = cli("show", "--type", "model_version", golden)
    assert result.code == 0
    [line] = result.lines
    assert line.startswith("ModelVersion llama3_v2_1_0  artifact_uri=s3://models/llama3/2.1.0/  ")
    assert '"samples": 9007199254740993}' in line  # big integers exact
    cli.write("h.yaml", "strategy: fixed\ndelay_ms: 5\n")
    hedging = cli("show", "-t", "reliability.hedging", "h.yaml")
    assert (hedging.code, hedging.lines) == (0, ["reliability.Hedging fixed  delay_ms=5"])


def test_an_invalid_but_decodable_file_is_shown_with_a_note(cli: Runner) -> None:
    cli.write("odd.yaml", "id: exp\nbackend: {id: b}\npipeline: []\n")
    result = cli("show", "odd.yaml")
    assert result.code == 0
    assert result.lines[0] == "Experiment exp"
    assert "validation problem" in result.err


def test_an_undecodable_file_exits_1_with_its_problems(cli: Runner) -> None:
    cli.write("bad.yaml", "id: exp\nbackend: {id: b}\npipeline: {name: a}\n")
    result = cli("show", "bad.yaml")
    assert (result.code, result.out) == (1, "")
    assert result.err_lines == ["bad.yaml:3:11: pipeline: expected a list, got object"]


# -- colour ----------------------------------------------------------------------------------------


def test_no_colour_through_a_pipe(cli: Runner) -> None:
    result = cli("show", COMPREHENSIVE, no_color=False)
    assert result.code == 0
    assert ESC not in result.out


def test_color_always_emits_ansi_escapes(cli: Runner) -> None:
    result = cli("show", "--color", "always", COMPREHENSIVE)
    assert result.code == 0
    assert "\x1b[1mExperiment\x1b[0m \x1b[36mcomprehensive_reliability_eval\x1b[0m" in result.out
    assert "\x1b[1mbackend\x1b[0m" in result.out


def test_color_never(cli: Runner) -> None:
    result = cli("show", "--color", "never", COMPREHENSIVE)
    assert ESC not in result.out


def _on_a_terminal(args: list[str], *, no_color: bool, code: int = 0) -> str:
    """Run the command with its standard output on a pseudo-terminal; what it wrote."""
    controller, terminal = pty.openpty()
    try:
        proc = subprocess.Popen(
            [str(CLI), *args],
            stdout=terminal,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=command_env(no_color=no_color, extra={"TERM": "xterm"}),
        )
        os.close(terminal)
        terminal = -1
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the other side is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == code, err
        assert b"Traceback" not in err
    finally:
        os.close(controller)
        if terminal >= 0:
            os.close(terminal)
    return b"".join(chunks).decode("utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_on_a_terminal_colour_unless_no_color() -> None:
    coloured = _on_a_terminal(["show", str(COMPREHENSIVE)], no_color=False)
    assert "\x1b[1mbackend\x1b[0m" in coloured
    plain = _on_a_terminal(["show", str(COMPREHENSIVE)], no_color=True)
    assert ESC not in plain
    assert "backend sentiment_bert_prod" in plain


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_validate_colours_on_a_terminal_unless_no_color(cli: Runner) -> None:
    cli.write("bad.json", '{"id": "", "backend": {"id": "b"}, "pipeline": [{"name": "a"}]}')
    path = str(cli.cwd / "bad.json")
    coloured = _on_a_terminal(["validate", path], no_color=False, code=1)
    plain = _on_a_terminal(["validate", path], no_color=True, code=1)
    assert ESC in coloured
    assert ESC not in plain
    assert f"{path}:1:8: id: expected a non-empty identifier, got an empty string" in plain


def test_control_characters_in_the_document_are_not_written_raw(cli: Runner) -> None:
    cli.write(
        "esc.json",
        '{"id": "x\\u001b[31mred", "description": "\\u001b]0;title\\u0007hi", '
        '"backend": {"id": "b"}, "pipeline": [{"name": "a\\u001b[2J"}]}',
    )
    result = cli("show", "esc.json", no_color=True)
    assert result.code == 0
    assert ESC not in result.out
    assert "\x07" not in result.out
