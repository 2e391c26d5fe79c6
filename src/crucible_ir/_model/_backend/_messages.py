"""Chat messages: `Message`, its `ContentPart` pieces, and the `ToolCall` an assistant makes.

On the wire each is a plain JSON object holding only the keys that were given,
exactly as the reference writes it: ``{"content": "hi", "role": "user"}``.
"""

from collections.abc import Iterable
from typing import Annotated, Any, Literal

from msgspec import UNSET, UnsetType

from .._base import IRStruct, wire_object
from .._types import JSONMap, Text, doc

__all__ = ["ContentPart", "Message", "PartType", "Role", "ToolCall"]

Role = Literal["system", "user", "assistant", "tool"]
"""Who speaks a message."""

PartType = Literal["text", "image", "audio", "tool_result"]
"""The kinds of content part."""


@wire_object("backend.content_part")
class ContentPart(IRStruct, frozen=True, kw_only=True):
    """One piece of a multimodal message: text, an image, audio, or a tool's result.

    Which keys a part uses depends on its ``type``; keys not given stay out of the JSON.

    >>> ContentPart(type="text", text="Describe this picture.")
    backend.ContentPart(text='Describe this picture.', type='text')
    >>> ContentPart.image(url="https://example.com/cat.png")
    backend.ContentPart(type='image', url='https://example.com/cat.png')
    >>> ContentPart.tool_result("call_001", '{"temp_c": 18.5}').tool_call_id
    'call_001'
    """

    base64: Annotated[
        Text | UnsetType | None, doc("Inline image or audio data, base64-encoded.")
    ] = UNSET
    content: Annotated[Text | UnsetType | None, doc("The output of a tool_result part.")] = UNSET
    format: Annotated[Text | UnsetType | None, doc("Audio format, e.g. `wav` or `mp3`.")] = UNSET
    media_type: Annotated[
        Text | UnsetType | None, doc("MIME type of an image, e.g. `image/png`.")
    ] = UNSET
    text: Annotated[Text | UnsetType | None, doc("The text of a text part.")] = UNSET
    tool_call_id: Annotated[
        Text | UnsetType | None, doc("The tool call a tool_result part answers.")
    ] = UNSET
    type: Annotated[
        PartType, doc("The kind of part: text, image, audio or tool_result (required).")
    ]
    url: Annotated[Text | UnsetType | None, doc("Where an image or audio clip is.")] = UNSET

    @classmethod
    def image(
        cls,
        url: str | None = None,
        *,
        base64: str | None = None,
        media_type: str | None = None,
    ) -> "ContentPart":
        """An image part, by ``url`` or inline ``base64`` data (with its ``media_type``).

        >>> ContentPart.image(base64="iVBORw0KGgo=", media_type="image/png").media_type
        'image/png'
        """
        return cls(type="image", **_given(url=url, base64=base64, media_type=media_type))

    @classmethod
    def audio(
        cls,
        url: str | None = None,
        *,
        base64: str | None = None,
        format: str | None = None,
    ) -> "ContentPart":
        """An audio part, by ``url`` or inline ``base64`` data, in ``format`` (``wav``, ...).

        >>> ContentPart.audio("https://example.com/q.wav", format="wav").format
        'wav'
        """
        return cls(type="audio", **_given(url=url, base64=base64, format=format))

    @classmethod
    def tool_result(cls, tool_call_id: str, content: str) -> "ContentPart":
        """The result ``content`` of the tool call ``tool_call_id``.

        >>> ContentPart.tool_result("call_1", "18.5").type
        'tool_result'
        """
        return cls(type="tool_result", tool_call_id=tool_call_id, content=content)


