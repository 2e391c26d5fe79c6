"""Training: a configuration, and a run that executes it."""

from typing import Annotated, ClassVar, Literal

import msgspec

from ._base import IRStruct
from ._dataset import DatasetRef
from ._model_registry import ModelRef
from ._types import (
    Flag,
    HalfOpenUnit,
    Id,
    JSONMap,
    Name,
    NonNegInt,
    PosInt,
    PosNumber,
    Text,
    Timestamp,
    doc,
)

__all__ = ["RunStatus", "TrainingConfig", "TrainingRun"]

RunStatus = Literal["pending", "running", "completed", "failed", "cancelled"]
"""Where a training run is in its life."""


class TrainingConfig(IRStruct, frozen=True, kw_only=True):
    """Hyperparameters and settings for training a model on a dataset.

    >>> model, data = ModelRef(id="gpt2"), DatasetRef(name="wiki")
    >>> cfg = TrainingConfig(id="t", model_ref=model, dataset_ref=data)
    >>> cfg.epochs, cfg.optimizer
    (1, 'adam')
    """

    __ir_type__: ClassVar[str] = "training.config"

    batch_size: Annotated[PosInt, doc("Batch size, >= 1.")] = 32
    checkpoint_every: Annotated[PosInt | None, doc("Steps between checkpoints, >= 1.")] = None
    dataset_ref: Annotated[DatasetRef, doc("The training data (required).")]
    device: Annotated[Name, doc("Compute device: cpu, cuda, mps, tpu, ...")] = "cpu"
    early_stopping: Annotated[JSONMap | None, doc("Early stopping settings, opaque.")] = None
    epochs: Annotated[PosInt, doc("Training epochs, >= 1.")] = 1
    gradient_clipping: Annotated[PosNumber | None, doc("Largest gradient norm, > 0.")] = None
    id: Annotated[Id, doc("The configuration identifier (required).")]
    learning_rate: Annotated[PosNumber, doc("Initial learning rate, > 0.")] = 0.001
    loss_function: Annotated[Name, doc("Loss: cross_entropy, mse, mae, bce, ...")] = "cross_entropy"
    metrics: Annotated[list[Name], doc("Metrics to track.")] = msgspec.field(
        default_factory=lambda: ["loss", "accuracy"]
    )
    mixed_precision: Annotated[Flag, doc("Whether to train in mixed precision.")] = False
    model_ref: Annotated[ModelRef, doc("The model to train (required).")]
    optimizer: Annotated[Name, doc("Optimizer: adam, sgd, adamw, rmsprop, ...")] = "adam"
    options: Annotated[JSONMap | None, doc("Further options, opaque.")] = None
    seed: Annotated[int | None, doc("Random seed.")] = None
    validation_split: Annotated[
        HalfOpenUnit | None, doc("Share held out for validation, in [0, 1).")
    ] = None


class TrainingRun(IRStruct, frozen=True, kw_only=True):
    """One execution of a training configuration: status, metrics, artifacts, timing.

    >>> model, data = ModelRef(id="gpt2"), DatasetRef(name="wiki")
    >>> cfg = TrainingConfig(id="t", model_ref=model, dataset_ref=data)
    >>> TrainingRun(id="run_1", config=cfg).status
    'pending'
    """

    __ir_type__: ClassVar[str] = "training.run"

    best_metrics: Annotated[JSONMap | None, doc("The best metrics reached, opaque.")] = None
    checkpoint_uris: Annotated[list[Text] | None, doc("Where checkpoints were saved.")] = None
    completed_at: Annotated[Timestamp | None, doc("When it ended; not before `started_at`.")] = None
    config: Annotated[TrainingConfig, doc("The configuration being run (required).")]
    current_epoch: Annotated[NonNegInt | None, doc("The epoch in progress, >= 0.")] = None
    error_message: Annotated[Text | None, doc("Why it failed.")] = None
    final_model_version: Annotated[Id | None, doc("The model version the run produced.")] = None
    id: Annotated[Id, doc("The run identifier (required).")]
    metrics_history: Annotated[
        list[JSONMap] | None, doc("Metrics over time, one map per report.")
    ] = None
    options: Annotated[JSONMap | None, doc("Further options, opaque.")] = None
    started_at: Annotated[Timestamp | None, doc("When the run started.")] = None
    status: Annotated[RunStatus, doc("pending, running, completed, failed or cancelled.")] = (
        "pending"
    )
