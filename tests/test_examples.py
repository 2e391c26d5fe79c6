"""Every example script runs, and every example file is a valid document.

Scripts are discovered with a glob, so a new one is picked up automatically and
must be given an expected output fragment in `EXPECTED` (the test fails until it
is). Files in ``examples/experiments/`` must be valid experiments: that folder is
what ``make examples`` validates. YAML files are read by the installed
``crucible-ir`` command, which gives plain scalars the meaning their author
intends (another YAML loader may not).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import crucible_ir as ir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
EXPERIMENTS = EXAMPLES / "experiments"
EVENTS = EXAMPLES / "events.jsonl"
CLI = Path(sys.executable).parent / "crucible-ir"

SCRIPTS = sorted(EXAMPLES.glob("*.py"))
EXPERIMENT_FILES = sorted(p for p in EXPERIMENTS.iterdir() if p.is_file())

# Script name -> a fragment its standard output must contain.
EXPECTED: dict[str, str] = {
    "backend_prompt.py": "valid: True",
    "builder.py": "model version id: gpt2_1_0_0",
    "deployment.py": "ready_replicas: ready_replicas (4) exceeds total_replicas (3)",
    "ensemble.py": "reliability.ensemble.weights.llama",
    "fairness.py": "threshold: expected a number in [0, 1], got 80",
    "feedback.py": "read back 9 events; identical: True",
    "guardrails.py": "pii_redaction: expected a boolean",
    "hedging.py": "default strategy: 'off'",
    "model_registry.py": "lineage: 2.0.0-rc.1 <- 1.1.0 <- 1.0.0",
    "quick_start.py": "round trip equal: True",
    "serialization_round_trip.py": "same fingerprint after reformatting: True",
    "statistics.py": "alpha: expected a number in [0, 1], got 5",
    "training_run.py": "completed after 2:05:00",
}

# The files the docs point at; each format must be represented.
REQUIRED_FILES = {
    "quickstart.yaml",
    "comprehensive.json",
    "training.toml",
    "ensemble.yaml",
    "fairness_guardrails.json",
}


def cli(*args: str | Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed command from the repository root."""
    return subprocess.run(
        [str(CLI), *map(str, args)],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def load(path: Path) -> Any:
    """Plain data of an experiment file; YAML as the command reads it (its canonical JSON).

    The command refuses to convert a file with comments (they would be lost), so
    the YAML goes through it without them (the examples hold no ``#`` in a string).
    """
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    if path.suffix == ".toml":
        return tomllib.loads(text)
    if path.suffix in {".yaml", ".yml"}:
        uncommented = re.sub(r"[ \t]*#.*", "", text)
        result = cli(
            "convert", "--to", "json", "--full", "--input-format", "yaml", "-", stdin=uncommented
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return json.loads(result.stdout)
    raise AssertionError(f"{path.name}: not a .json, .yaml/.yml or .toml file")


# -- scripts --------------------------------------------------------------------------------------


def test_every_script_has_an_expectation() -> None:
    names = {script.name for script in SCRIPTS}
    assert not names - EXPECTED.keys(), "add an expected output fragment to EXPECTED"
    assert not EXPECTED.keys() - names, "EXPECTED names a script that no longer exists"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_runs(script: Path, tmp_path: Path) -> None:
    # Run from an unrelated directory, with warnings as errors, as a user would.
    result = subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    if script.name not in EXPECTED:
        pytest.fail(f"{script.name}: add an expected output fragment to EXPECTED")
    assert EXPECTED[script.name] in result.stdout, result.stdout


# -- experiment files -----------------------------------------------------------------------------


def test_the_documented_files_are_there() -> None:
    names = {path.name for path in EXPERIMENT_FILES}
    assert names >= REQUIRED_FILES
    assert {path.suffix for path in EXPERIMENT_FILES} >= {".json", ".yaml", ".toml"}


@pytest.mark.parametrize("path", EXPERIMENT_FILES, ids=lambda p: p.name)
def test_command_validates_experiment_file(path: Path) -> None:
    # --strict: a misspelt key in an example would teach the misspelling.
    result = cli("validate", "--strict", path.relative_to(ROOT))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("path", EXPERIMENT_FILES, ids=lambda p: p.name)
def test_library_validates_experiment_file(path: Path) -> None:
    experiment = ir.from_dict(load(path), "experiment", strict=True)
    assert ir.errors(experiment) == []
    # What the file says survives the wire form.
    assert ir.from_json(ir.to_json(experiment), "experiment") == experiment


@pytest.mark.parametrize("path", EXPERIMENT_FILES, ids=lambda p: p.name)
def test_experiment_file_matches_json_schema(path: Path) -> None:
    data = load(path)
    if path.suffix == ".toml":  # TOML date-times are not JSON: check the wire form
        data = ir.to_dict(ir.from_dict(data, "experiment"))
    validator = jsonschema.Draft202012Validator(
        ir.json_schema("experiment"),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert problems == []


def test_yaml_plain_scalars_stay_text() -> None:
    quickstart = ir.from_dict(load(EXPERIMENTS / "quickstart.yaml"), "experiment")
    ensemble = ir.from_dict(load(EXPERIMENTS / "ensemble.yaml"), "experiment")
    assert quickstart.reliability.hedging.strategy == "fixed"
    assert ensemble.reliability.hedging.strategy == "off"


def test_comprehensive_json_is_in_canonical_form() -> None:
    result = cli("fmt", "--check", "--full", "examples/experiments/comprehensive.json")
    assert result.returncode == 0, result.stdout + result.stderr


def test_comprehensive_json_fills_every_section() -> None:
    experiment = ir.from_dict(load(EXPERIMENTS / "comprehensive.json"), "experiment")
    top = ir.to_dict(experiment)
    assert [key for key, value in top.items() if value is None] == []
    assert [key for key, value in top["reliability"].items() if value is None] == []
    assert experiment.backend.fallback is not None
    assert experiment.reliability.hedging.percentile == 0.95


def test_training_toml_reads_offset_datetimes() -> None:
    experiment = ir.from_dict(load(EXPERIMENTS / "training.toml"), "experiment")
    assert experiment.created_at is not None
    assert experiment.updated_at is not None
    assert experiment.created_at.utcoffset() is not None
    assert experiment.updated_at > experiment.created_at
    assert experiment.training_config is not None


# -- feedback events ------------------------------------------------------------------------------


def test_command_validates_events_jsonl() -> None:
    # The command the docs show for feedback logs.
    result = cli("validate", "--strict", "--type", "feedback.event", "examples/events.jsonl")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_events_jsonl_is_valid() -> None:
    events = list(ir.iter_jsonl(EVENTS, "feedback.event", strict=True))
    assert len(events) >= 20
    assert len({event.id for event in events}) == len(events)
    assert all(ir.is_valid(event) for event in events)
