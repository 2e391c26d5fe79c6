"""Build a multimodal, tool-using prompt with crucible_ir.backend, then check it.

Run with:  python examples/backend_prompt.py
"""

from __future__ import annotations

import crucible_ir as ir
from crucible_ir.backend import (
    Capabilities,
    Choice,
    Completion,
    ContentPart,
    Message,
    Prompt,
    Usage,
)

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def main() -> None:
    # 1. A prompt: system text, one user turn made of text and an image, tools, options.
    prompt = Prompt.chat(
        system="Answer in one sentence.",
        user=[
            "What city is this, and what is the weather there?",
            ContentPart.image(url="https://example.com/skyline.png", media_type="image/png"),
        ],
        tools=[WEATHER_TOOL],
        tool_choice="auto",
        model="gpt-4o",
        temperature=0.2,
        max_tokens=256,
        request_id="req_42",
    )
    print(f"a backend.prompt with {len(prompt.messages)} message(s) for {prompt.options.model}")
    print("--- JSON ---")
    print(ir.to_json(prompt, indent=2))
    print("--- end ---")

    # 2. The wire form round-trips, and the prompt is valid.
    assert ir.from_json(ir.to_json(prompt), "backend.prompt") == prompt
    print("valid:", ir.is_valid(prompt))

    # 3. Decoding checks JSON types; validation reports every rule broken, at its path.
    robot = ir.from_dict({"role": "robot", "content": "beep"}, Message)
    broken = prompt.replace(
        messages=[*prompt.messages, robot],
        options=prompt.options.replace(temperature=3.5, response_format="json_schema"),
    )
    for issue in ir.errors(broken):
        print(f"  problem [{issue.code}] {issue}")

    # 4. A completion, as a backend would return it, read by attribute.
    usage = Usage(prompt_tokens=812, completion_tokens=11, total_tokens=823)
    completion = Completion(
        choices=[
            Choice(
                index=0,
                message=Message.assistant("That is Kyoto; it is 18 °C."),
                finish_reason="stop",
            )
        ],
        model="gpt-4o-2024-08-06",
        usage=usage,
        latency_ms=640,
        request_id="req_42",
    )
    print("answer:", completion.text)
    print("usage:", ir.to_json(usage))  # only the keys that were set

    # 5. What the backend can do.
    caps = Capabilities(
        backend_id="openai",
        provider="openai",
        models=["gpt-4o", "gpt-4o-mini"],
        default_model="gpt-4o",
        supports_vision=True,
    )
    needs_vision = any(
        isinstance(m.content, list) and any(p.type == "image" for p in m.content)
        for m in prompt.messages
    )
    print("backend can serve it:", caps.supports_vision or not needs_vision)


if __name__ == "__main__":
    main()
