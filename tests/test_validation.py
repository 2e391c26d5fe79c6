"""Validation (API section 4): for every rule, a valid case and the minimal change
that breaks exactly that rule, with the exact path and code of the one issue."""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Callable
from typing import Any

import pytest

import crucible_ir as ir
from crucible_ir import deployment, feedback, reliability, training

UTC = datetime.timezone.utc
T0 = datetime.datetime(2024, 3, 15, 9, 30, 0, 123456, tzinfo=UTC)


def _tcfg(**kw: Any) -> training.Config:
    return training.Config(
        **{
            "id": "t",
            "model_ref": ir.ModelRef(id="gpt2"),
            "dataset_ref": ir.DatasetRef(name="wiki"),
            **kw,
        }
    )


MAKERS: dict[str, Callable[..., Any]] = {
    "experiment": lambda **kw: ir.Experiment(
        **{
            "id": "exp",
            "backend": ir.BackendRef(id="gpt4"),
            "pipeline": [ir.StageDef(name="run")],
            **kw,
        }
    ),
    "backend_ref": lambda **kw: ir.BackendRef(**{"id": "gpt4", **kw}),
    "dataset_ref": lambda **kw: ir.DatasetRef(**{"name": "mmlu", **kw}),
    "stage_def": lambda **kw: ir.StageDef(**{"name": "run", **kw}),
    "output_spec": lambda **kw: ir.OutputSpec(**{"name": "report", **kw}),
    "reliability.config": reliability.Config,
    "reliability.ensemble": reliability.Ensemble,
    "reliability.hedging": reliability.Hedging,
    "reliability.stats": reliability.Stats,
    "reliability.fairness": reliability.Fairness,
    "reliability.guardrail": reliability.Guardrail,
    "model_ref": lambda **kw: ir.ModelRef(**{"id": "gpt2", **kw}),
    "model_version": lambda **kw: ir.ModelVersion(
        **{"id": "gpt2_1_0_0", "model_id": "gpt2", "version": "1.0.0", **kw}
    ),
    "training.config": _tcfg,
    "training.run": lambda **kw: training.Run(**{"id": "run", "config": _tcfg(), **kw}),
    "deployment.config": lambda **kw: deployment.Config(
        **{"id": "d", "model_version_id": "v1", **kw}
    ),
    "deployment.status": lambda **kw: deployment.Status(**{"id": "s", "deployment_id": "d", **kw}),
    "feedback.config": feedback.Config,
    "feedback.event": lambda **kw: feedback.Event(**{"id": "evt", **kw}),
}


def found(obj: Any) -> list[tuple[str, str]]:
    """``errors(obj)`` as ``(path, code)`` pairs."""
    return [(i.path, str(i.code)) for i in ir.errors(obj)]


def assert_only(obj: Any, path: str, code: str) -> None:
    issues = ir.errors(obj)
    assert [(i.path, str(i.code)) for i in issues] == [(path, code)], issues
    assert all(i.message for i in issues)


def assert_issues(obj: Any, expected: set[tuple[str, str]]) -> None:
    """Exactly these issues, each once, in any order."""
    issues = found(obj)
    assert len(issues) == len(expected), issues
    assert set(issues) == expected


def assert_valid(obj: Any) -> None:
    assert ir.errors(obj) == []
    assert ir.is_valid(obj)
    assert ir.validate(obj) is obj


@pytest.mark.parametrize("type_name", sorted(MAKERS))
def test_the_base_objects_are_valid(type_name: str) -> None:
    assert_valid(MAKERS[type_name]())


# -- a table of field rules -----------------------------------------------------------------------

# (type name, field, values that are fine, [(bad value, code[, path suffix]), ...])
FieldRule = tuple[str, str, list[Any], list[tuple[Any, ...]]]

REQUIRED_IDS = [
    ("experiment", "id"),
    ("backend_ref", "id"),
    ("stage_def", "name"),
    ("output_spec", "name"),
    ("dataset_ref", "name"),
    ("model_ref", "id"),
    ("model_version", "id"),
    ("model_version", "model_id"),
    ("training.config", "id"),
    ("training.run", "id"),
    ("deployment.config", "id"),
    ("deployment.config", "model_version_id"),
    ("deployment.status", "id"),
    ("deployment.status", "deployment_id"),
    ("feedback.event", "id"),
]

RULES: list[FieldRule] = [
    (
        t,
        f,
        ["x", "my dataset v2", "TIGER-Lab/MMLU-Pro", "é"],
        [("", "empty"), (None, "required"), (123, "type")],
    )
    for t, f in REQUIRED_IDS
]

# Other required values.
RULES += [
    ("model_version", "version", ["1.0.0"], [(None, "required"), (100, "type")]),
    ("training.config", "model_ref", [ir.ModelRef(id="m")], [(None, "required"), ("gpt2", "type")]),
    (
        "training.config",
        "dataset_ref",
        [ir.DatasetRef(name="d")],
        [(None, "required"), ("wiki", "type")],
    ),
    ("training.run", "config", [_tcfg()], [(None, "required"), ({"id": "t"}, "type")]),
    (
        "experiment",
        "backend",
        [ir.BackendRef(id="b")],
        [(None, "required"), ("gpt4", "type"), (ir.StageDef(name="x"), "type")],
    ),
    (
        "experiment",
        "pipeline",
        [[ir.StageDef(name="a")], [ir.StageDef(name="a"), ir.StageDef(name="b")]],
        [(None, "required"), ([], "empty"), ("inference", "type"), (ir.StageDef(name="a"), "type")],
    ),
]

