"""Reliability mechanisms: ensemble voting, hedging, statistics, fairness, guardrails."""

from typing import Annotated, ClassVar, Literal

import msgspec

from ._backend_ref import BackendRef
from ._base import IRStruct
from ._feedback import FeedbackConfig
from ._types import Flag, JSONMap, Name, NonNegNumber, PosInt, Unit, doc

__all__ = [
    "Ensemble",
    "EnsembleStrategy",
    "ExecutionMode",
    "Fairness",
    "Guardrail",
    "Hedging",
    "HedgingStrategy",
    "ReliabilityConfig",
    "Stats",
]

EnsembleStrategy = Literal["none", "majority", "weighted", "best_confidence", "unanimous"]
"""How an ensemble combines its models' answers."""

ExecutionMode = Literal["parallel", "sequential", "hedged", "cascade"]
"""How an ensemble runs its models."""

HedgingStrategy = Literal[
    "off", "fixed", "percentile", "adaptive", "workload_aware", "exponential_backoff"
]
"""When a hedge request is sent."""


class Ensemble(IRStruct, frozen=True, kw_only=True):
    """Ensemble voting: several models answer and a strategy combines the answers.

    The models are named, or given as backend refs (as the reference framework's
    backend-call stage lists them); `weights` are keyed by names and refs' ids.

    >>> Ensemble(strategy="majority", models=["gpt4", "claude"]).execution_mode
    'parallel'
    >>> Ensemble(models=["gpt4", BackendRef(id="mock")], weights={"mock": 0.5}).models[1].id
    'mock'
    """

    __ir_type__: ClassVar[str] = "reliability.ensemble"

    execution_mode: Annotated[
        ExecutionMode, doc("How models run: parallel, sequential, hedged or cascade.")
    ] = "parallel"
    min_agreement: Annotated[Unit | None, doc("Minimum share of agreeing models, in [0, 1].")] = (
        None
    )
    models: Annotated[
        list[Name | BackendRef] | None,
        doc("The models taking part: names, or backend refs (an object of type backend_ref)."),
    ] = None
    options: Annotated[JSONMap | None, doc("Strategy-specific options, opaque.")] = None
    strategy: Annotated[
        EnsembleStrategy,
        doc("Voting strategy: none, majority, weighted, best_confidence or unanimous."),
    ] = "none"
    timeout_ms: Annotated[PosInt | None, doc("Timeout for the models, in milliseconds.")] = None
    weights: Annotated[
        dict[str, NonNegNumber] | None,
        doc(
            "Vote weight per model for weighted voting; every key must name one of `models` "
            "(a name, or a backend ref's id)."
        ),
    ] = None


class Hedging(IRStruct, frozen=True, kw_only=True):
    """Request hedging: send a duplicate request after a delay to cut tail latency.

    >>> Hedging().strategy
    'off'
    """

    __ir_type__: ClassVar[str] = "reliability.hedging"

    budget_percent: Annotated[
        NonNegNumber | None, doc("Most extra cost allowed for hedging, in percent.")
    ] = None
    delay_ms: Annotated[PosInt | None, doc("Delay before a hedge request, in milliseconds.")] = None
    max_hedges: Annotated[PosInt | None, doc("Most hedge requests per call.")] = None
    options: Annotated[JSONMap | None, doc("Strategy-specific options, opaque.")] = None
    percentile: Annotated[
        Unit | None,
        doc("Latency percentile that triggers a hedge, as a fraction in [0, 1] (0.95)."),
    ] = None
    strategy: Annotated[
        HedgingStrategy,
        doc("off, fixed, percentile, adaptive, workload_aware or exponential_backoff."),
    ] = "off"


