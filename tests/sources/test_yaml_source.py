"""YAML sources: the core schema, positions, and every way a hostile document fails."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crucible_ir._sources import SourceError, _yaml
from crucible_ir._sources._yaml import PARSERS, load_yaml


@pytest.fixture(scope="module", params=PARSERS, autouse=True)
def parser(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every test here runs under each of PyYAML's parsers: libyaml, and the pure-Python one."""
    name: str = request.param
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_yaml, "libyaml_available", lambda: name == "libyaml")
        yield name


def test_libyaml_is_installed() -> None:
    """PyYAML's wheels carry libyaml: without it the suite would test one parser twice."""
    import yaml

    assert yaml.__with_libyaml__


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
    """The error reading ``text``, its numbers that JSON cannot carry included."""
    with pytest.raises(SourceError) as info:
        check(text)
    return info.value


def check(text: str | bytes) -> None:
    doc = load_yaml(text)
    doc.check(doc.data)


# Values: the YAML 1.2 core schema, exactly.


@pytest.mark.parametrize(
    ("scalar", "value"),
    [
        ("off", "off"),
        ("on", "on"),
        ("yes", "yes"),
        ("no", "no"),
        ("y", "y"),
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("FALSE", False),
        ("tRue", "tRue"),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("~", None),
        ("", None),
        ("nULL", "nULL"),
        ("0123", 123),
        ("-17", -17),
        ("+17", 17),
        ("0o17", 15),
        ("0x1F", 31),
        ("0b11", "0b11"),
        ("1_000", "1_000"),
        ("1:20", "1:20"),
        ("0x", "0x"),
        ("1.10", 1.1),
        (".5", 0.5),
        ("-1.", -1.0),
        ("1e3", 1000.0),
        ("1E-2", 0.01),
        ("2001-12-14", "2001-12-14"),
        ("'true'", "true"),
        ('"1.10"', "1.10"),
        ("'~'", "~"),
        ("!!str 1", "1"),
        ("!!str true", "true"),
        ("!!int 0123", 123),
        ('!!int "12"', 12),
        ("!!float 3", 3.0),
        ("!!bool FALSE", False),
        ("!!null ~", None),
        ("!!null", None),
        ("! 12", "12"),
        ("!<tag:yaml.org,2002:str> 12", "12"),
        ("|\n  a\n  b\n", "a\nb\n"),
        (">\n  a\n  b\n", "a b\n"),
        ('"\\U0001F600\\u00e9"', "😀é"),
        ("1" * 4300, int("1" * 4300)),
    ],
)
def test_core_schema(scalar: str, value: Any) -> None:
    data = load_yaml("key: " + scalar).data
    assert data == {"key": value}
    assert type(data["key"]) is type(value)


def test_plain_scalars_keep_their_text() -> None:
    text = """\
strategy: off
version: 1.10
description: 0123
name: yes
flag: true
nothing: ~
empty:
quoted: '1.10'
tagged: !!int 7
nested: {a: [0x1F]}
"""
    doc = load_yaml(text)
    assert doc.data["version"] == 1.1
    assert doc.raw_scalar(("version",)) == "1.10"
    assert doc.data["description"] == 123
    assert doc.raw_scalar(("description",)) == "0123"
    assert doc.raw_scalar(("flag",)) == "true"
    assert doc.raw_scalar(("nothing",)) == "~"
    assert doc.raw_scalar(("nested", "a", 0)) == "0x1F"
    # strings, quoted or tagged scalars, empty scalars, containers, missing paths
    for path in [("strategy",), ("name",), ("quoted",), ("tagged",), ("empty",), ("nested",)]:
        assert doc.raw_scalar(path) is None, path
    assert doc.raw_scalar(("nested", "b")) is None
    assert doc.raw_scalar(("version", 0)) is None


def test_non_string_keys_are_used_as_written() -> None:
    doc = load_yaml("1: a\ntrue: b\n~: c\n1.50: d\n0x1F: e\n!!int 7: f\n.inf: g\n1e400: h\n")
    doc.check(doc.data)
    keys = ["1", "true", "~", "1.50", "0x1F", "7", ".inf", "1e400"]
    assert doc.data == dict(zip(keys, "abcdefgh", strict=True))