# Closed vocabularies.
VOCABULARIES = {
    ("reliability.ensemble", "strategy"): [
        "none",
        "majority",
        "weighted",
        "best_confidence",
        "unanimous",
    ],
    ("reliability.ensemble", "execution_mode"): ["parallel", "sequential", "hedged", "cascade"],
    ("reliability.hedging", "strategy"): [
        "off",
        "fixed",
        "percentile",
        "adaptive",
        "workload_aware",
        "exponential_backoff",
    ],
    ("training.run", "status"): ["pending", "running", "completed", "failed", "cancelled"],
    ("deployment.status", "state"): [
        "pending",
        "deploying",
        "active",
        "degraded",
        "failed",
        "terminated",
    ],
}
RULES += [
    (
        t,
        f,
        values,
        [("bogus", "enum"), ("", "enum"), (values[1].upper(), "enum"), (1, "type"), (None, "type")],
    )
    for (t, f), values in VOCABULARIES.items()
]
RULES += [
    ("deployment.status", "state", [], [("healthy", "enum")]),  # a health value is not a state
    ("reliability.hedging", "strategy", [], [("exponential-backoff", "enum")]),
]

# Open vocabularies: any non-empty string.
OPEN_NAMES = [
    ("backend_ref", "profile"),
    ("dataset_ref", "provider"),
    ("dataset_ref", "split"),
    ("output_spec", "sink"),
    ("model_ref", "provider"),
    ("model_ref", "framework"),
    ("model_version", "stage"),
    ("training.config", "optimizer"),
    ("training.config", "loss_function"),
    ("training.config", "device"),
    ("deployment.config", "environment"),
    ("deployment.config", "strategy"),
    ("deployment.status", "health"),
    ("feedback.config", "storage"),
    ("feedback.event", "feedback_type"),
]
RULES += [
    (t, f, ["anything", "custom_value", "Ünïcode"], [("", "empty"), (None, "type"), (1, "type")])
    for t, f in OPEN_NAMES
]

# Ranges.
UNIT_FIELDS = [
    ("reliability.stats", "alpha"),
    ("reliability.stats", "confidence_level"),
    ("reliability.fairness", "threshold"),
    ("feedback.config", "sampling_rate"),
    ("reliability.ensemble", "min_agreement"),
    ("reliability.hedging", "percentile"),
]
RULES += [
    (
        t,
        f,
        [0, 1, 0.0, 1.0, 0.5, 5e-324],
        [
            (-0.01, "range"),
            (1.01, "range"),
            (2, "range"),
            (-1, "range"),
            (95.0, "range"),
            (True, "type"),
            ("0.5", "type"),
        ],
    )
    for t, f in UNIT_FIELDS
]
RULES += [
    (
        "training.config",
        "validation_split",
        [0, 0.0, 0.5, 0.999999],
        [(1.0, "range"), (1, "range"), (-0.1, "range"), ("0.2", "type")],
    ),
    (
        "deployment.status",
        "traffic_percent",
        [0, 100, 0.0, 100.0, 50, 12.5],
        [(-1, "range"), (100.5, "range"), (101, "range"), (-0.001, "range"), (False, "type")],
    ),
]

POSITIVE_INTS = [
    ("training.config", "epochs"),
    ("training.config", "batch_size"),
    ("deployment.config", "replicas"),
    ("reliability.hedging", "max_hedges"),
    ("reliability.hedging", "delay_ms"),
    ("reliability.ensemble", "timeout_ms"),
    ("reliability.stats", "bootstrap_iterations"),
    ("training.config", "checkpoint_every"),
    ("feedback.config", "retention_days"),
]
RULES += [
    (
        t,
        f,
        [1, 2, 10_000, 10**30],
        [
            (0, "range"),
            (-1, "range"),
            (2.0, "type"),
            (1.0, "type"),
            (1.5, "type"),
            (True, "type"),
            ("1", "type"),
        ],
    )
    for t, f in POSITIVE_INTS
]

POSITIVE_NUMBERS = [("training.config", "learning_rate"), ("training.config", "gradient_clipping")]
RULES += [
    (
        t,
        f,
        [1e-300, 5e-324, 0.001, 1, 2.5],
        [(0, "range"), (0.0, "range"), (-0.001, "range"), (-1, "range"), (True, "type")],
    )
    for t, f in POSITIVE_NUMBERS
]

NON_NEGATIVE_INTS = [
    ("feedback.event", "latency_ms"),
    ("deployment.status", "ready_replicas"),
    ("deployment.status", "total_replicas"),
    ("training.run", "current_epoch"),
]
RULES += [
    (t, f, [0, 1, 10**20], [(-1, "range"), (0.0, "type"), (1.5, "type"), (False, "type")])
    for t, f in NON_NEGATIVE_INTS
]
RULES += [
    (
        "reliability.hedging",
        "budget_percent",
        [0, 0.0, 10, 12.5, 250],
        [(-1, "range"), (-0.5, "range"), (True, "type")],
    ),
]

# Non-finite numbers.
NUMBER_FIELDS = (
    UNIT_FIELDS
    + POSITIVE_NUMBERS
    + [
        ("training.config", "validation_split"),
        ("deployment.status", "traffic_percent"),
        ("reliability.hedging", "budget_percent"),
    ]
)
RULES += [
    (t, f, [], [(math.nan, "range"), (math.inf, "range"), (-math.inf, "range")])
    for t, f in NUMBER_FIELDS
]

# Booleans are real booleans.
NON_NULL_FLAGS = [
    ("stage_def", "enabled"),
    ("reliability.fairness", "enabled"),
    ("feedback.config", "enabled"),
    ("feedback.config", "anonymize_pii"),
    ("training.config", "mixed_precision"),
]
NULLABLE_FLAGS = [
    ("reliability.fairness", "fail_on_violation"),
    ("reliability.guardrail", "prompt_injection_detection"),
    ("reliability.guardrail", "jailbreak_detection"),
    ("reliability.guardrail", "pii_detection"),
    ("reliability.guardrail", "pii_redaction"),
    ("reliability.guardrail", "content_moderation"),
    ("reliability.guardrail", "fail_on_detection"),
]
BAD_FLAGS = [(1, "type"), (0, "type"), ("yes", "type"), ("true", "type"), (1.0, "type")]
RULES += [(t, f, [True, False], [*BAD_FLAGS, (None, "type")]) for t, f in NON_NULL_FLAGS]
RULES += [(t, f, [True, False, None], BAD_FLAGS) for t, f in NULLABLE_FLAGS]

