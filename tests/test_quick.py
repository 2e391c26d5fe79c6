"""The command line's quick check: generated from the models, and never wrong when it says "valid"."""

from __future__ import annotations

import json
import pathlib
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(pathlib.Path(__file__).parent))

import crucible_ir as ir
import helpers
import strategies
from crucible_ir._cli import _quick, _quickgen
from crucible_ir._cli._quickparse import parse

REPO = pathlib.Path(__file__).resolve().parents[1]


def quick_says_valid(type_name: str, text: bytes) -> bool:
    try:
        _quick.CHECKS[type_name](parse(text))
    except Exception:
        return False
    return True


def full_says_valid(type_name: str, text: bytes) -> bool:
    try:
        return ir.is_valid(ir.from_json(text, type_name))
    except ir.DecodeError:
        return False


def test_generated_module_is_up_to_date() -> None:
    assert (REPO / "src/crucible_ir/_cli/_quick.py").read_text(
        encoding="utf-8"
    ) == _quickgen.generate(), "run `make quick` and commit the result"


def test_every_type_has_a_quick_check() -> None:
    assert sorted(_quick.CHECKS) == ir.type_names()


@pytest.mark.parametrize("entry", helpers.manifest(), ids=lambda e: e["file"])
def test_quick_agrees_with_full_check_on_golden_files(entry: dict[str, Any]) -> None:
    text = (helpers.INTEROP / entry["file"]).read_bytes()
    if quick_says_valid(entry["type"], text):
        assert full_says_valid(entry["type"], text)


def test_quick_accepts_backend_refs_as_ensemble_members() -> None:
    text = (
        b'{"id": "x", "backend": {"id": "g"}, "pipeline": [{"name": "r"}], "reliability": '
        b'{"ensemble": {"models": [{"id": "mock", "options": {}}, "gpt4"], '
        b'"weights": {"mock": 0.5, "gpt4": 0.5}}}}'
    )
    assert quick_says_valid("experiment", text)
    assert full_says_valid("experiment", text)


def test_quick_accepts_common_documents() -> None:
    small = (
        b'{"id": "x", "backend": {"id": "gpt4"}, "pipeline": [{"name": "run"}, {"name": "eval"}]}'
    )
    assert quick_says_valid("experiment", small)
    assert quick_says_valid(
        "experiment", (REPO / "examples/experiments/fairness_guardrails.json").read_bytes()
    )


