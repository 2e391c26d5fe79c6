"""A short run of the fuzz driver (``scripts/fuzz.py``) through the same invariant checks.

The long run (``make fuzz``: a million inputs) is a script; this runs 3,000
inputs of a fixed seed in the test suite, every one through all of its checks
(the deep flow YAML and long dotted TOML keys included). It must find no
violation at all.
"""

from __future__ import annotations

import os
from collections import Counter
from types import ModuleType
from typing import Any

import pytest

import crucible_ir as ir

SEED = 20240315
INPUTS = 3000


def test_fuzz_smoke(fuzz: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fuzz.SETTINGS, "cli_every", 300)  # ten CLI runs
    violated: list[str] = []
    generators: Counter[str] = Counter()
    types: set[str] = set()
    for index in range(20):  # warm up: imports, generated checkers, regex caches
        fuzz.check_case(fuzz.make_case(SEED + 1, index))
    for index in range(INPUTS):
        case = fuzz.make_case(SEED, index)
        generators[case.generator] += 1
        types.add(case.type_name)
        violations = fuzz.check_case(case)
        violated.extend(
            f"input {index} ({case.generator}, {case.type_name}): {v.invariant}: {v.detail}"
            for v in violations
        )
    assert not violated, "\n".join(violated[:20])
    assert set(generators) == set(fuzz.GENERATORS)
    assert types == set(ir.type_names())


def test_inputs_are_made_by_seed_and_index(fuzz: ModuleType) -> None:
    """Resumable by seed: input i does not depend on what ran before it."""
    first = [fuzz.make_case(7, i).data for i in (5, 900, 31)]
    again = [fuzz.make_case(7, i).data for i in (31, 5, 900)]
    assert first == [again[1], again[2], again[0]]
    assert fuzz.make_case(7, 5).data != fuzz.make_case(8, 5).data


def test_run_reports_figures_and_saves_failures(fuzz: ModuleType, tmp_path: Any) -> None:
    """``run`` counts inputs by generator and keeps a few failing inputs of each kind."""
    summary = fuzz.run(200, seed=SEED, start=1000, failures_dir=tmp_path)
    assert summary.inputs == 200
    assert sum(summary.by_generator.values()) == 200
    assert summary.done_below == 1200
    assert summary.max_time > 0
    assert "inputs run:" in summary.report()
    for kind in summary.by_kind:
        saved = sorted(tmp_path.glob(f"{kind}_*.meta.json"))
        assert 1 <= len(saved) <= fuzz.SAVED_PER_KIND
        inputs = sorted(tmp_path.glob(f"{kind}_*.input.*"))
        assert len(inputs) == len(saved)


DEEP_FLOW = b"id: x\ndeep: " + b"[" * 2000 + b"]" * 2000 + b"\n"
LONG_KEY = b".".join([b"k"] * 90_000)


@pytest.mark.parametrize(
    ("fmt", "data"),
    [
        ("yaml", DEEP_FLOW),
        ("yaml", b"x: " + b"[" * 200_000),
        ("json", b"[" * 300),
        ("toml", LONG_KEY + b" = 1\nid = 'x'\n"),
        ("toml", LONG_KEY + b"\n"),  # not followed by '=': the scanner gives up there
        ("toml", b"[" + b".".join([b"t"] * 90_000) + b"]\n"),
    ],
    ids=["yaml-flow-2000", "yaml-unclosed-flow", "json-read-as-yaml", "toml-key", "toml-bare-key",
         "toml-table"],
)  # fmt: skip
def test_deep_flow_yaml_and_long_dotted_keys_pass_every_check(
    fuzz: ModuleType, fmt: str, data: bytes
) -> None:
    """The generators' deep YAML flow lines and long TOML dotted keys are quick to refuse."""
    case = fuzz.Case(0, 0, fmt, "experiment", "dataset_ref", fmt, data, run_yaml=True)
    case.run_jsonl = True
    violations = fuzz.check_case(case)
    assert not violations, [f"{v.invariant}: {v.detail}" for v in violations]


def test_a_dying_worker_is_reported_and_the_run_goes_on(
    fuzz: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = fuzz.run_chunk

    def dying(seed: int, lo: int, hi: int) -> Any:
        if lo == 100:
            os._exit(3)  # a crash in C code, say
        return real(seed, lo, hi)

    # Workers get the chunk function by name: make the patched one answer to it.
    dying.__module__, dying.__qualname__ = fuzz.__name__, "run_chunk"
    monkeypatch.setattr(fuzz, "run_chunk", dying)
    summary = fuzz.run(300, seed=SEED, workers=2, chunk=50)
    assert summary.done_below == 300
    assert summary.inputs == 300
    crashes = [kind for kind in summary.by_kind if kind.startswith("worker-crash")]
    assert len(crashes) == 1
    assert summary.examples[crashes[0]]["detail"] == "a worker died running inputs 100 to 149"


def test_values_too_deep_for_python_to_compare_are_compared(fuzz: ModuleType) -> None:
    def nested(leaf: Any) -> Any:
        value = leaf
        for _ in range(5000):
            value = [{"k": value}]
        return value

    assert fuzz._equal(nested(1), nested(1))
    assert not fuzz._equal(nested(1), nested(2))
    assert not fuzz._equal(nested([1]), nested((1,)))
    event = ir.feedback.Event(id="e", feedback_value=nested(1))
    assert fuzz._equal(event, ir.feedback.Event(id="e", feedback_value=nested(1)))
    assert not fuzz._equal(event, ir.feedback.Event(id="f", feedback_value=nested(1)))
