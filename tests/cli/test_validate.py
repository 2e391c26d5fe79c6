"""``crucible-ir validate``: exit status, one ``FILE:LINE:COL: PATH: MESSAGE`` line per problem."""

from __future__ import annotations

import json

import pytest

from ._support import INTEROP, Runner, where

VALID = {
    "ok.json": '{"id": "exp", "backend": {"id": "b"}, "pipeline": [{"name": "a"}]}\n',
    "ok.yaml": "id: exp\nbackend:\n  id: b\npipeline:\n  - name: a\n",
    "ok.yml": "id: exp\nbackend: {id: b}\npipeline: [{name: a}]\n",
    "ok.toml": 'id = "exp"\n\n[backend]\nid = "b"\n\n[[pipeline]]\nname = "a"\n',
}

# The same five problems written in each format: a wrong JSON type (a decoding
# problem), a missing required field, a number out of range and a value outside
# its vocabulary (rule problems), and an unknown key (a problem unless --allow-unknown).
BAD_JSON = """\
{
  "id": "exp",
  "backend": {"id": "b"},
  "pipeline": [
    {"name": "a", "enabled": "yes"},
    {"module": "m"}
  ],
  "reliability": {
    "stats": {"alpha": 1.5},
    "hedging": {"strategy": "sometimes", "delya_ms": 5}
  }
}
"""
BAD_YAML = """\
# an experiment with five problems
id: exp
backend:
  id: b
pipeline:
  - name: a
    enabled: "yes"
  - module: m
reliability:
  stats:
    alpha: 1.5
  hedging:
    strategy: sometimes
    delya_ms: 5
"""
BAD_TOML = """\
id = "exp"

[backend]
id = "b"

[[pipeline]]
name = "a"
enabled = "yes"

[[pipeline]]
module = "m"

[reliability.stats]
alpha = 1.5

[reliability.hedging]
strategy = "sometimes"
delya_ms = 5
"""

ENABLED = ("pipeline[0].enabled", "type", "expected a boolean, got string 'yes'")
MISSING = ("pipeline[1].name", "required", "missing required field `name`")
ALPHA = ("reliability.stats.alpha", "range", "expected a number in [0, 1], got 1.5")
STRATEGY = (
    "reliability.hedging.strategy",
    "enum",
    "expected one of off, fixed, percentile, adaptive, workload_aware, exponential_backoff; "
    "got 'sometimes'",
)
UNKNOWN = (
    "reliability.hedging.delya_ms",
    "unknown_field",
    "unknown field `delya_ms`; did you mean `delay_ms`?",
)

# Where each problem must be reported: the fragment of the source it points at.
# The offending value; the enclosing object for the missing field; the key for
# the unknown key.
ANCHORS = {
    "json": {
        ENABLED: ('"yes"', 1),
        MISSING: ('{"module"', 1),
        ALPHA: ("1.5", 1),
        STRATEGY: ('"sometimes"', 1),
        UNKNOWN: ('"delya_ms"', 1),
    },
    "yaml": {
        ENABLED: ('"yes"', 1),
        MISSING: ("module: m", 1),
        ALPHA: ("1.5", 1),
        STRATEGY: ("sometimes", 1),
        UNKNOWN: ("delya_ms", 1),
    },
    "toml": {
        ENABLED: ('"yes"', 1),
        MISSING: ("[[pipeline]]", 2),
        ALPHA: ("1.5", 1),
        STRATEGY: ('"sometimes"', 1),
        UNKNOWN: ("delya_ms", 1),
    },
}
SOURCES = {"json": BAD_JSON, "yaml": BAD_YAML, "toml": BAD_TOML}


def expected_lines(fmt: str, name: str, *, unknown: bool = True) -> list[str]:
    text = SOURCES[fmt]
    problems = [ENABLED, MISSING, ALPHA, STRATEGY] + ([UNKNOWN] if unknown else [])
    lines = []
    for problem in problems:
        fragment, occurrence = ANCHORS[fmt][problem]
        line, column = where(text, fragment, occurrence)
        path, _, message = problem
        lines.append(f"{name}:{line}:{column}: {path}: {message}")
    return lines


# -- valid documents ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(VALID))
def test_a_valid_file_exits_0_and_prints_nothing(cli: Runner, name: str) -> None:
    cli.write(name, VALID[name])
    result = cli("validate", name)
    assert (result.code, result.out, result.err) == (0, "", "")


def test_several_valid_files_in_every_format_exit_0(cli: Runner) -> None:
    for name, text in VALID.items():
        cli.write(name, text)
    result = cli("validate", "--strict", *sorted(VALID))
    assert (result.code, result.out) == (0, "")