# Formats: SemVer and http(s) URLs.
GOOD_SEMVER = [
    "1.2.3",
    "0.0.0",
    "2.0.0-rc.1+build.7",
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-0.3.7",
    "1.0.0-x.7.z.92",
    "1.0.0-x-y-z.--",
    "1.0.0+20130313144700",
    "1.0.0-beta+exp.sha.5114f85",
    "10.20.30",
    "99999999999999999999999.999999999999999999.99999999999",
]
BAD_SEMVER = [
    "v1.0.0",
    "1.2",
    "1",
    "01.2.3",
    "1.02.3",
    "1.2.03",
    "1.2.3garbage",
    "1.2.3-",
    "1.2.3+",
    "1.2.3-01",
    "1.2.3-rc..1",
    "1.2.3+build..7",
    " 1.2.3",
    "1.2.3 ",
    "1.2.3.4",
    "a.b.c",
    "abc",
    "",
]
RULES += [
    ("model_version", "version", GOOD_SEMVER, [(v, "format") for v in BAD_SEMVER]),
    ("model_version", "parent_version", [*GOOD_SEMVER, None], [(v, "format") for v in BAD_SEMVER]),
]

GOOD_URLS = [
    "https://api.example.com/v1",
    "http://localhost:8080",
    "http://127.0.0.1:8000/path?q=1#frag",
    "https://[::1]:443/",
    "HTTPS://EXAMPLE.COM",
    "https://user@example.com/x",
]
BAD_URLS = [
    "ftp://example.com/file",
    "/relative/path",
    "relative/path",
    "not a url",
    "https://",
    "http:///path",
    "https://exa mple.com",
    "example.com",
    "mailto:someone@example.com",
    "",
]
RULES += [
    (t, "endpoint_url", [*GOOD_URLS, None], [(u, "format") for u in BAD_URLS] + [(1, "type")])
    for t in ("backend_ref", "deployment.status")
]

# Types of other fields (a sample per kind of field).
RULES += [
    ("experiment", "description", ["", "text", None], [(1, "type"), (["a"], "type")]),
    (
        "experiment",
        "tags",
        [[], ["a", "b"], None],
        [("nightly", "type"), ([""], "empty", "[0]"), (["a", 1], "type", "[1]")],
    ),
    ("experiment", "metadata", [{}, {"a": [1, {"b": None}]}, None], [([], "type"), ("x", "type")]),
    (
        "experiment",
        "created_at",
        [T0, None],
        [("2024-03-15T09:30:00Z", "type"), (1710495000, "type")],
    ),
    (
        "experiment",
        "dataset",
        [ir.DatasetRef(name="d"), None],
        [("mmlu", "type"), (ir.ModelRef(id="m"), "type")],
    ),
    ("experiment", "experiment_type", ["evaluation", "custom", None], [("", "empty"), (1, "type")]),
    (
        "output_spec",
        "formats",
        [[], ["markdown", "json"]],
        [(None, "type"), ("markdown", "type"), ([""], "empty", "[0]")],
    ),
    ("reliability.stats", "tests", [[], ["ttest"]], [(None, "type"), ("ttest", "type")]),
    (
        "reliability.guardrail",
        "profiles",
        [[], ["strict"]],
        [(None, "type"), ([None], "type", "[0]")],
    ),
    (
        "reliability.ensemble",
        "models",
        [[], ["gpt4"], None, [ir.BackendRef(id="mock")], ["gpt4", ir.BackendRef(id="mock")]],
        [
            ("gpt4", "type"),
            ([""], "empty", "[0]"),
            ([3], "type", "[0]"),
            ([{"id": "mock"}], "type", "[0]"),
            ([ir.BackendRef(id="")], "empty", "[0].id"),
        ],
    ),
    ("reliability.ensemble", "weights", [{}, None], [([], "type")]),
    (
        "training.config",
        "seed",
        [0, -42, 10**30, None],
        [(1.5, "type"), ("42", "type"), (True, "type")],
    ),
    ("training.config", "metrics", [[], ["loss"]], [(None, "type"), ("loss", "type")]),
    (
        "training.run",
        "checkpoint_uris",
        [[], ["s3://x"], None],
        [("s3://x", "type"), ([1], "type", "[0]")],
    ),
    (
        "training.run",
        "metrics_history",
        [[], [{"loss": 0.1}], None],
        [({"loss": 0.1}, "type"), ([{}, 1], "type", "[1]")],
    ),
    (
        "feedback.event",
        "feedback_value",
        [None, 1, 1.5, "up", [1, "a"], {"a": {"b": [None]}}, True],
        [],
    ),
    ("feedback.config", "feedback_types", [[], ["rating"]], [(None, "type"), ("thumbs", "type")]),
    (
        "backend_ref",
        "fallback",
        [ir.BackendRef(id="b"), None],
        [("claude", "type"), ({"id": "b"}, "type")],
    ),
    (
        "reliability.config",
        "feedback",
        [feedback.Config(), None],
        [(reliability.Fairness(), "type")],
    ),
]

FIELD_CASES = [
    pytest.param(t, f, v, id=f"{t}.{f}={v!r}"[:80]) for t, f, good, _ in RULES for v in good
]
BAD_CASES = [
    pytest.param(
        t, f, b[0], b[1], f + (b[2] if len(b) > 2 else ""), id=f"{t}.{f}={b[0]!r}->{b[1]}"[:90]
    )
    for t, f, _, bad in RULES
    for b in bad
]


@pytest.mark.parametrize(("type_name", "field", "value"), FIELD_CASES)
def test_good_value(type_name: str, field: str, value: Any) -> None:
    assert_valid(MAKERS[type_name](**{field: value}))


@pytest.mark.parametrize(("type_name", "field", "value", "code", "path"), BAD_CASES)
def test_bad_value(type_name: str, field: str, value: Any, code: str, path: str) -> None:
    assert_only(MAKERS[type_name](**{field: value}), path, code)


