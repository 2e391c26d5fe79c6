"""YAML sources: the core schema, positions, and every way a hostile document fails."""

from __future__ import annotations

import io
import json
import random
import re
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crucible_ir._sources import SourceError, _yaml, load_yaml
from crucible_ir._sources._yamlevents import PARSERS, libyaml_available


@pytest.fixture(scope="module", params=PARSERS, autouse=True)
def parser(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every test here runs under each event source: libyaml, and ruamel.yaml's parser."""
    name: str = request.param
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_yaml, "libyaml_available", lambda: name == "libyaml")
        yield name


def test_libyaml_is_installed() -> None:
    """PyYAML's wheels carry libyaml: without it the suite would test one parser twice."""
    assert libyaml_available.__module__ == "crucible_ir._sources._yamlevents"
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
        ('"\\ud83d\\ude00"', "😀"),
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
        ('a: "\\ud800"', "a \\u escape gives a lone surrogate, not a character"),
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


def test_merge_keys() -> None:
    text = """\
base: &base {image: py, cpus: 2}
more: &more {cpus: 4, gpus: 1}
job:
  <<: [*base, *more]
  cpus: 8
  "<<": kept
"""
    doc = load_yaml(text)
    assert doc.data["job"] == {"image": "py", "cpus": 8, "gpus": 1, "<<": "kept"}
    assert list(doc.data["job"]) == ["image", "gpus", "cpus", "<<"]  # in the written order
    assert doc.locate(("job", "cpus")) == (5, 9)
    assert doc.locate(("job", "gpus")) == where(text, "1}")
    assert doc.locate(("job", "image"), key=True) == where(text, "image")


def test_merge_precedence_does_not_depend_on_order() -> None:
    text = """\
base: &base {image: py, cpus: 2}
more: &more {cpus: 4, gpus: 1, image: other}
job:
  image: mine
  <<: [*base, *more]
"""
    doc = load_yaml(text)
    # written keys win wherever they are; earlier merged mappings win over later ones
    assert doc.data["job"] == {"image": "mine", "cpus": 2, "gpus": 1}
    assert doc.locate(("job", "cpus")) == where(text, "2}")
    assert doc.locate(("job", "image")) == where(text, "mine")


def test_merge_key_of_one_mapping() -> None:
    assert load_yaml("a: &a {x: 1, y: 2}\nb:\n  <<: *a\n  y: 3\n").data["b"] == {"x": 1, "y": 3}


def test_a_mapping_merged_again_adds_nothing_and_costs_nothing() -> None:
    text = "a: &a {x: 1, y: 2}\nc: &c {y: 3, z: 4}\nb: {<<: [*a, *c, *a, *c, *a]}\n"
    assert load_yaml(text).data["b"] == {"x": 1, "y": 2, "z": 4}
    # each repeat used to go through the whole mapping again (3.8 s here)
    big = "a: &a {" + ", ".join(f"k{i}: 1" for i in range(4000)) + "}\n"
    start = time.perf_counter()
    data = load_yaml(big + "b: {<<: [" + ", ".join(["*a"] * 12_000) + "]}\n").data
    assert time.perf_counter() - start < 1.5
    assert data["b"] == data["a"]


@pytest.mark.parametrize(("text", "line"), [("a:\n  <<: 1\n", 2), ("a:\n  <<: [{x: 1}, 2]\n", 2)])
def test_merge_key_needs_mappings(text: str, line: int) -> None:
    problem = error(text)
    assert problem.line == line
    assert "merge key" in problem.message


def test_two_merge_keys_are_duplicates() -> None:
    problem = error("a: &a {x: 1}\nb:\n  <<: *a\n  <<: *a\n")
    assert (problem.line, problem.message) == (4, "duplicate key '<<' (first at line 3)")


