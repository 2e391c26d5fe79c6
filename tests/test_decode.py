"""Decoding (API sections 2 and 3): `from_json` and `from_dict`, every problem with its path."""

from __future__ import annotations

import datetime
import functools
import json
import pathlib
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crucible_ir as ir
from crucible_ir import reliability

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import helpers
import strategies

MINIMAL: dict[str, dict[str, Any]] = {
    "experiment": {"id": "e", "backend": {"id": "b"}, "pipeline": [{"name": "run"}]},
    "backend_ref": {"id": "b"},
    "dataset_ref": {"name": "d"},
    "stage_def": {"name": "s"},
    "output_spec": {"name": "o"},
    "reliability.config": {},
    "reliability.ensemble": {},
    "reliability.hedging": {},
    "reliability.stats": {},
    "reliability.fairness": {},
    "reliability.guardrail": {},
    "model_ref": {"id": "m"},
    "model_version": {"id": "v", "model_id": "m", "version": "1.0.0"},
    "training.config": {"id": "t", "model_ref": {"id": "m"}, "dataset_ref": {"name": "d"}},
    "training.run": {
        "id": "r",
        "config": {"id": "t", "model_ref": {"id": "m"}, "dataset_ref": {"name": "d"}},
    },
    "deployment.config": {"id": "d", "model_version_id": "v"},
    "deployment.status": {"id": "s", "deployment_id": "d"},
    "feedback.config": {},
    "feedback.event": {"id": "e"},
}

NON_NULL_DEFAULTS = [
    ("backend_ref", "profile"),
    ("dataset_ref", "provider"),
    ("dataset_ref", "split"),
    ("stage_def", "enabled"),
    ("output_spec", "formats"),
    ("output_spec", "sink"),
    ("reliability.ensemble", "strategy"),
    ("reliability.ensemble", "execution_mode"),
    ("reliability.hedging", "strategy"),
    ("reliability.stats", "tests"),
    ("reliability.stats", "alpha"),
    ("reliability.fairness", "enabled"),
    ("reliability.guardrail", "profiles"),
    ("model_ref", "provider"),
    ("model_ref", "framework"),
    ("model_version", "stage"),
    ("training.config", "epochs"),
    ("training.config", "batch_size"),
    ("training.config", "learning_rate"),
    ("training.config", "optimizer"),
    ("training.config", "loss_function"),
    ("training.config", "metrics"),
    ("training.config", "device"),
    ("training.config", "mixed_precision"),
    ("training.run", "status"),
    ("deployment.config", "replicas"),
    ("deployment.config", "environment"),
    ("deployment.config", "strategy"),
    ("deployment.status", "state"),
    ("deployment.status", "health"),
    ("feedback.config", "enabled"),
    ("feedback.config", "sampling_rate"),
    ("feedback.config", "feedback_types"),
    ("feedback.config", "storage"),
    ("feedback.config", "anonymize_pii"),
    ("feedback.event", "feedback_type"),
]

# Of those, the names (`profile`, `strategy`, ...): the reference writes a name set to nil
# as null, so a null there decodes, is kept and is reported by validation. A null in a
# boolean, number or list field with a default is a decoding error.
NULL_KEPT = [
    (t, f) for t, f in NON_NULL_DEFAULTS if isinstance(getattr(ir.from_dict(MINIMAL[t], t), f), str)
]
NULL_REFUSED = [pair for pair in NON_NULL_DEFAULTS if pair not in NULL_KEPT]

REQUIRED = [
    ("experiment", "id"),
    ("experiment", "backend"),
    ("experiment", "pipeline"),
    ("backend_ref", "id"),
    ("dataset_ref", "name"),
    ("stage_def", "name"),
    ("output_spec", "name"),
    ("model_ref", "id"),
    ("model_version", "id"),
    ("model_version", "model_id"),
    ("model_version", "version"),
    ("training.config", "id"),
    ("training.config", "model_ref"),
    ("training.config", "dataset_ref"),
    ("training.run", "id"),
    ("training.run", "config"),
    ("deployment.config", "id"),
    ("deployment.config", "model_version_id"),
    ("deployment.status", "id"),
    ("deployment.status", "deployment_id"),
    ("feedback.event", "id"),
]


# Required identifiers (strings): a null one decodes, is kept and is reported by validation.
REQUIRED_IDS = [(t, f) for t, f in REQUIRED if isinstance(MINIMAL[t][f], str)]
REQUIRED_OBJECTS = [pair for pair in REQUIRED if pair not in REQUIRED_IDS]


def decode_issues(text: str | bytes, type_name: str, **kw: Any) -> list[tuple[str, str]]:
    """The ``(path, code)`` of every problem `from_json` reports (it must raise)."""
    with pytest.raises(ir.DecodeError) as info:
        ir.from_json(text, type_name, **kw)
    assert info.value.errors, "a DecodeError lists its problems"
    return [(i.path, str(i.code)) for i in info.value.errors]


def dict_issues(data: Any, type_name: str, **kw: Any) -> list[tuple[str, str]]:
    with pytest.raises(ir.DecodeError) as info:
        ir.from_dict(data, type_name, **kw)
    return [(i.path, str(i.code)) for i in info.value.errors]


def both_issues(data: Any, type_name: str, **kw: Any) -> list[tuple[str, str]]:
    """Problems from `from_json` and `from_dict` of the same data; they must agree."""
    via_json = decode_issues(json.dumps(data), type_name, **kw)
    via_dict = dict_issues(data, type_name, **kw)
    assert sorted(via_json) == sorted(via_dict)
    return via_json


@pytest.mark.parametrize("type_name", sorted(MINIMAL))
def test_minimal_documents_decode_with_defaults(type_name: str) -> None:
    obj = ir.from_json(json.dumps(MINIMAL[type_name]), type_name)
    assert obj == ir.from_dict(MINIMAL[type_name], type_name)
    assert ir.errors(obj) == []


# -- malformed JSON -------------------------------------------------------------------------------

SYNTAX = [
    ('{\n  "id": "x",\n  "profile": }', 3, 14),
    ('{"id": "x",}', 1, 12),
    ("{'id': 'x'}", 1, 2),
    ('{"id": "éé😀", x}', 1, 15),  # columns count characters, not bytes
    ('\n\n   {"id" "x"}', 3, 10),
    ('{"id": "x" "profile": "y"}', 1, 12),
    ('{"id": "x\tb"}', 1, 10),  # a raw control character in a string
    ('{"id": "x"', 1, 11),  # truncated: the end of the input
    ("", 1, 1),
    ("   \n  ", 2, 3),
]


def _syntax_issue(text: str | bytes) -> ir.Issue:
    with pytest.raises(ir.DecodeError) as info:
        ir.from_json(text, "backend_ref")
    (issue,) = info.value.errors
    assert issue.code == "syntax"
    assert issue.path == ""
    assert issue.message
    return issue


@pytest.mark.parametrize(("text", "line", "column"), SYNTAX)
def test_malformed_json_is_a_syntax_issue_with_line_and_column(
    text: str, line: int, column: int
) -> None:
    for data in (text, text.encode("utf-8")):
        issue = _syntax_issue(data)
        assert (issue.line, issue.column) == (line, column), issue


def test_trailing_characters_column() -> None:
    issue = _syntax_issue('{"id": "x"} x')
    assert (issue.line, issue.column) == (1, 13)


def test_invalid_literal_column_is_on_the_line() -> None:
    issue = _syntax_issue('{"id": tru}')
    assert issue.line == 1
    assert issue.column is not None
    assert 8 <= issue.column <= 11


def test_invalid_escape_column() -> None:
    issue = _syntax_issue('{"id": "x\\q"}')
    assert issue.line == 1
    assert issue.column in (10, 11)


