"""Golden interop data written by the Elixir reference (``../shared/interop``).

Every non-backend round-trip fixture decodes, re-encodes to the same JSON data
(integers and floats, booleans and integers told apart) and, apart from the
spelling of floats, to the reference's exact bytes; every invalid document is
rejected at the expected path; every normalization vector behaves as we
document. Where our stricter rules deliberately differ from the reference, the
tables below say so, with the reason.
"""

from __future__ import annotations

import datetime
import json
import pathlib
import sys
from typing import Any

import pytest

import crucible_ir as ir

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import helpers

ROOT = helpers.INTEROP
pytestmark = pytest.mark.skipif(
    not (ROOT / "manifest.json").is_file(), reason=f"interop data not found at {ROOT}"
)

ENTRIES = [e for e in helpers.manifest() if not e["type"].startswith("backend.")]

# Fixtures where our verdict differs from the reference's, with exactly the
# issues we report and why.
PERCENTILE_95 = "hedging percentile 95.0 is a percentage; our rule wants a fraction in [0, 1]"
VALIDITY_DIFFERENCES: dict[str, tuple[list[tuple[str, str]], str]] = {
    "reference/experiment/full.json": (
        [("reliability.hedging.percentile", "range")],
        PERCENTILE_95,
    ),
    "reference/reliability.config/full.json": ([("hedging.percentile", "range")], PERCENTILE_95),
    "reference/reliability.hedging/full.json": ([("percentile", "range")], PERCENTILE_95),
    "reference/reliability.ensemble/string_weight_keys.json": (
        [('weights["claude-3.5-haiku"]', "consistency"), ("weights.gpt-4o-mini", "consistency")],
        "weights are keyed by names that are not among models (gpt4o_mini, claude_haiku)",
    ),
    "reference/reliability.hedging/exponential_backoff.json": (
        [],
        "we ACCEPT exponential_backoff: the spec lists it as a hedging strategy; the "
        "reference's allowed list forgot it (reference_valid false)",
    ),
}


def _issues(obj: Any) -> list[tuple[str, str]]:
    return [(i.path, str(i.code)) for i in ir.errors(obj)]


def _compact(text: str) -> str:
    """The JSON text without insignificant whitespace (the reference's own bytes)."""
    out, in_string, escaped = [], False, False
    for char in text:
        if in_string:
            out.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            out.append(char)
        elif char not in " \t\r\n":
            out.append(char)
    return "".join(out)


