"""Plain ``msgspec.Struct`` models of the experiment tree and the feedback event.

For comparison only. Same schema and the same value rules as crucible_ir's section 4
(API.md), expressed with ``msgspec.Meta`` constraints: ``Literal`` closed vocabularies,
``ge``/``le``/``gt``/``lt`` ranges, ``min_length=1`` identifiers, SemVer and http(s) URL
patterns, ``tz=True`` timestamps, ``int`` vs ``int | float`` numbers (msgspec never
takes a bool for a number). Cross-field rules run in ``__post_init__``, which msgspec
calls while decoding. Structs are frozen and keyword-only; unknown keys are ignored;
``gc=False`` and other tuning knobs are deliberately left at their defaults.

Decoding is ``msgspec.json.Decoder(Experiment).decode(doc)``.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, field

from ._pydantic_models import HTTP_URL, SEMVER

Id = Annotated[str, Meta(min_length=1)]
Vocab = Annotated[str, Meta(min_length=1)]
SemVer = Annotated[str, Meta(pattern=SEMVER)]
HttpUrl = Annotated[str, Meta(pattern=HTTP_URL)]
AwareDatetime = Annotated[datetime, Meta(tz=True)]
Opaque = dict[str, Any]
Number = int | float
Unit = Annotated[int, Meta(ge=0, le=1)] | Annotated[float, Meta(ge=0, le=1)]
HalfOpenUnit = Annotated[int, Meta(ge=0, lt=1)] | Annotated[float, Meta(ge=0, lt=1)]
PositiveInt = Annotated[int, Meta(ge=1)]
NonNegativeInt = Annotated[int, Meta(ge=0)]
NonNegativeNumber = Annotated[int, Meta(ge=0)] | Annotated[float, Meta(ge=0)]
PositiveNumber = Annotated[int, Meta(gt=0)] | Annotated[float, Meta(gt=0)]


def _later(created: datetime | None, updated: datetime | None, what: str) -> None:
    if created is not None and updated is not None and updated < created:
        raise ValueError(f"{what} is before its start")


def _unique(names: list[str], what: str) -> None:
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate {what} names")


class BackendRef(msgspec.Struct, frozen=True, kw_only=True):
    id: Id
    profile: Vocab = "default"
    options: Opaque | None = None
    model_version: str | None = None
    endpoint_url: HttpUrl | None = None
    deployment_id: str | None = None
    fallback: "BackendRef | None" = None


class DatasetRef(msgspec.Struct, frozen=True, kw_only=True):
    name: Id
    provider: Vocab = "crucible_datasets"
    split: Vocab = "train"
    options: Opaque | None = None
    version: str | None = None
    format: Vocab | None = None
    schema: Opaque | None = None


class StageDef(msgspec.Struct, frozen=True, kw_only=True):
    name: Id
    module: str | None = None
    options: Opaque | None = None
    enabled: bool = True


class OutputSpec(msgspec.Struct, frozen=True, kw_only=True):
    name: Id
    formats: list[Vocab] = field(default_factory=lambda: ["markdown"])
    sink: Vocab = "file"
    options: Opaque | None = None


class Ensemble(msgspec.Struct, frozen=True, kw_only=True):
    strategy: Literal["none", "majority", "weighted", "best_confidence", "unanimous"] = "none"
    execution_mode: Literal["parallel", "sequential", "hedged", "cascade"] = "parallel"
    models: list[Vocab] | None = None
    weights: dict[str, Number] | None = None
    min_agreement: Unit | None = None
    timeout_ms: PositiveInt | None = None
    options: Opaque | None = None

    def __post_init__(self) -> None:
        if self.weights is not None and self.models is not None:
            unknown = set(self.weights).difference(self.models)
            if unknown:
                raise ValueError(f"weights for unknown models: {sorted(unknown)}")


class Hedging(msgspec.Struct, frozen=True, kw_only=True):
    strategy: Literal[
        "off", "fixed", "percentile", "adaptive", "workload_aware", "exponential_backoff"
    ] = "off"
    delay_ms: PositiveInt | None = None
    percentile: Unit | None = None
    max_hedges: PositiveInt | None = None
    budget_percent: NonNegativeNumber | None = None
    options: Opaque | None = None


class Stats(msgspec.Struct, frozen=True, kw_only=True):
    tests: list[Vocab] = field(default_factory=lambda: ["ttest", "bootstrap"])
    alpha: Unit = 0.05
    confidence_level: Unit | None = None
    effect_size_type: Vocab | None = None
    multiple_testing_correction: Vocab | None = None
    bootstrap_iterations: PositiveInt | None = None
    options: Opaque | None = None


class Fairness(msgspec.Struct, frozen=True, kw_only=True):
    enabled: bool = False
    metrics: list[Vocab] | None = None
    group_by: str | None = None
    threshold: Unit | None = None
    fail_on_violation: bool | None = None
    options: Opaque | None = None


class Guardrail(msgspec.Struct, frozen=True, kw_only=True):
    profiles: list[Vocab] = field(default_factory=lambda: ["default"])
    prompt_injection_detection: bool | None = None
    jailbreak_detection: bool | None = None
    pii_detection: bool | None = None
    pii_redaction: bool | None = None
    content_moderation: bool | None = None
    fail_on_detection: bool | None = None
    options: Opaque | None = None


class FeedbackConfig(msgspec.Struct, frozen=True, kw_only=True):
    retention_days: PositiveInt | None = None
    drift_detection: Opaque | None = None
    retraining_trigger: Opaque | None = None
    enabled: bool = False
    sampling_rate: Unit = 1.0
    feedback_types: list[Vocab] = field(default_factory=lambda: ["thumbs", "correction"])
    storage: Vocab = "postgres"
    anonymize_pii: bool = True
    options: Opaque | None = None


class ReliabilityConfig(msgspec.Struct, frozen=True, kw_only=True):
    ensemble: Ensemble | None = None
    hedging: Hedging | None = None
    guardrails: Guardrail | None = None
    stats: Stats | None = None
    fairness: Fairness | None = None
    monitoring: Opaque | None = None
    drift: Opaque | None = None
    circuit_breaker: Opaque | None = None
    feedback: FeedbackConfig | None = None


class ModelRef(msgspec.Struct, frozen=True, kw_only=True):
    id: Id
    name: str | None = None
    version: str | None = None
    artifact_uri: str | None = None
    architecture: Vocab | None = None
    task: Vocab | None = None
    metadata: Opaque | None = None
    provider: Vocab = "local"
    framework: Vocab = "nx"
    options: Opaque | None = None


class ModelVersion(msgspec.Struct, frozen=True, kw_only=True):
    id: Id
    model_id: Id
    version: SemVer
    training_run_id: str | None = None
    metrics: Opaque | None = None
    artifact_uri: str | None = None
    parent_version: SemVer | None = None
    description: str | None = None
    created_at: AwareDatetime | None = None
    created_by: str | None = None
    stage: Vocab = "development"
    options: Opaque | None = None


class TrainingConfig(msgspec.Struct, frozen=True, kw_only=True):
    id: Id
    model_ref: ModelRef
    dataset_ref: DatasetRef
    validation_split: HalfOpenUnit | None = None
    seed: int | None = None
    gradient_clipping: PositiveNumber | None = None
    early_stopping: Opaque | None = None
    checkpoint_every: PositiveInt | None = None
    epochs: PositiveInt = 1
    batch_size: PositiveInt = 32
    learning_rate: PositiveNumber = 0.001
    optimizer: Vocab = "adam"
    loss_function: Vocab = "cross_entropy"
    metrics: list[Vocab] = field(default_factory=lambda: ["loss", "accuracy"])
    device: Vocab = "cpu"
    mixed_precision: bool = False
    options: Opaque | None = None


class Experiment(msgspec.Struct, frozen=True, kw_only=True):
    id: Id
    backend: BackendRef
    pipeline: Annotated[list[StageDef], Meta(min_length=1)]
    description: str | None = None
    owner: str | None = None
    tags: list[str] | None = None
    metadata: Opaque | None = None
    dataset: DatasetRef | None = None
    reliability: ReliabilityConfig | None = None
    outputs: list[OutputSpec] | None = None
    created_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None
    experiment_type: Vocab | None = None
    model_version: ModelVersion | None = None
    training_config: TrainingConfig | None = None
    baseline: ModelRef | None = None

    def __post_init__(self) -> None:
        _unique([stage.name for stage in self.pipeline], "stage")
        if self.outputs is not None:
            _unique([output.name for output in self.outputs], "output")
        _later(self.created_at, self.updated_at, "updated_at")


class Event(msgspec.Struct, frozen=True, kw_only=True):
    """``feedback.event``."""

    id: Id
    deployment_id: str | None = None
    model_version: str | None = None
    input: Opaque | None = None
    output: Opaque | None = None
    feedback_value: Any = None
    user_id: str | None = None
    session_id: str | None = None
    latency_ms: NonNegativeInt | None = None
    metadata: Opaque | None = None
    feedback_type: Vocab = "thumbs"
    timestamp: AwareDatetime | None = None