def test_syntax_error_position_in_a_big_document() -> None:
    doc = json.dumps(MINIMAL["experiment"] | {"description": "x" * 500}, indent=2)
    broken = doc.replace('"pipeline": [', '"pipeline": [,')
    lineno = next(i for i, ln in enumerate(broken.splitlines(), 1) if '"pipeline": [,' in ln)
    col = broken.splitlines()[lineno - 1].index("[,") + 2
    with pytest.raises(ir.DecodeError) as info:
        ir.from_json(broken, "experiment")
    (issue,) = info.value.errors
    assert (issue.code, issue.line, issue.column) == ("syntax", lineno, col)


@pytest.mark.parametrize(
    "text",
    [
        '{"alpha": NaN}',
        '{"alpha": nan}',
        '{"alpha": Infinity}',
        '{"alpha": -Infinity}',
        '{"alpha": 1e400}',
        '{"alpha": -1e400}',
        '{"options": {"x": NaN}}',
        '{"options": {"x": [1, Infinity]}}',
        '{"options": {"x": 1e400}}',
        '{"options": {"x": {"y": -1E+999}}}',
    ],
)
def test_non_finite_numbers_are_rejected(text: str) -> None:
    issues = decode_issues(text, "reliability.stats")
    assert len(issues) == 1
    assert issues[0][1] in ("syntax", "range")


@pytest.mark.parametrize(
    "data",
    [
        b'{"id": "\xff"}',
        b'{"id": "\xc3"}',
        b'{"id": "\xed\xa0\x80"}',  # an encoded surrogate
        b'\xfe\xff{"id": "x"}',
        b'{"id": "x", "options": {"k\x80": 1}}',
    ],
)
def test_invalid_utf8_is_a_decode_error(data: bytes) -> None:
    issues = decode_issues(data, "backend_ref")
    assert issues == [("", "syntax")]


@pytest.mark.parametrize(
    ("data", "column", "message"),
    [
        # the number, not the look-alike text in a string before it
        (b'{"metadata": {"a": "1e400", "b": 1e400}}', 34, "number out of range"),
        (b'{"metadata": {"a": 1e300, "b": [2, -1E+999]}}', 36, "number out of range"),
        (b'{"metadata": {"b": -' + b"1" * 4300 + b"}}", 20, "number out of range"),
        # an out-of-range number with junk after it: the number is placed, not the junk read
        (b'{"metadata": {"b": 1e400.}}', 20, "number out of range"),
        (b'{"id": "x", "n": 2e308-}', 18, "number out of range"),
        (b'4.2e3089e-324{"id": "x"}', 1, "number out of range"),
        (b'{"metadata": {"a": "\xc3\xa9", "b": "\xff"}}', 31, "invalid UTF-8: byte 0xFF"),
        # refused, as json.loads and msgspec refuse it, but said plainly
        (b'\xef\xbb\xbf{"id": "x"}', 1, "a byte order mark (U+FEFF) before the JSON text"),
        ("\ufeff{}", 1, "a byte order mark (U+FEFF) before the JSON text"),
    ],
)
def test_unreadable_numbers_and_bytes_are_placed(
    data: bytes | str, column: int, message: str
) -> None:
    with pytest.raises(ir.DecodeError) as info:
        ir.from_json(data, "experiment")
    [issue] = info.value.errors
    assert (issue.code, issue.line, issue.column) == ("syntax", 1, column)
    assert issue.message.startswith(message)


def test_lone_surrogate_escape_is_a_decode_error() -> None:
    assert decode_issues('{"id": "\\ud800"}', "backend_ref") == [("", "syntax")]


def test_valid_surrogate_pair_escape_decodes() -> None:
    assert ir.from_json('{"id": "\\ud83d\\ude80"}', "backend_ref").id == "🚀"


@pytest.mark.parametrize("data", ["[]", "1", '"x"', "null", "true", "[{}]"])
def test_top_level_must_be_an_object(data: str) -> None:
    assert decode_issues(data, "backend_ref") == [("", "type")]
    assert dict_issues(json.loads(data), "backend_ref") == [("", "type")]


# -- wrong JSON types, all reported ---------------------------------------------------------------


def test_every_type_error_is_listed_with_its_path() -> None:
    doc = {"id": 1, "profile": 2, "options": 3, "model_version": 4, "endpoint_url": 5}
    assert both_issues(doc, "backend_ref") == [  # in wire order
        ("endpoint_url", "type"),
        ("id", "type"),
        ("model_version", "type"),
        ("options", "type"),
        ("profile", "type"),
    ]


def test_type_errors_at_nested_paths() -> None:
    doc = {
        "id": "e",
        "backend": {"id": "b", "fallback": {"id": ["x"]}},
        "pipeline": [{"name": "a"}, {"name": "b", "enabled": "yes"}, "c"],
        "tags": ["ok", 5],
        "reliability": {
            "ensemble": {"models": "gpt4", "weights": {"gpt4": "heavy"}},
            "stats": {"alpha": "0.05", "tests": [None]},
            "feedback": {"sampling_rate": True},
        },
        "outputs": {"name": "x"},
        "training_config": {"id": "t", "model_ref": "gpt2", "dataset_ref": {"name": 7}},
        "created_at": 1710495000,
    }
    issues = both_issues(doc, "experiment")
    assert sorted(issues) == sorted(
        [
            ("backend.fallback.id", "type"),
            ("pipeline[1].enabled", "type"),
            ("pipeline[2]", "type"),
            ("tags[1]", "type"),
            ("reliability.ensemble.models", "type"),
            ("reliability.ensemble.weights.gpt4", "type"),
            ("reliability.stats.alpha", "type"),
            ("reliability.stats.tests[0]", "type"),
            ("reliability.feedback.sampling_rate", "type"),
            ("outputs", "type"),
            ("training_config.model_ref", "type"),
            ("training_config.dataset_ref.name", "type"),
            ("created_at", "type"),
        ]
    )


@pytest.mark.parametrize(
    ("type_name", "field", "value"),
    [
        ("stage_def", "enabled", 1),
        ("stage_def", "enabled", "true"),
        ("stage_def", "name", 1),
        ("reliability.hedging", "delay_ms", True),
        ("reliability.hedging", "delay_ms", "100"),
        ("reliability.stats", "alpha", "0.5"),
        ("reliability.stats", "alpha", False),
        ("reliability.stats", "tests", "ttest"),
        ("reliability.ensemble", "strategy", 1),
        ("reliability.ensemble", "weights", ["a"]),
        ("feedback.event", "metadata", [1]),
        ("feedback.event", "input", "text"),
        ("experiment", "pipeline", "inference"),
        ("experiment", "pipeline", {"name": "a"}),
        ("experiment", "backend", "gpt4"),
        ("experiment", "backend", ["gpt4"]),
    ],
)
def test_wrong_json_type(type_name: str, field: str, value: Any) -> None:
    doc = {**MINIMAL[type_name], field: value}
    assert both_issues(doc, type_name) == [(field, "type")]


@pytest.mark.parametrize(
    ("type_name", "field", "value"),
    [
        ("training.config", "epochs", 2.0),
        ("training.config", "batch_size", 32.5),
        ("training.config", "seed", 1.0),
        ("deployment.config", "replicas", 1.0),
        ("reliability.hedging", "delay_ms", 1.5),
        ("reliability.ensemble", "timeout_ms", 1e3),
        ("feedback.event", "latency_ms", 0.0),
        ("training.run", "current_epoch", 3.0),
    ],
)
def test_a_float_where_an_integer_is_expected_is_a_type_error(
    type_name: str, field: str, value: float
) -> None:
    doc = {**MINIMAL[type_name], field: value}
    assert both_issues(doc, type_name) == [(field, "type")]


