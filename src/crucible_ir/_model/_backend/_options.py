"""`Options`: how a backend should generate (model, sampling, limits, output format)."""

from typing import Annotated, ClassVar, Literal

import msgspec
from msgspec import Meta

from .._base import IRStruct
from .._types import Flag, JSONMap, Name, NonNegInt, Number, Text, Unit, doc

__all__ = ["CacheControl", "Options", "ResponseFormat", "Temperature"]

ResponseFormat = Literal["text", "json", "json_schema"]
"""The shape of the answer: free text, any JSON, or JSON following `Options.json_schema`."""

CacheControl = Literal["ephemeral"]
"""Prompt caching directives (the reference knows only ``ephemeral``)."""

Temperature = Annotated[int, Meta(ge=0, le=2)] | Annotated[float, Meta(ge=0, le=2)]
"""A sampling temperature: a number in [0, 2]."""


class Options(IRStruct, frozen=True, kw_only=True):
    """Generation options for one backend call; every field is optional.

    >>> Options(model="gpt-4o-mini", temperature=0.2).stream
    False
    >>> opts = Options(response_format="json_schema", json_schema={"name": "answer", "schema": {}})
    >>> opts.response_format
    'json_schema'
    """

    __ir_type__: ClassVar[str] = "backend.options"

    cache_control: Annotated[CacheControl | None, doc("Prompt caching directive: ephemeral.")] = (
        None
    )
    extended_thinking: Annotated[Flag, doc("Whether the model may think before answering.")] = False
    extra: Annotated[JSONMap, doc("Provider-specific options, passed through untouched.")] = (
        msgspec.field(default_factory=dict)
    )
    frequency_penalty: Annotated[
        Number | None, doc("Penalty for tokens by how often they appeared.")
    ] = None
    json_schema: Annotated[
        JSONMap | None,
        doc("The JSON Schema of the answer; required when `response_format` is json_schema."),
    ] = None
    max_tokens: Annotated[NonNegInt | None, doc("Most tokens to generate, >= 0.")] = None
    model: Annotated[Name | None, doc("The model to use, e.g. `gpt-4o-2024-08-06`.")] = None
    presence_penalty: Annotated[Number | None, doc("Penalty for tokens that appeared at all.")] = (
        None
    )
    response_format: Annotated[
        ResponseFormat | None, doc("Answer format: text, json or json_schema.")
    ] = None
    seed: Annotated[int | None, doc("Random seed, for reproducible sampling.")] = None
    stop: Annotated[list[Text] | None, doc("Sequences that end generation.")] = None
    stream: Annotated[Flag, doc("Whether to stream the answer.")] = False
    temperature: Annotated[Temperature | None, doc("Sampling temperature, in [0, 2].")] = None
    thinking_budget_tokens: Annotated[
        NonNegInt | None, doc("Most tokens to spend thinking, >= 0.")
    ] = None
    timeout_ms: Annotated[NonNegInt | None, doc("Request timeout in milliseconds, >= 0.")] = None
    top_k: Annotated[NonNegInt | None, doc("Sample from the k likeliest tokens, >= 0.")] = None
    top_p: Annotated[Unit | None, doc("Nucleus sampling mass, in [0, 1].")] = None
