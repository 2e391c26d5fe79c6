"""TOML sources: tomllib's values made JSON-model, positions from our scanner."""

from __future__ import annotations

import sys
from typing import Any

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from crucible_ir._sources import SourceError, load_toml


def where(text: str, fragment: str) -> tuple[int, int]:
    """Line and column of the one occurrence of ``fragment`` in ``text``."""
    assert text.count(fragment) == 1, fragment
    offset = text.index(fragment)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def at(text: str, position: tuple[int, int]) -> str:
    """The text from ``position`` on."""
    line, column = position
    lines = text.split("\n")
    return "\n".join([lines[line - 1][column - 1 :], *lines[line:]])


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


def error(text: str | bytes) -> SourceError:
    with pytest.raises(SourceError) as info:
        load_toml(text)
    return info.value


DOC = '''\
# An experiment
name = "demo"
"quoted key" = 'literal'
notes = """
[not.a.table]
fake = 1
"""
limits.cpu = 2
limits . "memory gb" = 16

[owner]
email = "a@example.com"   # trailing comment
since = 1979-05-27T07:32:00Z

[[stages]]
name = "train"
params = { lr = 0.1, layers = [64, 32], opt.kind = "adam" }

[stages.resources]
gpus = 1

[[stages]]
name = "eval"
metrics = [
  "acc",  # a comment
  ["f1", 'auc'],
]
'''


def test_values() -> None:
    assert load_toml(DOC).data == {
        "name": "demo",
        "quoted key": "literal",
        "notes": "[not.a.table]\nfake = 1\n",
        "limits": {"cpu": 2, "memory gb": 16},
        "owner": {"email": "a@example.com", "since": "1979-05-27T07:32:00Z"},
        "stages": [
            {
                "name": "train",
                "params": {"lr": 0.1, "layers": [64, 32], "opt": {"kind": "adam"}},
                "resources": {"gpus": 1},
            },
            {"name": "eval", "metrics": ["acc", ["f1", "auc"]]},
        ],
    }


def test_value_positions() -> None:
    doc = load_toml(DOC)
    assert doc.locate(()) == (1, 1)
    assert doc.locate(("name",)) == where(DOC, '"demo"')
    assert doc.locate(("quoted key",)) == where(DOC, "'literal'")
    assert doc.locate(("notes",)) == where(DOC, '"""\n[not')
    assert doc.locate(("limits", "memory gb")) == where(DOC, "16")
    assert doc.locate(("owner",)) == where(DOC, "[owner]")
    assert doc.locate(("owner", "since")) == where(DOC, "1979")
    assert doc.locate(("stages",)) == where(DOC, '[[stages]]\nname = "train"')
    assert doc.locate(("stages", 1)) == where(DOC, '[[stages]]\nname = "eval"')
    assert doc.locate(("stages", 0, "params")) == where(DOC, "{ lr")
    assert doc.locate(("stages", 0, "params", "layers", 1)) == where(DOC, "32]")
    assert doc.locate(("stages", 0, "params", "opt", "kind")) == where(DOC, '"adam"')
    assert doc.locate(("stages", 0, "resources")) == where(DOC, "[stages.resources]")
    assert doc.locate(("stages", 0, "resources", "gpus")) == (where(DOC, "gpus = 1")[0], 8)
    assert doc.locate(("stages", 1, "metrics", 1, 1)) == where(DOC, "'auc'")


def test_key_positions() -> None:
    doc = load_toml(DOC)
    assert doc.locate(("quoted key",), key=True) == where(DOC, '"quoted key"')
    assert doc.locate(("limits",), key=True) == where(DOC, "limits.cpu")
    assert doc.locate(("limits", "memory gb"), key=True) == where(DOC, '"memory gb"')
    assert doc.locate(("owner",), key=True) == where(DOC, "owner]")
    assert doc.locate(("owner", "email"), key=True) == where(DOC, "email")
    assert doc.locate(("stages", 0, "params", "opt"), key=True) == where(DOC, "opt.kind")
    assert doc.locate(("stages", 0, "resources"), key=True) == where(DOC, "resources]")
    assert doc.locate(("stages", 1, "metrics"), key=True) == where(DOC, "metrics")


def test_missing_path_falls_back_to_ancestor() -> None:
    doc = load_toml(DOC)
    assert doc.locate(("owner", "phone")) == where(DOC, "[owner]")
    assert doc.locate(("owner", "phone"), key=True) == where(DOC, "[owner]")
    assert doc.locate(("stages", 5, "name")) == where(DOC, '[[stages]]\nname = "train"')
    assert doc.locate(("nothing",)) == (1, 1)


