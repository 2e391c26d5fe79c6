"""``crucible-ir convert --to json|yaml|toml``: the same document in another format."""

from __future__ import annotations

import json
import sys

import pytest

from ._support import EXAMPLES, Runner, uncommented, where

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SOURCE = """\
id: exp
owner: 1.10
description: 0123
tags: [yes, "off", "1.10"]
created_at: "2024-03-15T11:30:00+02:00"
backend:
  id: gpt4
  options: {temperature: 0.0, flag: "yes", nested: {list: [1, 2.5, "x"]}}
pipeline:
  - name: yes
    options: {mode: off, octal: "0123", version: "1.10"}
  - name: infer
    enabled: false
reliability:
  hedging: {strategy: off}
  stats: {alpha: 0.01, tests: [ttest]}
outputs:
  - name: report
    formats: [json]
"""


def hash_of(cli: Runner, *names: str) -> list[str]:
    result = cli("hash", *names)
    assert result.code == 0, result.err
    return [line.split("  ", 1)[0] for line in result.lines]


def test_yaml_to_toml_to_json_keeps_the_hash(cli: Runner) -> None:
    cli.write("exp.yaml", SOURCE)
    assert cli("convert", "exp.yaml", "--to", "toml", "-o", "exp.toml").code == 0
    assert cli("convert", "exp.toml", "--to", "json", "-o", "exp.json").code == 0
    assert cli("convert", "exp.json", "--to", "yaml", "-o", "back.yaml").code == 0
    hashes = hash_of(cli, "exp.yaml", "exp.toml", "exp.json", "back.yaml")
    assert len(set(hashes)) == 1
    data = json.loads((cli.cwd / "exp.json").read_text(encoding="utf-8"))
    assert data["owner"] == "1.10"
    assert data["description"] == "0123"
    assert data["pipeline"][0]["name"] == "yes"
    assert data["reliability"]["hedging"] == {}  # `strategy: off` is the default
    full = json.loads(cli("convert", "exp.toml", "--to", "json", "--full").out)
    assert full["reliability"]["hedging"]["strategy"] == "off"


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir()))
def test_every_example_converts_to_every_format_without_changing_its_hash(
    cli: Runner, example: str
) -> None:
    source = cli.write(example, uncommented(EXAMPLES / example))
    assert hash_of(cli, str(source)) == hash_of(cli, str(EXAMPLES / example))
    outputs = []
    for target in ("json", "yaml", "toml"):
        out = f"converted.{target}"
        result = cli("convert", source, "--to", target, "-o", out)
        assert (result.code, result.out, result.err) == (0, "", "")
        outputs.append(out)
    hashes = hash_of(cli, str(source), *outputs)
    assert len(hashes) == 4
    assert len(set(hashes)) == 1


def test_stdout_when_no_output_is_given(cli: Runner) -> None:
    cli.write("exp.yaml", SOURCE)
    result = cli("convert", "exp.yaml", "--to", "json")
    assert result.code == 0
    assert result.out.endswith("}\n")
    data = json.loads(result.out)
    assert list(data) == sorted(data)  # wire order
    assert sorted(p.name for p in cli.cwd.iterdir()) == ["exp.yaml"]


def test_json_output_leaves_out_defaults_unless_full(cli: Runner) -> None:
    cli.write("exp.yaml", SOURCE)
    short = json.loads(cli("convert", "exp.yaml", "--to", "json").out)
    full = json.loads(cli("convert", "exp.yaml", "--to", "json", "--full").out)
    assert "dataset" not in short
    assert full["dataset"] is None
    assert "module" not in short["pipeline"][0]
    assert full["pipeline"][0]["module"] is None
    assert "profile" not in short["backend"]
    assert full["backend"]["profile"] == "default"
    assert "enabled" not in short["pipeline"][0]
    assert short["pipeline"][1]["enabled"] is False
    assert short["created_at"] == "2024-03-15T11:30:00+02:00"  # as written; --full: in UTC
    assert full["created_at"] == "2024-03-15T09:30:00Z"
    assert set(short) == {k for k, v in full.items() if v is not None}


