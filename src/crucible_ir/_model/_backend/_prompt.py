"""`Prompt`: one provider-neutral request to an LLM backend."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, ClassVar, Literal, TypedDict

import msgspec

from .._base import IRStruct
from .._types import JSONMap, Text, doc
from ._messages import ContentPart, Message
from ._options import Options

__all__ = ["NamedToolChoice", "Prompt", "ToolChoice"]


class NamedToolChoice(TypedDict):
    """Make the model call one tool: ``{"name": "get_weather"}`` (a plain dict).

    Decoding keeps only ``name``, as the reference does.
    """

    name: Annotated[str, doc("The name of the tool the model must call.")]


ToolChoice = Literal["auto", "none", "required"] | NamedToolChoice
"""Whether and which tool the model calls: auto, none, required, or ``{"name": tool}``."""


class Prompt(IRStruct, frozen=True, kw_only=True):
    """A request to an LLM backend: the conversation, tools, and generation options.

    >>> p = Prompt.chat("What is the capital of France?", system="Be brief.", model="gpt-4o-mini")
    >>> p.system, p.messages[0].role, p.options.model
    ('Be brief.', 'user', 'gpt-4o-mini')
    >>> Prompt().options == Options()
    True
    """

    __ir_type__: ClassVar[str] = "backend.prompt"

    messages: Annotated[list[Message], doc("The conversation so far, oldest first.")] = (
        msgspec.field(default_factory=list)
    )
    metadata: Annotated[JSONMap, doc("Further data, opaque.")] = msgspec.field(default_factory=dict)
    options: Annotated[Options, doc("Generation options (a default `Options` when not given).")] = (
        msgspec.field(default_factory=Options)
    )
    request_id: Annotated[Text | None, doc("Request correlation identifier.")] = None
    system: Annotated[Text | None, doc("The system prompt.")] = None
    tool_choice: Annotated[
        ToolChoice | None,
        doc('Whether and which tool to call: auto, none, required, or {"name": tool}.'),
    ] = None
    tools: Annotated[
        list[JSONMap] | None, doc("Tool definitions, in the provider's shape, opaque.")
    ] = None
    trace_id: Annotated[Text | None, doc("Trace correlation identifier.")] = None

    @classmethod
    def chat(
        cls,
        user: "str | ContentPart | Sequence[str | ContentPart] | None" = None,
        *,
        system: str | None = None,
        history: Iterable[Message] = (),
        tools: Iterable[Mapping[str, Any]] | None = None,
        tool_choice: ToolChoice | None = None,
        request_id: str | None = None,
        trace_id: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        **options: Any,
    ) -> "Prompt":
        """A chat prompt: the ``history`` messages, then one user message.

        ``user`` is the user's turn: a string, a `ContentPart`, or a list of
        both (strings become text parts); leave it out to end the conversation
        with ``history``. ``system`` fills the `system` field. Every other
        keyword is an `Options` field (``model``, ``temperature``, ...).

        >>> p = Prompt.chat(system="Be brief.", user="Say hi in Japanese.", max_tokens=32)
        >>> p.system, p.messages, p.options.max_tokens
        ('Be brief.', [backend.Message(content='Say hi in Japanese.', role='user')], 32)
        >>> p = Prompt.chat(
        ...     ["What is this?", ContentPart.image(url="https://example.com/cat.png")],
        ...     history=[Message.user("Hi."), Message.assistant("Hello!")],
        ... )
        >>> [m.role for m in p.messages], [part.type for part in p.messages[-1].content]
        (['user', 'assistant', 'user'], ['text', 'image'])
        """
        messages = list(history)
        if user is not None:
            pieces = (user,) if isinstance(user, (str, ContentPart)) else tuple(user)
            messages.append(Message.user(*pieces))
        return cls(
            messages=messages,
            system=system,
            tools=None if tools is None else [dict(tool) for tool in tools],
            tool_choice=tool_choice,
            options=Options(**options),
            request_id=request_id,
            trace_id=trace_id,
            metadata={} if metadata is None else dict(metadata),
        )