def test_escaped_and_literal_keys() -> None:
    text = 'a."b\\u00e9\\"c" = 1\n\'d.e\' = {"f\\tg" = 2}\n'
    doc = load_toml(text)
    assert doc.data == {"a": {'bé"c': 1}, "d.e": {"f\tg": 2}}
    assert doc.locate(("a", 'bé"c'), key=True) == (1, 3)
    assert doc.locate(("d.e", "f\tg")) == (2, 19)


def test_windows_line_endings_and_bom() -> None:
    doc = load_toml(b"\xef\xbb\xbfa = 1\r\n[t]\r\nb = [\r\n  2,\r\n]\r\n")
    assert doc.data == {"a": 1, "t": {"b": [2]}}
    assert doc.locate(("t", "b", 0)) == (4, 3)


def test_tables_defined_after_their_children() -> None:
    text = "[a.b]\nx = 1\n[a]\ny = 2\n"
    doc = load_toml(text)
    assert doc.data == {"a": {"b": {"x": 1}, "y": 2}}
    assert doc.locate(("a", "y")) == (4, 5)
    assert doc.locate(("a", "b", "x")) == (2, 5)


@pytest.mark.parametrize(
    ("toml", "value"),
    [
        ("1979-05-27T07:32:00Z", "1979-05-27T07:32:00Z"),
        ("1979-05-27 07:32:00z", "1979-05-27T07:32:00Z"),
        ("1979-05-27T07:32:00.999999+00:00", "1979-05-27T07:32:00.999999Z"),
        ("1979-05-27T00:32:00-07:00", "1979-05-27T00:32:00-07:00"),
        ("1979-05-27T07:32:00", "1979-05-27T07:32:00"),
        ("1979-05-27", "1979-05-27"),
        ("07:32:00", "07:32:00"),
    ],
)
def test_dates_and_times_become_strings(toml: str, value: str) -> None:
    doc = load_toml(f"when = {toml}\nafter = 1\n")
    assert doc.data == {"when": value, "after": 1}
    assert doc.locate(("after",)) == (2, 9)


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("a = 1\nb = nan", 2, 5, "non-finite numbers are not allowed in IR documents"),
        ("a = 1\nb = [1.0, -inf]", 2, 11, "non-finite numbers are not allowed in IR documents"),
        ("[t]\nx = { y = +inf }", 2, 11, "non-finite numbers are not allowed in IR documents"),
        ("a = 1e400", 1, 5, "number out of range"),
        ("a = 0x" + "f" * 4000, 1, 5, "integer out of range"),
        ("a = [\n  " + "1" * 4301 + "]", 2, 3, "integer out of range"),
    ],
)
def test_errors_are_placed(text: str, line: int, column: int, message: str) -> None:
    problem = error(text)
    assert (problem.line, problem.column, problem.message) == (line, column, message)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a = 1\nb = ", 2, 5),
        ("a = [1,\n 2,,]", 2, 4),
        ("a = 1\na = 2", 2, 6),
        ("x = 'open", 1, 10),
        ("[t]\n[t]", 2, 3),
    ],
)
def test_syntax_errors_are_placed(text: str, line: int, column: int) -> None:
    problem = error(text)
    assert (problem.line, problem.column) == (line, column)
    # tomllib's words, which vary between versions, with a lower-case start
    assert problem.message[:1].islower()


def test_invalid_utf8() -> None:
    problem = error(b'a = 1\nb = "\xff"')
    assert (problem.line, problem.column) == (2, 6)
    assert problem.message.startswith("invalid UTF-8")


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 100_000 + "]" * 100_000,
        "a = " + "{b = " * 100_000 + "1" + "}" * 100_000,
        "a" + ".a" * 100_000 + " = 1",
        "[" + ".".join(["a"] * 100_000) + "]",
        "[[" + ".".join(["a"] * 100_000) + "]]",
        "a = [" + "{b = [" * 50_000 + "]}" * 50_000 + "]",
    ],
)
def test_deep_nesting_is_an_error_not_recursion(text: str) -> None:
    problem = error(text)
    assert problem.message == "nested too deeply (more than 256 levels)"
    assert problem.line == 1


LONG_KEY = ".".join(["k"] * 20_000)


