"""Deployment: where a model version is served, and how that deployment is doing."""

from typing import Annotated, ClassVar, Literal

from ._base import IRStruct
from ._types import HttpUrl, Id, JSONMap, Name, NonNegInt, Percent, PosInt, Text, Timestamp, doc

__all__ = ["DeploymentConfig", "DeploymentState", "DeploymentStatus"]

DeploymentState = Literal["pending", "deploying", "active", "degraded", "failed", "terminated"]
"""Where a deployment is in its life."""


class DeploymentConfig(IRStruct, frozen=True, kw_only=True):
    """Where and how to deploy a model version: target, replicas, resources, scaling.

    >>> DeploymentConfig(id="d", model_version_id="v1").strategy
    'rolling'
    """

    __ir_type__: ClassVar[str] = "deployment.config"

    endpoint: Annotated[JSONMap | None, doc("API endpoint settings, opaque.")] = None
    environment: Annotated[Name, doc("development, staging, production, ...")] = "development"
    health_check: Annotated[JSONMap | None, doc("Health check settings, opaque.")] = None
    id: Annotated[Id, doc("The deployment identifier (required).")]
    metadata: Annotated[JSONMap | None, doc("Further data, opaque.")] = None
    model_version_id: Annotated[Id, doc("The model version to deploy (required).")]
    options: Annotated[JSONMap | None, doc("Further options, opaque.")] = None
    replicas: Annotated[PosInt, doc("Number of replicas, >= 1.")] = 1
    resources: Annotated[JSONMap | None, doc("Resource requirements, opaque.")] = None
    scaling: Annotated[JSONMap | None, doc("Auto-scaling settings, opaque.")] = None
    strategy: Annotated[
        Name, doc("Rollout strategy: rolling, blue_green, canary, recreate, ...")
    ] = "rolling"
    target: Annotated[
        JSONMap | None, doc("The deployment target (cluster, namespace, ...), opaque.")
    ] = None


class DeploymentStatus(IRStruct, frozen=True, kw_only=True):
    """The observed state of a deployment: health, replicas, traffic.

    >>> DeploymentStatus(id="s", deployment_id="d").health
    'unknown'
    """

    __ir_type__: ClassVar[str] = "deployment.status"

    created_at: Annotated[Timestamp | None, doc("When the status was created.")] = None
    deployment_id: Annotated[Id, doc("The deployment described (required).")]
    endpoint_url: Annotated[
        HttpUrl | None, doc("The serving endpoint: an absolute http(s) URL.")
    ] = None
    error_message: Annotated[Text | None, doc("Why it is unhealthy.")] = None
    health: Annotated[Name, doc("unknown, healthy, unhealthy, degraded, ...")] = "unknown"
    id: Annotated[Id, doc("The status identifier (required).")]
    last_health_check: Annotated[Timestamp | None, doc("When health was last checked.")] = None
    ready_replicas: Annotated[
        NonNegInt | None, doc("Replicas ready, at most `total_replicas`.")
    ] = None
    state: Annotated[
        DeploymentState, doc("pending, deploying, active, degraded, failed or terminated.")
    ] = "pending"
    total_replicas: Annotated[NonNegInt | None, doc("Replicas in all.")] = None
    traffic_percent: Annotated[
        Percent | None, doc("Share of traffic routed here, in [0, 100].")
    ] = None
    updated_at: Annotated[
        Timestamp | None, doc("When it last changed; not before `created_at`.")
    ] = None
