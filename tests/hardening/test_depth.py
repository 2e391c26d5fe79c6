"""Depth: 100,000-deep nesting gives a clear error or decodes, never a RecursionError or a crash.

Deep documents are built as text or iteratively (never by recursion), and go
through ``from_json`` (lax and strict), ``from_dict``, the command line's
readers and the command line itself.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

import crucible_ir as ir
from crucible_ir._codec._jsonl import BadRecord, scan_jsonl
from crucible_ir._sources import SourceError, load_json, load_toml, load_yaml

from .conftest import run_cli, run_script

DEEP = 100_000


def fallback_chain_json(depth: int) -> str:
    return '{"id": "b", "fallback": ' * depth + '{"id": "last"}' + "}" * depth


def experiment_json(*, backend: str = '{"id": "gpt4"}', extra: str = "") -> str:
    return f'{{"id": "exp", "backend": {backend}, "pipeline": [{{"name": "run"}}]{extra}}}'


def deep_options_json(depth: int) -> str:
    return '{"id": "b", "options": ' + '{"k": ' * depth + "1" + "}" * depth + "}"


def deep_metadata_list_json(depth: int) -> str:
    return experiment_json(extra=', "metadata": {"list": ' + "[" * depth + "]" * depth + "}")


JSON_CASES = {
    "fallback": (fallback_chain_json(DEEP), "backend_ref"),
    "options": (deep_options_json(DEEP), "backend_ref"),
    "metadata_list": (deep_metadata_list_json(DEEP), "experiment"),
    "experiment_fallback": (experiment_json(backend=fallback_chain_json(DEEP)), "experiment"),
}


def decodes_or_decode_error(fn: Any, *args: Any, **kwargs: Any) -> object | None:
    """The object, or None on DecodeError; any other exception fails the test."""
    error: ir.DecodeError | None = None
    try:
        return fn(*args, **kwargs)
    except ir.DecodeError as exc:
        error = exc
    assert error.errors
    assert all(i.message for i in error.errors)
    return None


@pytest.mark.parametrize("case", sorted(JSON_CASES))
@pytest.mark.parametrize("strict", [False, True])
def test_from_json_of_deep_text(case: str, strict: bool) -> None:
    text, type_name = JSON_CASES[case]
    obj = decodes_or_decode_error(ir.from_json, text, type_name, strict=strict)
    assert obj is None  # deeper than any decoder goes: a DecodeError, said in one issue
    obj = decodes_or_decode_error(ir.from_json, text.encode(), type_name, strict=strict)
    assert obj is None


def _fallback_chain_dict(depth: int) -> dict[str, Any]:
    data: dict[str, Any] = {"id": "last"}
    for _ in range(depth):
        data = {"id": "b", "fallback": data}
    return data


def _nested_dict(depth: int) -> dict[str, Any]:
    data: dict[str, Any] = {"k": 1}
    for _ in range(depth):
        data = {"k": data}
    return data


def _nested_list(depth: int) -> list[Any]:
    data: list[Any] = []
    for _ in range(depth):
        data = [data]
    return data


def _dict_cases() -> dict[str, tuple[Any, str]]:
    return {
        "fallback": (_fallback_chain_dict(DEEP), "backend_ref"),
        "options": ({"id": "b", "options": _nested_dict(DEEP)}, "backend_ref"),
        "metadata_list": (
            {
                "id": "exp",
                "backend": {"id": "gpt4"},
                "pipeline": [{"name": "run"}],
                "metadata": {"list": _nested_list(DEEP)},
            },
            "experiment",
        ),
        "tuple_chain": ({"id": "b", "options": {"t": _tuple_chain(DEEP)}}, "backend_ref"),
    }


def _tuple_chain(depth: int) -> tuple[Any, ...]:
    data: tuple[Any, ...] = ()
    for _ in range(depth):
        data = (data,)
    return data


@pytest.mark.parametrize("case", ["fallback", "options", "metadata_list", "tuple_chain"])
@pytest.mark.parametrize("strict", [False, True])
def test_from_dict_of_deep_data(case: str, strict: bool) -> None:
    data, type_name = _dict_cases()[case]
    assert decodes_or_decode_error(ir.from_dict, data, type_name, strict=strict) is None


def test_deep_errors_are_reported_once_not_per_level() -> None:
    data, _ = _dict_cases()["fallback"]
    with pytest.raises(ir.DecodeError) as info:
        ir.from_dict(data, "backend_ref")
    assert len(info.value.errors) == 1
    assert "nested" in info.value.errors[0].message


# -- YAML and TOML: the command line's readers ---------------------------------------

YAML_CASES = {
    "flow_sequences": "[" * DEEP + "]" * DEEP,
    "flow_mappings": "{a: " * DEEP + "1" + "}" * DEEP,
    "block_sequences": "- " * DEEP + "x\n",
    "block_in_mapping": "metadata:\n  deep:\n    " + "- " * DEEP + "x\n",
    "aliases": "a: &a [1]\n"
    + "".join(f"a{i}: &a{i} [*{'a' if i == 0 else f'a{i - 1}'}]\n" for i in range(400)),
}
TOML_CASES = {
    "arrays": "x = " + "[" * DEEP + "]" * DEEP + "\n",
    "inline_tables": "x = " + "{a = " * DEEP + "1" + "}" * DEEP + "\n",
    "dotted_key": ".".join(["k"] * DEEP) + " = 1\n",
    "table_header": "[" + ".".join(["t"] * DEEP) + "]\n",
}


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_deep_yaml_is_a_source_error(case: str) -> None:
    with pytest.raises(SourceError) as info:
        load_yaml(YAML_CASES[case])
    assert "deep" in info.value.message
    assert info.value.line >= 1
    assert info.value.column >= 1


@pytest.mark.parametrize("case", sorted(TOML_CASES))
def test_deep_toml_is_a_source_error(case: str) -> None:
    with pytest.raises(SourceError) as info:
        load_toml(TOML_CASES[case])
    assert "deep" in info.value.message


@pytest.mark.parametrize("case", sorted(JSON_CASES))
def test_deep_json_is_a_source_error(case: str) -> None:
    with pytest.raises(SourceError) as info:
        load_json(JSON_CASES[case][0])
    assert "deep" in info.value.message


def test_deep_flow_yaml_is_rejected_within_the_depth_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Work is bounded by counts: the reader takes no more events than the depth allows."""
    from crucible_ir._sources import _yaml

    taken = []
    events = _yaml._events

    def counted(source: str, parser: str) -> Iterator[Any]:
        for event in events(source, parser):
            taken.append(event)
            yield event

    monkeypatch.setattr(_yaml, "_events", counted)
    with pytest.raises(SourceError):
        load_yaml("metadata: " + "[" * 2000)
    assert len(taken) <= 256 + 5  # the stream, the document, the mapping, its key, 256 levels