@pytest.mark.parametrize(
    ("plain", "message"),
    [
        (".inf", "non-finite numbers are not allowed in IR documents"),
        ("-.Inf", "non-finite numbers are not allowed in IR documents"),
        (".NaN", "non-finite numbers are not allowed in IR documents"),
        ("1e400", "number out of range"),
        ("-" + "1" * 4300, "integer out of range"),
        ("0x" + "f" * 4000, "integer out of range"),
    ],
)
def test_numbers_json_cannot_carry_are_text_or_an_error(plain: str, message: str) -> None:
    # Read, kept as their text, and refused by check() where the caller left them.
    doc = load_yaml(f"a: [1, {plain}]\nb: x\n")
    assert doc.raw_scalar(("a", 1)) == plain
    assert doc.locate(("a", 1)) == (1, 8)
    doc.check({"a": [1, plain], "b": "x"})
    with pytest.raises(SourceError) as info:
        doc.check(doc.data)
    assert (info.value.line, info.value.column, info.value.message) == (1, 8, message)


def test_check_raises_the_first_number_left_in_document_order() -> None:
    doc = load_yaml("a: {x: 1e400, y: &n .inf}\nb: [.nan, *n]\n")
    problems = []
    for data in (
        doc.data,
        {**doc.data, "a": {"x": "1e400", "y": doc.data["a"]["y"]}},
        {"a": {"x": "1e400", "y": ".inf"}, "b": [doc.data["b"][0], ".inf"]},
        {"a": {"x": "1e400", "y": ".inf"}, "b": [".nan", doc.data["b"][1]]},
    ):
        with pytest.raises(SourceError) as info:
            doc.check(data)
        problems.append((info.value.line, info.value.column, info.value.message[:10]))
    assert problems == [
        (1, 8, "number out"),
        (1, 18, "non-finite"),
        (2, 5, "non-finite"),
        (1, 18, "non-finite"),  # an alias's error is at its anchor
    ]
    doc.check({"a": {"x": "1e400", "y": ".inf"}, "b": [".nan", ".inf"]})


def test_tagged_numbers_json_cannot_carry_are_errors_at_once() -> None:
    for text in ("a: !!float .inf", "a: !!float 1e400", "a: !!int " + "1" * 4301):
        with pytest.raises(SourceError):
            load_yaml(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: .nan", "non-finite numbers are not allowed in IR documents"),
        ("a: .NaN", "non-finite numbers are not allowed in IR documents"),
        ("a: .inf", "non-finite numbers are not allowed in IR documents"),
        ("a: -.Inf", "non-finite numbers are not allowed in IR documents"),
        ("a: !!float .nan", "non-finite numbers are not allowed in IR documents"),
        ("a: 1e400", "number out of range"),
        ("a: !!float 1e400", "number out of range"),
        ("a: " + "1" * 4301, "integer out of range"),
        ("a: 0x" + "f" * 4000, "integer out of range"),
        ("a: !!int 1.5", "'1.5' is not a valid !!int"),
        ("a: !!bool yes", "'yes' is not a valid !!bool"),
        ("a: !!null 0", "'0' is not a valid !!null"),
        ("a: !!float 0x10", "'0x10' is not a valid !!float"),
    ],
)
def test_unreadable_scalars(text: str, message: str) -> None:
    problem = error(text)
    assert (problem.line, problem.column, problem.message) == (1, 4, message)


# Positions.

DOC = """\
# an experiment
name: demo
pipeline:
  - name: train
    params: {lr: 0.1, layers: [64, 32]}
  - name: eval
    metrics:
      - acc
      - "f1"
notes: |
  several
  lines
owner:
"""


def test_value_positions() -> None:
    doc = load_yaml(DOC)
    assert doc.locate(()) == where(DOC, "name: demo")
    assert doc.locate(("name",)) == where(DOC, "demo")
    assert doc.locate(("pipeline",)) == where(DOC, "- name: train")
    assert doc.locate(("pipeline", 0)) == where(DOC, "name: train")
    assert doc.locate(("pipeline", 0, "params")) == where(DOC, "{lr")
    assert doc.locate(("pipeline", 0, "params", "layers", 1)) == where(DOC, "32")
    assert doc.locate(("pipeline", 1, "metrics", 1)) == where(DOC, '"f1"')
    assert doc.locate(("notes",)) == where(DOC, "|")
    assert doc.locate(("owner",)) == (13, 6)  # nothing written: right after the key