MODERATE_MERGES = """\
defaults: &defaults
  image: py
  retries: 2
  env: &env {A: "1", B: "2"}
gpu: &gpu
  <<: *defaults
  image: cuda
  devices: [0, 1]
jobs:
  - name: lint
    <<: *defaults
  - name: train
    <<: [*gpu, *defaults]
    retries: 5
  - name: eval
    <<: {<<: *gpu, env: {<<: *env, C: "3"}}
"""


def test_moderate_merges_read_as_before() -> None:
    doc = load_yaml(MODERATE_MERGES)
    env = {"A": "1", "B": "2"}
    gpu = {"retries": 2, "env": env, "image": "cuda", "devices": [0, 1]}
    assert doc.data == {
        "defaults": {"image": "py", "retries": 2, "env": env},
        "gpu": gpu,
        "jobs": [
            {"name": "lint", "image": "py", "retries": 2, "env": env},
            {"name": "train", "env": env, "image": "cuda", "devices": [0, 1], "retries": 5},
            {"name": "eval", **gpu, "env": {**env, "C": "3"}},
        ],
    }
    # merged keys take the place of the '<<', written ones keep theirs
    assert list(doc.data["gpu"]) == ["retries", "env", "image", "devices"]
    assert list(doc.data["jobs"][1]) == ["name", "env", "image", "devices", "retries"]
    assert list(doc.data["jobs"][2]) == ["name", "retries", "image", "devices", "env"]
    assert doc.locate(("jobs", 1, "image")) == where(MODERATE_MERGES, "cuda")
    assert doc.locate(("jobs", 1, "retries")) == where(MODERATE_MERGES, "5")
    assert doc.locate(("jobs", 2, "env", "C")) == where(MODERATE_MERGES, '"3"')
    assert doc.locate(("jobs", 0, "env", "B")) == where(MODERATE_MERGES, '"2"')


def test_many_jobs_merging_the_same_defaults_read_in_full() -> None:
    defaults = "defaults: &d {" + ", ".join(f"k{i}: {i}" for i in range(50)) + "}\n"
    jobs = "".join(f"job{j}: {{<<: *d, k0: job{j}}}\n" for j in range(500))
    data = load_yaml(defaults + jobs).data
    assert data["job499"] == {**data["defaults"], "k0": "job499"}


def key_range(count: int, prefix: str = "k") -> str:
    return ", ".join(f"{prefix}{i}: {i}" for i in range(count))


A = "a: &a {" + key_range(4000) + "}\n"
MERGE_BOMBS = {  # about 100 KB each; the first took 9.5 s and 430 MB to refuse
    "one mapping": A + "".join(f"b{i}: {{<<: *a}}\n" for i in range(4000)),
    "a list": "a: &a {"
    + key_range(2000)
    + "}\nc: &c {"
    + key_range(2000, "j")
    + "}\n"
    + "".join(f"b{i}: {{<<: [*a, *c]}}\n" for i in range(4000)),
    "a merge of a merge": A
    + "c: &c {<<: *a, z: 0}\n"
    + "".join(f"b{i}: {{<<: *c, y: 1}}\n" for i in range(4000)),
    "aliases of a merge": A + "m: &m {<<: *a}\n" + "".join(f"b{i}: *m\n" for i in range(4000)),
    "merges in a merged list": A + "b: {<<: [" + ", ".join(["{<<: *a}"] * 4000) + "]}\n",
    "merges of merges, inline": "x: " + "{<<: " * 200 + "{" + key_range(4000) + "}" + "}" * 200,
    "a list of empty mappings": "l: &l ["
    + ", ".join(["{}"] * 4000)
    + "]\n"
    + "".join(f"b{i}: {{<<: *l}}\n" for i in range(4000)),
}
BUDGET_ERROR = re.compile(
    r"(merge key|alias) expansion exceeds \d+ values \(a (merge-key bomb|billion laughs)\?\)"
)