# -- missing and null -----------------------------------------------------------------------------


@pytest.mark.parametrize(("type_name", "field"), REQUIRED)
def test_missing_required_field(type_name: str, field: str) -> None:
    doc = dict(MINIMAL[type_name])
    del doc[field]
    assert both_issues(doc, type_name) == [(field, "required")]


@pytest.mark.parametrize(("type_name", "field"), REQUIRED_OBJECTS)
def test_null_for_a_required_object_or_list_is_a_decode_error(type_name: str, field: str) -> None:
    doc = {**MINIMAL[type_name], field: None}
    assert both_issues(doc, type_name) == [(field, "required")]


def test_all_missing_required_fields_are_listed() -> None:
    assert both_issues({}, "experiment") == [
        ("backend", "required"),
        ("id", "required"),
        ("pipeline", "required"),
    ]
    doc = {"id": "e", "backend": {}, "pipeline": [{"name": "a"}, {}, {"enabled": False}]}
    assert both_issues(doc, "experiment") == [
        ("backend.id", "required"),
        ("pipeline[1].name", "required"),
        ("pipeline[2].name", "required"),
    ]
    doc = {"id": "r", "config": {"model_ref": {}, "dataset_ref": {}}}
    assert sorted(both_issues(doc, "training.run")) == sorted(
        [
            ("config.id", "required"),
            ("config.model_ref.id", "required"),
            ("config.dataset_ref.name", "required"),
        ]
    )


def test_every_field_with_a_non_null_default_is_listed() -> None:
    found = set()
    for type_name, doc in MINIMAL.items():
        written = ir.to_dict(ir.from_dict(doc, type_name))
        found |= {(type_name, k) for k, v in written.items() if v is not None and k not in doc}
    assert found == set(NON_NULL_DEFAULTS)
    assert len(NULL_KEPT) == 20
    assert ("backend_ref", "profile") in NULL_KEPT
    assert ("training.run", "status") in NULL_KEPT  # a closed vocabulary too


@pytest.mark.parametrize(("type_name", "field"), NULL_REFUSED)
def test_null_for_a_non_name_field_with_a_non_null_default_is_a_decode_error(
    type_name: str, field: str
) -> None:
    doc = {**MINIMAL[type_name], field: None}
    for strict in (False, True):
        with pytest.raises(ir.DecodeError) as info:
            ir.from_json(json.dumps(doc), type_name, strict=strict)
        assert [(i.path, str(i.code)) for i in info.value.errors] == [(field, "type")]
        assert dict_issues(doc, type_name, strict=strict) == [(field, "type")]
    message = info.value.errors[0].message
    assert message.startswith("expected ")
    assert ", got null (leave `" in message
    assert "to get its default" in message
    # Leaving the key out gives the default.
    obj = ir.from_json(json.dumps(MINIMAL[type_name]), type_name)
    assert getattr(obj, field) is not None


def _null_kept(type_name: str, field: str) -> Any:
    """The object of a minimal document with ``field`` null: read, kept and written back as null."""
    doc = {**MINIMAL[type_name], field: None}
    obj = ir.from_json(json.dumps(doc), type_name)
    assert getattr(obj, field) is None
    for strict in (False, True):
        assert ir.from_json(json.dumps(doc).encode(), type_name, strict=strict) == obj
        assert ir.from_dict(doc, type_name, strict=strict) == obj
    # Written back as null, and read back the same.
    assert json.loads(ir.to_json(obj))[field] is None
    assert ir.to_dict(obj)[field] is None
    assert ir.from_json(ir.to_json(obj), type_name) == obj
    assert ir.from_dict(ir.to_dict(obj), type_name) == obj
    return obj


def _made_like(obj: Any, type_name: str, field: str, issues: list[ir.Issue]) -> None:
    """A constructed object with None in ``field`` is ``obj``, written and reported alike."""
    made = ir.replace(ir.from_dict(MINIMAL[type_name], type_name), **{field: None})
    assert made == obj
    assert ir.to_json(made) == ir.to_json(obj)
    assert ir.errors(made) == issues


@pytest.mark.parametrize(("type_name", "field"), NULL_KEPT)
def test_null_in_a_name_field_with_a_default_is_kept_and_reported(
    type_name: str, field: str
) -> None:
    default = getattr(ir.from_dict(MINIMAL[type_name], type_name), field)
    obj = _null_kept(type_name, field)
    # Validation reports it at its path, naming the default to use.
    issues = ir.errors(obj)
    assert [(i.path, str(i.code)) for i in issues] == [(field, "type")]
    assert issues[0].message.endswith(f" null (the default is {default!r})")
    assert not ir.is_valid(obj)
    with pytest.raises(ir.ValidationError) as info:
        ir.validate(obj)
    assert info.value.errors == issues
    # A constructed object with None there is written the same way.
    _made_like(obj, type_name, field, issues)


def test_null_names_are_kept_and_reported_nested_too() -> None:
    doc = {
        **MINIMAL["experiment"],
        "backend": {"id": "b", "fallback": {"id": "c", "profile": None}},
        "outputs": [{"name": "a"}, {"name": "b", "sink": None}],
        "reliability": {"ensemble": {"strategy": None}, "hedging": {"strategy": "fixed"}},
    }
    exp = ir.from_json(json.dumps(doc), "experiment")
    assert ir.from_dict(doc, "experiment") == exp
    assert exp.backend.fallback is not None
    assert exp.backend.fallback.profile is None
    assert [(i.path, str(i.code)) for i in ir.errors(exp)] == [
        ("backend.fallback.profile", "type"),
        ("outputs[1].sink", "type"),
        ("reliability.ensemble.strategy", "type"),
    ]
    written = json.loads(ir.to_json(exp))
    assert written["backend"]["fallback"]["profile"] is None
    assert written["outputs"][1]["sink"] is None
    assert written["reliability"]["ensemble"]["strategy"] is None


def test_required_identifiers_are_split_by_json_type() -> None:
    assert len(REQUIRED_IDS) == 16
    assert ("experiment", "id") in REQUIRED_IDS
    assert ("model_version", "version") in REQUIRED_IDS
    assert ("experiment", "backend") in REQUIRED_OBJECTS


@pytest.mark.parametrize(("type_name", "field"), REQUIRED_IDS)
def test_null_in_a_required_identifier_is_kept_and_reported(type_name: str, field: str) -> None:
    obj = _null_kept(type_name, field)
    # Validation reports it at its path as a missing value.
    issues = ir.errors(obj)
    assert [(i.path, str(i.code)) for i in issues] == [(field, "required")]
    assert issues[0].message.startswith("expected ")
    assert issues[0].message.endswith(", got null")
    with pytest.raises(ir.ValidationError) as info:
        ir.validate(obj)
    assert info.value.errors == issues
    # A constructed object with None there is written and reported the same way.
    _made_like(obj, type_name, field, issues)


def test_null_required_identifiers_are_kept_and_reported_nested_too() -> None:
    doc = {
        "id": None,
        "backend": {"id": "b", "fallback": {"id": None}},
        "baseline": {"id": None},
        "pipeline": [{"name": None}, {"name": "ok"}],
        "dataset": {"name": None},
    }
    exp = ir.from_json(json.dumps(doc), "experiment")
    for strict in (False, True):
        assert ir.from_json(json.dumps(doc), "experiment", strict=strict) == exp
        assert ir.from_dict(doc, "experiment", strict=strict) == exp
    assert exp.id is None
    assert exp.baseline is not None
    assert exp.baseline.id is None
    assert exp.backend.fallback is not None
    assert exp.backend.fallback.id is None
    assert exp.pipeline[0].name is None
    issues = ir.errors(exp)
    assert sorted((i.path, str(i.code)) for i in issues) == [
        ("backend.fallback.id", "required"),
        ("baseline.id", "required"),
        ("dataset.name", "required"),
        ("id", "required"),
        ("pipeline[0].name", "required"),
    ]
    messages = {i.path: i.message for i in issues}
    assert messages["baseline.id"] == "expected a non-empty identifier, got null"
    assert messages["pipeline[0].name"] == "expected a non-empty identifier, got null"
    assert messages["dataset.name"] == "expected a non-empty name, got null"
    written = json.loads(ir.to_json(exp))
    assert written["id"] is None
    assert written["baseline"]["id"] is None
    assert written["backend"]["fallback"]["id"] is None
    assert written["pipeline"][0]["name"] is None
    assert ir.to_dict(exp)["pipeline"][0]["name"] is None
    assert ir.from_json(ir.to_json(exp), "experiment") == exp


