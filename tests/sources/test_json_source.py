"""JSON sources: values and errors from the library, positions from the lazy scanner."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crucible_ir import DecodeError, from_json
from crucible_ir._sources import (
    Document,
    SourceError,
    format_for_path,
    load,
    load_json,
    load_toml,
    load_yaml,
)

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


def where(text: str, fragment: str) -> tuple[int, int]:
    """Line and column of the one occurrence of ``fragment`` in ``text``."""
    assert text.count(fragment) == 1, fragment
    offset = text.index(fragment)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def at(text: str, position: tuple[int, int]) -> str:
    """The text from ``position`` to the end of its line."""
    line, column = position
    return text.split("\n")[line - 1][column - 1 :]


def paths(value: Any) -> list[tuple[tuple[str | int, ...], Any]]:
    """Every path in ``value`` with the value there, the root included."""
    found: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            children: list[tuple[str | int, Any]] = list(item.items())
        elif isinstance(item, list):
            children = list(enumerate(item))
        else:
            continue
        for step, child in children:
            found.append(((*path, step), child))
            stack.append(((*path, step), child))
    return found


DOC = """{
  "name": "run",
  "pipeline": [
    {"name": "train", "epochs": 3},
    {"name": "eval",
     "metrics": ["acc", "f1"]}
  ],
  "owner": null, "big": 123456789012345678901234567890
}
"""


def test_values() -> None:
    doc = load_json(DOC)
    assert doc.data == {
        "name": "run",
        "pipeline": [{"name": "train", "epochs": 3}, {"name": "eval", "metrics": ["acc", "f1"]}],
        "owner": None,
        "big": 123456789012345678901234567890,
    }
    assert isinstance(doc, Document)
    assert doc.raw_scalar(("name",)) is None


def test_bytes_and_str_agree() -> None:
    assert load_json(DOC.encode()).data == load_json(DOC).data


def test_value_positions() -> None:
    doc = load_json(DOC)
    assert doc.locate(()) == (1, 1)
    assert doc.locate(("name",)) == where(DOC, '"run"')
    assert doc.locate(("pipeline",)) == (3, 15)
    assert doc.locate(("pipeline", 0)) == where(DOC, '{"name": "train"')
    assert doc.locate(("pipeline", 0, "epochs")) == where(DOC, "3}")
    assert doc.locate(("pipeline", 1, "metrics", 1)) == where(DOC, '"f1"')
    assert doc.locate(("big",)) == where(DOC, "123456789012345678901234567890")
    assert doc.locate(("owner",)) == where(DOC, "null")


def test_key_positions() -> None:
    doc = load_json(DOC)
    assert doc.locate(("owner",), key=True) == where(DOC, '"owner"')
    assert doc.locate(("pipeline", 1, "metrics"), key=True) == where(DOC, '"metrics"')
    # an array item has no key: its own position
    assert doc.locate(("pipeline", 1), key=True) == where(DOC, '{"name": "eval"')


def test_missing_path_falls_back_to_ancestor() -> None:
    doc = load_json(DOC)
    assert doc.locate(("pipeline", 0, "lr")) == where(DOC, '{"name": "train"')
    assert doc.locate(("pipeline", 0, "lr"), key=True) == where(DOC, '{"name": "train"')
    assert doc.locate(("pipeline", 7, "name")) == (3, 15)
    assert doc.locate(("pipeline", -1)) == (3, 15)
    assert doc.locate(("name", "deeper")) == where(DOC, '"run"')
    assert doc.locate(("pipeline", "0")) == (3, 15)
    assert doc.locate(("nope",)) == (1, 1)


def test_root_position_is_where_the_value_starts() -> None:
    assert load_json("\n\n   [1, 2]").locate(()) == (3, 4)
    assert load_json("\n\n   [1, 2]").locate((1,)) == (3, 8)


def test_columns_count_characters_not_bytes() -> None:
    text = '{"é😀": "ü", "k": 1}'
    doc = load_json(text.encode())
    assert doc.locate(("k",)) == (1, 18)
    assert doc.locate(("k",), key=True) == (1, 13)


def test_escaped_keys_are_found() -> None:
    text = '{"a\\u00e9\\"": {"x\\ny": 1}}'
    doc = load_json(text)
    assert doc.data == {'aé"': {"x\ny": 1}}
    assert doc.locate(('aé"', "x\ny")) == (1, 24)
    assert doc.locate(('aé"', "x\ny"), key=True) == (1, 16)


def test_duplicate_key_last_wins_and_is_located() -> None:
    text = '{"a": 1,\n "a": {"b": 2}}'
    doc = load_json(text)
    assert doc.data == {"a": {"b": 2}}
    assert doc.locate(("a",), key=True) == (2, 2)
    assert doc.locate(("a", "b")) == (2, 13)


def _library_issue(text: str | bytes) -> tuple[int, int, str]:
    """Where and how `from_json` reports the syntax error of ``text``."""
    with pytest.raises(DecodeError) as info:
        from_json(text, "stage_def")
    [issue] = info.value.errors
    return issue.line or 1, issue.column or 1, issue.message


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ('{"a" 1}', 1, 6, "malformed JSON: expected ':'"),
        ('{"a": 1,}', 1, 9, "malformed JSON: trailing comma in object"),
        ('{\n  "a": NaN}', 2, 8, "malformed JSON: invalid character"),
        ('{"a": 1}\n  x', 2, 3, "malformed JSON: trailing characters"),
        ('{"é": x}', 1, 7, "malformed JSON: invalid character"),
        ('{"a": [1,\n 2', 2, 3, "unexpected end of input"),
        ("", 1, 1, "unexpected end of input"),
        ('{"ü😀ü": "é",\r\n "b": tru}', 2, 7, "malformed JSON: invalid character"),
        ('{"x": "ü😀ü"\r\n,\r\n"ü😀ü": 1,}', 3, 10, "malformed JSON: trailing comma in object"),
    ],
)
def test_syntax_errors_are_placed_by_the_librarys_locator(
    text: str, line: int, column: int, message: str
) -> None:
    """One locator: the reader reports exactly what `from_json` does, in str or bytes."""
    assert _library_issue(text) == (line, column, message)
    for form in (text, text.encode()):
        with pytest.raises(SourceError) as info:
            load_json(form)
        assert (info.value.line, info.value.column, info.value.message) == (line, column, message)
        assert str(info.value) == f"{line}:{column}: {message}"


@pytest.mark.parametrize(
    "text",
    [
        b'\xef\xbb\xbf{"a": 1}',
        b'{"a":\n "\xc3\xa9\xff"}',
        '["\ud800"]',
        '{"a": [1,\n  1e400]}',
        '{"a": "1e400", "b": -1e400}',
        '[0,\n "x", ' + "9" * 5000 + "]",
        "[" * 100_000 + "]" * 100_000,
    ],
)
def test_every_error_is_the_librarys(text: str | bytes) -> None:
    with pytest.raises(SourceError) as info:
        load_json(text)
    assert (info.value.line, info.value.column, info.value.message) == _library_issue(text)


@given(st.binary(max_size=60) | st.text(alphabet='[]{}:,"\\ 0é😀\r\n.eE-+truefalsn', max_size=60))
@settings(max_examples=300, deadline=None)
def test_error_positions_agree_with_from_json_and_stay_on_their_line(text: str | bytes) -> None:
    try:
        load_json(text)
    except SourceError as exc:
        error = exc
    else:
        return
    assert (error.line, error.column, error.message) == _library_issue(text)
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    lines = raw.decode("utf-8", "replace").split("\n")
    assert error.line <= len(lines)
    assert error.column <= len(lines[error.line - 1]) + 1


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_deep_nesting_is_an_error_not_recursion(opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    text = opener * 100_000 + "1" + closer * 100_000
    with pytest.raises(SourceError, match="nested too deeply") as info:
        load_json(text)
    assert info.value.line == 1


@pytest.mark.parametrize("run", [300, 3000])
def test_too_deep_is_placed_at_the_first_bracket_past_the_limit(run: int) -> None:
    """Brackets in strings do not count; the limit is the library's, whatever msgspec reads."""
    head = "[" + '"[[[[",' * 3000 + '{"k": "é\\"{", "v": '
    text = head + "[" * run + "]" * run + "}]"
    with pytest.raises(SourceError) as info:
        load_json(text)
    assert info.value.message == "nested too deeply (more than 256 levels)"
    # the bracket 257 levels deep: two levels are open when the run of brackets starts
    assert (info.value.line, info.value.column) == (1, len(head) + 256 - 1)