class Stats(IRStruct, frozen=True, kw_only=True):
    """Statistical testing: which tests run and at what significance.

    >>> Stats().tests, Stats().alpha
    (['ttest', 'bootstrap'], 0.05)
    """

    __ir_type__: ClassVar[str] = "reliability.stats"

    alpha: Annotated[Unit, doc("Significance level, in [0, 1].")] = 0.05
    bootstrap_iterations: Annotated[PosInt | None, doc("Bootstrap resamples.")] = None
    confidence_level: Annotated[Unit | None, doc("Confidence level of intervals, in [0, 1].")] = (
        None
    )
    effect_size_type: Annotated[
        Name | None, doc("Effect size to report: cohens_d, eta_squared, omega_squared, ...")
    ] = None
    multiple_testing_correction: Annotated[
        Name | None, doc("Correction for multiple tests: bonferroni, holm, fdr, ...")
    ] = None
    options: Annotated[JSONMap | None, doc("Test-specific options, opaque.")] = None
    tests: Annotated[
        list[Name],
        doc("Tests to run: ttest, bootstrap, anova, mannwhitney, wilcoxon, kruskal, ..."),
    ] = msgspec.field(default_factory=lambda: ["ttest", "bootstrap"])


class Fairness(IRStruct, frozen=True, kw_only=True):
    """Fairness checks: metrics computed per group, with a threshold.

    >>> Fairness().enabled
    False
    """

    __ir_type__: ClassVar[str] = "reliability.fairness"

    enabled: Annotated[Flag, doc("Whether fairness is checked.")] = False
    fail_on_violation: Annotated[Flag | None, doc("Whether a violation fails the experiment.")] = (
        None
    )
    group_by: Annotated[Name | None, doc("The attribute that defines the groups.")] = None
    metrics: Annotated[
        list[Name] | None,
        doc(
            "Metrics: demographic_parity, equalized_odds, equal_opportunity, predictive_parity, ..."
        ),
    ] = None
    options: Annotated[JSONMap | None, doc("Metric-specific options, opaque.")] = None
    threshold: Annotated[
        Unit | None, doc("Fairness threshold in [0, 1] (0.8 for the 80% rule).")
    ] = None


class Guardrail(IRStruct, frozen=True, kw_only=True):
    """Security guardrails: prompt injection, jailbreak, PII and content checks.

    >>> Guardrail().profiles
    ['default']
    """

    __ir_type__: ClassVar[str] = "reliability.guardrail"

    content_moderation: Annotated[Flag | None, doc("Moderate content for safety.")] = None
    fail_on_detection: Annotated[Flag | None, doc("Whether a detection fails the request.")] = None
    jailbreak_detection: Annotated[Flag | None, doc("Detect jailbreak attempts.")] = None
    options: Annotated[JSONMap | None, doc("Guardrail options, opaque.")] = None
    pii_detection: Annotated[Flag | None, doc("Detect personally identifiable information.")] = None
    pii_redaction: Annotated[Flag | None, doc("Redact detected PII.")] = None
    profiles: Annotated[
        list[Name], doc("Security profiles: default, strict, moderate, permissive, ...")
    ] = msgspec.field(default_factory=lambda: ["default"])
    prompt_injection_detection: Annotated[Flag | None, doc("Detect prompt injection.")] = None


class ReliabilityConfig(IRStruct, frozen=True, kw_only=True):
    """All reliability mechanisms of an experiment; each one is optional.

    >>> ReliabilityConfig(stats=Stats(alpha=0.01)).stats.alpha
    0.01
    """

    __ir_type__: ClassVar[str] = "reliability.config"

    circuit_breaker: Annotated[JSONMap | None, doc("Circuit breaker settings, opaque.")] = None
    drift: Annotated[JSONMap | None, doc("Drift detection settings, opaque.")] = None
    ensemble: Annotated[Ensemble | None, doc("Ensemble voting.")] = None
    fairness: Annotated[Fairness | None, doc("Fairness checks.")] = None
    feedback: Annotated[FeedbackConfig | None, doc("Feedback collection.")] = None
    guardrails: Annotated[Guardrail | None, doc("Security guardrails.")] = None
    hedging: Annotated[Hedging | None, doc("Request hedging.")] = None
    monitoring: Annotated[JSONMap | None, doc("Runtime monitoring settings, opaque.")] = None
    stats: Annotated[Stats | None, doc("Statistical testing.")] = None
