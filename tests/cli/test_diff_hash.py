"""``crucible-ir diff`` (changed paths, old -> new) and ``crucible-ir hash`` (the fingerprint)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._support import EXAMPLES, Runner, uncommented

if TYPE_CHECKING:
    import pytest

JSON_DOC = """\
{
  "pipeline": [{"name": "prep", "options": {"b": 2, "a": 1}}, {"name": "infer"}],
  "id": "exp",
  "backend": {"id": "gpt4"},
  "created_at": "2024-03-15T11:30:00+02:00",
  "reliability": {"stats": {"alpha": 0.01}},
  "tags": ["a", "b"]
}
"""
# The same experiment: YAML, other key order, defaults spelled out, the same
# instant in UTC.
YAML_DOC = """\
id: exp
tags: [a, b]
created_at: "2024-03-15T09:30:00Z"
backend:
  id: gpt4
  profile: default
  fallback: null
pipeline:
  - name: prep
    enabled: true
    options: {a: 1, b: 2}
  - {name: infer, module: null}
reliability:
  stats: {alpha: 0.01, tests: [ttest, bootstrap]}
  ensemble: null
"""
TOML_DOC = """\
id = "exp"
tags = ["a", "b"]
created_at = 2024-03-15T10:30:00+01:00

[backend]
id = "gpt4"

[[pipeline]]
name = "prep"
options = { b = 2, a = 1 }

[[pipeline]]
name = "infer"
enabled = true

[reliability.stats]
alpha = 0.01
"""

HASH_LINE = re.compile(r"sha256:[0-9a-f]{64}  .+")


def digest(data: object) -> str:
    """The README's algorithm, written out again here: compact sorted JSON, raw UTF-8, SHA-256."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def hashes(cli: Runner, *names: str, type_name: str = "experiment") -> list[str]:
    result = cli("hash", "--type", type_name, *names)
    assert result.code == 0, result.err
    assert all(HASH_LINE.fullmatch(line) for line in result.lines), result.out
    assert [line.split("  ", 1)[1] for line in result.lines] == list(names)
    return [line.split("  ", 1)[0] for line in result.lines]


# -- hash -----------------------------------------------------------------------------------------


def test_hash_prints_sha256_and_the_file_name(cli: Runner) -> None:
    cli.write("exp.json", JSON_DOC)
    result = cli("hash", "exp.json")
    assert result.code == 0
    assert re.fullmatch(r"sha256:[0-9a-f]{64}  exp\.json\n", result.out)


def test_hash_is_the_same_across_formats_order_whitespace_offsets_and_defaults(
    cli: Runner,
) -> None:
    cli.write("exp.json", JSON_DOC)
    cli.write("exp.yaml", YAML_DOC)
    cli.write("exp.toml", TOML_DOC)
    cli.write("compact.json", json.dumps(json.loads(JSON_DOC), separators=(",", ":")))
    cli.write("sorted.json", json.dumps(json.loads(JSON_DOC), sort_keys=True, indent=7))
    names = ["exp.json", "exp.yaml", "exp.toml", "compact.json", "sorted.json"]
    assert len(set(hashes(cli, *names))) == 1


REAL_CHANGES = [
    ('"alpha": 0.01', '"alpha": 0.02'),
    ('"name": "infer"', '"name": "infer2"'),
    ('"tags": ["a", "b"]', '"tags": ["b", "a"]'),
    ("11:30:00+02:00", "11:30:00.000001+02:00"),
    ("11:30:00+02:00", "11:30:00+01:00"),
    ('{"id": "gpt4"}', '{"id": "gpt4", "profile": "fast"}'),
    ('{"name": "infer"}', '{"name": "infer", "enabled": false}'),
    ('"b": 2, "a": 1', '"b": 2, "a": 1.0'),  # an integer is not a float
    ('"tags": ["a", "b"]', '"tags": ["a", "b"], "owner": null, "description": ""'),
]


def test_hash_changes_after_a_real_change(cli: Runner) -> None:
    cli.write("base.json", JSON_DOC)
    names = ["base.json"]
    for i, (old, new) in enumerate(REAL_CHANGES):
        assert old in JSON_DOC
        names.append(f"changed_{i}.json")
        cli.write(names[-1], JSON_DOC.replace(old, new))
    found = hashes(cli, *names)
    assert len(set(found)) == len(names), list(zip(names, found, strict=True))