def test_long_broken_dotted_toml_keys_never_reach_tomllib(monkeypatch: pytest.MonkeyPatch) -> None:
    # tomllib takes 2 s for 30,000 parts (`k.k.k...` with no `=`, or in an inline table): the
    # reader's scanner refuses the key part by part first
    parser = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")
    monkeypatch.setattr(parser, "loads", lambda *args, **kwargs: pytest.fail("tomllib ran"))
    with pytest.raises(SourceError):
        load_toml("[" + ".".join(["t"] * 20_000))


# -- the command line on deep files ---------------------------------------------------


def test_cli_on_deep_files(tmp_path: Path) -> None:
    header = "id: exp\nbackend: {id: gpt4}\npipeline: [{name: run}]\nmetadata:\n  x: "
    files = {
        "fallback.json": experiment_json(backend=fallback_chain_json(DEEP)),
        "options.json": experiment_json(extra=', "metadata": ' + _nested_json(DEEP)),
        "list.json": deep_metadata_list_json(DEEP),
        # 300 levels: just past the limit of 256; 100,000 levels below.
        "flow.yaml": header + "[" * 300 + "]" * 300 + "\n",
        "block.yaml": header.replace("x: ", "x:\n    ") + "- " * DEEP + "x\n",
        "deep.toml": 'id = "exp"\nmetadata = ' + "[" * DEEP + "]" * DEEP + "\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    names = sorted(files)
    paths = [str(tmp_path / n) for n in names]
    for argv in (
        ["validate", *paths],
        ["validate", "--strict", "--format", "json", *paths],
        ["hash", *paths],
        ["fmt", "--check", *(p for p in paths if p.endswith(".json"))],
    ):
        result = run_cli(*argv)
        result.clean()
        assert result.code in (1, 2), result
    for path in paths:
        if path.endswith(("options.json", "list.json")):
            continue  # the same reader as fallback.json
        for argv in (["show", path], ["convert", path, "--to", "yaml"], ["diff", path, path]):
            result = run_cli(*argv)
            result.clean()
            assert result.code in (1, 2), result
    # The real console script, once, on all of them (and 100,000 levels of flow YAML):
    # one line per file, each saying what is wrong.
    (tmp_path / "flow100k.yaml").write_text(header + "[" * DEEP + "]" * DEEP + "\n")
    names.append("flow100k.yaml")
    result = run_script(["validate", *names], cwd=tmp_path)
    result.clean()
    assert result.code == 1
    assert sorted(line.split(":", 1)[0] for line in result.out.splitlines()) == sorted(names)
    for line in result.out.splitlines():
        assert "deep" in line, line


def _nested_json(depth: int) -> str:
    return '{"k": ' * depth + "1" + "}" * depth


@pytest.mark.parametrize("command", ["validate", "fmt", "hash", "show"])
def test_cli_on_a_600_deep_fallback_chain(tmp_path: Path, command: str) -> None:
    """(Found by the fuzz run: _cli/_locate.py recursed two frames per level and crashed.)"""
    path = tmp_path / "chain.json"
    path.write_text(experiment_json(backend=fallback_chain_json(600)), encoding="utf-8")
    result = run_cli(command, path)
    result.clean()
    assert result.code in (0, 1)


# -- deep objects built in Python -----------------------------------------------------


def _python_chain(depth: int) -> ir.BackendRef:
    ref = ir.BackendRef(id="last")
    for i in range(depth):
        ref = ir.BackendRef(id=f"b{i}", fallback=ref)
    return ref


def test_deep_python_object_errors_to_json_to_dict() -> None:
    ref = _python_chain(5000)
    issues = ir.errors(ref)  # never raises: the depth is a problem like any other
    assert issues
    assert any("deep" in i.message for i in issues)
    assert not ir.is_valid(ref)
    with pytest.raises(ir.ValidationError):
        ir.validate(ref)
    refusals = []
    for encode in (ir.to_json, ir.to_dict):
        try:
            encode(ref)
        except ir.ValidationError as exc:
            refusals.append(exc)
    assert all(exc.errors for exc in refusals)
    exp = ir.Experiment(id="e", backend=ref, pipeline=[ir.StageDef(name="s")])
    assert any(i.path.startswith("backend.fallback") for i in ir.errors(exp))


def test_deep_python_object_repr_and_eq_are_pythons_business() -> None:
    """``repr`` and ``==`` of a 5,000-deep object may raise RecursionError.

    That is Python's (and msgspec's) own behaviour for any deeply nested
    object, like ``repr`` of a list nested 100,000 deep; the library adds
    nothing there. This test records it: either a result or a RecursionError.
    """
    ref, other = _python_chain(5000), _python_chain(5000)
    for op in (lambda: repr(ref), lambda: ref == other):
        with contextlib.suppress(RecursionError):
            op()


def test_deep_python_object_fingerprint() -> None:
    """(Found by the fuzz run: this was a RecursionError.)"""
    ref = _python_chain(5000)
    with pytest.raises(ir.IRError):
        ir.fingerprint(ref)


@pytest.mark.parametrize("depth", [ir.MAX_DEPTH, 300, 600, 900])
def test_fallback_chains_past_the_limit_are_refused_alike(depth: int) -> None:
    """Past the limit every decoder says no (found by the fuzz run: from_json and the
    bulk decoder accepted chains that from_dict and strict decoding refused, so a decoded
    object did not round-trip)."""
    text = fallback_chain_json(depth)
    for strict in (False, True):
        with pytest.raises(ir.DecodeError):
            ir.from_json(text, "backend_ref", strict=strict)
    with pytest.raises(ir.DecodeError):
        ir.from_dict(msgspec.json.decode(text), "backend_ref")
    records = list(scan_jsonl((text + "\n").encode(), "backend_ref"))
    assert len(records) == 1
    assert isinstance(records[0], BadRecord)


def test_moderately_deep_documents_decode_and_round_trip() -> None:
    """Within the limits, depth is just data: 150 fallbacks, opaque maps 200 deep."""
    obj = ir.from_json(fallback_chain_json(150), "backend_ref")
    assert ir.from_dict(ir.to_dict(obj), "backend_ref") == obj
    assert ir.from_json(ir.to_json(obj), "backend_ref", strict=True) == obj
    assert ir.errors(obj) == []
    text = experiment_json(extra=', "metadata": ' + _nested_json(200))
    exp = ir.from_json(text, "experiment")
    assert json.loads(ir.to_json(exp))["metadata"] == json.loads(_nested_json(200))
    assert ir.from_dict(msgspec.json.decode(text), "experiment") == exp


def _at_stack_depth(frames: int, fn: Any) -> Any:
    """``fn()`` called from ``frames`` Python frames further down the stack."""
    return fn() if frames <= 0 else _at_stack_depth(frames - 1, fn)


def _frames_in_use() -> int:
    frame, count = sys._getframe(), 0
    while frame is not None:
        frame, count = frame.f_back, count + 1
    return count


def _outcome(fn: Any) -> Any:
    """What ``fn()`` gives: its result, or the issues of the IRError it raises."""
    try:
        return fn()
    except ir.IRError as exc:
        return [(i.path, i.code, i.message.split(" (")[0]) for i in exc.errors]


def test_how_deep_the_caller_is_does_not_decide_the_verdict() -> None:
    """One plain limit, however deep the caller: no fresh stacks, never a RecursionError.

    errors() keeps its own stack, so its verdict is the same at any depth; reading and
    writing, which msgspec does recursively, either give the same result or say that
    too little stack is left (only within a few hundred frames of Python's limit).
    """
    depth = ir.MAX_DEPTH - 1  # the event is a level too
    text = '{"id": "e", "feedback_value": ' + "[" * depth + "]" * depth + "}"
    event = ir.from_json(text, "feedback.event")
    too_deep = ir.replace(event, feedback_value=[event.feedback_value])
    expected = {
        "errors": ir.errors(event),
        "errors_too_deep": ir.errors(too_deep),
        "to_json": ir.to_json(event, indent=2),
        "to_json_too_deep": _outcome(lambda: ir.to_json(too_deep)),
        "from_json": event,
        "fingerprint": ir.fingerprint(event),
    }
    assert expected["errors"] == []
    assert [i.code for i in expected["errors_too_deep"]] == ["syntax"]
    calls = {
        "errors": lambda: ir.errors(event),
        "errors_too_deep": lambda: ir.errors(too_deep),
        "to_json": lambda: _outcome(lambda: ir.to_json(event, indent=2)),
        "to_json_too_deep": lambda: _outcome(lambda: ir.to_json(too_deep)),
        "from_json": lambda: _outcome(lambda: ir.from_json(text, "feedback.event")),
        "fingerprint": lambda: _outcome(lambda: ir.fingerprint(event)),
    }
    room = sys.getrecursionlimit() - _frames_in_use()
    for frames in (room // 4, room // 2, room - depth - 80, room - 40):
        for name, call in calls.items():
            got = _at_stack_depth(frames, call)
            if name.startswith("errors") or got == expected[name]:
                assert got == expected[name], (frames, name)
            else:  # reading or writing this deep in the stack: said so, at the root
                assert isinstance(got, list), (frames, name, got)
                ((path, code, message),) = got
                assert (path, code) == ("", "syntax")
                assert message.startswith("too little stack is left here to")
