"""Hypothesis strategies: one per IR type, each generating VALID objects.

Every strategy respects the rules of section 4 of the API contract (ranges,
vocabularies, SemVer, URLs, and the cross-field rules), so that ``errors(x) == []``
holds for every generated ``x``. The generated values exercise the wire format:
unicode text, integers of any size and floats in opaque maps, nested maps and
lists, timestamps with microseconds and non-UTC offsets, and number fields that
hold integers as well as floats.

Import from a test module with::

    import sys, pathlib
    sys.path.insert(0, str(pathlib.Path(__file__).parent))
    import strategies
"""

from __future__ import annotations

import datetime
import math
from typing import Any

from hypothesis import strategies as st

import crucible_ir as ir
from crucible_ir import deployment, feedback, reliability, training

__all__ = [
    "STRATEGIES",
    "any_ir_object",
    "backend_refs",
    "dataset_refs",
    "deployment_configs",
    "deployment_statuses",
    "ensembles",
    "experiments",
    "fairnesses",
    "feedback_configs",
    "feedback_events",
    "guardrails",
    "hedgings",
    "json_maps",
    "json_values",
    "model_refs",
    "model_versions",
    "output_specs",
    "reliability_configs",
    "semvers",
    "stage_defs",
    "stats",
    "timestamps",
    "training_configs",
    "training_runs",
]

# -- scalars -----------------------------------------------------------------

# Any unicode text that can be written as UTF-8 (no lone surrogates), including
# control characters, quotes, backslashes, U+2028 and astral characters.
_CHARS = st.characters(blacklist_categories=("Cs",))
texts = st.text(_CHARS, max_size=12)
"""Free text (may be empty)."""
names = st.text(_CHARS, min_size=1, max_size=12)
"""Non-empty strings: identifiers and open-vocabulary values."""
identifiers = st.one_of(st.from_regex(r"[a-z_][a-z0-9_]{0,11}", fullmatch=True), names)
"""Identifier-looking names and arbitrary non-empty unicode."""

big_ints = st.one_of(
    st.integers(),
    st.sampled_from([2**53 + 1, 2**63, -(2**63) - 1, 2**64, 10**30, -(10**40)]),
)
"""Integers of any size, with the ones that break float64/int64 readers."""

finite_floats = st.floats(allow_nan=False, allow_infinity=False)


def _number(
    lo: float | None = None,
    hi: float | None = None,
    *,
    lo_open: bool = False,
    hi_open: bool = False,
) -> st.SearchStrategy[int | float]:
    """A JSON number (integer or float) in the given range."""
    int_lo = (
        None if lo is None else math.ceil(lo) + (1 if lo_open and float(lo).is_integer() else 0)
    )
    int_hi = (
        None if hi is None else math.floor(hi) - (1 if hi_open and float(hi).is_integer() else 0)
    )
    ints = st.one_of(
        st.integers(min_value=int_lo, max_value=int_hi),
        # big integers too, where the range allows them
        *([big_ints.filter(lambda n: n >= int_lo)] if hi is None and int_lo is not None else []),
    )
    floats = st.floats(
        min_value=lo,
        max_value=hi,
        exclude_min=lo_open and lo is not None,
        exclude_max=hi_open and hi is not None,
        allow_nan=False,
        allow_infinity=False,
    )
    if int_lo is not None and int_hi is not None and int_lo > int_hi:
        return floats
    return st.one_of(ints, floats)


units = _number(0, 1)
"""A number in [0, 1]: 0, 1, 0.05, ..."""
half_open_units = _number(0, 1, hi_open=True)
percents = _number(0, 100)
positive_numbers = _number(0, None, lo_open=True)
non_negative_numbers = _number(0, None)
positive_ints = st.one_of(st.integers(min_value=1, max_value=10_000), st.integers(min_value=1))
non_negative_ints = st.one_of(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0))

# Fixed UTC offsets with minute precision (the wire format has no seconds in offsets).
_offsets = st.one_of(
    st.just(datetime.timezone.utc),
    st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
        lambda minutes: datetime.timezone(datetime.timedelta(minutes=minutes))
    ),
)
timestamps = st.datetimes(
    min_value=datetime.datetime(1900, 1, 1),
    max_value=datetime.datetime(2200, 12, 31),
    timezones=_offsets,
)
"""Timezone-aware datetimes, with and without microseconds, UTC and other offsets."""
_durations = st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(days=3650))


