"""Feedback: how feedback is collected, and the feedback events themselves."""

from typing import Annotated, ClassVar

import msgspec

from ._base import IRStruct
from ._types import (
    Flag,
    Id,
    JSONMap,
    JSONValue,
    Name,
    NonNegInt,
    PosInt,
    Text,
    Timestamp,
    Unit,
    doc,
)

__all__ = ["FeedbackConfig", "FeedbackEvent"]


class FeedbackConfig(IRStruct, frozen=True, kw_only=True):
    """How feedback is sampled, stored and acted upon.

    >>> FeedbackConfig(enabled=True, sampling_rate=0.1).storage
    'postgres'
    """

    __ir_type__: ClassVar[str] = "feedback.config"

    anonymize_pii: Annotated[Flag, doc("Whether PII is anonymized before storage.")] = True
    drift_detection: Annotated[JSONMap | None, doc("Drift detection settings, opaque.")] = None
    enabled: Annotated[Flag, doc("Whether feedback is collected.")] = False
    feedback_types: Annotated[
        list[Name], doc("Kinds of feedback collected: thumbs, rating, correction, label, flag, ...")
    ] = msgspec.field(default_factory=lambda: ["thumbs", "correction"])
    options: Annotated[JSONMap | None, doc("Further options, opaque.")] = None
    retention_days: Annotated[PosInt | None, doc("How long events are kept, in days.")] = None
    retraining_trigger: Annotated[JSONMap | None, doc("When to trigger retraining, opaque.")] = None
    sampling_rate: Annotated[Unit, doc("Share of requests sampled, in [0, 1].")] = 1.0
    storage: Annotated[Name, doc("Storage backend: postgres, s3, bigquery, local, ...")] = (
        "postgres"
    )


class FeedbackEvent(IRStruct, frozen=True, kw_only=True):
    """One piece of user feedback on one model output.

    >>> FeedbackEvent(id="evt_123", feedback_value="up").feedback_type
    'thumbs'
    """

    __ir_type__: ClassVar[str] = "feedback.event"

    deployment_id: Annotated[Id | None, doc("The deployment that served the output.")] = None
    feedback_type: Annotated[
        Name, doc("Kind of feedback: thumbs, rating, correction, label, flag, ...")
    ] = "thumbs"
    feedback_value: Annotated[JSONValue, doc("The feedback itself: any JSON value.")] = None
    id: Annotated[Id, doc("The event identifier (required).")]
    input: Annotated[JSONMap | None, doc("The model input, opaque.")] = None
    latency_ms: Annotated[NonNegInt | None, doc("Latency of the response, in milliseconds.")] = None
    metadata: Annotated[JSONMap | None, doc("Further data, opaque.")] = None
    model_version: Annotated[Text | None, doc("The model version that produced the output.")] = None
    output: Annotated[JSONMap | None, doc("The model output, opaque.")] = None
    session_id: Annotated[Text | None, doc("The session it belongs to.")] = None
    timestamp: Annotated[Timestamp | None, doc("When the feedback was given.")] = None
    user_id: Annotated[Text | None, doc("Who gave the feedback.")] = None