def test_every_rule_has_good_and_bad_cases() -> None:
    fields = {(t, f) for t, f, _, _ in RULES}
    for group in (
        REQUIRED_IDS,
        UNIT_FIELDS,
        POSITIVE_INTS,
        POSITIVE_NUMBERS,
        NON_NEGATIVE_INTS,
        NON_NULL_FLAGS,
        NULLABLE_FLAGS,
    ):
        assert set(group) <= fields
    assert set(VOCABULARIES) <= fields


# -- bugs in format checks ------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["version", "parent_version"])
def test_semver_with_trailing_newline_is_rejected(field: str) -> None:
    assert_only(MAKERS["model_version"](**{field: "1.2.3\n"}), field, "format")


@pytest.mark.parametrize("type_name", ["backend_ref", "deployment.status"])
def test_url_with_trailing_newline_is_rejected(type_name: str) -> None:
    assert_only(MAKERS[type_name](endpoint_url="https://example.com\n"), "endpoint_url", "format")


def test_decoded_semver_with_trailing_newline_is_rejected() -> None:
    doc = json.dumps({"id": "v", "model_id": "m", "version": "1.2.3\n"})
    try:
        obj = ir.from_json(doc, "model_version")
    except ir.DecodeError:
        return
    assert found(obj) == [("version", "format")]


# -- timestamps -----------------------------------------------------------------------------------


def test_naive_datetime_is_a_format_issue() -> None:
    assert_only(
        MAKERS["experiment"](created_at=datetime.datetime(2024, 1, 1)), "created_at", "format"
    )
    assert_only(
        MAKERS["feedback.event"](timestamp=datetime.datetime(2024, 1, 1)), "timestamp", "format"
    )


# -- consistency rules ----------------------------------------------------------------------------


def test_weights_keys_among_models() -> None:
    make = MAKERS["reliability.ensemble"]
    assert_valid(make(models=["gpt4", "claude"], weights={"gpt4": 0.6, "claude": 0.4}))
    assert_valid(make(models=["gpt4", "claude"], weights={"gpt4": 1}))
    assert_valid(make(models=["gpt4"], weights={}))
    assert_valid(make(models=None, weights={"anything": 1.0}))
    assert_valid(make(models=["gpt4"], weights=None))
    assert_only(
        make(models=["gpt4", "claude"], weights={"gpt4": 0.5, "llama": 0.5}),
        "weights.llama",
        "consistency",
    )
    assert_only(make(models=[], weights={"gpt4": 1.0}), "weights.gpt4", "consistency")
    assert found(make(models=["a"], weights={"b": 1, "c": 2})) == [
        ("weights.b", "consistency"),
        ("weights.c", "consistency"),
    ]


def test_weights_keys_name_backend_refs_by_id() -> None:
    """The reference framework lists an ensemble's members as backend refs."""
    make = MAKERS["reliability.ensemble"]
    mock, claude = ir.BackendRef(id="mock", options={}), ir.BackendRef(id="claude")
    assert_valid(make(models=[mock, claude], weights={"mock": 0.7, "claude": 0.3}))
    assert_valid(make(models=["gpt4", mock], weights={"gpt4": 0.5, "mock": 0.5}))
    issues = ir.errors(make(models=["gpt4", mock], weights={"mock": 1, "llama": 1}))
    assert [(i.path, str(i.code)) for i in issues] == [("weights.llama", "consistency")]
    assert "not one of models (gpt4, mock)" in issues[0].message
    # A ref's profile or fallback does not name it: only its id does.
    fallback = ir.BackendRef(id="mock", profile="fast", fallback=ir.BackendRef(id="backup"))
    assert found(make(models=[fallback], weights={"fast": 1, "backup": 1})) == [
        ("weights.fast", "consistency"),
        ("weights.backup", "consistency"),
    ]


def test_backend_refs_among_models_are_validated_in_place() -> None:
    make = MAKERS["reliability.ensemble"]
    bad = ir.BackendRef(
        id="",
        profile=None,
        endpoint_url="ftp://x",
        fallback=ir.BackendRef(id="b", options={"k": {1, 2}}),  # type: ignore[dict-item]
    )
    assert sorted(found(make(models=["gpt4", bad]))) == [
        ("models[1].endpoint_url", "format"),
        ("models[1].fallback.options.k", "type"),
        ("models[1].id", "empty"),
        ("models[1].profile", "type"),
    ]
    exp = MAKERS["experiment"](
        reliability=reliability.Config(ensemble=make(models=[ir.BackendRef(id="")]))
    )
    assert_only(exp, "reliability.ensemble.models[0].id", "empty")


def test_weights_values_are_non_negative_numbers() -> None:
    make = MAKERS["reliability.ensemble"]
    assert_only(make(models=["a"], weights={"a": "heavy"}), "weights.a", "type")
    assert_only(make(models=["a"], weights={"a": -1}), "weights.a", "range")
    assert_only(make(models=["a"], weights={"a": math.nan}), "weights.a", "range")


def test_ready_replicas_at_most_total_replicas() -> None:
    make = MAKERS["deployment.status"]
    assert_valid(make(ready_replicas=3, total_replicas=3))
    assert_valid(make(ready_replicas=0, total_replicas=0))
    assert_valid(make(ready_replicas=2, total_replicas=3))
    assert_valid(make(ready_replicas=5, total_replicas=None))
    assert_valid(make(ready_replicas=None, total_replicas=0))
    assert_only(make(ready_replicas=4, total_replicas=3), "ready_replicas", "consistency")
    assert_only(make(ready_replicas=1, total_replicas=0), "ready_replicas", "consistency")


ORDERED_TIMESTAMPS = [
    ("experiment", "created_at", "updated_at"),
    ("deployment.status", "created_at", "updated_at"),
    ("training.run", "started_at", "completed_at"),
]