def test_the_shipped_example_experiments_are_valid(cli: Runner) -> None:
    from ._support import EXAMPLES

    files = sorted(EXAMPLES.iterdir())
    assert {f.suffix for f in files} >= {".json", ".yaml", ".toml"}
    result = cli("validate", "--strict", *files)
    assert (result.code, result.out) == (0, "")


# -- one line per problem, at the right place -----------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_every_problem_is_one_line_at_the_offending_value(cli: Runner, fmt: str) -> None:
    name = f"bad.{fmt}"
    cli.write(name, SOURCES[fmt])
    result = cli("validate", name)
    assert result.code == 1
    assert result.lines == expected_lines(fmt, name)


@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_allow_unknown_ignores_unknown_keys_and_strict_is_the_default(
    cli: Runner, fmt: str
) -> None:
    name = f"bad.{fmt}"
    cli.write(name, SOURCES[fmt])
    result = cli("validate", "--allow-unknown", name)
    assert result.code == 1
    assert result.lines == expected_lines(fmt, name, unknown=False)
    assert cli("validate", "--strict", name).lines == expected_lines(fmt, name)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("id: e\nbackend: {id: b}\npipeline: [{name: a}]\ndataset:\n  name: d\n  splt: test\n",
         "f.yaml:6:3: dataset.splt: unknown field `splt`; did you mean `split`?"),
        ("id: e\nbackend: {id: b}\npipeline: [{name: a}]\nreliabilty:\n  stats: {alpha: 0.01}\n",
         "f.yaml:4:1: reliabilty: unknown field `reliabilty`; did you mean `reliability`?"),
    ],
)  # fmt: skip
def test_a_typo_never_silently_drops_a_setting(cli: Runner, text: str, line: str) -> None:
    cli.write("f.yaml", text)
    result = cli("validate", "f.yaml")
    assert (result.code, result.lines) == (1, [line])
    assert cli("validate", "--allow-unknown", "f.yaml").code == 0


def test_positions_hand_checked() -> None:
    """The anchors above, worked out by hand once, so `where` itself is not trusted blindly."""
    assert expected_lines("json", "f") == [
        "f:5:30: pipeline[0].enabled: expected a boolean, got string 'yes'",
        "f:6:5: pipeline[1].name: missing required field `name`",
        "f:9:24: reliability.stats.alpha: expected a number in [0, 1], got 1.5",
        f"f:10:29: {STRATEGY[0]}: {STRATEGY[2]}",
        "f:10:42: reliability.hedging.delya_ms: unknown field `delya_ms`; did you mean `delay_ms`?",
    ]
    yaml = [line.split(": ", 1)[0] for line in expected_lines("yaml", "f")]
    assert yaml == ["f:7:14", "f:8:5", "f:11:12", "f:13:15", "f:14:5"]
    toml = [line.split(": ", 1)[0] for line in expected_lines("toml", "f")]
    assert toml == ["f:8:11", "f:10:1", "f:14:9", "f:17:12", "f:18:1"]


def test_a_missing_top_level_field_points_at_the_root_object(cli: Runner) -> None:
    text = '\n\n  {"id": "exp", "pipeline": [{"name": "a"}]}\n'
    cli.write("nobackend.json", text)
    cli.write("nobackend.yaml", "# leading comment\n\nid: exp\npipeline:\n  - name: a\n")
    result = cli("validate", "nobackend.json", "nobackend.yaml")
    assert result.code == 1
    assert result.lines == [
        "nobackend.json:3:3: backend: missing required field `backend`",
        "nobackend.yaml:3:1: backend: missing required field `backend`",
    ]


def test_a_missing_field_of_a_nested_object_points_at_that_object(cli: Runner) -> None:
    text = "id: exp\nbackend:\n  id: b\n  fallback:\n    profile: fast\npipeline:\n  - name: a\n"
    cli.write("fallback.yaml", text)
    result = cli("validate", "fallback.yaml")
    assert result.code == 1
    line, column = where(text, "profile: fast")
    assert result.lines == [
        f"fallback.yaml:{line}:{column}: backend.fallback.id: missing required field `id`"
    ]