def test_hash_follows_the_readme_algorithm(cli: Runner) -> None:
    # Every field of feedback.event written out by hand in canonical form: defaults
    # filled in, nulls for the unset optional fields, the timestamp in UTC with six
    # fraction digits, big integers exact, non-ASCII raw.
    text = (
        "id: evt_1\n"
        'timestamp: "2024-03-16T14:03:13.25+02:00"\n'
        "feedback_value: {label: neutral, score: 0.5, tiny: 1.0e-5, large: 1.0e+21}\n"
        "latency_ms: 117\n"
        'metadata: {note: "données ✓ \\t \\" \\\\ \\u0001", big: 123456789012345678901234567890}\n'
    )
    canonical = {
        "id": "evt_1",
        "deployment_id": None,
        "model_version": None,
        "input": None,
        "output": None,
        "feedback_type": "thumbs",
        "feedback_value": {"label": "neutral", "score": 0.5, "tiny": 1e-05, "large": 1e21},
        "user_id": None,
        "session_id": None,
        "latency_ms": 117,
        "metadata": {"note": 'données ✓ \t " \\ \x01', "big": 123456789012345678901234567890},
        "timestamp": "2024-03-16T12:03:13.250000Z",
    }
    cli.write("event.yaml", text)
    [got] = hashes(cli, "event.yaml", type_name="feedback.event")
    assert got == digest(canonical)
    expected_bytes = (
        '{"deployment_id":null,"feedback_type":"thumbs","feedback_value":{"label":"neutral",'
        '"large":1e+21,"score":0.5,"tiny":1e-05},"id":"evt_1","input":null,"latency_ms":117,'
        '"metadata":{"big":123456789012345678901234567890,'
        '"note":"données ✓ \\t \\" \\\\ \\u0001"},"model_version":null,"output":null,'
        '"session_id":null,"timestamp":"2024-03-16T12:03:13.250000Z","user_id":null}'
    )
    assert got == "sha256:" + hashlib.sha256(expected_bytes.encode("utf-8")).hexdigest()


def test_hash_of_every_example_is_the_digest_of_its_canonical_form(cli: Runner) -> None:
    sources = sorted(str(p) for p in EXAMPLES.iterdir())
    copies = [cli.write(Path(source).name, uncommented(Path(source))) for source in sources]
    full = [cli("convert", "--full", "--to", "json", copy).out for copy in copies]
    expected = [digest(json.loads(text)) for text in full]
    assert hashes(cli, *sources) == expected
    assert len(set(expected)) == len(sources)


def test_hash_of_an_undecodable_file_exits_1_and_the_others_are_still_hashed(
    cli: Runner,
) -> None:
    cli.write("bad.yaml", "id: exp\nbackend: [b]\npipeline: [{name: a}]\n")
    cli.write("ok.json", JSON_DOC)
    result = cli("hash", "bad.yaml", "ok.json")
    assert result.code == 1
    assert [line.split("  ")[1] for line in result.lines] == ["ok.json"]
    assert result.err_lines == [
        "bad.yaml:2:10: backend: expected an object (backend_ref), got array"
    ]


def test_hash_of_a_missing_file_exits_2(cli: Runner) -> None:
    result = cli("hash", "missing.json")
    assert (result.code, result.out) == (2, "")
    assert result.err_lines == ["crucible-ir: missing.json: cannot read: No such file or directory"]


# -- diff -----------------------------------------------------------------------------------------


def test_diff_of_the_same_document_in_another_format_is_empty(cli: Runner) -> None:
    cli.write("exp.json", JSON_DOC)
    cli.write("exp.yaml", YAML_DOC)
    cli.write("exp.toml", TOML_DOC)
    for other in ("exp.yaml", "exp.toml"):
        result = cli("diff", "exp.json", other)
        assert (result.code, result.out, result.err) == (0, "", "")


def test_diff_of_an_example_and_its_yaml_conversion_is_empty(cli: Runner) -> None:
    source = EXAMPLES / "comprehensive.json"
    assert cli("convert", source, "--to", "yaml", "-o", "comprehensive.yaml").code == 0
    result = cli("diff", source, "comprehensive.yaml")
    assert (result.code, result.out) == (0, "")


CHANGED_YAML = (
    YAML_DOC.replace("alpha: 0.01", "alpha: 0.02")
    .replace("profile: default", "profile: fast")
    .replace("tags: [a, b]", "tags: [a]")
    .replace("  - {name: infer, module: null}", "  - {name: infer, module: null}\n  - name: out")
)