def test_yaml_output_keeps_nulls_with_full(cli: Runner) -> None:
    cli.write("exp.json", '{"id": "exp", "backend": {"id": "b"}, "pipeline": [{"name": "a"}]}')
    full = cli("convert", "exp.json", "--to", "yaml", "--full")
    short = cli("convert", "exp.json", "--to", "yaml")
    assert "dataset: null" in full.lines
    assert not any(line.startswith("dataset:") for line in short.lines)
    cli.write("full.yaml", full.out)
    cli.write("short.yaml", short.out)
    assert len(set(hash_of(cli, "exp.json", "full.yaml", "short.yaml"))) == 1


def test_toml_output_drops_null_ir_fields(cli: Runner) -> None:
    cli.write("exp.yaml", SOURCE)
    result = cli("convert", "exp.yaml", "--to", "toml")
    assert result.code == 0
    data = tomllib.loads(result.out)
    assert "dataset" not in data
    assert "module" not in data["pipeline"][0]
    assert "ensemble" not in data["reliability"]
    assert data["reliability"]["hedging"] == {}
    assert data["created_at"] == "2024-03-15T11:30:00+02:00"
    full = cli("convert", "exp.yaml", "--to", "toml", "--full")  # --full cannot keep them
    data = tomllib.loads(full.out)
    assert full.code == 0
    assert "dataset" not in data
    assert data["reliability"]["hedging"] == {"strategy": "off"}
    assert data["backend"]["profile"] == "default"
    assert data["created_at"] == "2024-03-15T09:30:00Z"


@pytest.mark.parametrize(
    ("options", "path"),
    [
        ("{a: 1, b: null}", "backend.options.b"),
        ("{list: [1, ~, 3]}", "backend.options.list[1]"),
        ("{deep: {deeper: [{x: null}]}}", "backend.options.deep.deeper[0].x"),
    ],
)
def test_a_null_inside_an_opaque_map_cannot_go_to_toml(
    cli: Runner, options: str, path: str
) -> None:
    cli.write(
        "nulls.yaml", f"id: exp\nbackend:\n  id: b\n  options: {options}\npipeline: [{{name: a}}]\n"
    )
    previous = cli.write("out.toml", "keep = true\n")
    result = cli("convert", "nulls.yaml", "--to", "toml", "-o", "out.toml")
    assert (result.code, result.out) == (2, "")
    assert len(result.err_lines) == 1
    assert result.err.startswith(f"crucible-ir: TOML has no null: the value at {path} ")
    assert previous.read_text() == "keep = true\n"
    stdout = cli("convert", "nulls.yaml", "--to", "toml")
    assert (stdout.code, stdout.out) == (2, "")
    assert sorted(p.name for p in cli.cwd.iterdir()) == ["nulls.yaml", "out.toml"]


def test_a_null_in_an_opaque_map_is_kept_in_json_and_yaml(cli: Runner) -> None:
    cli.write(
        "nulls.yaml", "id: exp\nbackend: {id: b, options: {a: null}}\npipeline: [{name: a}]\n"
    )
    for target in ("json", "yaml"):
        result = cli("convert", "nulls.yaml", "--to", target, "-o", f"out.{target}")
        assert result.code == 0
    data = json.loads((cli.cwd / "out.json").read_text(encoding="utf-8"))
    assert data["backend"]["options"] == {"a": None}
    assert len(set(hash_of(cli, "nulls.yaml", "out.json", "out.yaml"))) == 1


TRICKY = [
    "off", "yes", "no", "on", "y", "n", "true", "True", "null", "~", "",
    "1.10", "0123", "0o17", "0x1F", "1e3", "+1", "-0", ".5", "+.5", "1_000", "0b11",
    ".inf", ".NaN", "2024-01-01", "1:20", "#x", "a: b", "- a", "'", '"', "<<", "*a", "&a", "!x",
    "\t", "\n", " lead", "trail ", "é", "\u2028", "\x00", "\ufeff", "😀",
]  # fmt: skip