@st.composite
def _ordered_timestamps(
    draw: st.DrawFn,
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """``(earlier, later)`` with ``later >= earlier`` when both are set."""
    first = draw(st.none() | timestamps)
    if first is None:
        return None, draw(st.none() | timestamps)
    later = draw(st.none() | st.tuples(_durations, _offsets))
    if later is None:
        return first, None
    delta, tz = later
    return first, (first + delta).astimezone(tz)


@st.composite
def semvers(draw: st.DrawFn) -> str:
    """Semantic Versioning 2.0.0 strings: ``1.2.3``, ``2.0.0-rc.1+build.7``."""
    core = ".".join(str(draw(st.integers(min_value=0, max_value=10**6))) for _ in range(3))
    numeric = st.integers(min_value=0, max_value=999).map(str)
    alnum = st.from_regex(r"[0-9A-Za-z-]*[A-Za-z-][0-9A-Za-z-]*", fullmatch=True).filter(
        lambda s: 0 < len(s) <= 8
    )
    pre = draw(st.lists(numeric | alnum, min_size=0, max_size=3))
    build = draw(
        st.lists(st.from_regex(r"[0-9A-Za-z-]{1,6}", fullmatch=True), min_size=0, max_size=2)
    )
    text = core
    if pre:
        text += "-" + ".".join(pre)
    if build:
        text += "+" + ".".join(build)
    return text


http_urls = st.builds(
    lambda scheme, host, port, path: f"{scheme}://{host}{port}{path}",
    st.sampled_from(["http", "https", "HTTPS"]),
    st.sampled_from(["example.com", "api.example.com", "localhost", "127.0.0.1", "[::1]"]),
    st.sampled_from(["", ":8080", ":443"]),
    st.sampled_from(["", "/", "/v1", "/v1/chat?x=1#frag", "/caf%C3%A9"]),
)
"""Absolute http(s) URLs."""

# -- opaque JSON -----------------------------------------------------------------

_json_scalars = st.one_of(st.none(), st.booleans(), big_ints, finite_floats, texts)
json_values = st.recursive(
    _json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(texts, children, max_size=4)
    ),
    max_leaves=8,
)
"""Any JSON value: nested maps and lists, big ints, floats, unicode."""
json_maps = st.dictionaries(texts, json_values, max_size=3)
"""An opaque JSON object."""


def _opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def _name_lists(min_size: int = 0) -> st.SearchStrategy[list[str]]:
    return st.lists(names, min_size=min_size, max_size=4)


# -- IR types --------------------------------------------------------------------


def backend_refs(max_depth: int = 3) -> st.SearchStrategy[ir.BackendRef]:
    """`BackendRef`, with a fallback chain up to ``max_depth`` deep."""
    fallback = (
        st.none() if max_depth <= 0 else _opt(st.deferred(lambda: backend_refs(max_depth - 1)))
    )
    return st.builds(
        ir.BackendRef,
        id=identifiers,
        profile=names,
        options=_opt(json_maps),
        model_version=_opt(texts),
        endpoint_url=_opt(http_urls),
        deployment_id=_opt(identifiers),
        fallback=fallback,
    )


dataset_refs = st.builds(
    ir.DatasetRef,
    name=identifiers,
    provider=names,
    split=names,
    options=_opt(json_maps),
    version=_opt(texts),
    format=_opt(names),
    schema=_opt(json_maps),
)

stage_defs = st.builds(
    ir.StageDef,
    name=identifiers,
    module=_opt(names),
    options=_opt(json_maps),
    enabled=st.booleans(),
)

output_specs = st.builds(
    ir.OutputSpec,
    name=identifiers,
    formats=_name_lists(),
    sink=names,
    options=_opt(json_maps),
)


def _model_name(model: str | ir.BackendRef) -> str:
    return model if isinstance(model, str) else model.id


@st.composite
def ensembles(draw: st.DrawFn) -> reliability.Ensemble:
    """`reliability.Ensemble`, its models names or backend refs; weight keys name models."""
    members = st.one_of(names, backend_refs(max_depth=1))
    models = draw(_opt(st.lists(members, max_size=4, unique_by=_model_name)))
    if models == []:
        weights = draw(_opt(st.just({})))
    else:
        keys = names if models is None else st.sampled_from([_model_name(m) for m in models])
        weights = draw(_opt(st.dictionaries(keys, non_negative_numbers, max_size=4)))
    return reliability.Ensemble(
        strategy=draw(
            st.sampled_from(["none", "majority", "weighted", "best_confidence", "unanimous"])
        ),
        execution_mode=draw(st.sampled_from(["parallel", "sequential", "hedged", "cascade"])),
        models=models,
        weights=weights,
        min_agreement=draw(_opt(units)),
        timeout_ms=draw(_opt(positive_ints)),
        options=draw(_opt(json_maps)),
    )