@pytest.mark.parametrize(("type_name", "earlier", "later"), ORDERED_TIMESTAMPS)
def test_later_timestamp_not_before_earlier(type_name: str, earlier: str, later: str) -> None:
    make = MAKERS[type_name]
    one_us = datetime.timedelta(microseconds=1)
    plus2 = datetime.timezone(datetime.timedelta(hours=2))
    assert_valid(make(**{earlier: T0, later: T0}))
    assert_valid(make(**{earlier: T0, later: T0 + one_us}))
    assert_valid(make(**{earlier: T0, later: None}))
    assert_valid(make(**{earlier: None, later: T0}))
    assert_only(make(**{earlier: T0, later: T0 - one_us}), later, "consistency")
    # Compared as instants, whatever the offsets: 10:30+02:00 is 08:30Z.
    local = datetime.datetime(2024, 3, 15, 10, 30, tzinfo=plus2)
    assert_valid(make(**{earlier: datetime.datetime(2024, 3, 15, 8, 30, tzinfo=UTC), later: local}))
    assert_only(
        make(**{earlier: datetime.datetime(2024, 3, 15, 9, 0, tzinfo=UTC), later: local}),
        later,
        "consistency",
    )


def test_stage_names_unique() -> None:
    make = MAKERS["experiment"]
    s = ir.StageDef
    assert_valid(make(pipeline=[s(name="a"), s(name="b"), s(name="c")]))
    assert_only(
        make(pipeline=[s(name="a"), s(name="b"), s(name="a")]), "pipeline[2].name", "consistency"
    )
    assert found(make(pipeline=[s(name="a"), s(name="a"), s(name="a")])) == [
        ("pipeline[1].name", "consistency"),
        ("pipeline[2].name", "consistency"),
    ]
    # Same name, different settings: still a duplicate.
    assert_only(
        make(pipeline=[s(name="a"), s(name="a", enabled=False, module="M")]),
        "pipeline[1].name",
        "consistency",
    )


def test_output_names_unique() -> None:
    make = MAKERS["experiment"]
    o = ir.OutputSpec
    assert_valid(make(outputs=[o(name="x"), o(name="y")]))
    assert_valid(make(outputs=[]))
    assert_only(
        make(outputs=[o(name="x"), o(name="x", sink="s3")]), "outputs[1].name", "consistency"
    )


# -- nested objects are validated in place --------------------------------------------------------


def full_experiment() -> ir.Experiment:
    """A valid experiment with every nested object populated."""
    return ir.Experiment(
        id="full",
        backend=ir.BackendRef(
            id="primary",
            endpoint_url="https://api.example.com/v1",
            fallback=ir.BackendRef(id="second", fallback=ir.BackendRef(id="third")),
        ),
        pipeline=[ir.StageDef(name="pre"), ir.StageDef(name="infer"), ir.StageDef(name="post")],
        description="déjà vu",
        tags=["nightly"],
        metadata={"k": [1, 2.5, {"n": None}]},
        dataset=ir.DatasetRef(name="mmlu", split="test"),
        reliability=reliability.Config(
            ensemble=reliability.Ensemble(
                strategy="weighted", models=["a", "b"], weights={"a": 0.5, "b": 0.5}
            ),
            hedging=reliability.Hedging(strategy="percentile", percentile=0.95, delay_ms=100),
            guardrails=reliability.Guardrail(pii_detection=True),
            stats=reliability.Stats(alpha=0.01),
            fairness=reliability.Fairness(enabled=True, threshold=0.8),
            monitoring={"on": True},
            feedback=feedback.Config(enabled=True, sampling_rate=0.1),
        ),
        outputs=[ir.OutputSpec(name="report"), ir.OutputSpec(name="raw", formats=["json"])],
        created_at=T0,
        updated_at=T0 + datetime.timedelta(days=1),
        experiment_type="comparison",
        model_version=ir.ModelVersion(
            id="v", model_id="m", version="2.1.0", parent_version="2.0.0"
        ),
        training_config=_tcfg(validation_split=0.1),
        baseline=ir.ModelRef(id="base"),
    )


def test_full_experiment_is_valid() -> None:
    assert_valid(full_experiment())


def _rel(exp: ir.Experiment, **parts: Any) -> ir.Experiment:
    assert exp.reliability is not None
    return ir.replace(exp, reliability=ir.replace(exp.reliability, **parts))