def test_moderate_nesting_is_fine() -> None:
    doc = load_json("[" * 200 + "]" * 200)
    assert doc.locate((0,) * 199) == (1, 200)


@given(VALUES)
@settings(max_examples=200, deadline=None)
def test_round_trip_and_positions(value: Any) -> None:
    for ascii_only, indent in ((True, None), (False, 2)):
        text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
        doc = load_json(text)
        assert doc.data == value
        for path, item in paths(value):
            position = doc.locate(path)
            if isinstance(item, (dict, list)):
                assert at(text, position)[:1] == ("{" if isinstance(item, dict) else "[")
            else:
                assert at(text, position).startswith(json.dumps(item, ensure_ascii=ascii_only))
            if path and isinstance(path[-1], str):
                key = json.dumps(path[-1], ensure_ascii=ascii_only)
                assert at(text, doc.locate(path, key=True)).startswith(key)


@given(VALUES, st.lists(st.one_of(st.text(max_size=3), st.integers(-2, 5)), max_size=5))
@settings(max_examples=100, deadline=None)
def test_locate_never_raises(value: Any, path: list[str | int]) -> None:
    doc = load_json(json.dumps(value))
    line, column = doc.locate(tuple(path))
    assert line >= 1
    assert column >= 1


@given(
    st.binary(max_size=40) | st.text(alphabet='[]{}:,"\\ 0123456789.eE-+truefalsn\n', max_size=40)
)
@settings(max_examples=300, deadline=None)
def test_any_input_reads_or_raises_source_error(text: str | bytes) -> None:
    try:
        doc = load_json(text)
    except SourceError:
        return
    doc.locate(("a", 0))


