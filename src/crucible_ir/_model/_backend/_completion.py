"""`Completion`: what an LLM backend answered, with token usage and timings."""

from typing import Annotated, ClassVar, Literal

import msgspec
from msgspec import UNSET, UnsetType

from .._base import IRStruct, wire_object
from .._types import JSONMap, Name, NonNegInt, Text, doc
from ._messages import Message

__all__ = ["Choice", "Completion", "FinishReason", "Usage"]

FinishReason = Literal["stop", "length", "tool_calls", "content_filter", "error"]
"""Why generation ended."""


@wire_object("backend.usage")
class Usage(IRStruct, frozen=True, kw_only=True):
    """Token counts of one call (each >= 0); keys not given stay out of the JSON.

    >>> Usage(prompt_tokens=80, completion_tokens=12, total_tokens=92).total_tokens
    92
    """

    cached_tokens: Annotated[
        NonNegInt | UnsetType | None, doc("Prompt tokens served from the cache.")
    ] = UNSET
    completion_tokens: Annotated[NonNegInt | UnsetType | None, doc("Tokens in the answer.")] = UNSET
    prompt_tokens: Annotated[NonNegInt | UnsetType | None, doc("Tokens in the prompt.")] = UNSET
    thinking_tokens: Annotated[NonNegInt | UnsetType | None, doc("Tokens spent thinking.")] = UNSET
    total_tokens: Annotated[NonNegInt | UnsetType | None, doc("Tokens in all.")] = UNSET


@wire_object("backend.choice")
class Choice(IRStruct, frozen=True, kw_only=True):
    """One answer of a completion; keys not given stay out of the JSON.

    >>> Choice(index=0, message=Message.assistant("Paris."), finish_reason="stop").message.text
    'Paris.'
    """

    finish_reason: Annotated[
        FinishReason | UnsetType | None,
        doc("Why generation ended: stop, length, tool_calls, content_filter or error."),
    ] = UNSET
    index: Annotated[NonNegInt | UnsetType | None, doc("Position among the choices.")] = UNSET
    message: Annotated[Message | UnsetType | None, doc("The answer.")] = UNSET
    thinking: Annotated[
        JSONMap | UnsetType | None,
        doc("The model's reasoning, e.g. `{content, tokens}`; passed through untouched."),
    ] = UNSET


class Completion(IRStruct, frozen=True, kw_only=True):
    """The answer of an LLM backend to a `Prompt`.

    >>> c = Completion(choices=[Choice(index=0, message=Message.assistant("Paris."))])
    >>> c.text
    'Paris.'
    >>> Completion().text is None
    True
    """

    __ir_type__: ClassVar[str] = "backend.completion"

    choices: Annotated[list[Choice], doc("The answers; usually one.")] = msgspec.field(
        default_factory=list
    )
    latency_ms: Annotated[NonNegInt | None, doc("Total latency in milliseconds, >= 0.")] = None
    metadata: Annotated[JSONMap, doc("Further data, opaque.")] = msgspec.field(default_factory=dict)
    model: Annotated[Name | None, doc("The model that answered.")] = None
    raw_response: Annotated[JSONMap | None, doc("The provider's own response, opaque.")] = None
    request_id: Annotated[Text | None, doc("Request correlation identifier.")] = None
    time_to_first_token_ms: Annotated[
        NonNegInt | None, doc("Time to the first token in milliseconds, >= 0.")
    ] = None
    trace_id: Annotated[Text | None, doc("Trace correlation identifier.")] = None
    usage: Annotated[Usage | None, doc("Token usage.")] = None

    @property
    def text(self) -> str | None:
        """The text of the first choice's message, or None when there is none."""
        first = self.choices[0] if self.choices else None
        if isinstance(first, Choice) and isinstance(first.message, Message):
            return first.message.text
        return None