@pytest.mark.parametrize("name", sorted(MERGE_BOMBS))
def test_merge_key_bombs_fail_fast(name: str) -> None:
    load_yaml("a: &a {x: 1}\nb: {<<: *a}\n")  # the parser imported before the clock starts
    start = time.process_time()
    problem = error(MERGE_BOMBS[name])
    assert time.process_time() - start < 1.0
    assert BUDGET_ERROR.fullmatch(problem.message), problem.message


def test_merge_key_bomb_fails_in_little_memory() -> None:
    tracemalloc.start()
    try:
        problem = error(MERGE_BOMBS["one mapping"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 << 20  # 430 MB when every merge was built before counting
    assert (problem.line, problem.column) == (2, 6)  # the first '<<': the others merge as much
    assert problem.message.startswith("merge key expansion exceeds")


def test_merge_key_bomb_stops_the_reading() -> None:
    # refused at its merges: the syntax error further on is never reached
    problem = error(MERGE_BOMBS["one mapping"] + "z: [unclosed\n")
    assert (problem.line, problem.column) == (2, 6)
    assert BUDGET_ERROR.fullmatch(problem.message)


def test_merge_keys_count_the_values_and_entries_they_merge(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from crucible_ir._sources import _yaml

    monkeypatch.setattr(_yaml, "_EXPANSION_FLOOR", 100)
    anchor = "a: &a {" + key_range(20) + "}\n"  # 21 values, 20 entries; 43 written with root
    # each line writes 3 (b, {}, <<) and counts 1 + 21 + 20: 1 + 21 + 40 * 42 = 1702 counted,
    # more than 10 * (43 + 40 * 3) = 1630
    problem = error(anchor + "".join(f"b{i}: {{<<: *a}}\n" for i in range(40)))
    assert problem.message == "merge key expansion exceeds 1630 values (a merge-key bomb?)"
    assert (problem.line, problem.column) == (2, 6)
    # 30 lines: 1282 counted, 1330 allowed
    data = load_yaml(anchor + "".join(f"b{i}: {{<<: *a}}\n" for i in range(30))).data
    assert data["b29"] == data["a"]


def test_merges_past_the_budget_so_far_are_built_once_it_is_known(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from crucible_ir._sources import _yaml

    builds = []
    build = _yaml._Builder.build

    def counted_build(self: Any, events: Any) -> Any:
        builds.append(self.limit)
        return build(self, events)

    monkeypatch.setattr(_yaml, "_EXPANSION_FLOOR", 10)
    monkeypatch.setattr(_yaml._Builder, "build", counted_build)
    # 40 merges copy 101 each (the mapping and its 100 entries): past 10 values a value
    # written so far, but the long list after them brings the budget to 13250 (9182 counted)
    text = "a: &a {" + key_range(100) + "}\n" + "".join(f"b{i}: {{<<: *a}}\n" for i in range(40))
    text += "c: [" + ", ".join(["1"] * 1000) + "]\n"
    doc = load_yaml(text)
    assert builds == [None, 13250]  # counted first, then read again to build the merges
    assert doc.data["b39"] == doc.data["a"]
    assert doc.locate(("b39", "k99")) == where(text, "99}")


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
    # ruamel decoded them twice: a ValueError, or `!!%2541` read as `!!A`
    problem = error("a: " + tagged)
    assert (problem.line, problem.column) == (1, 4)
    assert problem.message == f"tag {name} is not allowed: IR documents are plain data"
    assert load_yaml("a: !!%73tr x\nb: !<tag%3Ayaml.org,2002:int> 5").data == {"a": "x", "b": 5}


def test_a_long_tag_is_refused_quickly() -> None:
    # ruamel's decoding of a tag took time growing with the square of its length (3 s here)
    start = time.perf_counter()
    problem = error("a: [1,\n  &x !" + "t" * 400_000 + " 1]")
    assert time.perf_counter() - start < 1.0
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


def test_billion_laughs_fails_fast() -> None:
    start = time.perf_counter()
    problem = error(BILLION_LAUGHS)
    assert time.perf_counter() - start < 1.0
    assert "billion laughs" in problem.message
    # the first alias past the most the document could still allow: *e, line 6
    assert (problem.line, problem.column) == (6, 8)


def test_expansion_budget_grows_with_the_document(monkeypatch: pytest.MonkeyPatch) -> None:
    from crucible_ir._sources import _yaml

    monkeypatch.setattr(_yaml, "_EXPANSION_FLOOR", 100)
    # 1 + 11 + (1 + 20 * 11) = 233 values expanded, 15 written (keys too): too many
    aliases = "a: &a [" + ", ".join("x" * 10) + "]\nb: [" + ", ".join(["*a"] * 20) + "]\n"
    problem = error(aliases)
    assert problem.message == "alias expansion exceeds 150 values (a billion laughs?)"
    assert (problem.line, problem.column) == (2, 5)
    # with more written values the same aliases are fine
    assert load_yaml(aliases + "c: [" + ", ".join("y" * 20) + "]\n").data["b"][19] == ["x"] * 10


def test_written_values_alone_never_exceed_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    from crucible_ir._sources import _yaml

    monkeypatch.setattr(_yaml, "_EXPANSION_FLOOR", 10)
    assert len(load_yaml("[" + ", ".join(["x"] * 500) + "]").data) == 500


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


SYNTAX_ERRORS = {  # text: (line, column, message) from libyaml, then from ruamel
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
DEEP_FLOW = {  # text: (line, column, message) from libyaml, then from ruamel
    "metadata: " + "[" * 2000: ((1, 1010, TOO_DEEP), (1, 266, TOO_DEEP)),
    "- - " + "[" * 2000: ((1, 1003, TOO_DEEP), (1, 259, TOO_DEEP)),
    "[[a: " + "[" * 2000: ((1, 1004, TOO_DEEP), (1, 259, TOO_DEEP)),
    "[" * 256 + "\n" + "[" * 2000: ((2, 745, TOO_DEEP), (2, 1, TOO_DEEP)),
    "k: " + "{" * 2000: ((1, 1003, TOO_DEEP), (1, 5, "a mapping cannot be a mapping key")),
}


@pytest.mark.parametrize("text", sorted(DEEP_FLOW))
def test_deep_flow_collections_stop_the_scanner_at_the_first_error(text: str, parser: str) -> None:
    # libyaml stops at its limit of 1,000 levels, met as it looks ahead on the line
    # (the block levels count too). ruamel's scanner (`BoundedScanner`) stops past
    # 256 open flow collections; the parser's own error on the tokens before it
    # comes first.
    start = time.perf_counter()
    problem = error(text)
    assert time.perf_counter() - start < 0.25
    expected = DEEP_FLOW[text][PARSERS.index(parser)]
    assert (problem.line, problem.column, problem.message) == expected


def test_reopening_deep_flow_levels_on_every_line_is_quick() -> None:
    # 250 levels closed and reopened on each line: ruamel's scanner checked each
    # level's pending key at every token (4 s here).
    line = "]" * 250 + ", " + "[" * 250 + " " + "a, " * 150 + "\n"
    text = "[" * 251 + "\n" + line * 40 + "]" * 251
    start = time.perf_counter()
    doc = load_yaml(text)
    assert time.perf_counter() - start < 2.0
    assert doc.locate((40,) + (0,) * 249 + (3,)) == (41, 513)


def test_depth_limit_counts_aliases() -> None:
    anchor = "a: &x [[[1]]]\n"
    assert load_yaml(anchor + "b: " + "[" * 252 + "*x" + "]" * 252).data["b"] is not None
    problem = error(anchor + "b: " + "[" * 253 + "*x" + "]" * 253)
    assert (problem.line, problem.column) == (2, 257)


def test_nesting_up_to_the_limit_is_fine() -> None:
    doc = load_yaml("[" * 256 + "]" * 256)
    assert doc.locate((0,) * 255) == (1, 256)


# Properties.


@given(VALUES)
@settings(max_examples=200, deadline=None)
def test_json_text_reads_the_same_as_yaml(value: Any) -> None:
    text = json.dumps(value)
    doc = load_yaml(text)
    assert doc.data == value
    lines = text.split("\n")
    for path, item in paths(value):
        line, column = doc.locate(path)
        if not isinstance(item, (dict, list)):
            assert lines[line - 1][column - 1 :].startswith(json.dumps(item))
        if path and isinstance(path[-1], str):
            line, column = doc.locate(path, key=True)
            assert lines[line - 1][column - 1 :].startswith(json.dumps(path[-1]))


# ruamel's emitter writes a raw U+0085 that its reader takes for a line break, so
# such text is kept out of the values here. (In flow style, it also writes "?0"
# plain and wraps long plain keys, which its parser then misreads: block style
# is used below.)
RUAMEL_TEXT = st.text(alphabet=st.characters(exclude_characters="\x85\u2028\u2029", codec="utf-8"))
RUAMEL_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | RUAMEL_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(RUAMEL_TEXT, inner, max_size=4),
    max_leaves=20,
)


@given(RUAMEL_VALUES)
@settings(max_examples=200, deadline=None)
def test_ruamel_dump_reads_back(value: Any) -> None:
    from ruamel.yaml import YAML

    stream = io.StringIO()
    dumper = YAML(typ="safe", pure=True)
    dumper.default_flow_style = False
    dumper.width = 1_000_000
    dumper.dump(value, stream)
    text = stream.getvalue()
    doc = load_yaml(text)
    assert doc.data == value
    lines = text.split("\n")
    for path, item in paths(value):
        line, column = doc.locate(path)
        if isinstance(item, int) and not isinstance(item, bool):
            assert lines[line - 1][column - 1 :].startswith(str(item))
        line, column = doc.locate(path, key=True)
        if path and isinstance(path[-1], str) and path[-1].isidentifier():
            assert lines[line - 1][column - 1 :].lstrip("'\"").startswith(path[-1])


YAMLISH = st.lists(
    st.sampled_from([*"[]{}:,-?&*!|>'\"#%@ \n\t.<=~ab01", "<<", "*a", "&a", "---", "!!str"]),
    max_size=30,
).map("".join)


SCANNABLE = st.lists(
    st.sampled_from(
        [*"[]{}:,-?&*!|>'\"# \n\tab", "[[[[", "]]]]", "  - ", "a: ", "---", " " * 1030, "x" * 1020]
    ),
    max_size=40,
).map("".join)


@given(SCANNABLE)
@settings(max_examples=300, deadline=None)
def test_the_scanner_gives_ruamels_tokens(text: str) -> None:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    from crucible_ir._sources._yamlscan import BoundedScanner

    def events(scanner: type[Any] | None) -> list[Any]:
        yaml = YAML(typ="safe", pure=True)
        if scanner is not None:
            yaml.Scanner = scanner
        seen: list[Any] = []
        try:
            for event in yaml.parse(text):
                marks = (event.start_mark.index, event.end_mark.index)
                seen.append((type(event), getattr(event, "value", None), *marks))
        except YAMLError as exc:
            seen.append(str(exc))
        return seen

    assert events(BoundedScanner) == events(None)


@given(YAMLISH)
@settings(max_examples=500, deadline=None)
def test_any_input_reads_or_raises_source_error(text: str) -> None:
    try:
        doc = load_yaml(text)
    except SourceError:
        return
    doc.locate(("a", 0), key=True)
    doc.raw_scalar(("a",))


MERGE_KEYS = ["a", "b", "c", "x", "y", "<<", '"<<"']


def merge_document(r: random.Random) -> str:
    """Anchored flow mappings merging earlier ones: through aliases, lists, inline, nested."""
    anchors: list[str] = []

    def alias() -> str:
        return "*" + r.choice(anchors)

    def mapping(depth: int) -> str:
        entries = [
            f"{key}: {merged(depth) if key == '<<' else value(depth)}"
            for key in r.sample(MERGE_KEYS, r.randint(0, 4))
        ]
        return "{" + ", ".join(entries) + "}"

    def merged(depth: int) -> str:
        choice = r.random()
        if choice < 0.35 and anchors:
            return alias()
        if choice < 0.7:
            items = [
                alias() if anchors and r.random() < 0.6 else mapping(depth + 1)
                for _ in range(r.randint(0, 4))
            ]
            return "[" + ", ".join(items) + "]"
        return mapping(depth + 1) if depth < 3 else "{}"

    def value(depth: int) -> str:
        choice = r.random()
        if choice < 0.3 and anchors:
            return alias()
        if choice < 0.5 and depth < 3:
            return mapping(depth + 1)
        if choice < 0.6 and depth < 3:
            return "[" + ", ".join(value(depth + 1) for _ in range(r.randint(0, 3))) + "]"
        return r.choice(["1", "two", "null", "3.5", "'q'"])

    lines = []
    for i in range(r.randint(1, 6)):
        lines.append(f"k{i}: &m{i} {mapping(0)}")
        anchors.append(f"m{i}")
    return "\n".join(lines) + "\n"


@given(st.randoms(use_true_random=False))
@settings(max_examples=150, deadline=None)
def test_merges_read_as_ruamels_loader_reads_them(r: random.Random) -> None:
    from ruamel.yaml import YAML

    text = merge_document(r)
    assert load_yaml(text).data == YAML(typ="safe", pure=True).load(text)


@given(st.randoms(use_true_random=False))
@settings(max_examples=150, deadline=None)
def test_the_count_only_grows_and_ends_as_the_roots_size(r: random.Random) -> None:
    # what lets a document be refused before it is all read
    from ruamel.yaml import YAML

    from crucible_ir._sources import _yaml

    counts: list[int] = []

    class Watched(_yaml._Builder):
        def expanded(self, count: int, at: Any, merge: bool) -> None:
            counts.append(self.total)
            super().expanded(count, at, merge)

    text = merge_document(r)
    builder = Watched(len(text), None)
    root = builder.build(YAML(typ="safe", pure=True).parse(text))
    assert root is not None
    assert counts == sorted(counts)
    assert all(count <= root.size for count in counts)
    assert builder.total == root.size


@given(
    st.lists(
        st.sampled_from([*"[]{}:,-?&*!|>'\"# \n.ab", "<<", "*a", "&a ", "? ", "-:", "- ", ": "]),
        max_size=30,
    ).map("".join)
)
@example("? ? ? ? ? ")  # nested empty keys: their values come at the very end
@settings(max_examples=500, deadline=None)
def test_the_rest_of_a_text_writes_a_few_values_a_character(text: str) -> None:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent, ScalarEvent

    from crucible_ir._sources._yaml import _PER_CHARACTER

    starts: list[tuple[int, bool, int]] = []  # (where, a value?, collections open before it)
    depth = 0
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            value = isinstance(event, (ScalarEvent, CollectionStartEvent))
            starts.append((event.start_mark.index, value, depth))
            depth += isinstance(event, CollectionStartEvent) - isinstance(event, CollectionEndEvent)
    except YAMLError:
        pass
    to_come = 0
    for start, value, open_before in reversed(starts):
        # a few values a character, and two empty ones for each collection still open
        assert to_come <= _PER_CHARACTER * (len(text) - start + 1) + 2 * (open_before + 1)
        to_come += value


# Size, and the two event sources.


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


def test_size_is_read_in_bounded_time(parser: str) -> None:
    """What takes a parser's time is its nodes: libyaml reads 50,000 of the densest kind fast."""
    if parser != "libyaml":
        pytest.skip("ruamel's parser reads some 60 KB a second: libyaml is the one to time")
    start = time.process_time()
    error("- 1\n" * 300_000)
    error(_flow_ints(600_000))
    assert time.process_time() - start < 2.0


def test_a_10_mb_string_reads(parser: str) -> None:
    size = 10_000_000 if parser == "libyaml" else 200_000  # ruamel: 2 µs a character
    assert load_yaml("a: " + "x" * size + "\n").data == {"a": "x" * size}


def test_surrogate_pair_escapes_read_as_yaml_1_2_reads_them(parser: str) -> None:
    """libyaml refuses ``\\ud83d\\ude00``: the reader rewrites such pairs, keeping positions."""
    text = json.dumps({"name": "\U0001f600 \U00010000", "tags": ["é"]})  # ASCII, escaped
    assert "\\ud83d\\ude00" in text
    assert load_yaml(text).data == {"name": "\U0001f600 \U00010000", "tags": ["é"]}
    assert load_yaml(text).locate(("tags", 0)) == where(text, '"\\u00e9"')


LITERAL_PAIRS = (  # where a backslash is just a backslash, the pair's text stays
    "plain: a\\ud83d\\ude00b\n"
    "single: '\\uD83D\\uDE00'\n"
    "block: |\n  \\ud83d\\ude00 and \\uD83D\\uDE00\n"
    '"\\ud83d\\ude00": "\\ud83d\\ude00 \\\\ud83d"\n'
    "after: [1, 2]\n"
)


def test_surrogate_pairs_are_text_outside_double_quotes(parser: str) -> None:
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


def test_a_megabyte_of_surrogate_pairs_reads_fast(parser: str) -> None:
    if parser != "libyaml":
        pytest.skip("ruamel's parser reads some 60 KB a second: libyaml is the one to time")
    text = 'id: "' + "\\ud83d\\ude00" * 90_000 + '"\nnote: \\ud83d\\ude00\n'
    start = time.process_time()
    assert load_yaml(text).data == {"id": "\U0001f600" * 90_000, "note": "\\ud83d\\ude00"}
    assert time.process_time() - start < 1.0


def test_libyaml_refusing_other_escapes_is_final(parser: str) -> None:
    problem = error('a: "\\ud800"')
    assert (problem.line, problem.column) == (1, 4)
    assert problem.message == "a \\u escape gives a lone surrogate, not a character"


def test_more_spellings_of_pairs_than_markers_tell_apart(parser: str) -> None:
    """4,096 spellings at most are rewritten; past that ruamel's parser reads the text."""
    chars = "".join(chr(0x10000 + i) for i in range(4200))
    text = json.dumps({"a": chars, "b": "\U000f0000"})  # escaped, a marker among them
    assert load_yaml(text).data == {"a": chars, "b": "\U000f0000"}


def test_lone_surrogates_are_errors_at_their_scalar(parser: str) -> None:
    for text, column in (('a: "\\udc00x"', 4), ('a: ["ok", "\\ud83d\\ude00\\ud83d"]', 11)):
        problem = error(text)
        assert (problem.line, problem.column) == (1, column)
        assert problem.message == "a \\u escape gives a lone surrogate, not a character"


def test_a_pair_writing_a_marker_character_keeps_it(parser: str) -> None:
    text = json.dumps({"b": "\U000f0000\U000f0001 \U0001f600"})
    assert load_yaml(text).data == {"b": "\U000f0000\U000f0001 \U0001f600"}


def test_pairs_beside_escapes_of_marker_characters(parser: str) -> None:
    text = 'a: "\\U000F0000\\U000f0001 \\ud83d\\ude00"\nb: \\ud83d\\ude00\n'
    assert load_yaml(text).data == {"a": "\U000f0000\U000f0001 \U0001f600", "b": "\\ud83d\\ude00"}
