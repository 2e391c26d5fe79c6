"""`Capabilities`: what an LLM backend supports, its limits and its prices."""

from typing import Annotated, ClassVar

import msgspec

from .._base import IRStruct
from .._types import Flag, Id, JSONMap, Name, NonNegInt, NonNegNumber, doc

__all__ = ["Capabilities"]


class Capabilities(IRStruct, frozen=True, kw_only=True):
    """Features, limits and costs of one LLM backend.

    >>> caps = Capabilities(backend_id="openai", provider="openai", models=["gpt-4o"])
    >>> caps.supports_tools, caps.supports_vision
    (True, False)
    """

    __ir_type__: ClassVar[str] = "backend.capabilities"

    backend_id: Annotated[Id, doc("The backend identifier (required).")]
    cost_per_million_input: Annotated[
        NonNegNumber | None, doc("Price per million input tokens, >= 0.")
    ] = None
    cost_per_million_output: Annotated[
        NonNegNumber | None, doc("Price per million output tokens, >= 0.")
    ] = None
    default_model: Annotated[
        Name | None, doc("The model used when none is asked for; one of `models` when listed.")
    ] = None
    max_context_length: Annotated[NonNegInt | None, doc("Context window in tokens, >= 0.")] = None
    max_images_per_request: Annotated[NonNegInt | None, doc("Most images per request, >= 0.")] = (
        None
    )
    max_tokens: Annotated[NonNegInt | None, doc("Most tokens per answer, >= 0.")] = None
    metadata: Annotated[JSONMap, doc("Further data, opaque.")] = msgspec.field(default_factory=dict)
    models: Annotated[list[Name], doc("The models it serves.")] = msgspec.field(
        default_factory=list
    )
    provider: Annotated[Name, doc("The provider: openai, anthropic, local, ... (required).")]
    requests_per_minute: Annotated[NonNegInt | None, doc("Rate limit in requests, >= 0.")] = None
    supports_audio: Annotated[Flag, doc("Whether audio is understood.")] = False
    supports_caching: Annotated[Flag, doc("Whether prompts can be cached.")] = False
    supports_extended_thinking: Annotated[Flag, doc("Whether the model can think first.")] = False
    supports_json_mode: Annotated[Flag, doc("Whether JSON output can be forced.")] = True
    supports_streaming: Annotated[Flag, doc("Whether answers can be streamed.")] = True
    supports_tools: Annotated[Flag, doc("Whether tool calling works.")] = True
    supports_vision: Annotated[Flag, doc("Whether images are understood.")] = False
    tokens_per_minute: Annotated[NonNegInt | None, doc("Rate limit in tokens, >= 0.")] = None