def test_diff_lists_every_changed_path_with_old_and_new(cli: Runner) -> None:
    cli.write("old.json", JSON_DOC)
    cli.write("new.yaml", CHANGED_YAML)
    result = cli("diff", "old.json", "new.yaml")
    assert result.code == 1
    assert result.lines == [
        'backend.profile: "default" -> "fast"',
        'pipeline[2]: (absent) -> {"enabled": true, "module": null, "name": "out", '
        '"options": null}',
        "reliability.stats.alpha: 0.01 -> 0.02",
        'tags[1]: "b" -> (absent)',
    ]
    assert result.err == ""


def test_diff_the_other_way_round(cli: Runner) -> None:
    cli.write("old.json", JSON_DOC)
    cli.write("new.yaml", CHANGED_YAML)
    result = cli("diff", "new.yaml", "old.json")
    assert result.code == 1
    assert result.lines[0] == 'backend.profile: "fast" -> "default"'
    assert result.lines[1].startswith('pipeline[2]: {"enabled": true, ')
    assert result.lines[1].endswith("} -> (absent)")


def test_diff_of_values_of_different_types_and_nulls(cli: Runner) -> None:
    cli.write("a.json", JSON_DOC)
    cli.write(
        "b.json",
        JSON_DOC.replace('"b": 2, "a": 1', '"b": 2.0, "a": null').replace(
            '"tags": ["a", "b"]', '"tags": ["a", "b"], "owner": "me"'
        ),
    )
    result = cli("diff", "a.json", "b.json")
    assert result.code == 1
    assert result.lines == [
        'owner: null -> "me"',
        "pipeline[0].options.a: 1 -> null",
        "pipeline[0].options.b: 2 -> 2.0",
    ]


def test_diff_json_output(cli: Runner) -> None:
    cli.write("old.json", JSON_DOC)
    cli.write("new.yaml", CHANGED_YAML)
    result = cli("diff", "--format", "json", "old.json", "new.yaml")
    assert result.code == 1
    changes = json.loads(result.out)
    assert changes == [
        {"path": "backend.profile", "old": "default", "new": "fast"},
        {
            "path": "pipeline[2]",
            "new": {"enabled": True, "module": None, "name": "out", "options": None},
        },
        {"path": "reliability.stats.alpha", "old": 0.01, "new": 0.02},
        {"path": "tags[1]", "old": "b"},
    ]
    same = cli("diff", "--format", "json", "old.json", "old.json")
    assert (same.code, json.loads(same.out)) == (0, [])


def test_diff_exits_2_when_a_side_does_not_decode(cli: Runner) -> None:
    cli.write("ok.json", JSON_DOC)
    cli.write("bad.json", '{"id": "exp", "backend": {"id": "b"}, "pipeline": [}')
    for args in (("ok.json", "bad.json"), ("bad.json", "ok.json")):
        result = cli("diff", *args)
        assert (result.code, result.out) == (2, "")
        assert len(result.err_lines) == 1
        assert result.err_lines[0].startswith("bad.json:1:")


def test_diff_exits_2_when_a_side_is_missing(cli: Runner) -> None:
    cli.write("ok.json", JSON_DOC)
    result = cli("diff", "ok.json", "gone.yaml")
    assert (result.code, result.out) == (2, "")
    assert result.err_lines == ["crucible-ir: gone.yaml: cannot read: No such file or directory"]


def test_diff_of_other_types(cli: Runner) -> None:
    cli.write("a.yaml", "strategy: fixed\ndelay_ms: 100\n")
    cli.write("b.toml", 'strategy = "fixed"\ndelay_ms = 150\n')
    result = cli("diff", "--type", "reliability.hedging", "a.yaml", "b.toml")
    assert result.code == 1
    assert result.lines == ["delay_ms: 100 -> 150"]


def _at_stack_depth(frames: int, fn: Any) -> Any:
    return fn() if frames <= 0 else _at_stack_depth(frames - 1, fn)


def test_a_value_too_deep_to_show_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What a command cannot follow for depth is the input's fault, not an internal error.

    Run in-process from 400 frames down: the reader places the nesting limit
    the same at any depth of the stack.
    """
    from crucible_ir._cli import main

    deep = "[" * 800 + "]" * 800
    (tmp_path / "old.json").write_text('{"name": "s", "options": {"o": 1}}')
    (tmp_path / "new.json").write_text('{"name": "s", "options": {"o": ' + deep + "}}")
    argv = ["diff", "--type", "stage_def", str(tmp_path / "old.json"), str(tmp_path / "new.json")]
    assert _at_stack_depth(400, lambda: main(argv)) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{tmp_path / 'new.json'}:1:286: (root): nested too deeply (more than 256 levels)"
    ]
