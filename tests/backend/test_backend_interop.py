"""The backend IR against the reference implementation's interop data.

Every ``backend.*`` golden file decodes, re-encodes to the same JSON (compared
as data, integers and floats kept apart, key order included) and round-trips;
``errors()`` agrees with the reference's verdict; every ``backend.*`` document
in ``invalid/`` is rejected at the expected paths; every ``backend.*``
normalization vector gets the outcome decided for it below. The data is read
from ``../shared/interop`` (or ``$CRUCIBLE_IR_INTEROP``) at run time.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import msgspec
import pytest

import crucible_ir as ir
from crucible_ir import backend

CLASSES: dict[str, type[Any]] = {
    "backend.prompt": backend.Prompt,
    "backend.options": backend.Options,
    "backend.completion": backend.Completion,
    "backend.capabilities": backend.Capabilities,
}


def _interop_root() -> Path:
    # The same lookup as tests/conftest.py's interop_root() (conftest modules
    # cannot be imported under --import-mode=importlib).
    env = os.environ.get("CRUCIBLE_IR_INTEROP")
    return Path(env) if env else Path(__file__).resolve().parents[2].parent / "shared" / "interop"


ROOT = _interop_root()


def _manifest() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads((ROOT / "manifest.json").read_text("utf-8"))
    return [e for e in entries if e["type"].startswith("backend.")]


def _documents(folder: str) -> list[Path]:
    return [
        path
        for path in sorted((ROOT / folder).glob("*.json"))
        if json.loads(path.read_text("utf-8"))["type"].startswith("backend.")
    ]


FIXTURES = _manifest()
INVALID = _documents("invalid")
NORMALIZATION = _documents("normalization")


def tagged(value: Any) -> Any:
    """JSON data with every number tagged by kind and object keys kept in order."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, float):
        return ("float", value)
    if isinstance(value, list):
        if value and all(isinstance(x, tuple) and len(x) == 2 for x in value):
            return ("object", [(k, tagged(v)) for k, v in value])
        return ("array", [tagged(x) for x in value])
    raise TypeError(value)


def parse(text: str) -> Any:
    """Parsed JSON where objects are lists of (key, value) pairs, in document order."""
    return tagged(json.loads(text, object_pairs_hook=list))


def test_interop_data_covers_every_backend_type() -> None:
    assert {e["type"] for e in FIXTURES} == set(CLASSES)
    assert len(FIXTURES) == 11
    assert len(INVALID) == 6
    assert len(NORMALIZATION) == 2


@pytest.mark.parametrize("entry", FIXTURES, ids=lambda e: e["file"])
class TestGoldenFiles:
    def text(self, entry: dict[str, Any]) -> str:
        return (ROOT / str(entry["file"])).read_text("utf-8")

    def test_reencodes_to_the_same_json(self, entry: dict[str, Any]) -> None:
        text = self.text(entry)
        obj = ir.from_json(text, entry["type"])
        assert type(obj) is CLASSES[entry["type"]]
        # Same data, same number kinds, same (sorted) key order at every level.
        assert parse(ir.to_json(obj)) == parse(text)
        assert parse(ir.to_json(obj, indent=2)) == parse(text)

    def test_round_trips(self, entry: dict[str, Any]) -> None:
        obj = ir.from_json(self.text(entry), entry["type"])
        assert ir.from_json(ir.to_json(obj), entry["type"]) == obj
        assert ir.from_dict(ir.to_dict(obj), entry["type"]) == obj
        assert ir.to_dict(obj) == json.loads(self.text(entry))

    def test_strict_decoding_accepts_it(self, entry: dict[str, Any]) -> None:
        text = self.text(entry)
        assert ir.from_json(text, entry["type"], strict=True) == ir.from_json(text, entry["type"])
        data = json.loads(text)
        assert ir.from_dict(data, entry["type"], strict=True) == ir.from_json(text, entry["type"])

    def test_validation_agrees_with_the_reference(self, entry: dict[str, Any]) -> None:
        obj = ir.from_json(self.text(entry), entry["type"])
        assert entry["reference_valid"] is True  # every backend fixture is valid there
        assert ir.errors(obj) == []
        assert ir.validate(obj) is obj
        # The same verdict for an object built from plain data (full check, no cache).
        assert ir.errors(ir.from_dict(json.loads(self.text(entry)), entry["type"])) == []

    def test_matches_the_json_schema(self, entry: dict[str, Any]) -> None:
        jsonschema = pytest.importorskip("jsonschema")
        schema = msgspec.json.schema(CLASSES[entry["type"]])
        jsonschema.Draft202012Validator(schema).validate(json.loads(self.text(entry)))