# The package's own entry points, shared by every format.


def test_load_dispatches_on_format() -> None:
    assert load('{"a": 1}', "json").data == {"a": 1}
    assert load("a: 1", "yaml").data == {"a": 1}
    assert load("a = 1", "toml").data == {"a": 1}
    assert load("a = 1", "toml").data == load_toml("a = 1").data
    assert load("a: 1", "yaml").data == load_yaml("a: 1").data
    with pytest.raises(ValueError, match="unknown format"):
        load("a", "xml")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("run.json", "json"),
        ("dir/run.YAML", "yaml"),
        ("run.yml", "yaml"),
        ("a.b/run.toml", "toml"),
        ("runs.jsonl", "jsonl"),
        ("runs.NDJSON", "jsonl"),
        ("run.txt", None),
        ("json", None),
        (".json", "json"),
        ("dir.json/run", None),
        ("C:\\dir.yaml\\run", None),
    ],
)
def test_format_for_path(name: str, fmt: str | None) -> None:
    assert format_for_path(name) == fmt


def test_import_does_not_load_yaml_or_toml_parsers() -> None:
    code = (
        "import sys, crucible_ir._sources; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('yaml', 'ruamel', 'tomllib', 'tomli', 'tomli_w')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_source_error_pickles_and_prints() -> None:
    import pickle

    error = pickle.loads(pickle.dumps(SourceError("bad", 3, 7)))
    assert (error.message, error.line, error.column) == ("bad", 3, 7)
    assert str(error) == "3:7: bad"


def test_document_without_positions() -> None:
    doc = Document([1])
    assert doc.locate((0,)) == (1, 1)
    assert doc.raw_scalar((0,)) is None
