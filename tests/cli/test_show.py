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
    assert lines[0].startswith("Experiment comprehensive_reliability_eval (comparison)")
    assert "owner=ml-platform" in lines[0]
    top = [line[4:] for line in lines[1:] if line[:4] in ("├── ", "└── ")]
    heads = [entry.split()[0] for entry in top]
    assert heads[1:] == [
        "Backend",
        "Pipeline",
        "Dataset",
        "Reliability",
        "Outputs",
        "Lifecycle",
    ]
    assert lines[-1].startswith("    └── Baseline sentiment_bert_base")
    text = result.out
    assert "│   └── Fallback openai_gpt4o_mini  profile=fast" in text
    assert "├── Pipeline  5 stages" in text
    assert "│   └── 5. debug_dump  Crucible.Stages.Dump  disabled" in text
    assert "├── Dataset stanfordnlp/imdb  provider=huggingface  split=test" in text
    for mechanism in (
        "│   ├── Ensemble weighted  mode=parallel  models=sentiment_bert_prod 0.5, ",
        "│   ├── Hedging percentile  delay_ms=50  percentile=0.95  max_hedges=2",
        "│   ├── Stats ttest, mannwhitney, bootstrap  alpha=0.01",
        "│   ├── Fairness on  metrics=demographic_parity, equalized_odds  group_by=language",
        "│   ├── Guardrails strict  checks=prompt injection, jailbreak, PII detection",
        "│   ├── Feedback on  sampling=0.1",
        "│   ├── Monitoring  ",
        "│   ├── Drift  method=psi",
        "│   └── Circuit breaker  failure_threshold=5",
    ):
        assert any(line.startswith(mechanism) for line in lines), mechanism
    assert "│   ├── report  markdown, html -> file" in text
    assert "│   └── metrics  json -> s3" in text
    assert "    ├── Model version sentiment_bert 1.1.0  id=sentiment_bert_1_1_0" in text
    assert "    ├── Training train_sentiment_v1_1  model=sentiment_bert" in text
    assert ESC not in text


def test_a_small_experiment_shows_only_what_it_has(cli: Runner) -> None:
    cli.write("small.yaml", "id: exp\nbackend: {id: b}\npipeline:\n  - name: only\n")
    result = cli("show", "small.yaml")
    assert result.code == 0
    assert result.lines == [
        "Experiment exp",
        "├── Backend b  profile=default",
        "└── Pipeline  1 stage",
        "    └── 1. only",
    ]


def test_ensemble_members_given_as_backend_refs_are_shown_by_id(cli: Runner) -> None:
    cli.write(
        "refs.yaml",
        "id: exp\nbackend: {id: b}\npipeline: [{name: only}]\nreliability:\n"
        "  ensemble:\n    strategy: weighted\n"
        "    models: [{id: mock, options: {}}, gpt4]\n    weights: {mock: 0.7, gpt4: 0.3}\n",
    )
    result = cli("show", "refs.yaml")
    assert (result.code, result.err) == (0, "")
    assert result.lines[-1] == "    └── Ensemble weighted  mode=parallel  models=mock 0.7, gpt4 0.3"


def test_a_non_experiment_type_is_shown_field_by_field(cli: Runner) -> None:
    golden = INTEROP / "reference" / "model_version" / "full.json"
    result = cli("show", "--type", "model_version", golden)
    assert result.code == 0
    assert result.lines[:4] == [
        "model_version",
        '├── id: "llama3_v2_1_0"',
        '├── model_id: "llama3_8b_instruct"',
        '├── version: "2.1.0"',
    ]
    assert "├── metrics" in result.lines
    assert "│   └── samples: 9007199254740993" in result.lines  # big integers exact
    assert result.lines[-1] == '└── training_run_id: "run_2024_03_15"'  # the rest in wire order


def test_hedging_shown_field_by_field(cli: Runner) -> None:
    cli.write("h.yaml", "strategy: fixed\ndelay_ms: 5\n")
    result = cli("show", "-t", "reliability.hedging", "h.yaml")
    assert result.code == 0
    assert result.lines == ["reliability.hedging", "├── delay_ms: 5", '└── strategy: "fixed"']


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
    assert "\x1b[1mBackend\x1b[0m" in result.out


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
    assert "\x1b[1mBackend\x1b[0m" in coloured
    plain = _on_a_terminal(["show", str(COMPREHENSIVE)], no_color=True)
    assert ESC not in plain
    assert "Backend sentiment_bert_prod" in plain


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