def test_a_null_required_identifier_in_json_lines_is_a_validation_error() -> None:
    lines = b'{"id": "a"}\n{"id": "b", "fallback": {"id": null}}\n'
    read: list[Any] = []
    # It decodes (no DecodeError); validation, which `iter_jsonl` applies, reports the null.
    with pytest.raises(ir.ValidationError) as info:
        read.extend(ir.iter_jsonl(lines, "backend_ref"))
    assert read == [ir.BackendRef(id="a")]
    assert [(i.path, str(i.code), i.line) for i in info.value.errors] == [
        ("fallback.id", "required", 2)
    ]


def test_a_missing_required_identifier_is_still_a_decode_error() -> None:
    assert both_issues({"fallback": {"id": None}}, "backend_ref") == [("id", "required")]
    assert both_issues({"id": "a", "fallback": {}}, "backend_ref") == [("fallback.id", "required")]
    assert both_issues({"id": "e", "backend": {"id": "b"}, "pipeline": [{}]}, "experiment") == [
        ("pipeline[0].name", "required")
    ]


def test_null_names_beside_decoding_errors_are_not_decoding_errors() -> None:
    doc = {"id": 1, "profile": None, "fallback": {"id": "c", "profile": None}}
    assert both_issues(doc, "backend_ref") == [("id", "type")]


# -- empty keyword lists ---------------------------------------------------------------------------

# Every field holding a map (opaque objects and the typed `weights`): where the reference
# writes an empty keyword list, as `[]`.
MAP_FIELDS = [
    ("backend_ref", "options"),
    ("dataset_ref", "options"),
    ("dataset_ref", "schema"),
    ("deployment.config", "endpoint"),
    ("deployment.config", "health_check"),
    ("deployment.config", "metadata"),
    ("deployment.config", "options"),
    ("deployment.config", "resources"),
    ("deployment.config", "scaling"),
    ("deployment.config", "target"),
    ("experiment", "metadata"),
    ("feedback.config", "drift_detection"),
    ("feedback.config", "options"),
    ("feedback.config", "retraining_trigger"),
    ("feedback.event", "input"),
    ("feedback.event", "metadata"),
    ("feedback.event", "output"),
    ("model_ref", "metadata"),
    ("model_ref", "options"),
    ("model_version", "metrics"),
    ("model_version", "options"),
    ("output_spec", "options"),
    ("reliability.config", "circuit_breaker"),
    ("reliability.config", "drift"),
    ("reliability.config", "monitoring"),
    ("reliability.ensemble", "options"),
    ("reliability.ensemble", "weights"),
    ("reliability.fairness", "options"),
    ("reliability.guardrail", "options"),
    ("reliability.hedging", "options"),
    ("reliability.stats", "options"),
    ("stage_def", "options"),
    ("training.config", "early_stopping"),
    ("training.config", "options"),
    ("training.run", "best_metrics"),
    ("training.run", "options"),
]


@pytest.mark.parametrize(("type_name", "field"), MAP_FIELDS)
def test_an_empty_array_for_a_map_is_read_as_an_empty_object(type_name: str, field: str) -> None:
    doc = {**MINIMAL[type_name], field: []}
    obj = ir.from_json(json.dumps(doc), type_name)
    assert getattr(obj, field) == {}
    for strict in (False, True):
        assert ir.from_json(json.dumps(doc), type_name, strict=strict) == obj
        assert ir.from_dict(doc, type_name, strict=strict) == obj
    assert ir.from_dict({**doc, field: ()}, type_name) == obj
    assert json.loads(ir.to_json(obj))[field] == {}
    assert ir.to_dict(obj)[field] == {}
    assert ir.errors(obj) == []
    # Only an empty array: one with items is not an object.
    assert both_issues({**doc, field: [1]}, type_name) == [(field, "type")]


def _object_fields() -> list[tuple[str, str]]:
    """Every (type name, field) whose value is an IR object (the backend's types: {} is minimal)."""
    from crucible_ir._model._base import resolve_type
    from crucible_ir._typetree import plan

    return [
        (name, f.name)
        for name in ir.type_names()
        for f in plan(resolve_type(name)).fields
        if f.node.kind == "struct"
    ]


@pytest.mark.parametrize(("type_name", "field"), _object_fields())
def test_an_empty_array_for_an_ir_object_reads_as_an_empty_object(
    type_name: str, field: str
) -> None:
    def outcome(value: object) -> object:
        try:
            doc = {**MINIMAL.get(type_name, {}), field: value}
            return ir.from_json(json.dumps(doc), type_name)
        except ir.DecodeError as exc:
            return exc.errors

    assert outcome([]) == outcome({})


def test_empty_arrays_for_maps_nested_and_in_lists() -> None:
    doc = {
        **MINIMAL["experiment"],
        "metadata": [],
        "backend": {"id": "b", "options": [], "fallback": {"id": "c", "options": []}},
        "pipeline": [{"name": "a", "options": []}],
        "dataset": {"name": "d", "options": [], "schema": {"fields": []}},
        "reliability": {"ensemble": {"models": ["a"], "weights": []}, "monitoring": []},
    }
    exp = ir.from_json(json.dumps(doc), "experiment")
    assert ir.from_dict(doc, "experiment") == exp
    assert exp.backend.options == {}
    assert exp.backend.fallback is not None
    assert exp.backend.fallback.options == {}
    assert exp.pipeline[0].options == {}
    assert exp.dataset is not None
    assert exp.dataset.options == {}
    assert exp.dataset.schema == {"fields": []}  # inside an opaque map, untouched
    assert exp.reliability is not None
    assert exp.reliability.ensemble is not None
    assert exp.reliability.ensemble.weights == {}
    assert ir.errors(exp) == []
    run = ir.from_dict(
        {**MINIMAL["training.run"], "metrics_history": [{"loss": 1.0}, []]}, "training.run"
    )
    assert run.metrics_history == [{"loss": 1.0}, {}]
    prompt = ir.from_json(
        '{"metadata": [], "tools": [[]], "options": {"extra": []}}', "backend.prompt"
    )
    assert (prompt.metadata, prompt.tools, prompt.options.extra) == ({}, [{}], {})
    # Opaque values that are not maps keep their arrays.
    event = ir.from_json('{"id": "e", "feedback_value": []}', "feedback.event")
    assert event.feedback_value == []


# -- ensemble members ------------------------------------------------------------------------------


def _ref(id: str, **fields: Any) -> dict[str, Any]:
    """A backend ref as the reference writes it: every field present."""
    return {
        "deployment_id": None,
        "endpoint_url": None,
        "fallback": None,
        "id": id,
        "model_version": None,
        "options": None,
        "profile": "default",
        **fields,
    }