def test_toml_inline_tables_and_dotted_keys_are_located(cli: Runner) -> None:
    text = (
        'id = "exp"\n'
        'backend = { id = "b", profile = 3 }\n'
        'pipeline = [{ name = "a" }, { module = "m" }]\n'
        "[reliability]\n"
        "stats.alpha = 2\n"
    )
    cli.write("inline.toml", text)
    result = cli("validate", "inline.toml")
    assert result.code == 1
    assert result.lines == [
        "inline.toml:2:33: backend.profile: expected a string, got integer 3",
        "inline.toml:3:29: pipeline[1].name: missing required field `name`",
        "inline.toml:5:15: reliability.stats.alpha: expected a number in [0, 1], got 2",
    ]
    assert where(text, "3 }") == (2, 33)
    assert where(text, "{ module") == (3, 29)


def test_columns_count_characters_not_bytes(cli: Runner) -> None:
    text = '{"description": "données ✓ 😀", "id": "exp", "backend": {"id": "b"}, "pipeline": []}'
    cli.write("unicode.json", text)
    result = cli("validate", "unicode.json")
    # 81 characters in; in UTF-8 bytes it would be 87 (é 2, ✓ 3, 😀 4 bytes).
    assert where(text, "[]") == (1, 81)
    assert len(text[:80].encode("utf-8")) + 1 == 87
    assert result.code == 1
    assert result.lines == [
        "unicode.json:1:81: pipeline: expected a non-empty list, got an empty one"
    ]


def test_problems_are_in_line_order(cli: Runner) -> None:
    # Written so that the decoding problem (line 9) comes after rule problems
    # (lines 4 and 6): the report is still sorted by position.
    text = (
        "id: exp\n"
        "reliability:\n"
        "  stats:\n"
        "    alpha: 7\n"
        "  hedging:\n"
        "    max_hedges: 0\n"
        "pipeline:\n"
        "  - name: a\n"
        "    enabled: [true]\n"
        "backend: {id: b}\n"
    )
    cli.write("order.yaml", text)
    result = cli("validate", "--format", "json", "order.yaml")
    assert result.code == 1
    problems = json.loads(result.out)
    assert [(p["line"], p["path"], p["code"]) for p in problems] == [
        (4, "reliability.stats.alpha", "range"),
        (6, "reliability.hedging.max_hedges", "range"),
        (9, "pipeline[0].enabled", "type"),
    ]
    positions = [(p["line"], p["column"]) for p in problems]
    assert positions == sorted(positions)


def test_decoding_and_rule_problems_are_reported_in_one_run(cli: Runner) -> None:
    cli.write("both.json", BAD_JSON)
    result = cli("validate", "--format", "json", "both.json")
    codes = {p["code"] for p in json.loads(result.out)}
    # "type" stops decoding; "range" and "enum" are only found by validation.
    assert codes == {"type", "required", "range", "enum", "unknown_field"}
    assert result.code == 1


def test_a_summary_goes_to_stderr_only(cli: Runner) -> None:
    cli.write("bad.json", BAD_JSON)
    cli.write("ok.json", VALID["ok.json"])
    result = cli("validate", "bad.json", "ok.json")
    assert result.code == 1
    assert all(line.startswith("bad.json:") for line in result.lines)
    assert result.err_lines == ["5 problems in 1 of 2 files"]


# -- several files, stdin, usage errors -----------------------------------------------------------


def test_several_files_each_report_their_own_problems(cli: Runner) -> None:
    for fmt, text in SOURCES.items():
        cli.write(f"bad.{fmt}", text)
    cli.write("ok.json", VALID["ok.json"])
    result = cli("validate", "bad.toml", "ok.json", "bad.json", "bad.yaml")
    assert result.code == 1
    assert result.lines == [
        *expected_lines("toml", "bad.toml"),
        *expected_lines("json", "bad.json"),
        *expected_lines("yaml", "bad.yaml"),
    ]


@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_stdin_with_input_format(cli: Runner, fmt: str) -> None:
    result = cli("validate", "--input-format", fmt, "-", stdin=SOURCES[fmt])
    assert result.code == 1
    assert result.lines == expected_lines(fmt, "<stdin>")


def test_valid_stdin_exits_0(cli: Runner) -> None:
    result = cli("validate", "--input-format", "yaml", "-", stdin=VALID["ok.yaml"])
    assert (result.code, result.out) == (0, "")


@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_the_format_of_stdin_is_told_from_its_content(cli: Runner, fmt: str) -> None:
    result = cli("validate", "-", stdin=SOURCES[fmt])
    assert result.code == 1
    assert result.lines == expected_lines(fmt, "<stdin>")
    for name in ("ok.json", "ok.yaml", "ok.yml", "ok.toml"):
        assert cli("validate", "-", stdin=VALID[name]).code == 0, name


