"""The builder-style helpers of the backend IR and the example script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import crucible_ir as ir
from crucible_ir.backend import (
    UNSET,
    Choice,
    Completion,
    ContentPart,
    Message,
    Options,
    Prompt,
    ToolCall,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "backend_prompt.py"


def test_message_builders() -> None:
    assert Message.user("hi") == Message(role="user", content="hi")
    assert Message.system("Be brief.") == Message(role="system", content="Be brief.")
    assert Message.assistant("Sure.") == Message(role="assistant", content="Sure.")
    assert Message.user("hi", name="alice").name == "alice"
    assert Message.user("hi").name is UNSET
    assert Message.tool("call_1", "18.5") == Message(
        role="tool", content="18.5", tool_call_id="call_1"
    )


def test_strings_and_parts_make_a_multimodal_message() -> None:
    image = ContentPart.image(url="https://example.com/cat.png", media_type="image/png")
    message = Message.user("What is this?", image)
    assert message.content == [ContentPart(type="text", text="What is this?"), image]
    assert ir.to_dict(message) == {
        "role": "user",
        "content": [
            {"type": "text", "text": "What is this?"},
            {"type": "image", "url": "https://example.com/cat.png", "media_type": "image/png"},
        ],
    }
    assert Message.user(image).content == [image]  # a lone part is still a list
    assert message.text == "What is this?"


def test_assistant_with_tool_calls() -> None:
    call = ToolCall(id="call_1", name="get_weather", arguments={"city": "Kyoto"})
    message = Message.assistant(tool_calls=[call])
    assert message.content == ""
    assert message.tool_calls == [call]
    assert ir.to_dict(message) == {
        "role": "assistant",
        "content": "",
        "tool_calls": [{"id": "call_1", "name": "get_weather", "arguments": {"city": "Kyoto"}}],
    }
    assert Message.assistant("ok").tool_calls is UNSET


def test_content_part_builders_set_only_what_is_given() -> None:
    assert ir.to_dict(ContentPart.image(url="u")) == {"type": "image", "url": "u"}
    assert ir.to_dict(ContentPart.image(base64="AAAA", media_type="image/png")) == {
        "type": "image",
        "base64": "AAAA",
        "media_type": "image/png",
    }
    assert ir.to_dict(ContentPart.audio("u", format="wav")) == {
        "type": "audio",
        "url": "u",
        "format": "wav",
    }
    assert ir.to_dict(ContentPart.tool_result("c1", "42")) == {
        "type": "tool_result",
        "tool_call_id": "c1",
        "content": "42",
    }


def test_prompt_chat() -> None:
    prompt = Prompt.chat(
        system="Be brief.",
        user="What is the capital of France?",
        model="gpt-4o-mini",
        temperature=0.2,
        max_tokens=64,
    )
    assert prompt.system == "Be brief."
    assert prompt.messages == [Message.user("What is the capital of France?")]
    assert prompt.options == Options(model="gpt-4o-mini", temperature=0.2, max_tokens=64)
    assert prompt.metadata == {}
    assert ir.errors(prompt) == []
    assert Prompt.chat("What is the capital of France?", system="Be brief.").messages == (
        prompt.messages
    )


def test_prompt_chat_user_turn_forms() -> None:
    image = ContentPart.image(url="https://example.com/a.png")
    assert Prompt.chat(user=image).messages == [Message(role="user", content=[image])]
    assert Prompt.chat(user=["Look:", image]).messages == [Message.user("Look:", image)]
    assert Prompt.chat(user=("Look:", image)).messages == [Message.user("Look:", image)]
    assert Prompt.chat(user="").messages == [Message.user("")]


def test_prompt_chat_with_history_tools_and_correlation() -> None:
    history = [Message.user("Weather in Kyoto?"), Message.assistant("Let me check.")]
    tool = {"type": "function", "function": {"name": "get_weather", "parameters": {}}}
    prompt = Prompt.chat(
        "In Celsius, please.",
        history=history,
        tools=[tool],
        tool_choice={"name": "get_weather"},
        request_id="req_1",
        trace_id="trace_1",
        metadata={"team": "search"},
    )
    assert [m.role for m in prompt.messages] == ["user", "assistant", "user"]
    assert prompt.tools == [tool]
    assert prompt.tool_choice == {"name": "get_weather"}
    assert (prompt.request_id, prompt.trace_id) == ("req_1", "trace_1")
    assert prompt.metadata == {"team": "search"}
    assert ir.from_json(ir.to_json(prompt), Prompt) == prompt
    # Without a user turn the history is the whole conversation.
    assert Prompt.chat(history=history).messages == history
    assert Prompt.chat().messages == []


def test_prompt_chat_rejects_unknown_options() -> None:
    with pytest.raises(TypeError):
        Prompt.chat("hi", temprature=0.2)


def test_prompt_chat_does_not_validate() -> None:
    prompt = Prompt.chat("hi", temperature=5)
    assert [i.path for i in ir.errors(prompt)] == ["options.temperature"]


def test_text_accessors() -> None:
    parts = [ContentPart(type="text", text="Hello, "), ContentPart.image(url="u")]
    assert Message.assistant(*parts, "world").text == "Hello, world"
    completion = Completion(
        choices=[Choice(index=0, message=Message.assistant("Paris."), finish_reason="stop")]
    )
    assert completion.text == "Paris."
    assert Completion().text is None
    assert Completion(choices=[Choice(index=0)]).text is None


def test_helpers_build_valid_objects() -> None:
    prompt = Prompt.chat(
        [
            "Describe both.",
            ContentPart.image(url="https://example.com/a.png"),
            ContentPart.audio(base64="UklGRg==", format="wav"),
        ],
        history=[
            Message.system("You describe media."),
            Message.assistant(tool_calls=[ToolCall(id="c1", name="f", arguments="{}")]),
            Message.tool("c1", ContentPart.tool_result("c1", "done")),
        ],
        model="gpt-4o",
    )
    assert ir.errors(prompt) == []
    assert ir.from_json(ir.to_json(prompt), "backend.prompt", strict=True) == prompt


def test_example_script_runs() -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLE)], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "backend.prompt" in result.stdout
    assert "options.temperature" in result.stdout
    # The script prints the prompt's JSON wire form between markers.
    wire = result.stdout.split("--- JSON ---\n", 1)[1].split("\n--- end ---", 1)[0]
    assert json.loads(wire)["messages"][0]["role"] == "user"