# An ensemble as the reference framework's backend-call stage writes one: its members are
# backend refs (with a name among them here too).
FRAMEWORK_ENSEMBLE = {
    "execution_mode": "parallel",
    "min_agreement": 0.5,
    "models": [
        _ref("mock", options={}),
        _ref("openai", options={"model": "gpt-4o-mini"}, fallback=_ref("mock")),
        "claude",
    ],
    "options": None,
    "strategy": "weighted",
    "timeout_ms": 30000,
    "weights": {"claude": 0.2, "mock": 0.3, "openai": 0.5},
}


def test_ensemble_models_hold_names_and_backend_refs() -> None:
    text = json.dumps(FRAMEWORK_ENSEMBLE)
    ens = ir.from_json(text, "reliability.ensemble")
    assert ens.models is not None
    mock, openai, claude = ens.models
    assert mock == ir.BackendRef(id="mock", options={})
    assert isinstance(openai, ir.BackendRef)
    assert openai.fallback == ir.BackendRef(id="mock")
    assert claude == "claude"
    for strict in (False, True):
        assert ir.from_json(text.encode(), "reliability.ensemble", strict=strict) == ens
        assert ir.from_dict(FRAMEWORK_ENSEMBLE, "reliability.ensemble", strict=strict) == ens
    # Re-encoded to the same data, and read back equal.
    assert helpers.diff(json.loads(ir.to_json(ens)), FRAMEWORK_ENSEMBLE) == []
    assert helpers.diff(ir.to_dict(ens), FRAMEWORK_ENSEMBLE) == []
    assert ir.from_json(ir.to_json(ens), "reliability.ensemble") == ens
    assert ir.from_dict(ir.to_dict(ens), "reliability.ensemble") == ens
    assert ir.errors(ens) == []  # the weights name the refs by id


def test_backend_refs_in_models_are_read_like_any_backend_ref() -> None:
    doc = {
        **MINIMAL["experiment"],
        "reliability": {
            "ensemble": {
                "models": [_ref("mock", profile=None, options=[]), "gpt4"],
                "weights": {"mock": 1, "gpt4": 1},
            }
        },
    }
    exp = ir.from_json(json.dumps(doc), "experiment")
    assert ir.from_dict(doc, "experiment") == exp
    assert exp.reliability is not None
    assert exp.reliability.ensemble is not None
    assert exp.reliability.ensemble.models == [
        ir.BackendRef(id="mock", profile=None, options={}),
        "gpt4",
    ]
    assert [(i.path, str(i.code)) for i in ir.errors(exp)] == [
        ("reliability.ensemble.models[0].profile", "type")
    ]
    # Unknown keys inside a ref: dropped, or reported when strict.
    doc = {"models": [{"id": "mock", "region": "eu"}]}
    assert ir.from_json(json.dumps(doc), "reliability.ensemble").models == [
        ir.BackendRef(id="mock")
    ]
    assert both_issues(doc, "reliability.ensemble", strict=True) == [
        ("models[0].region", "unknown_field")
    ]


def test_ensemble_members_that_decode_to_neither_a_name_nor_a_ref() -> None:
    doc = {"models": [1, {"id": 7}, {}, ["gpt4"], None, {"id": "ok", "fallback": {}}]}
    assert both_issues(doc, "reliability.ensemble") == [
        ("models[0]", "type"),
        ("models[1].id", "type"),
        ("models[2].id", "required"),
        ("models[3]", "type"),
        ("models[4]", "type"),
        ("models[5].fallback.id", "required"),
    ]


@pytest.mark.parametrize("depth", [150, ir.MAX_DEPTH - 3, ir.MAX_DEPTH - 2])
def test_a_fallback_chain_in_models_has_the_usual_depth_limit(depth: int) -> None:
    chain = '{"id": "b", "fallback": ' * depth + '{"id": "last"}' + "}" * depth
    text = '{"models": ["a", ' + chain + "]}"
    decoders = [
        lambda: ir.from_json(text, "reliability.ensemble"),
        lambda: ir.from_json(text, "reliability.ensemble", strict=True),
        lambda: ir.from_dict(json.loads(text), "reliability.ensemble"),
    ]
    for decode in decoders:  # every decoder agrees
        if depth + 3 <= ir.MAX_DEPTH:  # the ensemble, its models, the refs of the chain
            assert decode() == ir.from_dict(json.loads(text), "reliability.ensemble")
            continue
        with pytest.raises(ir.DecodeError) as info:
            decode()
        assert [i.code for i in info.value.errors] == [ir.IssueCode.SYNTAX]
        assert info.value.errors[0].path.startswith("models[1].fallback.fallback")


def test_null_accepted_for_fields_defaulting_to_none() -> None:
    doc = {
        **MINIMAL["experiment"],
        "description": None,
        "tags": None,
        "reliability": None,
        "outputs": None,
        "created_at": None,
        "baseline": None,
    }
    exp = ir.from_json(json.dumps(doc), "experiment")
    assert exp == ir.from_json(json.dumps(MINIMAL["experiment"]), "experiment")


def test_null_list_item_is_a_type_error() -> None:
    assert both_issues({"tests": [None]}, "reliability.stats") == [("tests[0]", "type")]
    assert both_issues({**MINIMAL["experiment"], "pipeline": [None]}, "experiment") == [
        ("pipeline[0]", "type")
    ]


# -- timestamps -----------------------------------------------------------------------------------

TS_DOC = MINIMAL["model_version"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2024-03-15T09:30:00Z",
            datetime.datetime(2024, 3, 15, 9, 30, tzinfo=datetime.timezone.utc),
        ),
        (
            "2024-03-15T09:30:00.123456Z",
            datetime.datetime(2024, 3, 15, 9, 30, 0, 123456, tzinfo=datetime.timezone.utc),
        ),
        (
            "2024-03-15T11:30:00+02:00",
            datetime.datetime(2024, 3, 15, 9, 30, tzinfo=datetime.timezone.utc),
        ),
        (
            "2024-03-15T04:00:00-05:30",
            datetime.datetime(2024, 3, 15, 9, 30, tzinfo=datetime.timezone.utc),
        ),
        (
            "2024-03-15T09:30:00+00:00",
            datetime.datetime(2024, 3, 15, 9, 30, tzinfo=datetime.timezone.utc),
        ),
        (
            "2024-03-15T09:30:00.5Z",
            datetime.datetime(2024, 3, 15, 9, 30, 0, 500000, tzinfo=datetime.timezone.utc),
        ),
    ],
)
def test_timestamps_with_z_or_numeric_offset(text: str, expected: datetime.datetime) -> None:
    mv = ir.from_json(json.dumps({**TS_DOC, "created_at": text}), "model_version")
    assert mv.created_at == expected
    assert mv.created_at.utcoffset() == helpers.instant(text).utcoffset()
    assert ir.from_dict({**TS_DOC, "created_at": text}, "model_version") == mv


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-15T09:30:00",  # no offset
        "2024-03-15T09:30:00.123456",  # no offset
        "2024-03-15",
        "yesterday",
        "",
        "2024-13-01T00:00:00Z",
        "2024-02-30T00:00:00Z",
        "2024-03-15T25:00:00Z",
        "15/03/2024 09:30 UTC",
        "2024-03-15T09:30:00+25:00",
    ],
)
def test_bad_timestamps_are_format_decode_errors(text: str) -> None:
    doc = {**TS_DOC, "created_at": text}
    assert both_issues(doc, "model_version") == [("created_at", "format")]


def test_timestamp_of_the_wrong_json_type() -> None:
    assert both_issues({**TS_DOC, "created_at": 1710495000}, "model_version") == [
        ("created_at", "type")
    ]


def test_timestamp_problems_at_nested_paths() -> None:
    doc = {
        **MINIMAL["experiment"],
        "created_at": "2024-01-01T00:00:00",
        "model_version": {**TS_DOC, "created_at": "garbage"},
    }
    assert sorted(both_issues(doc, "experiment")) == [
        ("created_at", "format"),
        ("model_version.created_at", "format"),
    ]