hedgings = st.builds(
    reliability.Hedging,
    strategy=st.sampled_from(
        ["off", "fixed", "percentile", "adaptive", "workload_aware", "exponential_backoff"]
    ),
    delay_ms=_opt(positive_ints),
    percentile=_opt(units),
    max_hedges=_opt(positive_ints),
    budget_percent=_opt(non_negative_numbers),
    options=_opt(json_maps),
)

stats = st.builds(
    reliability.Stats,
    tests=_name_lists(),
    alpha=units,
    confidence_level=_opt(units),
    effect_size_type=_opt(names),
    multiple_testing_correction=_opt(names),
    bootstrap_iterations=_opt(positive_ints),
    options=_opt(json_maps),
)

fairnesses = st.builds(
    reliability.Fairness,
    enabled=st.booleans(),
    metrics=_opt(_name_lists()),
    group_by=_opt(names),
    threshold=_opt(units),
    fail_on_violation=_opt(st.booleans()),
    options=_opt(json_maps),
)

_flags = _opt(st.booleans())
guardrails = st.builds(
    reliability.Guardrail,
    profiles=_name_lists(),
    prompt_injection_detection=_flags,
    jailbreak_detection=_flags,
    pii_detection=_flags,
    pii_redaction=_flags,
    content_moderation=_flags,
    fail_on_detection=_flags,
    options=_opt(json_maps),
)

feedback_configs = st.builds(
    feedback.Config,
    enabled=st.booleans(),
    sampling_rate=units,
    feedback_types=_name_lists(),
    storage=names,
    retention_days=_opt(positive_ints),
    anonymize_pii=st.booleans(),
    drift_detection=_opt(json_maps),
    retraining_trigger=_opt(json_maps),
    options=_opt(json_maps),
)

reliability_configs = st.builds(
    reliability.Config,
    ensemble=_opt(ensembles()),
    hedging=_opt(hedgings),
    guardrails=_opt(guardrails),
    stats=_opt(stats),
    fairness=_opt(fairnesses),
    monitoring=_opt(json_maps),
    drift=_opt(json_maps),
    circuit_breaker=_opt(json_maps),
    feedback=_opt(feedback_configs),
)

model_refs = st.builds(
    ir.ModelRef,
    id=identifiers,
    name=_opt(texts),
    version=_opt(texts),
    provider=names,
    framework=names,
    architecture=_opt(names),
    task=_opt(names),
    artifact_uri=_opt(texts),
    metadata=_opt(json_maps),
    options=_opt(json_maps),
)

model_versions = st.builds(
    ir.ModelVersion,
    id=identifiers,
    model_id=identifiers,
    version=semvers(),
    stage=names,
    training_run_id=_opt(identifiers),
    metrics=_opt(json_maps),
    artifact_uri=_opt(texts),
    parent_version=_opt(semvers()),
    description=_opt(texts),
    created_at=_opt(timestamps),
    created_by=_opt(texts),
    options=_opt(json_maps),
)

training_configs = st.builds(
    training.Config,
    id=identifiers,
    model_ref=model_refs,
    dataset_ref=dataset_refs,
    epochs=positive_ints,
    batch_size=positive_ints,
    learning_rate=positive_numbers,
    optimizer=names,
    loss_function=names,
    metrics=_name_lists(),
    validation_split=_opt(half_open_units),
    device=names,
    seed=_opt(big_ints),
    mixed_precision=st.booleans(),
    gradient_clipping=_opt(positive_numbers),
    early_stopping=_opt(json_maps),
    checkpoint_every=_opt(positive_ints),
    options=_opt(json_maps),
)


