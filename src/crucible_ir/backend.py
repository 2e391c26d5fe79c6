"""The backend IR: provider-neutral LLM requests (`Prompt`) and responses (`Completion`).

`Prompt` carries the conversation (`Message` objects, optionally multimodal
with `ContentPart` pieces), tool definitions and a `tool_choice`, and the
generation `Options`. `Completion` carries the answers (`Choice` objects),
token `Usage` and timings. `Capabilities` describes what a backend supports.
Type names: ``backend.prompt``, ``backend.options``, ``backend.completion``,
``backend.capabilities``.

On the wire, messages, content parts, tool calls, choices and usage are plain
JSON objects that hold only the keys that were given; a key left out is
`msgspec.UNSET` in Python (and re-exported here as `UNSET`).

>>> import crucible_ir as ir
>>> from crucible_ir import backend
>>> prompt = backend.Prompt.chat("Hi!", system="Be brief.", model="gpt-4o-mini", max_tokens=64)
>>> ir.to_dict(prompt)["messages"]
[{'content': 'Hi!', 'role': 'user'}]
>>> ir.from_json(ir.to_json(prompt), "backend.prompt") == prompt
True
>>> ir.errors(backend.Options(temperature=3.0))[0].path
'temperature'
"""

from msgspec import UNSET, UnsetType

from ._model._backend._capabilities import Capabilities
from ._model._backend._completion import Choice, Completion, FinishReason, Usage
from ._model._backend._messages import ContentPart, Message, PartType, Role, ToolCall
from ._model._backend._options import CacheControl, Options, ResponseFormat
from ._model._backend._prompt import NamedToolChoice, Prompt, ToolChoice

__all__ = [
    "UNSET",
    "CacheControl",
    "Capabilities",
    "Choice",
    "Completion",
    "ContentPart",
    "FinishReason",
    "Message",
    "NamedToolChoice",
    "Options",
    "PartType",
    "Prompt",
    "ResponseFormat",
    "Role",
    "ToolCall",
    "ToolChoice",
    "UnsetType",
    "Usage",
]


def __dir__() -> list[str]:
    return list(__all__)