UTC = datetime.timezone.utc


def _every_decoder(doc: dict[str, Any], type_name: str) -> list[Any]:
    """The object from from_json (str and bytes, lax and strict) and from_dict, all equal."""
    text = json.dumps(doc)
    objs = [
        ir.from_json(data, type_name, strict=strict)
        for data in (text, text.encode())
        for strict in (False, True)
    ]
    objs += [ir.from_dict(doc, type_name, strict=strict) for strict in (False, True)]
    assert objs == [objs[0]] * len(objs)
    return objs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The reference keeps microseconds and drops the digits past the sixth: it
        # truncates where rounding would move the value up (by one microsecond, or
        # across a second, a day, a year).
        ("2024-03-15T09:30:00.1234565Z", datetime.datetime(2024, 3, 15, 9, 30, 0, 123456, UTC)),
        ("2024-03-15T09:30:00.1234569Z", datetime.datetime(2024, 3, 15, 9, 30, 0, 123456, UTC)),
        ("2024-03-15T09:30:00.1234561Z", datetime.datetime(2024, 3, 15, 9, 30, 0, 123456, UTC)),
        ("2024-03-15T09:30:00.123456789Z", datetime.datetime(2024, 3, 15, 9, 30, 0, 123456, UTC)),
        ("2024-03-15T09:30:00.0000009Z", datetime.datetime(2024, 3, 15, 9, 30, 0, 0, UTC)),
        ("2024-12-31T23:59:59.9999999Z", datetime.datetime(2024, 12, 31, 23, 59, 59, 999999, UTC)),
        (
            "2024-03-15T09:30:00.99999999999999999999+02:00",
            datetime.datetime(
                2024, 3, 15, 9, 30, 0, 999999, datetime.timezone(datetime.timedelta(hours=2))
            ),
        ),
        ("2024-03-15 09:30:00.1234567z", datetime.datetime(2024, 3, 15, 9, 30, 0, 123456, UTC)),
        # The largest instant: rounded it would not exist, truncated it is valid.
        ("9999-12-31T23:59:59.9999999Z", datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, UTC)),
    ],
)
def test_more_than_six_fractional_digits_are_truncated(
    text: str, expected: datetime.datetime
) -> None:
    obj = _every_decoder({**TS_DOC, "created_at": text}, "model_version")[0]
    assert obj.created_at == expected
    assert obj.created_at.utcoffset() == expected.utcoffset()
    assert ir.errors(obj) == []
    written = json.loads(ir.to_json(obj))["created_at"]
    assert helpers.instant(written) == expected
    assert ir.from_json(ir.to_json(obj), "model_version") == obj


def test_truncation_everywhere_in_a_document() -> None:
    doc = {
        **MINIMAL["experiment"],
        # A float and a text with seven digits after a point are not timestamps.
        "metadata": {"ratio": 0.123456789, "note": "at 12:00:00.1234567"},
        "created_at": "2024-03-15T09:30:00.1234567Z",
        "updated_at": "2024-03-15T09:30:00.9999999Z",
        "model_version": {**TS_DOC, "created_at": "2024-03-15T09:30:00.0000005Z"},
    }
    exp = _every_decoder(doc, "experiment")[0]
    assert exp.metadata == {"ratio": 0.123456789, "note": "at 12:00:00.1234567"}
    assert exp.created_at == datetime.datetime(2024, 3, 15, 9, 30, 0, 123456, UTC)
    assert exp.updated_at == datetime.datetime(2024, 3, 15, 9, 30, 0, 999999, UTC)
    assert exp.model_version is not None
    assert exp.model_version.created_at == datetime.datetime(2024, 3, 15, 9, 30, 0, 0, UTC)
    # Long floats alone leave a document on the fast path, read the same.
    plain = {**MINIMAL["experiment"], "metadata": {"ratio": 0.123456789}}
    _every_decoder(plain, "experiment")


def test_digits_written_as_escapes_are_truncated_too() -> None:
    for text in (
        '"2024-03-15T09:30:00.123456\\u0037Z"',
        '"2024-03-15T09:30:00\\u002e1234567Z"',
        '"2024-03-15T09:30:0\\u0030.1234567Z"',
    ):
        doc = '{"id": "v", "model_id": "m", "version": "1.0.0", "created_at": ' + text + "}"
        mv = ir.from_json(doc, "model_version")
        assert ir.from_json(doc, "model_version", strict=True) == mv
        assert ir.from_dict(json.loads(doc), "model_version") == mv
        assert mv.created_at == datetime.datetime(2024, 3, 15, 9, 30, 0, 123456, UTC)


def test_jsonl_records_truncate_like_documents(tmp_path: pathlib.Path) -> None:
    stamps = ["2024-03-15T09:30:00.1234567Z", "2024-03-15T09:30:00.120Z", "2024-03-15T09:30:00Z"]
    lines = [json.dumps({"id": f"e{i}", "timestamp": s}) for i, s in enumerate(stamps)]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    events = list(ir.iter_jsonl(path, "feedback.event"))
    assert [e.timestamp for e in events] == [
        datetime.datetime(2024, 3, 15, 9, 30, 0, 123456, UTC),
        datetime.datetime(2024, 3, 15, 9, 30, 0, 120000, UTC),
        datetime.datetime(2024, 3, 15, 9, 30, 0, 0, UTC),
    ]
    assert events == [ir.from_json(line, "feedback.event") for line in lines]


@pytest.mark.parametrize(
    ("written", "rewritten"),
    [
        # Python's datetime holds microseconds and not how many digits were written:
        # a fraction comes back with six digits, a zero one without any. The instant
        # is the same.
        ("2023-11-30T20:00:00.120Z", "2023-11-30T20:00:00.120000Z"),
        ("2024-04-01T12:00:00.5Z", "2024-04-01T12:00:00.500000Z"),
        ("2024-03-15T09:30:00.000000Z", "2024-03-15T09:30:00Z"),
        ("2024-03-15T09:30:00.000Z", "2024-03-15T09:30:00Z"),
        ("2024-03-15T09:30:00.123456Z", "2024-03-15T09:30:00.123456Z"),
        ("2024-03-15T09:30:00Z", "2024-03-15T09:30:00Z"),
        ("2024-03-15T09:30:00.1234567Z", "2024-03-15T09:30:00.123456Z"),
    ],
)
def test_fractions_are_written_with_six_digits_or_none(written: str, rewritten: str) -> None:
    mv = _every_decoder({**TS_DOC, "created_at": written}, "model_version")[0]
    assert json.loads(ir.to_json(mv))["created_at"] == rewritten
    assert ir.to_dict(mv)["created_at"] == rewritten
    assert helpers.instant(rewritten) == helpers.instant(written)  # (it truncates too)
    assert ir.from_json(ir.to_json(mv), "model_version") == mv


def test_from_dict_accepts_datetime_objects() -> None:
    aware = datetime.datetime(
        2024, 3, 15, 9, 30, 0, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=-3))
    )
    mv = ir.from_dict({**TS_DOC, "created_at": aware}, "model_version")
    assert mv.created_at == aware
    assert mv.created_at.utcoffset() == datetime.timedelta(hours=-3)
    assert dict_issues(
        {**TS_DOC, "created_at": datetime.datetime(2024, 1, 1)}, "model_version"
    ) == [("created_at", "format")]


# -- numbers --------------------------------------------------------------------------------------