def test_an_unknown_extension_is_a_usage_error_and_other_files_are_still_checked(
    cli: Runner,
) -> None:
    cli.write("notes.txt", VALID["ok.json"])
    cli.write("bad.json", BAD_JSON)
    result = cli("validate", "notes.txt", "bad.json")
    assert result.code == 2
    assert result.lines == expected_lines("json", "bad.json")
    named = [line for line in result.err_lines if "notes.txt" in line]
    assert len(named) == 1
    assert named[0].startswith("crucible-ir: notes.txt: cannot tell the format")
    assert ".jsonl or .ndjson, or --input-format" in named[0]


def test_a_missing_file_exits_2_naming_it_and_other_files_are_still_checked(
    cli: Runner,
) -> None:
    cli.write("bad.yaml", BAD_YAML)
    cli.write("ok.json", VALID["ok.json"])
    result = cli("validate", "missing.json", "bad.yaml", "ok.json")
    assert result.code == 2
    assert result.lines == expected_lines("yaml", "bad.yaml")
    named = [line for line in result.err_lines if "missing.json" in line]
    assert named == ["crucible-ir: missing.json: cannot read: No such file or directory"]


def test_a_missing_file_alone_exits_2_even_when_the_others_are_valid(cli: Runner) -> None:
    cli.write("ok.json", VALID["ok.json"])
    result = cli("validate", "ok.json", "gone.toml")
    assert (result.code, result.out) == (2, "")
    assert result.err_lines == ["crucible-ir: gone.toml: cannot read: No such file or directory"]


def test_an_unreadable_path_exits_2_naming_it(cli: Runner) -> None:
    (cli.cwd / "folder.json").mkdir()
    cli.write("ok.json", VALID["ok.json"])
    result = cli("validate", "folder.json", "ok.json")
    assert (result.code, result.out) == (2, "")
    assert result.err_lines == ["crucible-ir: folder.json: cannot read: Is a directory"]


def test_no_file_at_all_is_a_usage_error(cli: Runner) -> None:
    result = cli("validate")
    assert result.code == 2
    assert "FILE" in result.err


# -- --type ----------------------------------------------------------------------------------------


def test_type_reliability_hedging(cli: Runner) -> None:
    cli.write("hedge.yaml", "strategy: percentile\npercentile: 0.95\nmax_hedges: 2\n")
    text = "strategy: off\ndelay_ms: 0\npercentile: 95.0\n"
    cli.write("hedge_bad.yaml", text)
    assert cli("validate", "--type", "reliability.hedging", "hedge.yaml").code == 0
    # As an experiment the same file lacks id, backend and pipeline.
    assert cli("validate", "hedge.yaml").code == 1
    result = cli("validate", "-t", "reliability.hedging", "hedge_bad.yaml")
    assert result.code == 1
    assert result.lines == [
        "hedge_bad.yaml:2:11: delay_ms: expected an integer >= 1, got 0",
        "hedge_bad.yaml:3:13: percentile: expected a number in [0, 1], got 95.0",
    ]


def test_type_backend_prompt(cli: Runner) -> None:
    golden = INTEROP / "reference" / "backend.prompt" / "full.json"
    assert cli("validate", "--type", "backend.prompt", golden).code == 0
    text = '{"messages": [{"role": "wizard", "content": "hi"}]}'
    cli.write("prompt.json", text)
    result = cli("validate", "--type", "backend.prompt", "prompt.json")
    assert result.code == 1
    line, column = where(text, '"wizard"')
    assert result.lines == [
        f"prompt.json:{line}:{column}: messages[0].role: "
        "expected one of system, user, assistant, tool; got 'wizard'"
    ]


def test_an_unknown_type_is_a_usage_error_with_a_suggestion(cli: Runner) -> None:
    cli.write("ok.json", VALID["ok.json"])
    result = cli("validate", "--type", "reliability.hedgin", "ok.json")
    assert (result.code, result.out) == (2, "")
    assert len(result.err_lines) == 1
    assert result.err.startswith("crucible-ir: unknown IR type name 'reliability.hedgin'")
    assert "did you mean 'reliability.hedging'?" in result.err


# -- --format json --------------------------------------------------------------------------------


def test_json_output_is_a_list_of_located_problems(cli: Runner) -> None:
    cli.write("bad.toml", BAD_TOML)
    cli.write("bad.yaml", BAD_YAML)
    result = cli("validate", "--strict", "--format", "json", "bad.toml", "bad.yaml")
    assert result.code == 1
    problems = json.loads(result.out)
    assert isinstance(problems, list)
    for p in problems:
        assert list(p) == ["file", "line", "column", "path", "code", "message"]
        assert isinstance(p["line"], int)
        assert isinstance(p["column"], int)
    expected = []
    for fmt in ("toml", "yaml"):
        for text_line in expected_lines(fmt, f"bad.{fmt}"):
            file, line, column, rest = text_line.split(":", 3)
            path, message = rest.strip().split(": ", 1)
            expected.append((file, int(line), int(column), path, message))
    got = [(p["file"], p["line"], p["column"], p["path"], p["message"]) for p in problems]
    assert got == expected
    assert [p["code"] for p in problems] == [
        c[1] for c in (ENABLED, MISSING, ALPHA, STRATEGY, UNKNOWN)
    ] * 2