@pytest.mark.parametrize(
    ("before", "after", "line", "column"),
    [
        ("[", "]", 1, 512),
        ("[[", "]]", 1, 513),
        ("", " = 1", 1, 511),
        ("a = {", " = 1}", 1, 514),
        ("[t]\na = [{", " = 1}]", 2, 511),
        ("[[k]]\n[", "]", 2, 510),  # through an array of tables: one level more
    ],
)
def test_a_long_dotted_key_is_too_deep_whatever_follows_it(
    before: str, after: str, line: int, column: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Cut short or followed by anything, it is the same error, found by the scanner:
    # tomllib, whose time on a dotted key grows with the square of its length, never
    # sees it.
    parser = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")

    def unreached(*args: object, **kwargs: object) -> object:
        raise AssertionError("tomllib was given the text")

    monkeypatch.setattr(parser, "loads", unreached)
    for end in (after, "", " ", " x", ".", "\n"):
        problem = error(before + LONG_KEY + end)
        assert (problem.line, problem.column) == (line, column), repr(end)
        assert problem.message == "nested too deeply (more than 256 levels)"


def test_nesting_up_to_the_limit_is_fine() -> None:
    doc = load_toml("a = " + "[" * 255 + "]" * 255)
    assert doc.locate(("a", *(0,) * 254)) == (1, 259)


def test_recursion_inside_tomllib_is_an_error_not_a_crash() -> None:
    # tomllib recurses once or twice per inline level; a deep call stack can run
    # out before MAX_DEPTH does
    text = "a = 1\nb = " + "{c = " * 200 + "1" + "}" * 200
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(400)
    try:
        problem = error(text)
    finally:
        sys.setrecursionlimit(limit)
    assert problem.message == "nested too deeply"
    assert (problem.line, problem.column) == (2, 5 + 5 * 199)


@pytest.mark.skipif(not hasattr(sys, "set_int_max_str_digits"), reason="no int digit limit")
def test_lowered_int_digit_limit_is_an_error_not_a_crash() -> None:
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(1000)
    try:
        problem = error("a = " + "1" * 2000)
    finally:
        sys.set_int_max_str_digits(limit)
    assert problem.message == "integer out of range"


def test_inline_values_spread_over_lines() -> None:
    text = 'a = [\n  { b = 1 },\n  # note\n  { c = [\n      "x",\n  ] },\n]\n'
    doc = load_toml(text)
    assert doc.data == {"a": [{"b": 1}, {"c": ["x"]}]}
    assert doc.locate(("a", 1, "c", 0)) == (5, 7)
    assert doc.locate(("a", 1, "c"), key=True) == (4, 5)


TEXT = st.text(st.characters(codec="utf-8"))
SCALARS = (
    st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)


def rendered(value: Any) -> str:
    return tomli_w.dumps({"x": value})[len("x = ") : -1]


@given(st.dictionaries(TEXT, VALUES, max_size=5))
@settings(max_examples=300, deadline=None)
def test_round_trip_and_positions(value: dict[str, Any]) -> None:
    text = tomli_w.dumps(value)
    doc = load_toml(text)
    assert doc.data == value
    for path, item in paths(value):
        position = doc.locate(path)
        if isinstance(item, (dict, list)):
            assert path == () or at(text, position)[:1] in "[{"
        else:
            assert at(text, position).startswith(rendered(item))
        if path and isinstance(path[-1], str):
            key = tomli_w.dumps({path[-1]: 1})[: -len(" = 1\n")]
            assert at(text, doc.locate(path, key=True)).startswith(key)


TOMLISH = st.lists(
    st.sampled_from(
        [*"[]{}=,.\"' \n\t#ab01-_:+eT\\", '"""', "'''", "[[", "]]", "inf", "1979-05-27"]
    ),
    max_size=30,
).map("".join)


@given(TOMLISH)
@settings(max_examples=500, deadline=None)
def test_any_input_reads_or_raises_source_error(text: str) -> None:
    try:
        doc = load_toml(text)
    except SourceError:
        return
    doc.locate(("a", 0), key=True)


# Comments, which fmt and convert refuse to drop.


@pytest.mark.parametrize(
    ("text", "where_"),
    [
        ("# top\na = 1\n", (1, 1)),
        ("a = 1 # after\n", (1, 7)),
        ('[t] # a table\nb = "x"\n', (1, 5)),
        ("a = [\n  1, # in an array\n  2,\n]\n", (2, 6)),
        ('a = "#not" # but this\n', (1, 12)),
        ('a = """\n# text\n"""\n# comment\n', (4, 1)),
        ("a = 1\n\n\n#\n", (4, 1)),
    ],
)
def test_the_first_comment_is_found(text: str, where_: tuple[int, int]) -> None:
    assert load_toml(text).comment == where_


@pytest.mark.parametrize(
    "text",
    ["a = '#x'\n", 'a = "# x"\n', 'a = """\n#\n"""\n', "'#' = 1\n", '"#".b = 1\n', ""],
)
def test_a_hash_sign_inside_a_string_is_no_comment(text: str) -> None:
    assert load_toml(text).comment is None