def test_big_integers_are_exact() -> None:
    doc = (
        f'{{"id": "m", "metadata": {{"a": 9007199254740993, "b": {10**30}, "c": [-{10**40}], '
        '"d": {"e": 18446744073709551616}}}'
    )
    ref = ir.from_json(doc, "model_ref")
    assert ref.metadata == {"a": 9007199254740993, "b": 10**30, "c": [-(10**40)], "d": {"e": 2**64}}
    assert all(type(v) is int for v in (ref.metadata["a"], ref.metadata["b"], ref.metadata["c"][0]))
    cfg = ir.from_json(
        json.dumps({**MINIMAL["training.config"], "seed": 9007199254740993}), "training.config"
    )
    assert cfg.seed == 9007199254740993
    assert type(cfg.seed) is int


@pytest.mark.parametrize(
    ("type_name", "field", "text", "value"),
    [
        ("feedback.config", "sampling_rate", "1", 1),
        ("feedback.config", "sampling_rate", "1.0", 1.0),
        ("feedback.config", "sampling_rate", "0", 0),
        ("reliability.stats", "alpha", "1", 1),
        ("reliability.stats", "alpha", "0.05", 0.05),
        ("reliability.hedging", "percentile", "99", 99),
        ("reliability.hedging", "percentile", "95.0", 95.0),
        ("reliability.hedging", "budget_percent", "10", 10),
        ("training.config", "learning_rate", "1", 1),
        ("training.config", "learning_rate", "1.0e-5", 1e-5),
        ("training.config", "learning_rate", "1E-5", 1e-5),
        ("deployment.status", "traffic_percent", "50", 50),
        ("deployment.status", "traffic_percent", "50.0", 50.0),
    ],
)
def test_ints_stay_ints_and_floats_stay_floats(
    type_name: str, field: str, text: str, value: Any
) -> None:
    base = json.dumps(MINIMAL[type_name])[:-1]
    doc = f'{base}{", " if MINIMAL[type_name] else ""}"{field}": {text}}}'
    obj = ir.from_json(doc, type_name)
    got = getattr(obj, field)
    assert type(got) is type(value)
    assert got == value
    assert helpers.same(json.loads(ir.to_json(obj))[field], value)


def test_numbers_in_opaque_maps_keep_their_kind() -> None:
    ref = ir.from_json(
        '{"id": "b", "options": {"i": 1, "f": 1.0, "e": 1e2, "n": -0.0, "t": true}}', "backend_ref"
    )
    assert ref.options is not None
    assert helpers.same(ref.options, {"i": 1, "f": 1.0, "e": 100.0, "n": -0.0, "t": True})


def test_weights_keep_their_kind() -> None:
    ens = ir.from_json('{"weights": {"a": 1, "b": 0.5}}', "reliability.ensemble")
    assert helpers.same(ens.weights, {"a": 1, "b": 0.5})


# -- decoding does not apply value rules ----------------------------------------------------------


@pytest.mark.parametrize(
    ("type_name", "changes", "issues"),
    [
        ("reliability.stats", {"alpha": 1.5}, [("alpha", "range")]),
        ("reliability.ensemble", {"strategy": "bogus"}, [("strategy", "enum")]),
        ("training.config", {"epochs": 0}, [("epochs", "range")]),
        ("model_version", {"version": "v1.0.0"}, [("version", "format")]),
        ("backend_ref", {"id": ""}, [("id", "empty")]),
        ("backend_ref", {"endpoint_url": "ftp://x"}, [("endpoint_url", "format")]),
        ("experiment", {"pipeline": []}, [("pipeline", "empty")]),
        (
            "experiment",
            {"pipeline": [{"name": "a"}, {"name": "a"}]},
            [("pipeline[1].name", "consistency")],
        ),
        (
            "deployment.status",
            {"ready_replicas": 2, "total_replicas": 1},
            [("ready_replicas", "consistency")],
        ),
    ],
)
def test_value_rules_are_for_validate_not_decoding(
    type_name: str, changes: dict[str, Any], issues: list[tuple[str, str]]
) -> None:
    doc = {**MINIMAL[type_name], **changes}
    for obj in (ir.from_json(json.dumps(doc), type_name), ir.from_dict(doc, type_name)):
        assert [(i.path, str(i.code)) for i in ir.errors(obj)] == issues


# -- unknown keys ---------------------------------------------------------------------------------


def test_unknown_keys_are_ignored_by_default() -> None:
    doc = {
        **MINIMAL["experiment"],
        "extra_top": {"x": 1},
        "backend": {"id": "b", "region": "eu"},
        "pipeline": [{"name": "a", "retries": 3}],
        "reliability": {"stats": {"alpah": 0.1}},
    }
    exp = ir.from_json(json.dumps(doc), "experiment")
    assert exp == ir.from_dict(doc, "experiment")
    assert exp.backend == ir.BackendRef(id="b")
    assert exp.reliability == reliability.Config(stats=reliability.Stats())
    assert "extra_top" not in ir.to_dict(exp)


def test_strict_reports_each_unknown_key_with_did_you_mean() -> None:
    doc = {"strateggy": "fixed", "delay_ms": 10, "zzzzzz": 1, "options": {"anything": 1}}
    for kind, call in (
        ("json", lambda: ir.from_json(json.dumps(doc), "reliability.hedging", strict=True)),
        ("dict", lambda: ir.from_dict(doc, "reliability.hedging", strict=True)),
    ):
        with pytest.raises(ir.DecodeError) as info:
            call()
        by_path = {i.path: i for i in info.value.errors}
        assert set(by_path) == {"strateggy", "zzzzzz"}, kind
        assert all(i.code == "unknown_field" for i in info.value.errors)
        assert "did you mean" in by_path["strateggy"].message
        assert (
            "`strategy`" in by_path["strateggy"].message
            or "'strategy'" in by_path["strateggy"].message
        )
        assert "did you mean" not in by_path["zzzzzz"].message


def test_strict_reports_unknown_keys_at_nested_paths() -> None:
    doc = {
        **MINIMAL["experiment"],
        "descripton": "x",
        "backend": {"id": "b", "fallback": {"id": "c", "profle": "fast"}},
        "pipeline": [{"name": "a"}, {"name": "b", "enabeld": False}],
        "reliability": {"stats": {"alpah": 0.1}, "feedback": {"sampling": 1}},
        "metadata": {"free": {"form": 1}},  # opaque: never reported
    }
    issues = both_issues(doc, "experiment", strict=True)
    assert sorted(issues) == sorted(
        [
            ("descripton", "unknown_field"),
            ("backend.fallback.profle", "unknown_field"),
            ("pipeline[1].enabeld", "unknown_field"),
            ("reliability.stats.alpah", "unknown_field"),
            ("reliability.feedback.sampling", "unknown_field"),
        ]
    )
    with pytest.raises(ir.DecodeError) as info:
        ir.from_json(json.dumps(doc), "experiment", strict=True)
    messages = {i.path: i.message for i in info.value.errors}
    assert "description" in messages["descripton"]
    assert "profile" in messages["backend.fallback.profle"]
    assert "enabled" in messages["pipeline[1].enabeld"]
    assert "alpha" in messages["reliability.stats.alpah"]


def test_strict_reports_unknown_keys_together_with_other_problems() -> None:
    doc = {"id": 1, "profle": "x", "fallback": {"id": "y", "idd": 2}}
    assert sorted(both_issues(doc, "backend_ref", strict=True)) == [
        ("fallback.idd", "unknown_field"),
        ("id", "type"),
        ("profle", "unknown_field"),
    ]


def test_strict_accepts_a_clean_document() -> None:
    for type_name, doc in MINIMAL.items():
        assert ir.from_json(json.dumps(doc), type_name, strict=True) == ir.from_json(
            json.dumps(doc), type_name
        )


# -- hostile input --------------------------------------------------------------------------------

N = 100_000


def _outcome(call: Any) -> Any:
    """The decoded object, or the DecodeError raised (any other exception propagates)."""
    try:
        return call()
    except ir.DecodeError as exc:
        return exc