def test_json_output_when_all_are_valid_is_an_empty_list(cli: Runner) -> None:
    cli.write("ok.toml", VALID["ok.toml"])
    result = cli("validate", "--format", "json", "ok.toml")
    assert result.code == 0
    assert json.loads(result.out) == []


def test_json_output_stays_valid_json_when_a_file_is_missing(cli: Runner) -> None:
    cli.write("bad.json", BAD_JSON)
    result = cli("validate", "--format", "json", "nope.json", "bad.json")
    assert result.code == 2
    unreadable, *problems = json.loads(result.out)
    assert unreadable == {
        "file": "nope.json",
        "line": None,
        "column": None,
        "path": "",
        "code": "unreadable",
        "message": "nope.json: cannot read: No such file or directory",
    }
    assert [p["path"] for p in problems] == [
        p[0] for p in (ENABLED, MISSING, ALPHA, STRATEGY, UNKNOWN)
    ]
    assert result.err_lines == ["crucible-ir: nope.json: cannot read: No such file or directory"]


def test_a_syntax_error_has_code_syntax_and_an_empty_path(cli: Runner) -> None:
    text = '{"id": "exp",\n "backend": {"id": "b"}\n "pipeline": []}\n'
    cli.write("syntax.json", text)
    result = cli("validate", "--format", "json", "syntax.json")
    assert result.code == 1
    [problem] = json.loads(result.out)
    assert (problem["line"], problem["column"], problem["path"], problem["code"]) == (
        3,
        2,
        "",
        "syntax",
    )
    text_result = cli("validate", "syntax.json")
    assert text_result.lines[0].startswith("syntax.json:3:2: (root): ")


def test_toml_timestamps_without_an_offset_are_format_problems_at_the_value(
    cli: Runner,
) -> None:
    text = (
        'id = "exp"\ncreated_at = 2024-03-15T09:30:00\nupdated_at = 2024-03-15\n'
        'pipeline = [{name = "a"}]\n[backend]\nid = "b"\n'
    )
    cli.write("local.toml", text)
    result = cli("validate", "--format", "json", "local.toml")
    assert result.code == 1
    problems = json.loads(result.out)
    assert [(p["line"], p["column"], p["path"], p["code"]) for p in problems] == [
        (*where(text, "2024-03-15T09:30:00"), "created_at", "format"),
        (*where(text, "2024-03-15\n"), "updated_at", "format"),
    ]
    assert "no UTC offset" in problems[0]["message"]


# -- the verdict is the library's -----------------------------------------------------------------

STAMPS = [
    "9999-12-31T23:59:59.9999999Z",
    "2024-03-15T09:30:00.9999995+02:00",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:30:00+01:00",
    "2024-02-30T00:00:00Z",
    "2024-03-15T09:30:00",
    "2024-03-15 09:30:00Z",
    "2024-03-15T09:30:00.Z",
    "2024-03-15T24:00:00Z",
]


@pytest.mark.parametrize("stamp", STAMPS)
def test_the_verdict_is_always_the_librarys(cli: Runner, stamp: str) -> None:
    """A JSON file is judged by from_json, its YAML twin by from_dict: the command agrees."""
    import crucible_ir as ir

    document = {"id": "e", "backend": {"id": "b"}, "pipeline": [{"name": "a"}], "created_at": stamp}
    try:
        library = ir.errors(ir.from_json(json.dumps(document), "experiment", strict=True))
    except ir.DecodeError as exc:
        library = exc.errors
    cli.write("doc.json", json.dumps(document))
    cli.write(
        "doc.yaml", f"id: e\nbackend: {{id: b}}\npipeline: [{{name: a}}]\ncreated_at: '{stamp}'\n"
    )
    for name in ("doc.json", "doc.yaml"):
        result = cli("validate", "--format", "json", name)
        problems = json.loads(result.out)
        assert result.code == (1 if library else 0), (name, result.out)
        assert [(p["path"], p["code"], p["message"]) for p in problems] == [
            (i.path, str(i.code), i.message) for i in library
        ], name