def test_yaml_output_reads_back_to_the_same_document(cli: Runner) -> None:
    doc = {
        "id": "exp",
        "owner": "1.10",
        "description": "0123",
        "experiment_type": "off",
        "tags": TRICKY,
        "backend": {"id": "yes", "profile": "null", "options": {s or "empty": s for s in TRICKY}},
        "pipeline": [{"name": s or "empty"} for s in TRICKY],
        "metadata": {"values": TRICKY},
    }
    cli.write("tricky.json", json.dumps(doc))
    assert cli("convert", "tricky.json", "--to", "yaml", "-o", "tricky.yaml").code == 0
    assert cli("convert", "tricky.json", "--to", "toml", "-o", "tricky.toml").code == 0
    back = json.loads(cli("convert", "tricky.yaml", "--to", "json").out)
    assert back["tags"] == TRICKY
    assert back["metadata"]["values"] == TRICKY
    assert back["backend"]["options"] == doc["backend"]["options"]
    assert (back["owner"], back["description"], back["experiment_type"]) == ("1.10", "0123", "off")
    assert len(set(hash_of(cli, "tricky.json", "tricky.yaml", "tricky.toml"))) == 1


def test_yaml_output_quotes_strings_that_read_back_as_numbers(cli: Runner) -> None:
    cli.write("num.json", '{"id": "e", "backend": {"id": "b", "options": {"k": ".5e3"}}, '
              '"pipeline": [{"name": "a"}]}')  # fmt: skip
    assert cli("convert", "num.json", "--to", "yaml", "-o", "num.yaml").code == 0
    back = json.loads(cli("convert", "num.yaml", "--to", "json").out)
    assert back["backend"]["options"]["k"] == ".5e3"


def test_yaml_output_keeps_a_next_line_character(cli: Runner) -> None:
    cli.write(
        "nel.json",
        '{"id": "e", "description": "a\\u0085b", "backend": {"id": "b"}, '
        '"pipeline": [{"name": "a"}]}',
    )
    assert cli("convert", "nel.json", "--to", "yaml", "-o", "nel.yaml").code == 0
    assert len(set(hash_of(cli, "nel.json", "nel.yaml"))) == 1


def test_convert_of_an_undecodable_file_writes_nothing(cli: Runner) -> None:
    cli.write("bad.yaml", "id: exp\nbackend: {id: b}\npipeline:\n  - name: [a]\n")
    result = cli("convert", "bad.yaml", "--to", "json", "-o", "out.json")
    assert (result.code, result.out) == (1, "")
    assert result.err_lines == ["bad.yaml:4:11: pipeline[0].name: expected a string, got array"]
    assert not (cli.cwd / "out.json").exists()


def test_convert_needs_a_target_format(cli: Runner) -> None:
    cli.write("exp.yaml", SOURCE)
    assert cli("convert", "exp.yaml").code == 2
    assert cli("convert", "exp.yaml", "--to", "xml").code == 2


def test_convert_other_types(cli: Runner) -> None:
    cli.write("hedge.toml", 'strategy = "percentile"\npercentile = 0.95\n')
    result = cli("convert", "--type", "reliability.hedging", "hedge.toml", "--to", "json")
    assert result.code == 0
    assert json.loads(result.out) == {"strategy": "percentile", "percentile": 0.95}


def test_convert_into_a_missing_folder_is_a_usage_error(cli: Runner) -> None:
    cli.write("exp.yaml", SOURCE)
    result = cli("convert", "exp.yaml", "--to", "json", "-o", "missing/out.json")
    assert (result.code, result.out) == (2, "")
    assert result.err_lines == [
        "crucible-ir: missing/out.json: cannot write: No such file or directory"
    ]


