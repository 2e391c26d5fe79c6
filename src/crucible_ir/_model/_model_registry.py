"""Model registry entries: `ModelRef` and `ModelVersion`."""

from typing import Annotated, ClassVar

from ._base import IRStruct
from ._types import Id, JSONMap, Name, SemVer, Text, Timestamp, doc

__all__ = ["ModelRef", "ModelVersion"]


class ModelRef(IRStruct, frozen=True, kw_only=True):
    """Reference to a registered model, from any provider and framework.

    >>> ModelRef(id="gpt2_base", provider="huggingface").framework
    'nx'
    """

    __ir_type__: ClassVar[str] = "model_ref"

    architecture: Annotated[Name | None, doc("Architecture: transformer, lstm, cnn, mlp, ...")] = (
        None
    )
    artifact_uri: Annotated[Text | None, doc("Where the model artifacts are stored.")] = None
    framework: Annotated[
        Name, doc("The ML framework: nx, pytorch, tensorflow, onnx, safetensors, ...")
    ] = "nx"
    id: Annotated[
        Id, doc("The model identifier, e.g. `gpt2_base` or `meta-llama/Llama-3.1-8B` (required).")
    ]
    metadata: Annotated[JSONMap | None, doc("Further data, opaque.")] = None
    name: Annotated[Text | None, doc("A human-readable name.")] = None
    options: Annotated[JSONMap | None, doc("Provider-specific options, opaque.")] = None
    provider: Annotated[
        Name, doc("Where the model comes from: local, huggingface, openai, anthropic, s3, gcs, ...")
    ] = "local"
    task: Annotated[
        Name | None,
        doc("Task: text_classification, text_generation, embedding, qa, summarization, ..."),
    ] = None
    version: Annotated[Text | None, doc("The model's version string.")] = None


class ModelVersion(IRStruct, frozen=True, kw_only=True):
    """An immutable snapshot of a model, with metrics and lineage.

    >>> ModelVersion(id="v1_0_0", model_id="gpt2", version="1.0.0").stage
    'development'
    """

    __ir_type__: ClassVar[str] = "model_version"

    artifact_uri: Annotated[Text | None, doc("Where the version's artifacts are stored.")] = None
    created_at: Annotated[Timestamp | None, doc("When it was created.")] = None
    created_by: Annotated[Text | None, doc("Who created it.")] = None
    description: Annotated[Text | None, doc("What changed in this version.")] = None
    id: Annotated[Id, doc("The version identifier, e.g. `gpt2_1_0_0` (required).")]
    metrics: Annotated[JSONMap | None, doc("Performance metrics, opaque.")] = None
    model_id: Annotated[Id, doc("The model this is a version of (required).")]
    options: Annotated[JSONMap | None, doc("Further options, opaque.")] = None
    parent_version: Annotated[SemVer | None, doc("The SemVer version it was derived from.")] = None
    stage: Annotated[
        Name, doc("Lifecycle stage: development, staging, production, archived, ...")
    ] = "development"
    training_run_id: Annotated[Id | None, doc("The training run that produced it.")] = None
    version: Annotated[
        SemVer, doc("The Semantic Versioning 2.0.0 version, e.g. `2.1.0` (required).")
    ]