def test_empty_values_are_placed_after_their_key() -> None:
    doc = load_yaml("a:    # nothing\n\n\nb: 1\nc: {d: }\n")
    assert doc.locate(("a",)) == (1, 2)
    assert doc.locate(("c", "d")) == (5, 6)


def test_key_positions() -> None:
    doc = load_yaml(DOC)
    assert doc.locate(("owner",), key=True) == where(DOC, "owner")
    assert doc.locate(("pipeline", 0, "params", "lr"), key=True) == where(DOC, "lr")
    assert doc.locate(("pipeline", 1, "metrics"), key=True) == where(DOC, "metrics")
    assert doc.locate(("pipeline", 1), key=True) == where(DOC, "name: eval")


def test_missing_path_falls_back_to_ancestor() -> None:
    doc = load_yaml(DOC)
    assert doc.locate(("pipeline", 0, "params", "momentum")) == where(DOC, "{lr")
    assert doc.locate(("pipeline", 0, "params", "momentum"), key=True) == where(DOC, "{lr")
    assert doc.locate(("pipeline", 9)) == where(DOC, "- name: train")
    assert doc.locate(("missing", "deeper")) == where(DOC, "name: demo")


def test_empty_documents() -> None:
    for text in ["", "# nothing\n", "---\n", "---\n...\n"]:
        doc = load_yaml(text)
        assert doc.data is None
        assert doc.locate(()) == (1, 1)
        assert doc.locate(("a",), key=True) == (1, 1)


def test_positions_of_aliased_values_are_their_anchors() -> None:
    text = "base: &b {x: 1}\nuse: *b\n"
    doc = load_yaml(text)
    assert doc.locate(("use",)) == where(text, "&b")
    assert doc.locate(("use", "x")) == where(text, "1}")
    assert doc.locate(("use",), key=True) == where(text, "use")


def test_columns_count_characters() -> None:
    text = "é😀: {ü: 1, k: 2}"
    assert load_yaml(text.encode()).locate(("é😀", "k")) == (1, 15)


# Duplicate keys, complex keys, merge keys.


def test_duplicate_key_is_placed_at_the_second_one() -> None:
    problem = error("name: x\nstrategy: a\nother: 1\nstrategy: b\n")
    assert (problem.line, problem.column) == (4, 1)
    assert problem.message == "duplicate key 'strategy' (first at line 2)"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("{a: 1, b: 2, a: 3}", 1, 14),
        ("a:\n  b: 1\n  b: 2\n", 3, 3),
        ("1: x\n'1': y\n", 2, 1),
        ("&k a: 1\n*k : 2\n", 2, 1),
    ],
)
def test_duplicate_keys_anywhere(text: str, line: int, column: int) -> None:
    problem = error(text)
    assert (problem.line, problem.column) == (line, column)
    assert problem.message.startswith("duplicate key")


@pytest.mark.parametrize(
    "text", ["{[1]: 2}", "? [1]\n: 2\n", "? {a: 1}\n: 2\n", "x: &s [1]\n*s : 2\n"]
)
def test_complex_keys_are_errors(text: str) -> None:
    assert "cannot be a mapping key" in error(text).message


@pytest.mark.parametrize(
    ("text", "where_"),
    [
        ("a: &a {x: 1}\nb:\n  <<: *a\n  y: 2\n", (3, 3)),
        ("b: {<<: [{x: 1}], y: 2}\n", (1, 5)),
        ("- <<: {}\n", (1, 3)),
    ],
)
def test_merge_keys_are_refused(text: str, where_: tuple[int, int]) -> None:
    """YAML 1.1's merge keys are not YAML 1.2: refused at the key, never read as a key '<<'."""
    problem = error(text)
    assert (problem.line, problem.column) == where_
    assert problem.message == "merge keys ('<<') are YAML 1.1, not read here: write the keys out"


def test_a_quoted_double_less_than_is_an_ordinary_key() -> None:
    assert load_yaml("\"<<\": 1\nb: {'<<': 2}\n").data == {"<<": 1, "b": {"<<": 2}}


def test_the_limit_counts_values_once_expanded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_yaml, "MOST_VALUES", 100)
    # the root 1, a 11, the list b 1, and each alias 11 more: 90 with 7 aliases
    aliases = "a: &a [" + ", ".join("x" * 10) + "]\nb: [" + ", ".join(["*a"] * 7) + "]\n"
    assert load_yaml(aliases).data["b"][6] == ["x"] * 10
    problem = error(aliases.replace("*a]", "*a, *a]"))
    assert problem.message == "alias expansion exceeds 100 values (a billion laughs?)"
    assert (problem.line, problem.column) == (2, 33)