NESTED: list[tuple[str, Callable[[ir.Experiment], ir.Experiment], str, str]] = [
    (
        "stage",
        lambda e: ir.replace(e, pipeline=[*e.pipeline[:2], ir.StageDef(name="")]),
        "pipeline[2].name",
        "empty",
    ),
    (
        "stage_null",
        lambda e: ir.replace(e, pipeline=[e.pipeline[0], ir.StageDef(name=None), e.pipeline[2]]),  # type: ignore[arg-type]
        "pipeline[1].name",
        "required",
    ),
    (
        "stage_not_a_stage",
        lambda e: ir.replace(e, pipeline=[*e.pipeline[:2], "post"]),
        "pipeline[2]",
        "type",
    ),
    (
        "stage_none",
        lambda e: ir.replace(e, pipeline=[None, *e.pipeline[1:]]),
        "pipeline[0]",
        "type",
    ),
    (
        "stage_enabled",
        lambda e: ir.replace(
            e, pipeline=[e.pipeline[0], ir.StageDef(name="infer", enabled=1), e.pipeline[2]]
        ),  # type: ignore[arg-type]
        "pipeline[1].enabled",
        "type",
    ),
    (
        "backend_id",
        lambda e: ir.replace(e, backend=ir.replace(e.backend, id=None)),
        "backend.id",
        "required",
    ),
    (
        "backend_fallback",
        lambda e: ir.replace(e, backend=ir.replace(e.backend, fallback=ir.BackendRef(id=""))),
        "backend.fallback.id",
        "empty",
    ),
    (
        "backend_fallback_deep",
        lambda e: ir.replace(
            e,
            backend=ir.replace(
                e.backend,
                fallback=ir.BackendRef(
                    id="s", fallback=ir.BackendRef(id="t", endpoint_url="ftp://x")
                ),
            ),
        ),
        "backend.fallback.fallback.endpoint_url",
        "format",
    ),
    ("dataset", lambda e: ir.replace(e, dataset=ir.DatasetRef(name="")), "dataset.name", "empty"),
    (
        "outputs",
        lambda e: ir.replace(e, outputs=[e.outputs[0], ir.OutputSpec(name=None)]),  # type: ignore[index,arg-type]
        "outputs[1].name",
        "required",
    ),
    (
        "outputs_format",
        lambda e: ir.replace(e, outputs=[e.outputs[0], ir.OutputSpec(name="raw", formats=[""])]),  # type: ignore[index]
        "outputs[1].formats[0]",
        "empty",
    ),
    (
        "model_version",
        lambda e: ir.replace(e, model_version=ir.replace(e.model_version, version="abc")),  # type: ignore[type-var]
        "model_version.version",
        "format",
    ),
    (
        "model_version_parent",
        lambda e: ir.replace(e, model_version=ir.replace(e.model_version, parent_version="v2")),  # type: ignore[type-var]
        "model_version.parent_version",
        "format",
    ),
    (
        "training_config_ref",
        lambda e: ir.replace(e, training_config=_tcfg(model_ref=ir.ModelRef(id=""))),
        "training_config.model_ref.id",
        "empty",
    ),
    (
        "training_config_dataset",
        lambda e: ir.replace(
            e, training_config=_tcfg(dataset_ref=ir.DatasetRef(name="d", split=""))
        ),
        "training_config.dataset_ref.split",
        "empty",
    ),
    (
        "training_config_epochs",
        lambda e: ir.replace(e, training_config=_tcfg(epochs=0)),
        "training_config.epochs",
        "range",
    ),
    ("baseline", lambda e: ir.replace(e, baseline=ir.ModelRef(id=None)), "baseline.id", "required"),  # type: ignore[arg-type]
    (
        "ensemble_mode",
        lambda e: _rel(e, ensemble=reliability.Ensemble(execution_mode="turbo")),  # type: ignore[arg-type]
        "reliability.ensemble.execution_mode",
        "enum",
    ),
    (
        "ensemble_weights",
        lambda e: _rel(e, ensemble=reliability.Ensemble(models=["a"], weights={"a": 1, "z": 1})),
        "reliability.ensemble.weights.z",
        "consistency",
    ),
    (
        "hedging",
        lambda e: _rel(e, hedging=reliability.Hedging(percentile=95.0)),
        "reliability.hedging.percentile",
        "range",
    ),
    (
        "stats",
        lambda e: _rel(e, stats=reliability.Stats(alpha=1.5)),
        "reliability.stats.alpha",
        "range",
    ),
    (
        "fairness",
        lambda e: _rel(e, fairness=reliability.Fairness(threshold=-0.1)),
        "reliability.fairness.threshold",
        "range",
    ),
    (
        "guardrails",
        lambda e: _rel(e, guardrails=reliability.Guardrail(pii_redaction="yes")),  # type: ignore[arg-type]
        "reliability.guardrails.pii_redaction",
        "type",
    ),
    (
        "feedback",
        lambda e: _rel(e, feedback=feedback.Config(sampling_rate=2)),
        "reliability.feedback.sampling_rate",
        "range",
    ),
    (
        "feedback_retention",
        lambda e: _rel(e, feedback=feedback.Config(retention_days=0)),
        "reliability.feedback.retention_days",
        "range",
    ),
    (
        "monitoring",
        lambda e: _rel(e, monitoring={"x": object()}),
        "reliability.monitoring.x",
        "type",
    ),
    ("metadata", lambda e: ir.replace(e, metadata={"a": [1, math.inf]}), "metadata.a[1]", "range"),
    ("tags", lambda e: ir.replace(e, tags=["ok", ""]), "tags[1]", "empty"),
    (
        "updated_before_created",
        lambda e: ir.replace(e, updated_at=T0 - datetime.timedelta(seconds=1)),
        "updated_at",
        "consistency",
    ),
]


@pytest.mark.parametrize(("label", "breaker", "path", "code"), NESTED, ids=[n[0] for n in NESTED])
def test_nested_problem_reported_in_place(
    label: str, breaker: Callable[[ir.Experiment], ir.Experiment], path: str, code: str
) -> None:
    assert_only(breaker(full_experiment()), path, code)


def test_nested_in_other_types() -> None:
    run = MAKERS["training.run"](config=_tcfg(epochs=0))
    assert_only(run, "config.epochs", "range")
    run = MAKERS["training.run"](config=_tcfg(model_ref=ir.ModelRef(id="m", framework="")))
    assert_only(run, "config.model_ref.framework", "empty")
    ref = MAKERS["backend_ref"](fallback=ir.BackendRef(id=None))  # type: ignore[arg-type]
    assert_only(ref, "fallback.id", "required")
    cfg = MAKERS["reliability.config"](stats=reliability.Stats(tests=["ttest", ""]))
    assert_only(cfg, "stats.tests[1]", "empty")
    cfg = MAKERS["reliability.config"](feedback=feedback.Config(enabled="yes"))  # type: ignore[arg-type]
    assert_only(cfg, "feedback.enabled", "type")


def test_deep_rules_inside_nested_lists_and_chains() -> None:
    exp = full_experiment()
    rel = exp.reliability
    assert rel is not None
    # Rules of nested objects apply at every level.
    bad = ir.replace(
        exp,
        reliability=ir.replace(rel, ensemble=reliability.Ensemble(models=[], weights={"q": 1})),
        backend=ir.BackendRef(
            id="a", fallback=ir.BackendRef(id="b", fallback=ir.BackendRef(id="c", profile=""))
        ),
    )
    assert_issues(
        bad,
        {
            ("backend.fallback.fallback.profile", "empty"),
            ("reliability.ensemble.weights.q", "consistency"),
        },
    )


# -- opaque maps must be JSON ---------------------------------------------------------------------


