"""Every IR model class, in one import (fills the type-name registry)."""

from ._backend._capabilities import Capabilities
from ._backend._completion import Choice, Completion, Usage
from ._backend._messages import ContentPart, Message, ToolCall
from ._backend._options import Options
from ._backend._prompt import Prompt
from ._backend_ref import BackendRef
from ._dataset import DatasetRef
from ._deployment import DeploymentConfig, DeploymentStatus
from ._experiment import Experiment
from ._feedback import FeedbackConfig, FeedbackEvent
from ._model_registry import ModelRef, ModelVersion
from ._output import OutputSpec
from ._reliability import Ensemble, Fairness, Guardrail, Hedging, ReliabilityConfig, Stats
from ._stage import StageDef
from ._training import TrainingConfig, TrainingRun

__all__ = [
    "BackendRef",
    "Capabilities",
    "Choice",
    "Completion",
    "ContentPart",
    "DatasetRef",
    "DeploymentConfig",
    "DeploymentStatus",
    "Ensemble",
    "Experiment",
    "Fairness",
    "FeedbackConfig",
    "FeedbackEvent",
    "Guardrail",
    "Hedging",
    "Message",
    "ModelRef",
    "ModelVersion",
    "Options",
    "OutputSpec",
    "Prompt",
    "ReliabilityConfig",
    "StageDef",
    "Stats",
    "ToolCall",
    "TrainingConfig",
    "TrainingRun",
    "Usage",
]