def test_a_bomb_fails_in_little_memory_and_stops_the_reading() -> None:
    text = "a: &a {" + ", ".join(f"k{i}: {i}" for i in range(4000)) + "}\n"
    text += "".join(f"b{i}: *a\n" for i in range(4000)) + "z: [unclosed\n"
    tracemalloc.start()
    try:
        problem = error(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 << 20
    # 4,002 values so far; each alias 4,001 more: the 49th passes 200,000 (the syntax error
    # further on is never reached)
    assert (problem.line, problem.column) == (50, 6)
    assert problem.message == "alias expansion exceeds 200000 values (a billion laughs?)"


# Tags: plain data only, nothing constructed.


def test_python_tags_are_rejected_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f'x: !!python/object/apply:os.system ["echo hi > {marker}"]\n'
    problem = error(text)
    assert (problem.line, problem.column) == (1, 4)
    assert problem.message == (
        "tag !!python/object/apply:os.system is not allowed: IR documents are plain data"
    )
    assert not marker.exists()


@pytest.mark.parametrize(
    "tagged",
    [
        "!custom 1",
        "!!binary aGk=",
        "!!timestamp 2001-12-14",
        "!!set {a: null}",
        "!!omap [a: 1]",
        "!!python/name:os.system ''",
        "!<tag:example.com,2000:x> 1",
        "!!map [1]",
        "!!seq {a: 1}",
        "!!str [1]",
        "!!int {}",
        "!!map 1",
    ],
)
def test_other_tags_are_rejected_at_the_tag(tagged: str) -> None:
    problem = error("a:\n  b: " + tagged)
    assert (problem.line, problem.column) == (2, 6)
    assert problem.message.startswith("tag !")


@pytest.mark.parametrize(
    ("tagged", "name"),
    [("!!%25 x", "!!%"), ("!%25zz x", "!%zz"), ("!<%25> x", "!<%>"), ("!!%2541 x", "!!%41")],
)
def test_escapes_in_tags_are_decoded_once(tagged: str, name: str) -> None:
    problem = error("a: " + tagged)
    assert (problem.line, problem.column) == (1, 4)
    assert problem.message == f"tag {name} is not allowed: IR documents are plain data"
    assert load_yaml("a: !!%73tr x\nb: !<tag%3Ayaml.org,2002:int> 5").data == {"a": "x", "b": 5}


def test_a_long_tag_is_refused_shortened() -> None:
    problem = error("a: [1,\n  &x !" + "t" * 400_000 + " 1]")
    assert (problem.line, problem.column) == (2, 3)
    assert problem.message == "tag !" + "t" * 40 + "... is not allowed: IR documents are plain data"


# Aliases: bounded expansion.


def test_aliases_expand_into_independent_copies() -> None:
    data = load_yaml("a: &x {k: [1]}\nb: *x\nc: *x\n").data
    assert data == {"a": {"k": [1]}, "b": {"k": [1]}, "c": {"k": [1]}}
    data["b"]["k"].append(2)
    assert data["c"] == {"k": [1]}


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused_at_the_alias_that_passes_the_limit() -> None:
    problem = error(BILLION_LAUGHS)
    assert problem.message == "alias expansion exceeds 200000 values (a billion laughs?)"
    # a to e count 74,732 values; f's list 1, and each *e 66,430: the second passes
    assert (problem.line, problem.column) == (6, 11)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &a [1, *a]", "recursive alias *a: it is inside its own anchor"),
        ("a: &a {b: *a}", "recursive alias *a: it is inside its own anchor"),
        ("a: *nope", "unknown alias *nope"),
    ],
)
def test_bad_aliases(text: str, message: str) -> None:
    assert error(text).message == message


def test_redefined_anchor_is_not_recursive() -> None:
    assert load_yaml("&a [1, &a 2, *a]").data == [1, 2, 2]


# Structure of the stream.


def test_several_documents_are_an_error_at_the_second() -> None:
    problem = error("a: 1\n---\nb: 2\n")
    assert (problem.line, problem.column) == (2, 1)
    assert problem.message == "expected one YAML document, found several"
    assert error("a: 1\n...\nb: 2\n").line == 3


