"""YAML the way its author means it, and YAML that is hostile.

YAML 1.2 core semantics (``off``, ``yes``, ``0123`` are not booleans or octal),
plain scalars in string fields are that field's text, duplicate keys are errors,
tags never construct anything, alias expansion and nesting are bounded.
"""

from __future__ import annotations

import json

import pytest

from ._support import Runner, where

BASE = "id: exp\nbackend: {id: b}\npipeline:\n  - name: a\n"


def fmt_json(cli: Runner, name: str, text: str, *type_args: str) -> dict:
    """The canonical JSON of ``text``, as the command reads it."""
    cli.write(name, text)
    result = cli("convert", "--to", "json", "--full", *type_args, name)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_strategy_off_is_the_string_off(cli: Runner) -> None:
    text = BASE + "reliability:\n  hedging:\n    strategy: off\n"
    cli.write("off.yaml", text)
    assert cli("validate", "--strict", "off.yaml").code == 0
    data = fmt_json(cli, "off.yaml", text)
    assert data["reliability"]["hedging"]["strategy"] == "off"


def test_plain_scalars_in_string_fields_are_their_text(cli: Runner) -> None:
    text = (
        "id: exp\n"
        "owner: 1.10\n"
        "description: 0123\n"
        "experiment_type: 1e3\n"
        "tags: [no, 2.50, true]\n"
        "backend: {id: b, profile: on}\n"
        "pipeline:\n"
        "  - name: yes\n"
        "  - name: 007\n"
    )
    cli.write("scalars.yaml", text)
    assert cli("validate", "--strict", "scalars.yaml").code == 0
    data = fmt_json(cli, "scalars.yaml", text)
    assert data["owner"] == "1.10"
    assert data["description"] == "0123"
    assert data["experiment_type"] == "1e3"
    assert data["tags"] == ["no", "2.50", "true"]
    assert data["backend"]["profile"] == "on"
    assert [s["name"] for s in data["pipeline"]] == ["yes", "007"]


def test_plain_scalars_elsewhere_follow_yaml_1_2_core(cli: Runner) -> None:
    # Opaque maps keep the YAML 1.2 core meaning: yes/off are strings, 0123 is
    # the integer 123 (not octal 83), 0o17 is octal, 1.10 is a float.
    text = BASE.replace(
        "backend: {id: b}",
        "backend:\n  id: b\n  options: {a: yes, b: off, c: 0123, d: 0o17, e: 1.10, f: true, g: ~}",
    )
    data = fmt_json(cli, "opaque.yaml", text)
    assert data["backend"]["options"] == {
        "a": "yes",
        "b": "off",
        "c": 123,
        "d": 15,
        "e": 1.1,
        "f": True,
        "g": None,
    }


def test_a_plain_yes_in_a_boolean_field_is_a_type_error(cli: Runner) -> None:
    text = BASE + "    enabled: yes\n"
    cli.write("yes.yaml", text)
    result = cli("validate", "yes.yaml")
    assert result.code == 1
    line, column = where(text, "yes")
    assert result.lines == [
        f"yes.yaml:{line}:{column}: pipeline[0].enabled: expected a boolean, got string 'yes'"
    ]
    assert (line, column) == (5, 14)


def test_true_in_a_boolean_field_is_a_boolean(cli: Runner) -> None:
    data = fmt_json(cli, "t.yaml", BASE + "    enabled: false\n")
    assert data["pipeline"][0]["enabled"] is False


def test_a_duplicate_key_is_an_error_at_the_second_key(cli: Runner) -> None:
    text = "id: exp\nbackend: {id: b}\npipeline:\n  - name: a\nowner: me\nid: other\n"
    cli.write("dup.yaml", text)
    result = cli("validate", "--format", "json", "dup.yaml")
    assert result.code == 1
    [problem] = json.loads(result.out)
    assert (problem["line"], problem["column"]) == where(text, "id: other") == (6, 1)
    assert problem["code"] == "syntax"
    assert "duplicate key 'id'" in problem["message"]
    assert "line 1" in problem["message"]  # where the first one is


def test_a_duplicate_nested_key_is_an_error_at_the_second_key(cli: Runner) -> None:
    text = BASE + "reliability:\n  stats:\n    alpha: 0.05\n    tests: [ttest]\n    alpha: 0.5\n"
    cli.write("dup2.yaml", text)
    result = cli("validate", "dup2.yaml")
    assert result.code == 1
    line, column = where(text, "alpha", 2)
    assert len(result.lines) == 1
    assert result.lines[0].startswith(f"dup2.yaml:{line}:{column}: ")
    assert "duplicate key 'alpha'" in result.lines[0]