@pytest.mark.parametrize(
    "text",
    [
        b'{"id": "", "backend": {"id": "gpt4"}, "pipeline": [{"name": "run"}]}',
        b'{"id": "x", "backend": {"id": "gpt4"}, "pipeline": []}',
        b'{"id": "x", "backend": null, "pipeline": [{"name": "run"}]}',
        b'{"id": "x", "backend": {"id": "gpt4"}, "pipeline": [{"name": "a"}, {"name": "a"}]}',
        b'{"id": "x", "backend": {"id": "gpt4", "profile": null}, "pipeline": [{"name": "run"}]}',
        b'{"id": "x", "backend": {"id": "g"}, "pipeline": [{"name": "r", "enabled": 1}]}',
        b'{"id": "x", "backend": {"id": "g"}, "pipeline": [{"name": "r"}], '
        b'"reliability": {"ensemble": {"strategy": "plurality"}}}',
        b'{"id": "x", "backend": {"id": "g"}, "pipeline": [{"name": "r"}], '
        b'"reliability": {"ensemble": {"models": ["a"], "weights": {"b": 1}}}}',
        b'{"id": "x", "backend": {"id": "g"}, "pipeline": [{"name": "r"}], '
        b'"reliability": {"stats": {"alpha": 1.5}}}',
        b'{"id": "x", "backend": {"id": "g"}, "pipeline": [{"name": "r"}], "tags": ["\\ud800"]}',
        b'{"id": "x", "backend": {"id": "g"}, "pipeline": [{"name": "r"}], "metadata": {"a": NaN}}',
        b'{"id": "x", "backend": {"id": "g"}, "pipeline": [{"name": "r"}], "metadata": {"a": 1e400}}',
        b'{"id": "x", "backend": {"id": "g"}, "pipeline": [{"name": "r"}]} trailing',
        b'{"id": "x", "backend": {"id": "g", "endpoint_url": "ftp://x"}, "pipeline": [{"name": "r"}]}',
        b'{"id": "x", "backend": {"id": "g"}, "pipeline": [{"name": "r"}], "created_at": "yesterday"}',
        b'{"id": "x", "backend": {"id": "g"}, "pipeline": [{"name": "r"}], '
        b'"reliability": {"ensemble": {"models": [{"id": "m"}, "a"], "weights": {"b": 1}}}}',
        b'{"id": "x", "backend": {"id": "g"}, "pipeline": [{"name": "r"}], '
        b'"reliability": {"ensemble": {"models": [{"id": ""}]}}}',
        b'{"id": "x", "backend": {"id": "g"}, "pipeline": [{"name": "r"}], '
        b'"reliability": {"ensemble": {"models": [{"id": "m", "profile": null}]}}}',
        b'{"id": "x", "backend": {"id": "g"}, "pipeline": [{"name": "r"}], '
        b'"reliability": {"ensemble": {"models": [1]}}}',
        b"\xff\xfe",
        b"[]",
        b"",
    ],
)
def test_quick_never_vouches_for_a_bad_document(text: bytes) -> None:
    assert not full_says_valid("experiment", text)
    assert not quick_says_valid("experiment", text)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_quick_never_says_valid_when_the_full_check_does_not(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(strategies.STRATEGIES)))
    obj = data.draw(strategies.STRATEGIES[name])
    document = json.loads(ir.to_json(obj))
    # Break one value somewhere (or nothing), keeping JSON types plausible.
    mutation = data.draw(st.sampled_from(["none", "null", "empty", "zero", "negative", "drop"]))
    keys = sorted(document)
    key = data.draw(st.sampled_from(keys)) if keys else None
    if key is not None and mutation != "none":
        if mutation == "drop":
            del document[key]
        else:
            document[key] = {"null": None, "empty": "", "zero": 0, "negative": -1}[mutation]
    text = json.dumps(document, ensure_ascii=False).encode()
    if quick_says_valid(name, text):
        assert full_says_valid(name, text)


@pytest.mark.parametrize(
    ("stamp", "valid"),
    [
        ("2024-03-15T09:30:00Z", True),
        ("2024-03-15T09:30:00.123456Z", True),
        ("2024-03-15T11:30:00+02:00", True),
        ("2024-03-15T09:30:00.1234567891Z", False),  # left to the full check
        ("2024-03-15 09:30:00Z", False),
        ("2024-03-15T09:30:00", False),
        ("2024-13-15T09:30:00Z", False),
        ("2024-03-15T09:30:00+25:00", False),
        ("2024-03-15", False),
        ("yesterday", False),
    ],
)
def test_quick_timestamps(stamp: str, valid: bool) -> None:
    text = json.dumps(
        {"id": "x", "backend": {"id": "g"}, "pipeline": [{"name": "r"}], "created_at": stamp}
    ).encode()
    if sys.version_info < (3, 11):
        valid = False
    assert quick_says_valid("experiment", text) is valid
    if valid:
        assert full_says_valid("experiment", text)


def test_quick_applies_timestamp_order_rule() -> None:
    text = json.dumps(
        {
            "id": "x",
            "backend": {"id": "g"},
            "pipeline": [{"name": "r"}],
            "created_at": "2024-03-16T00:00:00Z",
            "updated_at": "2024-03-15T00:00:00Z",
        }
    ).encode()
    assert not full_says_valid("experiment", text)
    assert not quick_says_valid("experiment", text)