def test_directives_and_markers_are_fine() -> None:
    assert load_yaml("%YAML 1.2\n---\na: yes\n...\n").data == {"a": "yes"}
    assert load_yaml("%YAML 1.1\n---\na: yes\n").data == {"a": "yes"}


SYNTAX_ERRORS = {  # text: (line, column, message) from libyaml, then from Python
    "a: [1, 2": (
        (2, 1, "did not find expected ',' or ']'"),
        (1, 9, "expected ',' or ']', but got '<stream end>'"),
    ),
    "a: b: c": (
        (1, 5, "mapping values are not allowed in this context"),
        (1, 5, "mapping values are not allowed here"),
    ),
    "a:\n\tb: 1": (
        (2, 1, "found character that cannot start any token"),
        (2, 1, "found character '\\t' that cannot start any token"),
    ),
    "a: 'x": (
        (1, 6, "found unexpected end of stream"),
        (1, 6, "found unexpected end of stream"),
    ),
    "é: \x01": (
        (1, 4, "unacceptable character #x0001: control characters are not allowed"),
        (1, 4, "unacceptable character #x0001: special characters are not allowed"),
    ),
    "a:\n  - b\n c: 1": (
        (3, 2, "did not find expected key"),
        (3, 2, "expected <block end>, but found '<block mapping start>'"),
    ),
}


@pytest.mark.parametrize("text", sorted(SYNTAX_ERRORS))
def test_syntax_errors_are_placed(text: str, parser: str) -> None:
    problem = error(text)
    expected = SYNTAX_ERRORS[text][PARSERS.index(parser)]
    assert (problem.line, problem.column, problem.message) == expected


def test_invalid_utf8() -> None:
    problem = error(b"a: 1\nb: '\xe9t\xe9'\n")
    assert (problem.line, problem.column) == (2, 5)
    assert problem.message.startswith("invalid UTF-8")


def test_byte_order_mark_is_skipped() -> None:
    assert load_yaml(b"\xef\xbb\xbfa: 1").locate(("a",)) == (1, 4)


# Depth.


@pytest.mark.slow
def test_deep_flow_nesting_on_one_line(parser: str) -> None:
    problem = error("[" * 100_000 + "]" * 100_000)
    # libyaml looks ahead on a line, up to its own limit of 1,000 levels
    assert (problem.line, problem.column) == ((1, 1001) if parser == "libyaml" else (1, 257))
    assert problem.message == "nested too deeply (more than 256 levels)"


@pytest.mark.parametrize(
    "text",
    [
        "- " * 100_000 + "x",
        "".join("  " * i + "k:\n" for i in range(1000)),
        "{a: " * 100_000 + "1" + "}" * 100_000,
        "[\n" * 100_000 + "]" * 100_000,
    ],
)
def test_deep_nesting_is_an_error_not_recursion(text: str) -> None:
    assert error(text).message == "nested too deeply (more than 256 levels)"


TOO_DEEP = "nested too deeply (more than 256 levels)"
DEEP_FLOW = {  # text: (line, column, message) from libyaml, then from Python
    "metadata: " + "[" * 2000: ((1, 1010, TOO_DEEP), (1, 266, TOO_DEEP)),
    "- - " + "[" * 2000: ((1, 1003, TOO_DEEP), (1, 259, TOO_DEEP)),
    "[[a: " + "[" * 2000: ((1, 1004, TOO_DEEP), (1, 259, TOO_DEEP)),
    "[" * 256 + "\n" + "[" * 2000: ((2, 745, TOO_DEEP), (2, 1, TOO_DEEP)),
    "k: " + "{" * 2000: ((1, 1003, TOO_DEEP), (1, 5, "a mapping cannot be a mapping key")),
}


@pytest.mark.parametrize("text", sorted(DEEP_FLOW))
def test_deep_flow_collections_stop_the_scanner_at_the_first_error(text: str, parser: str) -> None:
    # libyaml stops at its limit of 1,000 levels, met as it looks ahead on the line
    # (the block levels count too); with the pure-Python parser, the reader stops
    # at the collection past 256 levels, unless the parser's own error comes first.
    problem = error(text)
    expected = DEEP_FLOW[text][PARSERS.index(parser)]
    assert (problem.line, problem.column, problem.message) == expected


