"""Hypothesis strategies for the backend IR: each one generates VALID objects.

Every strategy respects the rules of section 7 of the API contract (closed
vocabularies, ranges, the cross-field rules), so ``errors(x) == []`` holds for
every generated ``x``. Optional keys of the wire objects (messages, content
parts, tool calls, choices, usage) are left unset, set to ``None`` or set to a
value, so both "absent stays absent" and "null stays null" are exercised.

This module shares its basename with ``tests/strategies.py``; load it by path
under a name of its own (see ``test_backend_properties.py``), not with
``import strategies``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from hypothesis import strategies as st
from msgspec import UNSET

from crucible_ir import backend

__all__ = [
    "STRATEGIES",
    "capabilities",
    "choices",
    "completions",
    "content_parts",
    "json_maps",
    "messages",
    "options",
    "prompts",
    "tool_calls",
    "usages",
]

T = TypeVar("T")

# Any Unicode text JSON can carry (lone surrogates cannot be encoded as UTF-8).
text = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
names = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=12)
counts = st.integers(min_value=0, max_value=2**63)
finite_floats = st.floats(allow_nan=False, allow_infinity=False)

json_scalars = st.none() | st.booleans() | st.integers() | finite_floats | text
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
json_maps = st.dictionaries(text, json_values, max_size=4)


def numbers(lo: float | None = None, hi: float | None = None) -> st.SearchStrategy[Any]:
    """JSON numbers in [lo, hi]: integers and floats, each kept as it is."""
    ints = st.integers(
        min_value=None if lo is None else int(lo), max_value=None if hi is None else int(hi)
    )
    floats = st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False)
    return ints | floats


def maybe(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    """``None`` or a value."""
    return st.none() | strategy


def key(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[Any]:
    """An optional key of a wire object: left out (UNSET), ``null``, or a value."""
    return st.just(UNSET) | st.none() | strategy


@st.composite
def content_parts(draw: st.DrawFn) -> backend.ContentPart:
    """A part holding what its type needs, and possibly other keys."""
    kind: backend.PartType = draw(st.sampled_from(["text", "image", "audio", "tool_result"]))
    fields = {
        name: draw(key(text))
        for name in ("text", "url", "media_type", "base64", "format", "tool_call_id", "content")
    }
    if kind == "text":
        fields["text"] = draw(text)
    elif kind in ("image", "audio"):
        fields[draw(st.sampled_from(["url", "base64"]))] = draw(text)
    else:
        fields["tool_call_id"] = draw(text)
        fields["content"] = draw(text)
    return backend.ContentPart(type=kind, **fields)


tool_calls = st.builds(
    backend.ToolCall,
    id=key(text),
    name=key(text),
    arguments=key(json_maps | text),
)

messages = st.builds(
    backend.Message,
    role=st.sampled_from(["system", "user", "assistant", "tool"]),
    content=text | st.lists(content_parts(), max_size=3),
    name=key(text),
    tool_calls=key(st.lists(tool_calls, max_size=2)),
    tool_call_id=key(text),
)

answers = st.builds(
    backend.Message,
    role=st.sampled_from(["assistant", "tool"]),
    content=st.none() | text | st.lists(content_parts(), max_size=3),  # null: tool calls only
    name=key(text),
    tool_calls=key(st.lists(tool_calls, max_size=2)),
    tool_call_id=key(text),
)


@st.composite
def options(draw: st.DrawFn) -> backend.Options:
    """Options within their ranges; a json_schema whenever the format asks for one."""
    formats: list[backend.ResponseFormat] = ["text", "json", "json_schema"]
    response_format = draw(maybe(st.sampled_from(formats)))
    schema = draw(json_maps if response_format == "json_schema" else maybe(json_maps))
    return backend.Options(
        model=draw(maybe(names)),
        temperature=draw(maybe(numbers(0, 2))),
        max_tokens=draw(maybe(counts)),
        top_p=draw(maybe(numbers(0, 1))),
        top_k=draw(maybe(counts)),
        frequency_penalty=draw(maybe(numbers(-2, 2))),
        presence_penalty=draw(maybe(numbers(-2, 2))),
        stop=draw(maybe(st.lists(text, max_size=3))),
        response_format=response_format,
        json_schema=schema,
        stream=draw(st.booleans()),
        cache_control=draw(maybe(st.just("ephemeral"))),
        extended_thinking=draw(st.booleans()),
        thinking_budget_tokens=draw(maybe(counts)),
        seed=draw(maybe(st.integers())),
        timeout_ms=draw(maybe(counts)),
        extra=draw(json_maps),
    )


tool_choices = st.sampled_from(["auto", "none", "required"]) | st.builds(
    lambda name: {"name": name}, text
)

prompts = st.builds(
    backend.Prompt,
    messages=st.lists(messages, max_size=3),
    system=maybe(text),
    tools=maybe(st.lists(json_maps, max_size=2)),
    tool_choice=maybe(tool_choices),
    options=options(),
    request_id=maybe(text),
    trace_id=maybe(text),
    metadata=json_maps,
)

usages = st.builds(
    backend.Usage,
    prompt_tokens=key(counts),
    completion_tokens=key(counts),
    total_tokens=key(counts),
    thinking_tokens=key(counts),
    cached_tokens=key(counts),
)

choices = st.builds(
    backend.Choice,
    index=key(counts),
    message=key(answers),
    finish_reason=key(st.sampled_from(["stop", "length", "tool_calls", "content_filter", "error"])),
    thinking=key(json_maps),
)

completions = st.builds(
    backend.Completion,
    choices=st.lists(choices, max_size=3),
    model=maybe(names),
    usage=maybe(usages),
    latency_ms=maybe(counts),
    time_to_first_token_ms=maybe(counts),
    request_id=maybe(text),
    trace_id=maybe(text),
    raw_response=maybe(json_maps),
    metadata=json_maps,
)


@st.composite
def capabilities(draw: st.DrawFn) -> backend.Capabilities:
    """Capabilities whose default_model is one of its models (when any are listed)."""
    models = draw(st.lists(names, max_size=3))
    default = draw(maybe(st.sampled_from(models) if models else names))
    flags: dict[str, Any] = {
        f"supports_{name}": draw(st.booleans())
        for name in (
            "streaming",
            "tools",
            "vision",
            "audio",
            "json_mode",
            "extended_thinking",
            "caching",
        )
    }
    limits: dict[str, Any] = {
        name: draw(maybe(counts))
        for name in (
            "max_tokens",
            "max_context_length",
            "max_images_per_request",
            "requests_per_minute",
            "tokens_per_minute",
        )
    }
    return backend.Capabilities(
        backend_id=draw(names),
        provider=draw(names),
        models=models,
        default_model=default,
        cost_per_million_input=draw(maybe(numbers(0, None))),
        cost_per_million_output=draw(maybe(numbers(0, None))),
        metadata=draw(json_maps),
        **flags,
        **limits,
    )


STRATEGIES: dict[type, st.SearchStrategy[Any]] = {
    backend.Prompt: prompts,
    backend.Options: options(),
    backend.Completion: completions,
    backend.Capabilities: capabilities(),
    backend.Message: messages,
    backend.ContentPart: content_parts(),
    backend.ToolCall: tool_calls,
    backend.Choice: choices,
    backend.Usage: usages,
}
"""One strategy per backend class, top-level documents and wire objects alike."""