def test_a_python_tag_never_runs(cli: Runner) -> None:
    text = 'id: !!python/object/apply:os.system ["touch PWNED"]\nbackend: {id: b}\n'
    text += "pipeline:\n  - name: a\n"
    cli.write("evil.yaml", text)
    for args in (["validate"], ["fmt"], ["show"], ["hash"], ["convert", "--to", "json"]):
        result = cli(*args, "evil.yaml")
        assert result.code in (1, 2), args
        assert not (cli.cwd / "PWNED").exists(), args
    result = cli("validate", "evil.yaml")
    assert result.code == 1
    line, column = where(text, "!!python")
    assert result.lines == [
        f"evil.yaml:{line}:{column}: (root): tag !!python/object/apply:os.system is not allowed: "
        "IR documents are plain data"
    ]


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/name:os.system",
        "!!python/object/new:subprocess.Popen [[touch, PWNED]]",
        "!<tag:yaml.org,2002:python/object/apply:os.system> [touch PWNED]",
        "!custom value",
    ],
)
def test_any_other_tag_is_refused(cli: Runner, tagged: str) -> None:
    cli.write("tag.yaml", BASE + f"metadata:\n  x: {tagged}\n")
    result = cli("validate", "tag.yaml")
    assert result.code == 1
    [line] = result.lines
    assert line.startswith("tag.yaml:6:6: (root): tag ")
    assert "is not allowed" in line
    assert not (cli.cwd / "PWNED").exists()


def test_a_billion_laughs_fails_fast_with_a_clear_message(cli: Runner) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    text = "\n".join(lines) + "\nid: exp\nmetadata: *a9\n"
    cli.write("bomb.yaml", text)
    result = cli("validate", "bomb.yaml")
    assert result.code == 1
    [line] = result.lines
    assert "alias expansion exceeds" in line
    assert line.startswith("bomb.yaml:")


def test_aliases_of_reasonable_size_work(cli: Runner) -> None:
    text = (
        "id: exp\nbackend: &b {id: b, profile: fast}\n"
        "pipeline:\n  - name: a\n    options: &o {k: 1}\n  - name: c\n    options: *o\n"
        "baseline: {id: m}\nmetadata: {backend_copy: *b}\n"
    )
    data = fmt_json(cli, "alias.yaml", text)
    assert data["pipeline"][1]["options"] == {"k": 1}
    assert data["metadata"]["backend_copy"] == {"id": "b", "profile": "fast"}


def test_a_syntax_error_is_located_with_code_syntax(cli: Runner) -> None:
    text = "id: exp\nbackend: {id: b\npipeline:\n  - name: a\n"
    cli.write("syntax.yaml", text)
    result = cli("validate", "--format", "json", "syntax.yaml")
    assert result.code == 1
    [problem] = json.loads(result.out)
    assert problem["file"] == "syntax.yaml"
    assert (problem["line"], problem["column"]) == where(text, ":\n  -") == (3, 9)
    assert (problem["path"], problem["code"]) == ("", "syntax")
    assert problem["message"]
    text_result = cli("validate", "syntax.yaml")
    assert text_result.lines == [f"syntax.yaml:3:9: (root): {problem['message']}"]


def test_a_bad_indentation_is_a_syntax_error_at_its_line(cli: Runner) -> None:
    text = "id: exp\nbackend:\n  id: b\n profile: x\npipeline: []\n"
    cli.write("indent.yaml", text)
    result = cli("validate", "--format", "json", "indent.yaml")
    assert result.code == 1
    [problem] = json.loads(result.out)
    assert problem["code"] == "syntax"
    assert problem["line"] == 4