def test_reading_stops_at_the_node_limit_whatever_the_text_holds(
    parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Work is bounded by counting nodes: the events taken from a parser stop at the limit."""
    taken = []
    events = _yaml._events

    def counted(source: str, name: str) -> Iterator[Any]:
        for event in events(source, name):
            taken.append(event)
            yield event

    monkeypatch.setattr(_yaml, "_events", counted)
    monkeypatch.setattr(_yaml, "MOST_NODES", 5_000)
    line = "]" * 250 + ", " + "[" * 250 + " " + "a, " * 150 + "\n"  # deep levels reopened
    for text in ("[" * 251 + "\n" + line * 400 + "]" * 251, "- 1\n" * 300_000):
        taken.clear()
        assert error(text).message.startswith("more than 5000 values")
        assert len(taken) <= 2 * 5_000 + 3  # nodes, their ends, the stream's


def test_depth_limit_counts_aliases() -> None:
    anchor = "a: &x [[[1]]]\n"
    assert load_yaml(anchor + "b: " + "[" * 252 + "*x" + "]" * 252).data["b"] is not None
    problem = error(anchor + "b: " + "[" * 253 + "*x" + "]" * 253)
    assert (problem.line, problem.column) == (2, 257)


def test_nesting_up_to_the_limit_is_fine() -> None:
    doc = load_yaml("[" * 256 + "]" * 256)
    assert doc.locate((0,) * 255) == (1, 256)


# Properties.


# Text JSON writes raw and YAML reads the same: no controls, no line breaks of its own.
YAML_TEXT = st.text(
    alphabet=st.characters(
        codec="utf-8",
        exclude_categories=("Cc", "Cs"),
        exclude_characters="\u2028\u2029\ufeff\ufffe\uffff",
    )
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | YAML_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(YAML_TEXT, inner, max_size=4),
    max_leaves=20,
)


@given(JSON_VALUES)
@settings(max_examples=200, deadline=None)
def test_json_text_reads_the_same_as_yaml(value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False)
    doc = load_yaml(text)
    assert doc.data == value
    lines = text.split("\n")
    for path, item in paths(value):
        line, column = doc.locate(path)
        if not isinstance(item, (dict, list)):
            assert lines[line - 1][column - 1 :].startswith(json.dumps(item, ensure_ascii=False))
        if path and isinstance(path[-1], str):
            line, column = doc.locate(path, key=True)
            assert lines[line - 1][column - 1 :].startswith(
                json.dumps(path[-1], ensure_ascii=False)
            )


@given(VALUES)
@settings(max_examples=150, deadline=None)
def test_what_the_command_line_writes_reads_back(value: Any) -> None:
    """``fmt`` and ``convert --to yaml`` write YAML that this reader reads as the same data."""
    from crucible_ir._cli._fmt import write_text

    text = write_text(value, "yaml")
    doc = load_yaml(text)
    assert doc.data == value
    assert doc.comment is None


YAMLISH = st.lists(
    st.sampled_from([*"[]{}:,-?&*!|>'\"#%@ \n\t.<=~ab01", "<<", "*a", "&a", "---", "!!str"]),
    max_size=30,
).map("".join)


@given(YAMLISH)
@settings(max_examples=500, deadline=None)
def test_any_input_reads_or_raises_source_error(text: str) -> None:
    try:
        doc = load_yaml(text)
    except SourceError:
        return
    doc.locate(("a", 0), key=True)
    doc.raw_scalar(("a",))


# Size.


def _flow_ints(count: int) -> str:
    return "[" + ",".join(["1"] * count) + "]"


def test_a_document_of_50000_nodes_reads() -> None:
    assert load_yaml("a: " + _flow_ints(49_997)).data == {"a": [1] * 49_997}


def test_more_than_50000_nodes_is_an_error_at_the_first_one_too_many() -> None:
    problem = error("a: " + _flow_ints(49_998))  # a mapping, a key, a list and its items
    assert (problem.line, problem.column) == (1, 5 + 2 * 49_997)
    assert problem.message.startswith("more than 50000 values, keys and aliases")
    aliases = "a: &x 1\nb: [" + ", ".join(["*x"] * 49_997) + "]\n"
    assert error(aliases).message.startswith("more than 50000 values, keys and aliases")


def test_a_10_mb_string_reads(parser: str) -> None:
    size = 10_000_000 if parser == "libyaml" else 200_000  # Python: about 1 µs a character
    assert load_yaml("a: " + "x" * size + "\n").data == {"a": "x" * size}


# Surrogate-pair escapes: refused at the escape, with what to write instead.


@pytest.mark.parametrize(
    ("text", "column", "instead"),
    [
        ('name: "\\ud83d\\ude00"', 8, "the character itself or \\U0001F600"),
        ('a: ["é", "x\\uD83D\\uDE00y"]', 12, "the character itself or \\U0001F600"),
        ('a: "\\\\ud83d \\udc00"', 13, "the character itself"),
        ('a: "\\ud800"', 5, "the character itself"),
        ('a: "\\U0001F600 \\ud83d\\ude00"\nb: [1,', 16, "the character itself or \\U0001F600"),
    ],
)
def test_surrogate_pair_escapes_are_refused_at_the_escape(
    text: str, column: int, instead: str
) -> None:
    problem = error(text)
    digits = text[text.index("\\u", column - 2) + 2 :][:4]
    assert problem.message == (
        f"YAML cannot escape a character as a UTF-16 surrogate pair (\\u{digits}); write {instead}"
    )
    assert (problem.line, problem.column) == (1, column)
    assert text.split("\n", maxsplit=1)[0][column - 1 :].startswith("\\u")


def test_json_with_escaped_pairs_is_refused_with_the_hint() -> None:
    text = json.dumps({"name": "\U0001f600", "tags": ["é"]})  # ASCII: escaped pairs
    problem = error(text)
    assert (problem.line, problem.column) == where(text, "\\ud83d")
    assert problem.message.endswith("write the character itself or \\U0001F600")


LITERAL_PAIRS = (  # where a backslash is just a backslash, the pair's text stays
    "plain: a\\ud83d\\ude00b\n"
    "single: '\\uD83D\\uDE00'\n"
    "block: |\n  \\ud83d\\ude00 and \\uD83D\\uDE00\n"
    '"\\U0001F600": "\\U0001F600 \\\\ud83d"\n'
    "after: [1, 2]\n"
)


def test_surrogate_escapes_are_text_outside_double_quotes(parser: str) -> None:
    doc = load_yaml(LITERAL_PAIRS)
    assert doc.data == {
        "plain": "a\\ud83d\\ude00b",
        "single": "\\uD83D\\uDE00",
        "block": "\\ud83d\\ude00 and \\uD83D\\uDE00\n",
        "\U0001f600": "\U0001f600 \\ud83d",
        "after": [1, 2],
    }
    assert doc.locate(("after", 1)) == where(LITERAL_PAIRS, "2]")
    assert doc.locate(("\U0001f600",), key=True) == (5, 1)


def test_escapes_do_not_shift_later_positions() -> None:
    text = 'a: "\\U0001F600\\u00e9\\x41 \\U0001F600"\nb: [1, {c: d}\n'
    problem = error(text)
    assert (problem.line, problem.column) == (3, 1)
    doc = load_yaml(text.replace("[1, {c: d}", "[1, {c: d}]"))
    assert doc.data == {"a": "\U0001f600éA \U0001f600", "b": [1, {"c": "d"}]}
    assert doc.locate(("b", 1, "c")) == (2, 12)


# Comments, which fmt and convert refuse to drop.


@pytest.mark.parametrize(
    ("text", "where_"),
    [
        ("# top\na: 1\n", (1, 1)),
        ("a: 1 # after\n", (1, 6)),
        ("a:\n  - x\n  # between\n  - y\n", (3, 3)),
        ("a: {b: 1, # in a flow\n  c: 2}\n", (1, 11)),
        ('a: "#not" # but this\n', (1, 11)),
        ("a: |\n  # text\nb: x # comment\n", (3, 6)),
        ("---\n# after the marker\na: 1\n", (2, 1)),
    ],
)
def test_the_first_comment_is_found(text: str, where_: tuple[int, int]) -> None:
    assert load_yaml(text).comment == where_


@pytest.mark.parametrize(
    "text",
    ["a: '#x'\n", 'a: "# x"\n', "a: x#y\n", "a: |\n  # x\n", "'#': 1\n", "a: >\n  #\n", ""],
)
def test_a_hash_sign_inside_a_scalar_is_no_comment(text: str) -> None:
    assert load_yaml(text).comment is None