def _floats_respelled(text: str) -> str:
    """Compact JSON with every float written as Python's repr (``1.0e-5`` -> ``1e-05``)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif char in "-0123456789":
            j = i
            while j < n and text[j] in "+-0123456789.eE":
                j += 1
            token = text[i:j]
            out.append(repr(float(token)) if any(c in token for c in ".eE") else token)
            i = j
        else:
            out.append(char)
            i += 1
    return "".join(out)


def test_manifest_covers_every_non_backend_type() -> None:
    names = {n for n in ir.type_names() if not n.startswith("backend.")}
    by_type: dict[str, set[str]] = {}
    for entry in ENTRIES:
        by_type.setdefault(entry["type"], set()).add(pathlib.Path(entry["file"]).stem)
        assert (ROOT / entry["file"]).is_file(), entry["file"]
    assert set(by_type) == names
    for type_name, cases in by_type.items():
        assert {"minimal", "full"} <= cases, type_name
    for file in VALIDITY_DIFFERENCES:
        assert file in {e["file"] for e in ENTRIES}, file


@pytest.fixture(params=ENTRIES, ids=[e["file"].removeprefix("reference/") for e in ENTRIES])
def entry(request: pytest.FixtureRequest) -> dict[str, Any]:
    return request.param  # type: ignore[no-any-return]


def _load(entry: dict[str, Any]) -> tuple[str, Any, Any]:
    text = (ROOT / entry["file"]).read_text(encoding="utf-8")
    return text, json.loads(text), ir.from_json(text, entry["type"])


def test_fixture_decodes_to_its_type(entry: dict[str, Any]) -> None:
    text, data, obj = _load(entry)
    assert type(obj).__ir_type__ == entry["type"]
    assert ir.from_json(text.encode("utf-8"), entry["type"]) == obj
    assert ir.from_dict(data, entry["type"]) == obj
    assert ir.from_json(text, entry["type"], strict=True) == obj


def test_fixture_reencodes_to_the_same_json_data(entry: dict[str, Any]) -> None:
    _, data, obj = _load(entry)
    differences = helpers.diff(json.loads(ir.to_json(obj)), data)
    assert differences == []
    assert helpers.diff(ir.to_dict(obj), data) == []
    assert helpers.diff(json.loads(ir.to_json(obj, indent=2)), data) == []


def test_fixture_reencodes_to_the_reference_bytes_but_for_float_spelling(
    entry: dict[str, Any],
) -> None:
    text, _, obj = _load(entry)
    reference = _compact(text)
    ours = ir.to_json(obj)
    assert _floats_respelled(ours) == _floats_respelled(reference)


def test_fixture_round_trips(entry: dict[str, Any]) -> None:
    _, _, obj = _load(entry)
    assert ir.from_json(ir.to_json(obj), entry["type"]) == obj
    assert ir.from_json(ir.to_json(obj), type(obj)) == obj
    assert ir.from_dict(ir.to_dict(obj), entry["type"]) == obj
    assert ir.to_json(ir.from_json(ir.to_json(obj), entry["type"])) == ir.to_json(obj)


def test_fixture_validity_agrees_with_the_reference(entry: dict[str, Any]) -> None:
    _, _, obj = _load(entry)
    issues = _issues(obj)
    if entry["file"] in VALIDITY_DIFFERENCES:
        expected, _reason = VALIDITY_DIFFERENCES[entry["file"]]
        assert sorted(issues) == sorted(expected)
        assert (issues == []) != entry["reference_valid"], "listed as a difference but agrees"
    else:
        assert ir.is_valid(obj) == entry["reference_valid"], issues
        assert issues == []


def test_full_experiment_is_valid_once_the_percentile_is_a_fraction() -> None:
    obj = ir.from_json(
        (ROOT / "reference/experiment/full.json").read_text(encoding="utf-8"), "experiment"
    )
    assert obj.reliability is not None
    assert obj.reliability.hedging is not None
    assert obj.reliability.hedging.percentile == 95.0
    fixed = ir.replace(
        obj,
        reliability=ir.replace(
            obj.reliability, hedging=ir.replace(obj.reliability.hedging, percentile=0.95)
        ),
    )
    assert _issues(fixed) == []


def test_value_atom_fixture_reads_back_as_a_string() -> None:
    text = (ROOT / "reference/feedback.event/value_atom.json").read_text(encoding="utf-8")
    event = ir.from_json(text, "feedback.event")
    assert event.feedback_value == "up"
    assert type(event.feedback_value) is str


# -- invalid documents ----------------------------------------------------------------------------

# file stem -> (where we reject it, the issues). "decode": from_json raises DecodeError;
# "validate": it decodes and errors() lists the issues; "accept": a deliberate difference.
INVALID: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "01_experiment_backend_null": ("decode", [("backend", "required")]),
    "03_experiment_empty_pipeline": ("validate", [("pipeline", "empty")]),
    "05_experiment_stage_null_name": ("validate", [("pipeline[0].name", "required")]),
    "07_experiment_id_empty_string": ("validate", [("id", "empty")]),
    "09_experiment_full_stage_null_name": (
        "validate",
        [("pipeline[1].name", "required"), ("reliability.hedging.percentile", "range")],
    ),
    "11_experiment_full_ensemble_execution_mode_bogus": (
        "validate",
        [
            ("reliability.ensemble.execution_mode", "enum"),
            ("reliability.hedging.percentile", "range"),
        ],
    ),
    "13_experiment_full_stats_alpha_1_5": (
        "validate",
        [("reliability.stats.alpha", "range"), ("reliability.hedging.percentile", "range")],
    ),
    "15_experiment_full_backend_id_null": (
        "validate",
        [("backend.id", "required"), ("reliability.hedging.percentile", "range")],
    ),
    "17_experiment_pipeline_not_a_list": ("decode", [("pipeline", "type")]),
    "19_backend_ref_missing_id_key": ("decode", [("id", "required")]),
    "21_output_spec_name_null": ("validate", [("name", "required")]),
    "23_reliability_config_many_errors": (
        "validate",
        [
            ("ensemble.strategy", "enum"),
            ("hedging.strategy", "enum"),
            ("hedging.percentile", "range"),
            ("stats.alpha", "range"),
            ("feedback.sampling_rate", "range"),
        ],
    ),
    "25_ensemble_execution_mode_bogus": ("validate", [("execution_mode", "enum")]),
    # Deliberate difference: the spec lists exponential_backoff as a hedging strategy.
    "27_hedging_strategy_exponential_backoff": ("accept", []),
    "29_stats_alpha_negative": ("validate", [("alpha", "range")]),
    "31_model_ref_id_null": ("validate", [("id", "required")]),
    # An empty version is not a SemVer string (the field has no separate emptiness rule).
    "33_model_version_version_empty": ("validate", [("version", "format")]),
    "35_model_version_v_prefix": ("validate", [("version", "format")]),
    "37_training_config_learning_rate_negative": ("validate", [("learning_rate", "range")]),
    "39_training_config_batch_size_0": ("validate", [("batch_size", "range")]),
    "41_training_run_status_bogus": ("validate", [("status", "enum")]),
    "43_deployment_config_replicas_0": ("validate", [("replicas", "range")]),
    "45_deployment_config_ids_null": (
        "validate",
        [("id", "required"), ("model_version_id", "required")],
    ),
    "47_deployment_status_state_is_health_value": ("validate", [("state", "enum")]),
    "49_feedback_config_sampling_rate_negative": ("validate", [("sampling_rate", "range")]),
    "51_feedback_event_id_null": ("validate", [("id", "required")]),
}

INVALID_FILES = (
    sorted(
        p
        for p in (ROOT / "invalid").glob("*.json")
        if not helpers.load_json(p)["type"].startswith("backend.")
    )
    if (ROOT / "invalid").is_dir()
    else []
)


def test_every_invalid_document_has_an_expectation() -> None:
    assert {p.stem for p in INVALID_FILES} == set(INVALID)


@pytest.mark.parametrize("path", INVALID_FILES, ids=[p.stem for p in INVALID_FILES])
def test_invalid_document_is_rejected(path: pathlib.Path) -> None:
    case = helpers.load_json(path)
    where, expected = INVALID[path.stem]
    text = json.dumps(case["document"])
    if where == "decode":
        with pytest.raises(ir.DecodeError) as info:
            ir.from_json(text, case["type"])
        assert sorted((i.path, str(i.code)) for i in info.value.errors) == sorted(expected)
        with pytest.raises(ir.DecodeError):
            ir.from_dict(case["document"], case["type"])
        return
    obj = ir.from_json(text, case["type"])
    assert ir.from_dict(case["document"], case["type"]) == obj
    issues = _issues(obj)
    assert sorted(issues) == sorted(expected)
    assert len(issues) == len(expected)
    if where == "accept":
        assert ir.validate(obj) is obj
    else:
        with pytest.raises(ir.ValidationError) as info:
            ir.validate(obj)
        assert len(info.value.errors) == len(expected)


def test_invalid_document_notes_match_the_paths() -> None:
    """The notes say which field was broken; our paths point at it."""
    notes = {p.stem: helpers.load_json(p)["notes"] for p in INVALID_FILES}
    assert "second of three stages" in notes["09_experiment_full_stage_null_name"]
    assert "execution_mode" in notes["11_experiment_full_ensemble_execution_mode_bogus"]
    assert "alpha 1.5" in notes["13_experiment_full_stats_alpha_1_5"]
    assert "backend.id" in notes["15_experiment_full_backend_id_null"]
    for stem, (where, _) in INVALID.items():
        case = helpers.load_json(ROOT / "invalid" / f"{stem}.json")
        if case["rejected_by"] == "from_json":
            # The reference could not even build these: we reject them while decoding too.
            assert where == "decode", stem


# -- normalization vectors ------------------------------------------------------------------------

# file stem -> expectation:
#   ("decode", issues): from_json raises DecodeError with exactly these issues;
#   ("output", issues, timestamps): it decodes; to_json equals the reference output as data,
#     except the listed timestamp fields, which are equal as instants; errors() gives issues.
NORMALIZATION: dict[str, tuple[Any, ...]] = {
    # We keep the given offset; the instant equals the reference's UTC value.
    "01_experiment_datetime_with_offset": (
        "output",
        [],
        {"created_at": "2024-03-15T11:30:00+02:00"},
    ),
    # The reference keeps an unparseable string; a typed field must hold a timestamp.
    "03_experiment_datetime_garbage": ("decode", [("updated_at", "format")]),
    "05_experiment_unknown_keys_dropped": ("output", [], {}),
    # An explicit null is kept in a name field with a default (the reference writes a nil
    # name so) and reported by validation; a boolean field with a default refuses it.
    "07_backend_ref_profile_null_kept": ("output", [("profile", "type")], {}),
    "09_stage_def_enabled_null_kept": ("decode", [("enabled", "type")]),
    # Kinds are kept (99 stays an integer); a percentile of 99 is out of [0, 1] for us.
    "11_reliability.hedging_integer_and_float_kept": ("output", [("percentile", "range")], {}),
    # We write microsecond precision: .5 becomes .500000, the same instant.
    "15_deployment.status_one_digit_fraction_preserved": (
        "output",
        [],
        {"last_health_check": "2024-04-01T12:00:00.500000Z"},
    ),
    # accepted_*: the reference's validation is shallow; ours is deep.
    "17_experiment_accepted_nested_model_version_bad_semver": (
        "output",
        [("model_version.version", "format"), ("reliability.hedging.percentile", "range")],
        {},
    ),
    "19_experiment_accepted_nested_dataset_name_empty": (
        "output",
        [("dataset.name", "empty"), ("reliability.hedging.percentile", "range")],
        {},
    ),
    # A null required identifier is kept (the reference reads it as nil) and reported.
    "21_experiment_accepted_nested_baseline_id_null": (
        "output",
        [("baseline.id", "required"), ("reliability.hedging.percentile", "range")],
        {},
    ),
    "23_backend_ref_accepted_fallback_id_null": ("output", [("fallback.id", "required")], {}),
    "25_feedback.event_accepted_id_integer": ("decode", [("id", "type")]),
    "27_training.run_accepted_nested_config_epochs_0": ("output", [("config.epochs", "range")], {}),
    "29_reliability.hedging_accepted_negative_delay": (
        "output",
        [("delay_ms", "range"), ("max_hedges", "range")],
        {},
    ),
}

NORMALIZATION_FILES = (
    sorted(
        p
        for p in (ROOT / "normalization").glob("*.json")
        if not helpers.load_json(p)["type"].startswith("backend.")
    )
    if (ROOT / "normalization").is_dir()
    else []
)


def test_every_normalization_vector_has_an_expectation() -> None:
    assert {p.stem for p in NORMALIZATION_FILES} == set(NORMALIZATION)
    for stem, expectation in NORMALIZATION.items():
        if "accepted_" in stem:
            # Every leniency of the reference is a deliberate difference here: we reject.
            assert expectation[1], stem


@pytest.mark.parametrize("path", NORMALIZATION_FILES, ids=[p.stem for p in NORMALIZATION_FILES])
def test_normalization_vector(path: pathlib.Path) -> None:
    case = helpers.load_json(path)
    expectation = NORMALIZATION[path.stem]
    text = json.dumps(case["input"], ensure_ascii=False)
    if expectation[0] == "decode":
        with pytest.raises(ir.DecodeError) as info:
            ir.from_json(text, case["type"])
        assert sorted((i.path, str(i.code)) for i in info.value.errors) == sorted(expectation[1])
        with pytest.raises(ir.DecodeError):
            ir.from_dict(case["input"], case["type"])
        return
    _, issues, timestamps = expectation
    obj = ir.from_json(text, case["type"])
    assert ir.from_dict(case["input"], case["type"]) == obj
    assert sorted(_issues(obj)) == sorted(issues)
    ours = json.loads(ir.to_json(obj))
    reference = case["reference_output"]
    for field, written in timestamps.items():
        assert ours[field] == written
        assert helpers.instant(ours[field]) == helpers.instant(reference[field])
        ours[field] = reference[field]
    assert helpers.diff(ours, reference) == []
    # And what we write reads back to the same object.
    assert ir.from_json(ir.to_json(obj), case["type"]) == obj


def test_unknown_keys_vector_under_strict_decoding() -> None:
    case = helpers.load_json(ROOT / "normalization" / "05_experiment_unknown_keys_dropped.json")
    with pytest.raises(ir.DecodeError) as info:
        ir.from_json(json.dumps(case["input"]), "experiment", strict=True)
    assert sorted((i.path, str(i.code)) for i in info.value.errors) == [
        ("backend.region", "unknown_field"),
        ("extra_top", "unknown_field"),
        ("pipeline[0].retries", "unknown_field"),
    ]


def test_offset_vector_keeps_the_offset() -> None:
    case = helpers.load_json(ROOT / "normalization" / "01_experiment_datetime_with_offset.json")
    exp = ir.from_json(json.dumps(case["input"]), "experiment")
    assert exp.created_at is not None
    assert exp.created_at.utcoffset() == datetime.timedelta(hours=2)  # the +02:00 written
    assert exp.created_at == helpers.instant("2024-03-15T09:30:00Z")


# -- the general law ------------------------------------------------------------------------------

# Documents the reference wrote and its validate accepts that we still refuse to read, each
# with the issues and the rule of our contract that refuses it. Every other document in the
# interop data that the reference wrote decodes and re-encodes to the same data.
REFUSED: dict[str, tuple[list[tuple[str, str]], str]] = {
    "normalization/03_experiment_datetime_garbage.json": (
        [("updated_at", "format")],
        "a timestamp without an offset, or not a timestamp at all, is a DecodeError "
        "(API section 3; the reference keeps the raw string)",
    ),
    "normalization/09_stage_def_enabled_null_kept.json": (
        [("enabled", "type")],
        "a null boolean with a default stays a DecodeError (API section 3: the reference's "
        "own types exclude it)",
    ),
    "normalization/13_backend.prompt_options_null_kept.json": (
        [("options", "type")],
        "`options: null` in a prompt is a DecodeError (API section 7)",
    ),
    "normalization/25_feedback.event_accepted_id_integer.json": (
        [("id", "type")],
        "a value of the wrong JSON type is a DecodeError (API section 2)",
    ),
}

_STAMP = r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)"


def _instants(value: Any) -> Any:
    """JSON data with every timestamp string as its instant (``.5Z`` and ``.500000Z`` alike)."""
    import re

    if isinstance(value, dict):
        return {k: _instants(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_instants(v) for v in value]
    if isinstance(value, str) and re.fullmatch(_STAMP, value):
        return helpers.instant(value.replace(" ", "T").replace("t", "T").upper()).isoformat()
    return value


def _written_by_the_reference() -> list[tuple[str, str, Any, bool]]:
    """``(file, type, document, reference_valid)``: every document the reference wrote."""
    found = [
        (e["file"], e["type"], helpers.load_json(ROOT / e["file"]), e["reference_valid"])
        for e in helpers.manifest()
    ]
    for path in sorted((ROOT / "normalization").glob("*.json")):
        case = helpers.load_json(path)
        name = f"normalization/{path.name}"
        found.append((name, case["type"], case["reference_output"], case["reference_valid"]))
    return found


WRITTEN = _written_by_the_reference() if ROOT.is_dir() else []


def test_the_general_law_covers_all_the_interop_data() -> None:
    assert len(WRITTEN) >= 80
    assert {t for _, t, _, _ in WRITTEN} == set(ir.type_names())
    assert set(REFUSED) <= {f for f, _, _, _ in WRITTEN}
    for file in REFUSED:
        assert next(valid for f, _, _, valid in WRITTEN if f == file), file


@pytest.mark.parametrize(
    ("file", "type_name", "document"), [w[:3] for w in WRITTEN], ids=[w[0] for w in WRITTEN]
)
def test_every_document_the_reference_writes_is_read_and_written_back(
    file: str, type_name: str, document: Any
) -> None:
    text = json.dumps(document, ensure_ascii=False)
    if file in REFUSED:
        expected, _reason = REFUSED[file]
        with pytest.raises(ir.DecodeError) as info:
            ir.from_json(text, type_name)
        assert sorted((i.path, str(i.code)) for i in info.value.errors) == sorted(expected)
        with pytest.raises(ir.DecodeError):
            ir.from_dict(document, type_name)
        return
    obj = ir.from_json(text, type_name)
    assert ir.from_json(text, type_name, strict=True) == obj  # every key is known
    assert ir.from_dict(document, type_name) == obj
    # Re-encoded to the same data: every field, integers and floats apart; timestamps
    # are the same instants (fractions are written with six digits or none).
    assert helpers.diff(_instants(json.loads(ir.to_json(obj))), _instants(document)) == []
    assert helpers.diff(_instants(ir.to_dict(obj)), _instants(document)) == []
    assert ir.from_json(ir.to_json(obj), type_name) == obj