def test_several_documents_in_one_stream_are_refused(cli: Runner) -> None:
    cli.write("two.yaml", BASE + "---\n" + BASE)
    result = cli("validate", "two.yaml")
    assert result.code == 1
    assert result.lines == ["two.yaml:5:1: (root): expected one YAML document, found several"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("flowdeep.yaml", "id: exp\nmetadata: " + "[" * 100_000 + "]" * 100_000 + "\n"),
        ("mapdeep.yaml", "id: exp\nmetadata: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n"),
        ("blockdeep.yaml", "metadata:\n" + "".join("  " * i + "- \n" for i in range(1, 2000))),
        ("deep.json", '{"id": "exp", "metadata": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        ("mapdeep.json", '{"metadata": ' + '{"a": ' * 100_000 + "1" + "}" * 100_000 + "}"),
        ("deep.toml", "id = 'exp'\nmetadata = " + "[" * 100_000 + "]" * 100_000 + "\n"),
    ],
)
def test_100000_deep_nesting_is_a_clean_error(cli: Runner, name: str, text: str) -> None:
    cli.write(name, text)
    result = cli("validate", "--format", "json", name, timeout=30)
    assert result.code == 1
    [problem] = json.loads(result.out)
    assert problem["code"] == "syntax"
    assert "nested too deeply" in problem["message"]
    assert problem["line"] >= 1
    assert problem["column"] >= 1


@pytest.mark.parametrize("plain", [".inf", ".NaN", "1e400", "9" * 5000])
def test_a_plain_number_like_scalar_in_a_string_field_is_always_text(
    cli: Runner, plain: str
) -> None:
    data = fmt_json(cli, "owner.yaml", BASE + f"owner: {plain}\n")
    assert data["owner"] == plain


def test_numbers_json_cannot_carry_are_text_in_every_string_field(cli: Runner) -> None:
    text = (
        BASE + "owner: &n -.Inf\nexperiment_type: *n\ndescription: 1e400\ntags: [.nan, x]\n"
    ).replace("backend: {id: b}", "backend: {id: b, profile: " + "7" * 4301 + "}")
    cli.write("text.yaml", text)
    assert cli("validate", "--strict", "text.yaml").code == 0
    data = fmt_json(cli, "text.yaml", text)
    assert (data["owner"], data["experiment_type"]) == ("-.Inf", "-.Inf")
    assert (data["description"], data["tags"]) == ("1e400", [".nan", "x"])
    assert data["backend"]["profile"] == "7" * 4301
    # and they are written so that they read back as the same text
    for target in ("yaml", "toml", "json"):
        result = cli("convert", "text.yaml", "--to", target, "-o", f"out.{target}")
        assert result.code == 0, result.err
        assert fmt_json(cli, f"out.{target}", (cli.cwd / f"out.{target}").read_text()) == data


@pytest.mark.parametrize(
    ("where_in", "plain", "message"),
    [
        ("metadata: {n: ^PLAIN}\n", ".inf", "non-finite numbers are not allowed in IR documents"),
        ("metadata:\n  list: [1, ^PLAIN]\n", "1e400", "number out of range"),
        ("reliability:\n  stats:\n    alpha: ^PLAIN\n", ".nan", "non-finite numbers are not"),
        ("unknown_field: ^PLAIN\n", "9" * 5000, "integer out of range"),
        ("owner: ^&n PLAIN\nmetadata: {n: *n}\n", "-.inf", "non-finite numbers are not"),
    ],
)
def test_numbers_json_cannot_carry_are_refused_where_text_is_not_wanted(
    cli: Runner, where_in: str, plain: str, message: str
) -> None:
    # An opaque map, a number field, an unknown field: the error it always was, at
    # the scalar (an alias's at its anchor), even beside one taken as text.
    text = BASE + "description: .nan\n" + where_in.replace("PLAIN", plain)
    cli.write("num.yaml", text.replace("^", ""))
    result = cli("validate", "--format", "json", "num.yaml")
    assert result.code == 1
    [problem] = json.loads(result.out)
    assert (problem["line"], problem["column"]) == where(text, "^")
    assert (problem["path"], problem["code"]) == ("", "syntax")
    assert problem["message"].startswith(message)
    assert cli("fmt", "num.yaml").code == 1
    assert cli("convert", "num.yaml", "--to", "json").code == 1


def test_unquoted_timestamps_are_read_as_timestamps(cli: Runner) -> None:
    text = BASE + "created_at: 2024-03-15T11:30:00+02:00\nupdated_at: 2024-03-15 09:30:00.5Z\n"
    data = fmt_json(cli, "ts.yaml", text)
    assert data["created_at"] == "2024-03-15T09:30:00Z"
    assert data["updated_at"] == "2024-03-15T09:30:00.500000Z"


def test_fmt_reads_yaml_from_stdin(cli: Runner) -> None:
    result = cli("fmt", "--input-format", "yaml", "-", stdin=BASE + "owner: 1.10\n")
    assert result.code == 0
    assert 'owner: "1.10"\n' in result.out


def test_plain_scalars_in_string_fields_inside_a_union_are_their_text(cli: Runner) -> None:
    """An ensemble's models are names or backend refs: a ref's string fields take YAML text too,
    down its fallback chain."""
    text = BASE + (
        "reliability:\n"
        "  ensemble:\n"
        "    models: [gpt4, {id: 3, profile: 1.10, fallback: {id: 4, model_version: 2024}}]\n"
    )
    cli.write("union.yaml", text)
    result = cli("validate", "union.yaml")
    assert (result.code, result.out) == (0, "")
    models = fmt_json(cli, "union.yaml", text)["reliability"]["ensemble"]["models"]
    assert models[0] == "gpt4"
    assert (models[1]["id"], models[1]["profile"]) == ("3", "1.10")
    assert (models[1]["fallback"]["id"], models[1]["fallback"]["model_version"]) == ("4", "2024")


def test_a_named_tool_choice_takes_yaml_text(cli: Runner) -> None:
    """``tool_choice`` is a word or a ``{name: tool}`` record: the record's name is text."""
    data = fmt_json(cli, "prompt.yaml", "tool_choice: {name: 123}\n", "--type", "backend.prompt")
    assert data["tool_choice"] == {"name": "123"}