OPAQUE: list[tuple[str, str, Any, str, str]] = [
    ("backend_ref", "options", {1: "x"}, "options", "type"),
    ("backend_ref", "options", {"a": object()}, "options.a", "type"),
    ("backend_ref", "options", {"a": [1, math.nan]}, "options.a[1]", "range"),
    ("backend_ref", "options", {"a": {"b": {1, 2}}}, "options.a.b", "type"),
    ("backend_ref", "options", {"a": {"b": {None: 1}}}, "options.a.b", "type"),
    ("backend_ref", "options", {"when": T0}, "options.when", "type"),
    ("backend_ref", "options", {"raw": b"bytes"}, "options.raw", "type"),
    ("backend_ref", "options", {"obj": ir.StageDef(name="x")}, "options.obj", "type"),
    ("dataset_ref", "schema", {"x": -math.inf}, "schema.x", "range"),
    ("model_ref", "metadata", {"a": [{"b": object()}]}, "metadata.a[0].b", "type"),
    ("feedback.event", "feedback_value", object(), "feedback_value", "type"),
    ("feedback.event", "feedback_value", [1, math.inf], "feedback_value[1]", "range"),
    ("feedback.event", "input", {"a": {1.5: "x"}}, "input.a", "type"),
    ("training.run", "metrics_history", [{"loss": object()}], "metrics_history[0].loss", "type"),
    ("training.run", "best_metrics", {"loss": math.nan}, "best_metrics.loss", "range"),
    ("deployment.config", "resources", {"gpu": {"count": object()}}, "resources.gpu.count", "type"),
    ("reliability.config", "drift", {"x": object()}, "drift.x", "type"),
]


@pytest.mark.parametrize(("type_name", "field", "value", "path", "code"), OPAQUE)
def test_opaque_values_must_be_json(
    type_name: str, field: str, value: Any, path: str, code: str
) -> None:
    assert_only(MAKERS[type_name](**{field: value}), path, code)


def test_opaque_maps_accept_any_json() -> None:
    value = {
        "big": 10**30,
        "neg": -(2**64),
        "f": 1e-5,
        "list": [1, "a", None, True, [], {}],
        "nested": {"é": {"🚀": [{"x": 0.0}]}},
        "tuple": (1, 2),
    }
    assert_valid(MAKERS["backend_ref"](options=value))
    assert_valid(MAKERS["feedback.event"](feedback_value=[value], metadata=value))


# -- errors() returns every problem ---------------------------------------------------------------


def test_errors_returns_every_problem_at_once() -> None:
    exp = ir.Experiment(
        id="",  # 1 empty
        backend=ir.BackendRef(id="b", profile="", endpoint_url="ftp://x"),  # 2 empty, 3 format
        pipeline=[ir.StageDef(name="a"), ir.StageDef(name="a", enabled=1)],  # type: ignore[arg-type]  # 4 type, 5 dup
        tags=[""],  # 6 empty
        reliability=reliability.Config(
            ensemble=reliability.Ensemble(strategy="bogus"),  # type: ignore[arg-type]  # 7 enum
            stats=reliability.Stats(alpha=2),  # 8 range
        ),
        model_version=ir.ModelVersion(id="v", model_id="m", version="v1"),  # 9 format
        created_at=T0,
        updated_at=T0 - datetime.timedelta(hours=1),  # 10 consistency
    )
    expected = {
        ("id", "empty"),
        ("backend.profile", "empty"),
        ("backend.endpoint_url", "format"),
        ("pipeline[1].enabled", "type"),
        ("pipeline[1].name", "consistency"),
        ("tags[0]", "empty"),
        ("reliability.ensemble.strategy", "enum"),
        ("reliability.stats.alpha", "range"),
        ("model_version.version", "format"),
        ("updated_at", "consistency"),
    }
    issues = found(exp)
    assert len(issues) == 10
    assert set(issues) == expected
    assert not ir.is_valid(exp)
    with pytest.raises(ir.ValidationError) as info:
        ir.validate(exp)
    assert [(i.path, str(i.code)) for i in info.value.errors] == issues
    lines = str(info.value).splitlines()
    assert len(lines) == 10
    assert lines == [str(i) for i in info.value.errors]
    for issue, line in zip(info.value.errors, lines, strict=True):
        assert line == f"{issue.path}: {issue.message}"


def test_several_problems_in_one_field_list() -> None:
    stats = reliability.Stats(tests=["", 1, "ok", None])  # type: ignore[list-item]
    assert found(stats) == [("tests[0]", "empty"), ("tests[1]", "type"), ("tests[3]", "type")]


def test_errors_of_a_non_ir_object() -> None:
    issues = ir.errors({"id": "x"})
    assert [(i.path, str(i.code)) for i in issues] == [("", "type")]
    assert not ir.is_valid("experiment")
    with pytest.raises(ir.ValidationError):
        ir.validate(42)


def test_validate_returns_the_same_object() -> None:
    exp = full_experiment()
    assert ir.validate(exp) is exp
    assert ir.validate(exp) is exp  # twice (cached verdict)


def test_a_verdict_is_per_object() -> None:
    good = full_experiment()
    assert ir.is_valid(good)
    bad = ir.replace(good, id="")
    assert found(bad) == [("id", "empty")]
    assert ir.is_valid(good)
    assert found(ir.replace(bad, id="ok")) == []


# -- decoded objects get the same verdict ---------------------------------------------------------


def _doc(**changes: Any) -> dict[str, Any]:
    data = ir.to_dict(full_experiment())
    data.update(changes)
    return data