@wire_object("backend.tool_call")
class ToolCall(IRStruct, frozen=True, kw_only=True):
    """A call of a tool that an assistant message asks for.

    >>> ToolCall(id="call_001", name="get_weather", arguments={"city": "Paris"}).arguments
    {'city': 'Paris'}
    """

    arguments: Annotated[
        JSONMap | Text | UnsetType | None,
        doc("The arguments: a JSON object, or the JSON text a provider sent, as a string."),
    ] = UNSET
    id: Annotated[Text | UnsetType | None, doc("The call identifier, e.g. `call_001`.")] = UNSET
    name: Annotated[Text | UnsetType | None, doc("The name of the tool to call.")] = UNSET


@wire_object("backend.message")
class Message(IRStruct, frozen=True, kw_only=True):
    """One message of a conversation.

    The class methods build the common cases:

    >>> Message.user("Hello!")
    backend.Message(content='Hello!', role='user')
    >>> Message.system("Be brief.").role
    'system'
    >>> msg = Message.user("What is this?", ContentPart.image(url="https://example.com/cat.png"))
    >>> [part.type for part in msg.content]
    ['text', 'image']
    >>> msg.text
    'What is this?'
    """

    content: Annotated[
        Text | list[ContentPart] | None,
        doc(
            "The content: a string, or a list of content parts (required). Null only in a "
            "completion's answer, as providers send it for a reply that only calls tools."
        ),
    ]
    name: Annotated[Text | UnsetType | None, doc("The name of the speaker.")] = UNSET
    role: Annotated[Role, doc("Who speaks: system, user, assistant or tool (required).")]
    tool_call_id: Annotated[
        Text | UnsetType | None, doc("For a tool message: the tool call it answers.")
    ] = UNSET
    tool_calls: Annotated[
        list[ToolCall] | UnsetType | None, doc("The tool calls an assistant message makes.")
    ] = UNSET

    @classmethod
    def system(cls, *content: "str | ContentPart") -> "Message":
        """A system message (instructions for the model)."""
        return cls(role="system", content=_content(content))

    @classmethod
    def user(cls, *content: "str | ContentPart", name: str | None = None) -> "Message":
        """A user message: one string, or strings and parts (strings become text parts)."""
        return cls(role="user", content=_content(content), **_given(name=name))

    @classmethod
    def assistant(
        cls, *content: "str | ContentPart", tool_calls: Iterable[ToolCall] | None = None
    ) -> "Message":
        """An assistant message, possibly with ``tool_calls`` (its content defaults to ``""``).

        >>> call = ToolCall(id="call_1", name="get_weather", arguments={"city": "Kyoto"})
        >>> Message.assistant(tool_calls=[call]).content
        ''
        """
        calls = None if tool_calls is None else list(tool_calls)
        return cls(role="assistant", content=_content(content), **_given(tool_calls=calls))

    @classmethod
    def tool(cls, tool_call_id: str, content: "str | ContentPart") -> "Message":
        """A tool message: the result ``content`` of the tool call ``tool_call_id``.

        >>> Message.tool("call_1", '{"temp_c": 18.5}').tool_call_id
        'call_1'
        """
        return cls(role="tool", content=_content((content,)), tool_call_id=tool_call_id)

    @property
    def text(self) -> str:
        """The text of the message: the content string, or its text parts joined."""
        if isinstance(self.content, str):
            return self.content
        if self.content is None:
            return ""
        return "".join(
            part.text
            for part in self.content
            if isinstance(part, ContentPart) and part.type == "text" and isinstance(part.text, str)
        )


def _content(pieces: "tuple[str | ContentPart, ...]") -> "str | list[ContentPart]":
    """One string stays a string; anything else becomes a list of parts."""
    if not pieces:
        return ""
    if len(pieces) == 1 and isinstance(pieces[0], str):
        return pieces[0]
    return [ContentPart(type="text", text=p) if isinstance(p, str) else p for p in pieces]


def _given(**fields: Any) -> dict[str, Any]:
    """The keyword arguments that were given (not None): the others stay unset."""
    return {name: value for name, value in fields.items() if value is not None}
