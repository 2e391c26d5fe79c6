"""Validation and decoding rules of the backend IR, each at its exact path (spec section 7)."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

import crucible_ir as ir
from crucible_ir import backend
from crucible_ir.backend import (
    UNSET,
    Capabilities,
    Choice,
    Completion,
    ContentPart,
    Message,
    Options,
    Prompt,
    ToolCall,
    Usage,
)


def issues(obj: Any) -> dict[str, str]:
    """``{path: code}`` of every problem."""
    found = ir.errors(obj)
    assert len({i.path for i in found}) == len(found), found
    return {i.path: str(i.code) for i in found}


def decode_issues(data: Any, type_: Any, *, strict: bool = False) -> dict[str, str]:
    """``{path: code}`` of the DecodeError from_json raises (it must raise)."""
    with pytest.raises(ir.DecodeError) as info:
        ir.from_json(json.dumps(data), type_, strict=strict)
    dict_issues = {i.path: str(i.code) for i in info.value.errors}
    with pytest.raises(ir.DecodeError) as info2:
        ir.from_dict(data, type_, strict=strict)
    assert {i.path: str(i.code) for i in info2.value.errors} == dict_issues
    return dict_issues


def decoded(data: Any, type_: Any) -> Any:
    """from_json and from_dict agree; their errors() agree too."""
    obj = ir.from_json(json.dumps(data), type_)
    assert ir.from_dict(data, type_) == obj
    assert ir.errors(ir.from_dict(data, type_)) == ir.errors(obj)
    return obj


# -- the paths of section 7 ----------------------------------------------------


def test_message_role_is_a_closed_vocabulary() -> None:
    prompt = decoded(
        {"messages": [{"role": "user", "content": "a"}, {"role": "robot", "content": "b"}]},
        "backend.prompt",
    )
    assert issues(prompt) == {"messages[1].role": "enum"}
    assert "robot" in str(ir.errors(prompt)[0])


def test_content_part_type_is_a_closed_vocabulary() -> None:
    parts = [{"type": "text", "text": "a"}, {"type": "image", "url": "u"}, {"type": "video"}]
    prompt = decoded({"messages": [{"role": "user", "content": parts}]}, "backend.prompt")
    assert issues(prompt) == {"messages[0].content[2].type": "enum"}


def test_finish_reason_is_a_closed_vocabulary() -> None:
    completion = decoded({"choices": [{"finish_reason": "done"}]}, "backend.completion")
    assert issues(completion) == {"choices[0].finish_reason": "enum"}
    # null and absent are fine
    assert issues(decoded({"choices": [{"finish_reason": None}, {}]}, "backend.completion")) == {}


def test_roles_inside_completion_choices_are_checked() -> None:
    completion = decoded(
        {"choices": [{"index": 0, "message": {"role": "bot", "content": "x"}}]},
        "backend.completion",
    )
    assert issues(completion) == {"choices[0].message.role": "enum"}


@pytest.mark.parametrize(
    ("field", "bad", "good"),
    [
        ("temperature", [-0.1, 2.01, 3], [0, 0.0, 1, 2, 2.0]),
        ("top_p", [-0.5, 1.5, 2], [0, 0.5, 1, 1.0]),
        ("max_tokens", [-1], [0, 1, 10**20]),
        ("top_k", [-1], [0, 40]),
        ("thinking_budget_tokens", [-1], [0, 2048]),
        ("timeout_ms", [-1], [0, 60000]),
    ],
)
def test_option_ranges(field: str, bad: list[Any], good: list[Any]) -> None:
    for value in bad:
        prompt = decoded({"options": {field: value}}, "backend.prompt")
        assert issues(prompt) == {f"options.{field}": "range"}, value
        assert issues(Options(**{field: value})) == {field: "range"}
    for value in good:
        options = decoded({field: value}, "backend.options")
        assert issues(options) == {}, value
        assert type(getattr(options, field)) is type(value)  # 1 stays 1, 1.0 stays 1.0


@pytest.mark.parametrize("field", ["max_tokens", "top_k", "thinking_budget_tokens", "timeout_ms"])
def test_option_counts_are_integers(field: str) -> None:
    assert decode_issues({field: 1.5}, "backend.options") == {field: "type"}
    assert decode_issues({field: "10"}, "backend.options") == {field: "type"}


def test_response_format_and_cache_control_vocabularies() -> None:
    bad = Options(response_format="yaml", cache_control="forever")  # type: ignore[arg-type]
    assert issues(bad) == {
        "response_format": "enum",
        "cache_control": "enum",
    }
    for fmt in ("text", "json"):
        assert issues(Options(response_format=fmt)) == {}
    assert issues(Options(cache_control="ephemeral")) == {}


def test_json_schema_required_for_json_schema_format() -> None:
    assert issues(Options(response_format="json_schema")) == {"json_schema": "consistency"}
    assert issues(Prompt(options=Options(response_format="json_schema"))) == {
        "options.json_schema": "consistency"
    }
    assert issues(Options(response_format="json_schema", json_schema={"name": "a"})) == {}
    assert issues(Options(json_schema={"name": "a"})) == {}  # a schema alone is fine
    # The rule also runs on objects the fast typed decoder produced.
    options = ir.from_json('{"response_format": "json_schema"}', "backend.options")
    assert issues(options) == {"json_schema": "consistency"}


def test_stop_is_a_list_of_strings() -> None:
    assert decode_issues({"stop": ["END", 1]}, "backend.options") == {"stop[1]": "type"}
    assert decode_issues({"stop": "END"}, "backend.options") == {"stop": "type"}
    assert issues(Options(stop=["END", 1])) == {"stop[1]": "type"}  # type: ignore[list-item]
    assert issues(Options(stop=[])) == {}


def test_tool_choice_forms() -> None:
    for good in ("auto", "none", "required", {"name": "get_weather"}, None):
        prompt = decoded({"tool_choice": good}, "backend.prompt")
        assert prompt.tool_choice == good
        assert issues(prompt) == {}
    assert issues(decoded({"tool_choice": "sometimes"}, "backend.prompt")) == {
        "tool_choice": "enum"
    }
    assert decode_issues({"tool_choice": {"tool": "x"}}, "backend.prompt") == {
        "tool_choice.name": "required"
    }
    assert decode_issues({"tool_choice": {"name": 3}}, "backend.prompt") == {
        "tool_choice.name": "type"
    }
    assert decode_issues({"tool_choice": 3}, "backend.prompt") == {"tool_choice": "type"}


def test_tool_choice_object_keeps_only_name() -> None:
    prompt = decoded({"tool_choice": {"name": "f", "type": "function"}}, "backend.prompt")
    assert prompt.tool_choice == {"name": "f"}
    assert decode_issues(
        {"tool_choice": {"name": "f", "type": "function"}}, "backend.prompt", strict=True
    ) == {"tool_choice.type": "unknown_field"}
    # A hand-built dict with other keys is reported: they would not survive decoding.
    extra: Any = {"name": "f", "strict": True}
    assert issues(Prompt(tool_choice=extra)) == {"tool_choice.strict": "unknown_field"}


def test_usage_counts_and_latencies_are_non_negative() -> None:
    completion = decoded(
        {
            "usage": {"prompt_tokens": -1, "completion_tokens": 0, "cached_tokens": -3},
            "latency_ms": -5,
            "time_to_first_token_ms": -1,
            "choices": [{"index": -1}],
        },
        "backend.completion",
    )
    assert issues(completion) == {
        "usage.prompt_tokens": "range",
        "usage.cached_tokens": "range",
        "latency_ms": "range",
        "time_to_first_token_ms": "range",
        "choices[0].index": "range",
    }


def test_capabilities_flags_are_real_booleans() -> None:
    base = {"backend_id": "openai", "provider": "openai"}
    assert decode_issues({**base, "supports_vision": "yes", "supports_tools": 1}, Capabilities) == {
        "supports_vision": "type",
        "supports_tools": "type",
    }
    assert decode_issues({**base, "supports_streaming": None}, Capabilities) == {
        "supports_streaming": "type"
    }
    caps = Capabilities(backend_id="a", provider="b", supports_vision="yes")  # type: ignore[arg-type]
    assert issues(caps) == {"supports_vision": "type"}


def test_capabilities_limits_and_costs_are_non_negative() -> None:
    caps = Capabilities(
        backend_id="a",
        provider="b",
        max_tokens=-1,
        max_context_length=-1,
        max_images_per_request=-1,
        requests_per_minute=-1,
        tokens_per_minute=-1,
        cost_per_million_input=-0.5,
        cost_per_million_output=-1,
    )
    assert set(issues(caps).values()) == {"range"}
    assert len(issues(caps)) == 7


def test_default_model_among_models() -> None:
    caps = Capabilities(backend_id="a", provider="b", models=["m1", "m2"], default_model="m3")
    assert issues(caps) == {"default_model": "consistency"}
    assert issues(caps.replace(default_model="m2")) == {}
    assert issues(caps.replace(models=[], default_model="anything")) == {}
    assert issues(caps.replace(default_model=None)) == {}


def test_capabilities_required_identifiers() -> None:
    assert decode_issues({}, Capabilities) == {"backend_id": "required", "provider": "required"}
    # A null identifier decodes (kept as None, written back as null); validation reports it.
    caps = ir.from_dict({"backend_id": None, "provider": "x"}, Capabilities)
    assert caps.backend_id is None
    assert issues(caps) == {"backend_id": "required"}
    assert issues(Capabilities(backend_id="", provider="")) == {
        "backend_id": "empty",
        "provider": "empty",
    }


def test_content_part_needs_its_payload() -> None:
    parts = [
        ContentPart(type="text"),
        ContentPart(type="image", media_type="image/png"),
        ContentPart(type="audio", format="wav", url=None),
        ContentPart(type="tool_result"),
        ContentPart(type="image", base64="AAAA", media_type="image/png"),
        ContentPart(type="audio", url="https://example.com/a.wav"),
    ]
    prompt = Prompt(messages=[Message(role="user", content=parts)])
    assert issues(prompt) == {
        "messages[0].content[0].text": "consistency",
        "messages[0].content[1].url": "consistency",
        "messages[0].content[2].url": "consistency",
        "messages[0].content[3].tool_call_id": "consistency",
        "messages[0].content[3].content": "consistency",
    }
    # The same verdict after the fast typed decoder (rules run below unions too).
    assert issues(ir.from_json(ir.to_json(prompt), Prompt)) == issues(prompt)


def test_message_requires_role_and_content() -> None:
    assert decode_issues({"messages": [{"content": "hi"}]}, Prompt) == {
        "messages[0].role": "required"
    }
    assert decode_issues({"messages": [{"role": "user"}]}, Prompt) == {
        "messages[0].content": "required"
    }
    assert decode_issues({"messages": [{"role": "user", "content": 5}]}, Prompt) == {
        "messages[0].content": "type"
    }
    assert decode_issues({"messages": ["hi"]}, Prompt) == {"messages[0]": "type"}
    assert decode_issues({"messages": {"role": "user"}}, Prompt) == {"messages": "type"}


def test_a_prompt_message_with_null_content_is_invalid() -> None:
    prompt = decoded(
        {"messages": [{"role": "user", "content": "a"}, {"role": "user", "content": None}]},
        "backend.prompt",
    )
    assert issues(prompt) == {"messages[1].content": "consistency"}
    [issue] = ir.errors(prompt)
    assert "expected a string or a list of content parts, got null" in issue.message


def test_a_completion_answer_that_only_calls_tools_may_have_null_content() -> None:
    """As OpenAI-style providers send it; the reference does not check answers."""
    call = {"id": "call_1", "name": "weather", "arguments": {"city": "Paris"}}
    answer = {"role": "assistant", "content": None, "tool_calls": [call]}
    data = {"choices": [{"index": 0, "message": answer, "finish_reason": "tool_calls"}]}
    completion = decoded(data, "backend.completion")
    assert issues(completion) == {}
    message = completion.choices[0].message
    assert message.content is None
    assert message.text == ""
    assert completion.text == ""
    assert message.tool_calls[0].name == "weather"
    text = ir.to_json(completion)
    assert '"content":null' in text
    assert ir.from_json(text, "backend.completion") == completion
    assert decode_issues(
        {"choices": [{"message": {"role": "assistant"}}]}, "backend.completion"
    ) == {"choices[0].message.content": "required"}


def test_problems_deep_inside_a_union_keep_their_path() -> None:
    data = {"messages": [{"role": "user", "content": [{"type": "text", "text": 5}]}]}
    assert decode_issues(data, Prompt) == {"messages[0].content[0].text": "type"}
    prompt = Prompt(messages=[Message(role="user", content=[ContentPart(type="text", text=5)])])  # type: ignore[arg-type]
    assert issues(prompt) == {"messages[0].content[0].text": "type"}


def test_tool_call_arguments_are_an_object_or_a_string() -> None:
    for arguments in ({"city": "Paris"}, '{"city": "Paris"}', None):
        message = decoded(
            {"role": "assistant", "content": "", "tool_calls": [{"arguments": arguments}]}, Message
        )
        assert isinstance(message.tool_calls, list)
        assert message.tool_calls[0].arguments == arguments
    assert decode_issues(
        {"role": "assistant", "content": "", "tool_calls": [{"arguments": 5}]}, Message
    ) == {"tool_calls[0].arguments": "type"}


def test_wire_object_values_have_their_types() -> None:
    data = {
        "choices": [
            {
                "index": "0",
                "thinking": "hmm",
                "message": {"role": "assistant", "content": "x", "name": 1},
            }
        ],
        "usage": {"total_tokens": 1.5},
    }
    assert decode_issues(data, Completion) == {
        "choices[0].index": "type",
        "choices[0].thinking": "type",
        "choices[0].message.name": "type",
        "usage.total_tokens": "type",
    }


def test_options_null_is_a_decode_error() -> None:
    issues_ = decode_issues({"messages": [], "options": None}, Prompt)
    assert issues_ == {"options": "type"}
    with pytest.raises(ir.DecodeError, match="leave `options` out"):
        ir.from_json('{"options": null}', Prompt)


@pytest.mark.parametrize(
    ("type_", "field"),
    [
        (Options, "stream"),
        (Options, "extended_thinking"),
        (Options, "extra"),
        (Prompt, "messages"),
        (Prompt, "metadata"),
        (Completion, "choices"),
        (Completion, "metadata"),
    ],
)
def test_null_for_a_non_null_default_is_a_decode_error(type_: type, field: str) -> None:
    assert decode_issues({field: None}, type_) == {field: "type"}


def test_value_rules_do_not_fail_decoding() -> None:
    # Decoding owns JSON types; ranges, vocabularies and cross-field rules are validate's.
    prompt = ir.from_json(
        '{"messages": [{"role": "robot", "content": "x"}], "options": {"temperature": 5,'
        ' "response_format": "json_schema"}}',
        Prompt,
    )
    assert issues(prompt) == {
        "messages[0].role": "enum",
        "options.temperature": "range",
        "options.json_schema": "consistency",
    }
    with pytest.raises(ir.ValidationError) as info:
        ir.validate(prompt)
    assert len(info.value.errors) == 3


# -- strict decoding ----------------------------------------------------------


def test_strict_decoding_reports_unknown_keys_inside_wire_objects() -> None:
    prompt = {
        "messages": [
            {
                "role": "assistant",
                "content": [{"type": "text", "text": "hi", "txt": "x"}],
                "nmae": "bob",
                "tool_calls": [{"id": "c1", "name": "f", "arguments": {}, "argumnets": {}}],
            }
        ],
        "options": {"temprature": 1},
        "extra_key": 1,
    }
    found = decode_issues(prompt, Prompt, strict=True)
    assert found == {
        "messages[0].content[0].txt": "unknown_field",
        "messages[0].nmae": "unknown_field",
        "messages[0].tool_calls[0].argumnets": "unknown_field",
        "options.temprature": "unknown_field",
        "extra_key": "unknown_field",
    }
    with pytest.raises(ir.DecodeError, match="did you mean `name`"):
        ir.from_json(json.dumps(prompt), Prompt, strict=True)
    completion = {
        "choices": [
            {"index": 0, "reason": "stop", "message": {"role": "user", "content": "", "x": 1}}
        ],
        "usage": {"prompt_tokens": 1, "input_tokens": 1},
    }
    assert decode_issues(completion, Completion, strict=True) == {
        "choices[0].reason": "unknown_field",
        "choices[0].message.x": "unknown_field",
        "usage.input_tokens": "unknown_field",
    }


def test_lenient_decoding_drops_unknown_keys_everywhere() -> None:
    data = {
        "choices": [
            {"index": 0, "reason": "stop", "message": {"role": "user", "content": "", "x": 1}}
        ],
        "usage": {"prompt_tokens": 1, "input_tokens": 1},
        "thinking": {"kept": "no"},
    }
    completion = decoded(data, Completion)
    assert ir.to_dict(completion)["choices"] == [
        {"index": 0, "message": {"content": "", "role": "user"}}
    ]
    assert ir.to_dict(completion)["usage"] == {"prompt_tokens": 1}


def test_opaque_maps_are_not_checked_for_unknown_keys() -> None:
    data = {"choices": [{"thinking": {"content": "...", "tokens": 3, "anything": [1]}}]}
    completion = ir.from_json(json.dumps(data), Completion, strict=True)
    assert completion.choices[0].thinking == {"content": "...", "tokens": 3, "anything": [1]}


# -- the object model ------------------------------------------------------------


def test_absent_and_null_keys_are_distinct() -> None:
    absent = ir.from_json('{"role": "user", "content": "x"}', Message)
    null = ir.from_json('{"role": "user", "content": "x", "name": null}', Message)
    assert absent.name is UNSET
    assert null.name is None
    assert absent != null
    assert ir.to_json(absent) == '{"content":"x","role":"user"}'
    assert ir.to_json(null) == '{"content":"x","name":null,"role":"user"}'
    assert ir.from_dict(ir.to_dict(null), Message) == null


def test_construction_does_not_validate_but_checks_field_names() -> None:
    Message(role="robot", content=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Message(role="user")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Capabilities(backend_id="a")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Options(temprature=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Usage(input_tokens=1)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "obj",
    [
        Prompt(),
        Options(),
        Completion(),
        Capabilities(backend_id="a", provider="b"),
        Message.user("x"),
        ContentPart(type="text", text="x"),
        ToolCall(),
        Choice(),
        Usage(),
    ],
    ids=lambda o: type(o).__name__,
)
def test_objects_are_immutable(obj: Any) -> None:
    field = msgspec.structs.fields(obj)[0].name
    with pytest.raises(AttributeError):
        setattr(obj, field, None)
    assert ir.replace(obj, **{field: getattr(obj, field)}) == obj


def test_defaults_are_fresh_per_object() -> None:
    assert Prompt().options == Options()
    assert Prompt().options is not Prompt().options
    assert Prompt().messages is not Prompt().messages
    assert Options().extra is not Options().extra
    assert Capabilities(backend_id="a", provider="b").models == []


def test_type_names() -> None:
    for name, cls in [
        ("backend.prompt", Prompt),
        ("backend.options", Options),
        ("backend.completion", Completion),
        ("backend.capabilities", Capabilities),
    ]:
        assert name in ir.type_names()
        data = '{"backend_id": "a", "provider": "b"}' if cls is Capabilities else "{}"
        assert type(ir.from_json(data, name)) is cls
    # The wire objects decode by class but are not top-level type names.
    backend_names = {n for n in ir.type_names() if n.startswith("backend.")}
    assert backend_names == {
        "backend.prompt",
        "backend.options",
        "backend.completion",
        "backend.capabilities",
    }
    assert ir.from_json('{"role": "user", "content": "hi"}', Message) == Message.user("hi")


def test_backend_module_exports() -> None:
    for name in backend.__all__:
        assert hasattr(backend, name)
    assert set(dir(backend)) == set(backend.__all__)
