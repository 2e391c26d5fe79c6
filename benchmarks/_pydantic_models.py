"""Pydantic v2 models of the experiment tree and the feedback event (comparison only).

Same schema and the same value rules as crucible_ir's section 4 (API.md):

* closed vocabularies as ``Literal``; open vocabularies as non-empty strings;
* ranges with ``ge``/``le``/``gt``/``lt``; required identifiers with ``min_length=1``;
* SemVer 2.0.0 and absolute http(s) URLs as patterns;
* timestamps as ``AwareDatetime`` (an offset is required);
* ``strict=True``: a float is not accepted where an integer belongs, a bool is not a
  number, and numbers documented as floats are ``int | float`` (a JSON integer stays
  an ``int``);
* cross-field rules (weights keys among models, ``updated_at >= created_at``, unique
  stage names, unique output names) as ``model_validator(mode="after")``;
* unknown keys ignored, models frozen, explicit ``null`` rejected for fields whose
  default is not ``None``.

Decoding is ``Experiment.model_validate_json(doc)`` / ``Event.model_validate_json(line)``.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

SEMVER = (
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
HTTP_URL = r"^https?://[^\s/?#]+[^\s]*$"

Id = Annotated[str, Field(min_length=1)]
Vocab = Annotated[str, Field(min_length=1)]
SemVer = Annotated[str, Field(pattern=SEMVER)]
HttpUrl = Annotated[str, Field(pattern=HTTP_URL)]
Opaque = dict[str, Any]
Number = int | float
Unit = Annotated[int | float, Field(ge=0, le=1)]
PositiveInt = Annotated[int, Field(ge=1)]
NonNegativeInt = Annotated[int, Field(ge=0)]
NonNegativeNumber = Annotated[int | float, Field(ge=0)]
PositiveNumber = Annotated[int | float, Field(gt=0)]


class _Model(BaseModel):
    model_config = ConfigDict(
        strict=True,
        frozen=True,
        extra="ignore",
        serialize_by_alias=True,
        validate_by_alias=True,
        validate_by_name=True,
    )


def _later(created: datetime | None, updated: datetime | None, what: str) -> None:
    if created is not None and updated is not None and updated < created:
        raise ValueError(f"{what} is before its start")


def _unique(names: list[str], what: str) -> None:
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate {what} names")


class BackendRef(_Model):
    id: Id
    profile: Vocab = "default"
    options: Opaque | None = None
    model_version: str | None = None
    endpoint_url: HttpUrl | None = None
    deployment_id: str | None = None
    fallback: "BackendRef | None" = None


class DatasetRef(_Model):
    name: Id
    provider: Vocab = "crucible_datasets"
    split: Vocab = "train"
    options: Opaque | None = None
    version: str | None = None
    format: Vocab | None = None
    # ``schema`` would shadow BaseModel.schema(); the wire key stays "schema".
    schema_: Opaque | None = Field(default=None, alias="schema")


class StageDef(_Model):
    name: Id
    module: str | None = None
    options: Opaque | None = None
    enabled: bool = True


class OutputSpec(_Model):
    name: Id
    formats: list[Vocab] = ["markdown"]
    sink: Vocab = "file"
    options: Opaque | None = None


class Ensemble(_Model):
    strategy: Literal["none", "majority", "weighted", "best_confidence", "unanimous"] = "none"
    execution_mode: Literal["parallel", "sequential", "hedged", "cascade"] = "parallel"
    models: list[Vocab] | None = None
    weights: dict[str, Number] | None = None
    min_agreement: Unit | None = None
    timeout_ms: PositiveInt | None = None
    options: Opaque | None = None

    @model_validator(mode="after")
    def _weights_among_models(self) -> "Ensemble":
        if self.weights is not None and self.models is not None:
            unknown = set(self.weights).difference(self.models)
            if unknown:
                raise ValueError(f"weights for unknown models: {sorted(unknown)}")
        return self


class Hedging(_Model):
    strategy: Literal[
        "off", "fixed", "percentile", "adaptive", "workload_aware", "exponential_backoff"
    ] = "off"
    delay_ms: PositiveInt | None = None
    percentile: Unit | None = None
    max_hedges: PositiveInt | None = None
    budget_percent: NonNegativeNumber | None = None
    options: Opaque | None = None


class Stats(_Model):
    tests: list[Vocab] = ["ttest", "bootstrap"]
    alpha: Unit = 0.05
    confidence_level: Unit | None = None
    effect_size_type: Vocab | None = None
    multiple_testing_correction: Vocab | None = None
    bootstrap_iterations: PositiveInt | None = None
    options: Opaque | None = None


class Fairness(_Model):
    enabled: bool = False
    metrics: list[Vocab] | None = None
    group_by: str | None = None
    threshold: Unit | None = None
    fail_on_violation: bool | None = None
    options: Opaque | None = None


class Guardrail(_Model):
    profiles: list[Vocab] = ["default"]
    prompt_injection_detection: bool | None = None
    jailbreak_detection: bool | None = None
    pii_detection: bool | None = None
    pii_redaction: bool | None = None
    content_moderation: bool | None = None
    fail_on_detection: bool | None = None
    options: Opaque | None = None


class FeedbackConfig(_Model):
    retention_days: PositiveInt | None = None
    drift_detection: Opaque | None = None
    retraining_trigger: Opaque | None = None
    enabled: bool = False
    sampling_rate: Unit = 1.0
    feedback_types: list[Vocab] = ["thumbs", "correction"]
    storage: Vocab = "postgres"
    anonymize_pii: bool = True
    options: Opaque | None = None


class ReliabilityConfig(_Model):
    ensemble: Ensemble | None = None
    hedging: Hedging | None = None
    guardrails: Guardrail | None = None
    stats: Stats | None = None
    fairness: Fairness | None = None
    monitoring: Opaque | None = None
    drift: Opaque | None = None
    circuit_breaker: Opaque | None = None
    feedback: FeedbackConfig | None = None


class ModelRef(_Model):
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


class ModelVersion(_Model):
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


class TrainingConfig(_Model):
    id: Id
    model_ref: ModelRef
    dataset_ref: DatasetRef
    validation_split: Annotated[int | float, Field(ge=0, lt=1)] | None = None
    seed: int | None = None
    gradient_clipping: PositiveNumber | None = None
    early_stopping: Opaque | None = None
    checkpoint_every: PositiveInt | None = None
    epochs: PositiveInt = 1
    batch_size: PositiveInt = 32
    learning_rate: PositiveNumber = 0.001
    optimizer: Vocab = "adam"
    loss_function: Vocab = "cross_entropy"
    metrics: list[Vocab] = ["loss", "accuracy"]
    device: Vocab = "cpu"
    mixed_precision: bool = False
    options: Opaque | None = None


class Experiment(_Model):
    id: Id
    backend: BackendRef
    pipeline: Annotated[list[StageDef], Field(min_length=1)]
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

    @model_validator(mode="after")
    def _consistency(self) -> "Experiment":
        _unique([stage.name for stage in self.pipeline], "stage")
        if self.outputs is not None:
            _unique([output.name for output in self.outputs], "output")
        _later(self.created_at, self.updated_at, "updated_at")
        return self


class Event(_Model):
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