DECODED_CASES = [
    ("valid", _doc()),
    ("duplicate_stages", _doc(pipeline=[{"name": "a"}, {"name": "b"}, {"name": "a"}])),
    ("duplicate_outputs", _doc(outputs=[{"name": "x"}, {"name": "x"}])),
    (
        "updated_before_created",
        _doc(updated_at="2024-03-15T09:30:00Z", created_at="2024-03-15T09:30:01Z"),
    ),
    (
        "weights_not_models",
        {**_doc(), "reliability": {"ensemble": {"models": ["a"], "weights": {"b": 1}}}},
    ),
    ("percentile", {**_doc(), "reliability": {"hedging": {"percentile": 95.0}}}),
    ("bad_semver", _doc(model_version={"id": "v", "model_id": "m", "version": "1.2"})),
    ("empty_id", _doc(id="")),
    ("empty_pipeline", _doc(pipeline=[])),
    ("bad_enum", {**_doc(), "reliability": {"ensemble": {"strategy": "bogus"}}}),
    (
        "epochs_0",
        _doc(
            training_config={
                "id": "t",
                "model_ref": {"id": "m"},
                "dataset_ref": {"name": "d"},
                "epochs": 0,
            }
        ),
    ),
    (
        "nested_dup_and_range",
        {**_doc(pipeline=[{"name": "a"}, {"name": "a"}]), "reliability": {"stats": {"alpha": 7}}},
    ),
]


@pytest.mark.parametrize(("label", "data"), DECODED_CASES, ids=[c[0] for c in DECODED_CASES])
def test_decoded_and_constructed_objects_agree(label: str, data: dict[str, Any]) -> None:
    text = json.dumps(data)
    decoded_json = ir.from_json(text, "experiment")
    decoded_dict = ir.from_dict(json.loads(text), "experiment")
    constructed = _construct(decoded_dict)
    assert decoded_json == constructed
    assert decoded_dict == constructed
    expected = found(constructed)
    assert found(decoded_json) == expected
    assert found(decoded_dict) == expected
    assert (expected == []) == (label == "valid")


def _construct(obj: Any) -> Any:
    """A copy built by the constructors (no decoder involved)."""
    if hasattr(obj, "__struct_fields__"):
        return type(obj)(**{f: _construct(getattr(obj, f)) for f in obj.__struct_fields__})
    if isinstance(obj, list):
        return [_construct(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _construct(v) for k, v in obj.items()}
    return obj


def test_decoded_duplicate_stage_names_are_reported() -> None:
    doc = '{"id": "e", "backend": {"id": "b"}, "pipeline": [{"name": "a"}, {"name": "a"}]}'
    exp = ir.from_json(doc, "experiment")
    assert found(exp) == [("pipeline[1].name", "consistency")]
    assert not ir.is_valid(exp)
    with pytest.raises(ir.ValidationError):
        ir.validate(exp)


def test_decoded_deployment_status_rules() -> None:
    doc = json.dumps(
        {
            "id": "s",
            "deployment_id": "d",
            "ready_replicas": 5,
            "total_replicas": 2,
            "created_at": "2024-01-02T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
        }
    )
    status = ir.from_json(doc, "deployment.status")
    assert_issues(status, {("updated_at", "consistency"), ("ready_replicas", "consistency")})


def test_decoded_training_run_rule() -> None:
    doc = json.dumps(
        {
            "id": "r",
            "config": {"id": "t", "model_ref": {"id": "m"}, "dataset_ref": {"name": "d"}},
            "started_at": "2024-01-02T00:00:00+05:00",
            "completed_at": "2024-01-01T20:00:00Z",
        }
    )
    # 2024-01-02T00:00+05:00 is 2024-01-01T19:00Z: completed after started.
    assert found(ir.from_json(doc, "training.run")) == []
    doc = doc.replace("20:00:00Z", "18:59:59Z")
    assert found(ir.from_json(doc, "training.run")) == [("completed_at", "consistency")]


# IR objects are immutable and the library remembers verdicts about them; the
# lists and maps they hold are shared, not copied, and are changed by making a
# new object with replace(), never in place (README, "Design notes").


def test_a_change_made_with_replace_is_seen_by_errors_constructed() -> None:
    exp = MAKERS["experiment"]()
    assert ir.errors(exp) == []
    changed = ir.replace(exp, pipeline=[*exp.pipeline, ir.StageDef(name="")])
    assert found(changed) == [("pipeline[1].name", "empty")]
    assert ir.errors(exp) == []


def test_a_change_made_with_replace_is_seen_by_errors_decoded() -> None:
    exp = ir.from_json(
        '{"id": "e", "backend": {"id": "b"}, "pipeline": [{"name": "a"}], "tags": []}', "experiment"
    )
    assert ir.errors(exp) == []
    assert found(ir.replace(exp, tags=[""])) == [("tags[0]", "empty")]
    ref = ir.from_json('{"id": "b", "options": {}}', "backend_ref")
    assert found(ir.replace(ref, options={"x": object()})) == [("options.x", "type")]


DEEP = 250


def _chain(depth: int) -> ir.BackendRef:
    ref = ir.BackendRef(id="last")
    for _ in range(depth):
        ref = ir.BackendRef(id="b", fallback=ref)
    return ref


def test_deep_fallback_chain_verdict_does_not_depend_on_origin() -> None:
    # Deeper than the IR nesting limit: refused however the object comes to be.
    built = _chain(DEEP)
    assert "syntax" in {code for _, code in found(built)}
    with pytest.raises(ir.ValidationError):
        ir.to_json(built)
    text = '{"id": "b", "fallback": ' * DEEP + '{"id": "last"}' + "}" * DEEP
    with pytest.raises(ir.DecodeError):
        ir.from_json(text, "backend_ref")
    with pytest.raises(ir.DecodeError):
        ir.from_dict(json.loads(text), "backend_ref")
    # Within the limit, all three agree that it is valid.
    shallow = _chain(150)
    assert found(shallow) == []
    assert ir.from_json(ir.to_json(shallow), "backend_ref") == shallow
    assert ir.from_dict(ir.to_dict(shallow), "backend_ref") == shallow


def test_deep_opaque_map_verdict_does_not_depend_on_origin() -> None:
    value: Any = 1
    for _ in range(300):
        value = {"a": value}
    built = ir.BackendRef(id="b", options=value)
    decoded = ir.from_json(ir.to_json(built), "backend_ref")
    assert decoded == built
    assert found(decoded) == found(built)
