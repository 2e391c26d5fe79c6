"""`BackendRef`: which LLM backend an experiment runs against."""

from typing import Annotated, ClassVar

from ._base import IRStruct
from ._types import HttpUrl, Id, JSONMap, Name, Text, doc

__all__ = ["BackendRef"]


class BackendRef(IRStruct, frozen=True, kw_only=True):
    """Reference to an LLM backend, with a configuration profile and a fallback chain.

    >>> BackendRef(id="openai_gpt4").profile
    'default'
    """

    __ir_type__: ClassVar[str] = "backend_ref"

    deployment_id: Annotated[Id | None, doc("The deployment serving this backend.")] = None
    endpoint_url: Annotated[HttpUrl | None, doc("A custom endpoint: an absolute http(s) URL.")] = (
        None
    )
    fallback: Annotated[
        "BackendRef | None", doc("The backend to use when this one fails; may chain further.")
    ] = None
    id: Annotated[Id, doc("The backend identifier, e.g. `openai_gpt4` (required).")]
    model_version: Annotated[
        Text | None, doc("A specific model version string, e.g. `gpt-4o-2024-08-06`.")
    ] = None
    options: Annotated[
        JSONMap | None, doc("Backend-specific options, passed through untouched.")
    ] = None
    profile: Annotated[Name, doc("The configuration profile to use.")] = "default"