def test_documents_too_deep_for_a_writer_are_one_line_errors(cli: Runner) -> None:
    """JSON is written as deep as it is read (to the nesting limit); the YAML and TOML
    writers may stop sooner (how soon depends on the Python), cleanly."""
    deep = '{"name": "s", "options": {"o": ' + "[" * 250 + "]" * 250 + "}}"
    cli.write("deep.json", deep)
    result = cli("convert", "--type", "stage_def", "deep.json", "--to", "json")
    assert result.code == 0
    assert json.loads(result.out)["options"] == json.loads(deep)["options"]
    for fmt in ("yaml", "toml"):
        result = cli("convert", "--type", "stage_def", "deep.json", "--to", fmt)
        if result.code != 0:
            assert result.code == 2
            assert result.err.strip().splitlines() == [
                f"crucible-ir: deep.json: nested too deeply to write as {fmt.upper()} (write JSON)"
            ]
    cli.write("deeper.json", deep.replace("[", "[[[[").replace("]", "]]]]"))
    result = cli("convert", "--type", "stage_def", "deeper.json", "--to", "json")
    assert result.code != 0
    assert result.err.strip().endswith("nested too deeply (more than 256 levels)")


@pytest.mark.parametrize("to", ["yaml", "jsonl"])
def test_convert_refuses_unknown_keys_and_writes_nothing(cli: Runner, to: str) -> None:
    text = '{"id": "e", "backend": {"id": "b"}, "pipeline": [{"name": "a"}], "reliabilty": {}}'
    cli.write("exp.json", text)
    result = cli("convert", "exp.json", "--to", to, "-o", f"out.{to}")
    assert (result.code, result.out) == (1, "")
    line, column = where(text, '"reliabilty"')
    assert result.err_lines == [
        f"exp.json:{line}:{column}: reliabilty: unknown field `reliabilty`; did you mean "
        "`reliability`? (convert would drop it)"
    ]
    assert not (cli.cwd / f"out.{to}").exists()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "stamps.yaml",
            "id: exp\nbackend: {id: b}\npipeline: [{name: a}]\n"
            "created_at: 2024-03-15T09:30:00.9999999Z\n"
            'updated_at: "2024-03-15T11:30:01.1234567+02:00"\n',
        ),
        (
            "stamps.toml",  # a TOML date-time, and a string
            'id = "exp"\npipeline = [{name = "a"}]\n'
            "created_at = 2024-03-15T09:30:00.9999999Z\n"
            'updated_at = "2024-03-15T11:30:01.1234567+02:00"\n[backend]\nid = "b"\n',
        ),
        (
            "stamps.json",
            '{"id": "exp", "backend": {"id": "b"}, "pipeline": [{"name": "a"}], '
            '"created_at": "2024-03-15T09:30:00.9999999Z", '
            '"updated_at": "2024-03-15T11:30:01.1234567+02:00"}',
        ),
    ],
)
def test_readers_truncate_fractions_past_six_digits(cli: Runner, name: str, text: str) -> None:
    cli.write(name, text)
    result = cli("convert", "--to", "json", "--full", name)
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["created_at"] == "2024-03-15T09:30:00.999999Z"  # not 09:30:01
    assert document["updated_at"] == "2024-03-15T09:30:01.123456Z"
    assert cli("validate", name).code == 0  # updated_at is not before created_at


# -- to JSON Lines --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["exp.yaml", "exp.json", "exp.toml"])
def test_one_document_to_jsonl_is_one_line_with_its_record(cli: Runner, name: str) -> None:
    cli.write("exp.yaml", SOURCE)
    if name != "exp.yaml":
        assert cli("convert", "exp.yaml", "--to", name.rsplit(".")[1], "-o", name).code == 0
    result = cli("convert", name, "--to", "jsonl")
    assert (result.code, result.err) == (0, "")
    [line] = result.lines
    assert json.loads(line) == json.loads(cli("convert", name, "--to", "json").out)
    full = cli("convert", name, "--to", "jsonl", "--full", "-o", "exp.jsonl")
    assert (full.code, full.out) == (0, "")
    written = (cli.cwd / "exp.jsonl").read_text(encoding="utf-8")
    assert written.endswith("\n")
    assert written.count("\n") == 1
    assert json.loads(written) == json.loads(cli("convert", name, "--to", "json", "--full").out)
    back = cli("validate", "--type", "experiment", "exp.jsonl")
    assert (back.code, back.out) == (0, "")