@st.composite
def training_runs(draw: st.DrawFn) -> training.Run:
    """`training.Run`; ``completed_at >= started_at`` when both are set."""
    started, completed = draw(_ordered_timestamps())
    return training.Run(
        id=draw(identifiers),
        config=draw(training_configs),
        status=draw(st.sampled_from(["pending", "running", "completed", "failed", "cancelled"])),
        current_epoch=draw(_opt(non_negative_ints)),
        metrics_history=draw(_opt(st.lists(json_maps, max_size=3))),
        best_metrics=draw(_opt(json_maps)),
        checkpoint_uris=draw(_opt(st.lists(texts, max_size=3))),
        final_model_version=draw(_opt(identifiers)),
        started_at=started,
        completed_at=completed,
        error_message=draw(_opt(texts)),
        options=draw(_opt(json_maps)),
    )


deployment_configs = st.builds(
    deployment.Config,
    id=identifiers,
    model_version_id=identifiers,
    target=_opt(json_maps),
    replicas=positive_ints,
    resources=_opt(json_maps),
    scaling=_opt(json_maps),
    environment=names,
    strategy=names,
    health_check=_opt(json_maps),
    endpoint=_opt(json_maps),
    metadata=_opt(json_maps),
    options=_opt(json_maps),
)


@st.composite
def deployment_statuses(draw: st.DrawFn) -> deployment.Status:
    """`deployment.Status`; ready <= total replicas, updated_at >= created_at."""
    total = draw(_opt(non_negative_ints))
    ready = draw(
        _opt(st.integers(min_value=0, max_value=total) if total is not None else non_negative_ints)
    )
    created, updated = draw(_ordered_timestamps())
    return deployment.Status(
        id=draw(identifiers),
        deployment_id=draw(identifiers),
        state=draw(
            st.sampled_from(["pending", "deploying", "active", "degraded", "failed", "terminated"])
        ),
        ready_replicas=ready,
        total_replicas=total,
        endpoint_url=draw(_opt(http_urls)),
        traffic_percent=draw(_opt(percents)),
        health=draw(names),
        last_health_check=draw(_opt(timestamps)),
        error_message=draw(_opt(texts)),
        created_at=created,
        updated_at=updated,
    )


feedback_events = st.builds(
    feedback.Event,
    id=identifiers,
    deployment_id=_opt(identifiers),
    model_version=_opt(texts),
    input=_opt(json_maps),
    output=_opt(json_maps),
    feedback_type=names,
    feedback_value=json_values,
    user_id=_opt(texts),
    session_id=_opt(texts),
    latency_ms=_opt(non_negative_ints),
    timestamp=_opt(timestamps),
    metadata=_opt(json_maps),
)


def _unique_by_name(
    items: st.SearchStrategy[Any], *, min_size: int
) -> st.SearchStrategy[list[Any]]:
    return st.lists(items, min_size=min_size, max_size=4, unique_by=lambda x: x.name)


@st.composite
def experiments(draw: st.DrawFn) -> ir.Experiment:
    """`Experiment`; unique stage and output names, updated_at >= created_at."""
    created, updated = draw(_ordered_timestamps())
    return ir.Experiment(
        id=draw(identifiers),
        backend=draw(backend_refs(2)),
        pipeline=draw(_unique_by_name(stage_defs, min_size=1)),
        description=draw(_opt(texts)),
        owner=draw(_opt(texts)),
        tags=draw(_opt(_name_lists())),
        metadata=draw(_opt(json_maps)),
        dataset=draw(_opt(dataset_refs)),
        reliability=draw(_opt(reliability_configs)),
        outputs=draw(_opt(_unique_by_name(output_specs, min_size=0))),
        created_at=created,
        updated_at=updated,
        experiment_type=draw(_opt(names)),
        model_version=draw(_opt(model_versions)),
        training_config=draw(_opt(training_configs)),
        baseline=draw(_opt(model_refs)),
    )


STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "experiment": experiments(),
    "backend_ref": backend_refs(),
    "dataset_ref": dataset_refs,
    "stage_def": stage_defs,
    "output_spec": output_specs,
    "reliability.config": reliability_configs,
    "reliability.ensemble": ensembles(),
    "reliability.hedging": hedgings,
    "reliability.stats": stats,
    "reliability.fairness": fairnesses,
    "reliability.guardrail": guardrails,
    "model_ref": model_refs,
    "model_version": model_versions,
    "training.config": training_configs,
    "training.run": training_runs(),
    "deployment.config": deployment_configs,
    "deployment.status": deployment_statuses(),
    "feedback.config": feedback_configs,
    "feedback.event": feedback_events,
}
"""The strategy of every non-backend IR type, by its stable type name."""

any_ir_object = st.one_of(*STRATEGIES.values())
"""A valid object of any non-backend IR type."""