def test_absent_keys_stay_absent_and_nulls_stay_null() -> None:
    text = (ROOT / "reference/backend.completion/tool_calls.json").read_text("utf-8")
    completion = ir.from_json(text, backend.Completion)
    choice = completion.choices[0]
    assert choice.thinking is None  # given as null
    assert completion.usage is not None
    assert completion.usage.thinking_tokens is backend.UNSET  # not given
    assert "thinking" in ir.to_dict(completion)["choices"][0]
    assert "thinking_tokens" not in ir.to_dict(completion)["usage"]
    message = choice.message
    assert isinstance(message, backend.Message)
    assert message.name is backend.UNSET
    assert set(ir.to_dict(completion)["choices"][0]["message"]) == {"content", "role", "tool_calls"}


def test_full_prompt_is_typed_throughout() -> None:
    text = (ROOT / "reference/backend.prompt/full.json").read_text("utf-8")
    prompt = ir.from_json(text, "backend.prompt")
    assert [m.role for m in prompt.messages] == ["system", "user", "assistant", "tool"]
    parts = prompt.messages[1].content
    assert isinstance(parts, list)
    assert [p.type for p in parts] == ["text", "image", "image", "audio"]
    assert parts[1].url == "https://example.com/cat.png"
    assert parts[2].url is backend.UNSET
    calls = prompt.messages[2].tool_calls
    assert isinstance(calls, list)
    assert calls[0].arguments == {"city": "Paris", "units": "metric"}
    assert calls[1].arguments == '{"q": "cat breeds"}'
    assert prompt.tool_choice == {"name": "get_weather"}
    assert isinstance(prompt.options, backend.Options)
    assert prompt.options.seed == 9007199254740993


# -- invalid documents ------------------------------------------------------

# Where each document must be reported. A document the reference rejects in
# `validate` may be a DecodeError here when a value has the wrong JSON type
# (spec section 3: a typed field must hold its type).
EXPECTED_REJECTIONS: dict[str, tuple[str, set[str]]] = {
    "53_options_json_schema_missing.json": ("errors", {"json_schema"}),
    "55_options_stop_not_strings.json": ("decode", {"stop[1]"}),
    "57_prompt_role_bogus.json": ("errors", {"messages[1].role"}),
    "59_prompt_tool_choice_bogus.json": ("errors", {"tool_choice"}),
    "61_prompt_nested_options_invalid.json": (
        "errors",
        {"options.max_tokens", "options.response_format"},
    ),
    "63_capabilities_flag_not_boolean.json": (
        "decode",
        {"supports_streaming", "supports_vision"},
    ),
}


def _rejection(document: Any, type_name: str, *, via_json: bool) -> tuple[str, set[str]]:
    try:
        obj = (
            ir.from_json(json.dumps(document), type_name)
            if via_json
            else ir.from_dict(document, type_name)
        )
    except ir.DecodeError as exc:
        return "decode", {issue.path for issue in exc.errors}
    return "errors", {issue.path for issue in ir.errors(obj)}


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_document_is_rejected(path: Path) -> None:
    case = json.loads(path.read_text("utf-8"))
    assert path.name in EXPECTED_REJECTIONS, f"no expectation recorded for {path.name}"
    how, paths = _rejection(case["document"], case["type"], via_json=True)
    assert paths, f"{path.name} was accepted; the reference rejects it: {case['reference_errors']}"
    assert (how, paths) == EXPECTED_REJECTIONS[path.name]
    # from_dict reaches the same verdict as from_json.
    assert _rejection(case["document"], case["type"], via_json=False) == (how, paths)
    if how == "errors":
        with pytest.raises(ir.ValidationError):
            ir.validate(ir.from_json(json.dumps(case["document"]), case["type"]))


def test_every_invalid_document_has_a_test() -> None:
    assert {p.name for p in INVALID} == set(EXPECTED_REJECTIONS)


# -- normalization vectors ----------------------------------------------------

# Decided per vector: "same" = decodes, re-encodes to the reference's output
# and agrees with its validate; anything else is a deliberate difference.
NORMALIZATION_OUTCOMES: dict[str, str] = {
    # Spec section 7: `"options": null` is a DecodeError like any null for a
    # field with a non-null default (the reference keeps the null).
    "13_backend.prompt_options_null_kept.json": "decode_error",
    # Spec section 7: token counts are >= 0, and costs are obviously >= 0; the
    # reference does not check limits or costs at all.
    "31_backend.capabilities_accepted_negative_costs.json": "invalid_here",
}


@pytest.mark.parametrize("path", NORMALIZATION, ids=lambda p: p.name)
def test_normalization_vector(path: Path) -> None:
    case = json.loads(path.read_text("utf-8"))
    outcome = NORMALIZATION_OUTCOMES.get(path.name, "same")
    data = json.dumps(case["input"])
    if outcome == "decode_error":
        with pytest.raises(ir.DecodeError) as info:
            ir.from_json(data, case["type"])
        assert [i.path for i in info.value.errors] == ["options"]
        return
    obj = ir.from_json(data, case["type"])
    assert parse(ir.to_json(obj)) == parse(json.dumps(case["reference_output"]))
    if outcome == "same":
        assert (ir.errors(obj) == []) == case["reference_valid"]
    else:
        assert case["reference_valid"] is True
        assert {i.path for i in ir.errors(obj)} == {"max_tokens", "cost_per_million_input"}