def _never_crashes(call: Any) -> Any:
    result = _outcome(call)
    if isinstance(result, ir.DecodeError):
        assert result.errors
    return result


@pytest.mark.parametrize("strict", [False, True])
def test_deep_fallback_chain_never_recursion_error(strict: bool) -> None:
    doc = '{"id": "a", "fallback": ' * N + '{"id": "z"}' + "}" * N
    result = _never_crashes(lambda: ir.from_json(doc, "backend_ref", strict=strict))
    assert isinstance(result, (ir.BackendRef, ir.DecodeError))
    exp_doc = '{"id": "e", "pipeline": [{"name": "a"}], "backend": ' + doc + "}"
    result = _never_crashes(lambda: ir.from_json(exp_doc, "experiment", strict=strict))
    assert isinstance(result, (ir.Experiment, ir.DecodeError))


@pytest.mark.parametrize("strict", [False, True])
def test_deep_options_map_never_recursion_error(strict: bool) -> None:
    doc = '{"id": "a", "options": ' + '{"a": ' * N + "1" + "}" * N + "}"
    result = _never_crashes(lambda: ir.from_json(doc, "backend_ref", strict=strict))
    assert isinstance(result, (ir.BackendRef, ir.DecodeError))
    doc = '{"id": "a", "feedback_value": ' + "[" * N + "]" * N + "}"
    result = _never_crashes(lambda: ir.from_json(doc, "feedback.event", strict=strict))
    assert isinstance(result, (ir.feedback.Event, ir.DecodeError))


def test_deep_structures_from_dict_never_recursion_error() -> None:
    chain: dict[str, Any] = {"id": "z"}
    for _ in range(N):
        chain = {"id": "a", "fallback": chain}
    assert isinstance(
        _never_crashes(lambda: ir.from_dict(chain, "backend_ref")), (ir.BackendRef, ir.DecodeError)
    )
    nested: Any = 1
    for _ in range(N):
        nested = {"a": [nested]}
    result = _never_crashes(lambda: ir.from_dict({"id": "a", "options": nested}, "backend_ref"))
    assert isinstance(result, (ir.BackendRef, ir.DecodeError))


def test_moderately_deep_documents_decode() -> None:
    doc = '{"id": "a", "fallback": ' * 50 + '{"id": "z"}' + "}" * 50
    ref = ir.from_json(doc, "backend_ref")
    depth = 0
    while ref.fallback is not None:
        ref, depth = ref.fallback, depth + 1
    assert (depth, ref.id) == (50, "z")
    opts = '{"id": "a", "options": ' + '{"a": ' * 100 + "1" + "}" * 100 + "}"
    assert ir.from_json(opts, "backend_ref").options is not None


FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(st.binary(max_size=200), st.sampled_from(sorted(MINIMAL)))
def test_any_bytes_decode_or_raise_decode_error(data: bytes, type_name: str) -> None:
    for strict in (False, True):
        result = _never_crashes(functools.partial(ir.from_json, data, type_name, strict=strict))
        if not isinstance(result, ir.DecodeError):
            assert type(result).__ir_type__ == type_name


@FUZZ
@given(st.sampled_from(sorted(MINIMAL)), st.data())
def test_mutated_documents_decode_or_raise_decode_error(
    type_name: str, data: st.DataObject
) -> None:
    """Replace one value anywhere in a valid document by an arbitrary JSON value."""
    doc = ir.to_dict(data.draw(strategies.STRATEGIES[type_name]))
    paths = list(_paths(doc))
    path = data.draw(st.sampled_from(paths))
    value = data.draw(strategies.json_values)
    mutated = _set(doc, path, value)
    for call in (
        lambda: ir.from_json(json.dumps(mutated), type_name),
        lambda: ir.from_dict(mutated, type_name),
        lambda: ir.from_json(json.dumps(mutated), type_name, strict=True),
    ):
        result = _never_crashes(call)
        if isinstance(result, ir.DecodeError):
            assert all(isinstance(i.path, str) and i.message for i in result.errors)
        else:
            # Whatever decodes, encodes, and errors() gives a verdict without crashing.
            assert isinstance(ir.errors(result), list)
            assert ir.from_json(ir.to_json(result), type_name) == result


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Any:
    yield prefix
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, (*prefix, i))


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: _set(data[head], rest, value)}
    copy = list(data)
    copy[head] = _set(data[head], rest, value)
    return copy


# -- input kinds ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        '{"id": "x", "profile": "fast"}',
        b'{"id": "x", "profile": "fast"}',
        bytearray(b'{"id": "x", "profile": "fast"}'),
        memoryview(b'{"id": "x", "profile": "fast"}'),
    ],
)
def test_from_json_accepts_str_bytes_and_bytearray(data: Any) -> None:
    assert ir.from_json(data, "backend_ref") == ir.BackendRef(id="x", profile="fast")
    assert ir.from_json(data, ir.BackendRef) == ir.BackendRef(id="x", profile="fast")


def test_from_json_non_ascii_text_and_bytes() -> None:
    text = '{"name": "データ — é 🚀\\u2028"}'
    assert ir.from_json(text, "dataset_ref").name == "データ — é 🚀\u2028"
    assert ir.from_json(text.encode("utf-8"), "dataset_ref").name == "データ — é 🚀\u2028"


@pytest.mark.parametrize("data", [{"id": "x"}, 1, None, ["{}"]])
def test_from_json_rejects_non_text(data: Any) -> None:
    with pytest.raises(TypeError):
        ir.from_json(data, "backend_ref")


def test_from_dict_rejects_non_json_values_in_opaque_maps() -> None:
    assert dict_issues({"id": "x", "options": {"a": object()}}, "backend_ref") == [
        ("options.a", "type")
    ]
    assert dict_issues({"id": "x", "options": {1: "a"}}, "backend_ref") == [("options", "type")]
    assert dict_issues({"id": "x", "options": {"a": [float("nan")]}}, "backend_ref") == [
        ("options.a[0]", "range")
    ]
    assert dict_issues({"id": "e", "feedback_value": {"a": {1, 2}}}, "feedback.event") == [
        ("feedback_value.a", "type")
    ]
    assert dict_issues({"alpha": float("inf")}, "reliability.stats") == [("alpha", "range")]


@pytest.mark.parametrize("data", [[{"id": "x"}], "x", None, 1, ir.BackendRef(id="x")])
def test_from_dict_rejects_a_non_dict_top_level(data: Any) -> None:
    assert dict_issues(data, "backend_ref") == [("", "type")]


def test_from_dict_accepts_to_dict_output_of_every_minimal_type() -> None:
    for type_name, doc in MINIMAL.items():
        obj = ir.from_dict(doc, type_name)
        assert ir.from_dict(ir.to_dict(obj), type_name) == obj


def test_unknown_type_name() -> None:
    with pytest.raises(ValueError, match="did you mean") as info:
        ir.from_dict({}, "reliabilty.config")
    assert "reliability.config" in str(info.value)
    with pytest.raises(ValueError, match="did you mean"):
        ir.from_json("{}", "stage_deff")


def test_type_given_as_a_non_ir_class() -> None:
    with pytest.raises(TypeError):
        ir.from_json("{}", dict)  # type: ignore[call-overload]


def test_a_syntax_error_is_reported_before_the_nesting_of_broken_text() -> None:
    """Broken text is not measured for depth (a count made for valid text): its error is said."""
    text = b'{"id": "x", "metadata": ' + b"[" * 600 + b"}"
    with pytest.raises(ir.DecodeError) as info:
        ir.from_json(text, "backend_ref")
    [issue] = info.value.errors
    assert issue.message.startswith("malformed JSON")
    assert issue.column == len(text)
