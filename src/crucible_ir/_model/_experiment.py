"""`Experiment`: the top-level IR document."""

from typing import Annotated, ClassVar

from msgspec import Meta

from ._backend_ref import BackendRef
from ._base import IRStruct
from ._dataset import DatasetRef
from ._model_registry import ModelRef, ModelVersion
from ._output import OutputSpec
from ._reliability import ReliabilityConfig
from ._stage import StageDef
from ._training import TrainingConfig
from ._types import Id, JSONMap, Name, Text, Timestamp, doc

__all__ = ["Experiment"]


class Experiment(IRStruct, frozen=True, kw_only=True):
    """An ML reliability experiment: backend, pipeline, data, reliability, outputs, lifecycle.

    >>> exp = Experiment(id="demo", backend=BackendRef(id="gpt4"), pipeline=[StageDef(name="run")])
    >>> exp.backend.id
    'gpt4'
    """

    __ir_type__: ClassVar[str] = "experiment"

    backend: Annotated[BackendRef, doc("The LLM backend under test (required).")]
    baseline: Annotated[
        ModelRef | None, doc("The model compared against, for comparison experiments.")
    ] = None
    created_at: Annotated[Timestamp | None, doc("When it was created.")] = None
    dataset: Annotated[DatasetRef | None, doc("The data it evaluates on.")] = None
    description: Annotated[Text | None, doc("What the experiment is for.")] = None
    experiment_type: Annotated[
        Name | None, doc("evaluation, training, comparison, ablation, ...")
    ] = None
    id: Annotated[Id, doc("The experiment identifier (required).")]
    metadata: Annotated[JSONMap | None, doc("Further data, opaque.")] = None
    model_version: Annotated[ModelVersion | None, doc("The model version evaluated.")] = None
    outputs: Annotated[list[OutputSpec] | None, doc("Where results go; names unique.")] = None
    owner: Annotated[Text | None, doc("Who owns it.")] = None
    pipeline: Annotated[
        list[StageDef],
        Meta(min_length=1),
        doc("The stages, in order: at least one, names unique (required)."),
    ]
    reliability: Annotated[ReliabilityConfig | None, doc("Reliability mechanisms.")] = None
    tags: Annotated[list[Name] | None, doc("Tags for finding it.")] = None
    training_config: Annotated[
        TrainingConfig | None, doc("Training settings, for training experiments.")
    ] = None
    updated_at: Annotated[
        Timestamp | None, doc("When it last changed; not before `created_at`.")
    ] = None