def test_one_document_to_jsonl_refuses_a_comment_it_would_lose(cli: Runner) -> None:
    cli.write("exp.yaml", "id: e  # the id\nbackend: {id: b}\npipeline: [{name: a}]\n")
    result = cli("convert", "exp.yaml", "--to", "jsonl", "-o", "out.jsonl")
    assert (result.code, result.out) == (1, "")
    assert result.err_lines == [
        "exp.yaml:1:8: a comment, which convert would drop (the YAML and TOML writers keep "
        "no comments)"
    ]
    assert not (cli.cwd / "out.jsonl").exists()


def test_jsonl_to_jsonl_writes_its_records_again_one_a_line(cli: Runner) -> None:
    cli.write(
        "events.jsonl",
        '{"latency_ms": 3, "id": "e1", "input": {"b": 1, "a": 2}}\n'
        "\n"
        '{"id": "e2", "timestamp": "2024-03-16T12:03:13+02:00"}\r\n'
        '{"id": "e3"}',
    )
    result = cli("convert", "events.jsonl", "--to", "jsonl")
    assert (result.code, result.err) == (0, "")
    assert result.lines == [
        '{"id":"e1","input":{"b":1,"a":2},"latency_ms":3}',
        '{"id":"e2","timestamp":"2024-03-16T12:03:13+02:00"}',
        '{"id":"e3"}',
    ]
    assert cli("convert", "events.jsonl", "--to", "jsonl", "-o", "out.jsonl").code == 0
    assert (cli.cwd / "out.jsonl").read_text(encoding="utf-8") == result.out
    stdin = cli("convert", "-", "--to", "jsonl", "-t", "feedback.event", stdin=result.out)
    assert (stdin.code, stdin.out) == (0, result.out)


def test_jsonl_to_jsonl_reports_every_bad_record_and_writes_nothing(cli: Runner) -> None:
    text = '{"id": "e1"}\n{"id": "e2", "zz": 1}\n{"id": "e3"}\n{"id": "e4", "latency_ms": -1}\n'
    cli.write("events.jsonl", text)
    result = cli("convert", "events.jsonl", "--to", "jsonl", "-o", "out.jsonl")
    assert (result.code, result.out) == (1, "")
    line, column = where(text, '"zz"')
    assert result.err_lines == [
        f"events.jsonl:{line}:{column}: zz: unknown field `zz` (convert would drop it)",
        "events.jsonl:{}:{}: latency_ms: expected an integer >= 0, got -1".format(
            *where(text, "-1")
        ),
        "crucible-ir: events.jsonl: 2 bad records; nothing written to out.jsonl",
    ]
    assert not (cli.cwd / "out.jsonl").exists()
    printed = cli("convert", "events.jsonl", "--to", "jsonl")
    assert printed.code == 1
    assert printed.lines == ['{"id":"e1"}']  # nothing after the first bad record
    assert printed.err_lines[-1] == "crucible-ir: events.jsonl: 2 bad records"


def test_jsonl_to_another_format_is_refused(cli: Runner) -> None:
    cli.write("events.jsonl", '{"id": "e1"}\n')
    result = cli("convert", "events.jsonl", "--to", "json")
    assert result.code == 2
    assert "a JSON Lines file holds many documents" in result.err
    partition = cli("convert", "events.jsonl", "--to", "jsonl", "--partition-by", "id")
    assert (partition.code, partition.err_lines) == (
        2,
        ["crucible-ir: --partition-by applies to --to parquet"],
    )
