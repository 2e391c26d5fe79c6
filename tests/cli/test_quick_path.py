"""``validate FILE.json`` has a quick path for valid files: it never disagrees with the full one.

``crucible-ir validate a.json b.json`` (with at most ``--type``) may answer "valid"
without the full decoder; any other option (``--format text`` here) takes the
full path. For every tricky document below, both must give the same exit status,
and an invalid document must be reported the same way.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from ._support import Runner

BASE = {"id": "exp", "backend": {"id": "b"}, "pipeline": [{"name": "a"}]}


def doc(**changes: object) -> str:
    return json.dumps({**BASE, **changes})


def stamp(value: str) -> str:
    return doc(created_at=value)


EXPERIMENTS: dict[str, str] = {
    "plain": doc(),
    "whitespace_around": "\r\n\t " + doc() + " \n\n",
    "bom": "\ufeff" + doc(),
    "stamp_ok": stamp("2024-03-15T09:30:00Z"),
    "stamp_offset": stamp("2024-03-15T11:30:00.123456+02:00"),
    "stamp_7_digits": stamp("2024-03-15T09:30:00.1234567Z"),
    "stamp_feb_30": stamp("2024-02-30T00:00:00Z"),
    "stamp_hour_24": stamp("2024-03-15T24:00:00Z"),
    "stamp_space": stamp("2024-03-15 09:30:00Z"),
    "stamp_lowercase": stamp("2024-03-15t09:30:00z"),
    "stamp_offset_24": stamp("2024-03-15T09:30:00+24:00"),
    "stamp_leap_second": stamp("2024-03-15T09:30:60Z"),
    "stamp_no_seconds": stamp("2024-03-15T09:30Z"),
    "stamp_naive": stamp("2024-03-15T09:30:00"),
    "stamp_basic": stamp("20240315T093000Z"),
    "stamp_year_0": stamp("0000-01-01T00:00:00Z"),
    "stamp_order": doc(created_at="2024-03-15T09:30:00Z", updated_at="2024-03-15T09:29:59Z"),
    "stamp_order_offsets": doc(
        created_at="2024-03-15T09:30:00Z", updated_at="2024-03-15T10:29:59+01:00"
    ),
    "url_ok": doc(backend={"id": "b", "endpoint_url": "https://[::1]:8080/v1?q=1#f"}),
    "url_upper": doc(backend={"id": "b", "endpoint_url": "HTTPS://EXAMPLE.COM"}),
    "url_empty_host": doc(backend={"id": "b", "endpoint_url": "http://"}),
    "url_ftp": doc(backend={"id": "b", "endpoint_url": "ftp://example.com"}),
    "url_space": doc(backend={"id": "b", "endpoint_url": "https://exa mple.com"}),
    "url_port": doc(backend={"id": "b", "endpoint_url": "https://example.com:99999"}),
    "url_relative": doc(backend={"id": "b", "endpoint_url": "/v1/chat"}),
    "semver_ok": doc(model_version={"id": "m", "model_id": "m", "version": "1.0.0-rc.1+b.2"}),
    "semver_short": doc(model_version={"id": "m", "model_id": "m", "version": "1.0"}),
    "semver_zero": doc(model_version={"id": "m", "model_id": "m", "version": "01.0.0"}),
    "semver_pre_zero": doc(model_version={"id": "m", "model_id": "m", "version": "1.0.0-rc.01"}),
    "semver_parent": doc(
        model_version={"id": "m", "model_id": "m", "version": "1.0.0", "parent_version": "v1"}
    ),
    "id_empty": doc(id=""),
    "id_blank": doc(id=" "),
    "id_number": doc(id=5),
    "duplicate_key_last_bad": '{"id": "x", "id": "", "backend": {"id": "b"}, '
    '"pipeline": [{"name": "a"}]}',
    "duplicate_key_last_good": '{"id": "", "id": "x", "backend": {"id": "b"}, '
    '"pipeline": [{"name": "a"}]}',
    "pipeline_empty": doc(pipeline=[]),
    "pipeline_duplicate": doc(pipeline=[{"name": "a"}, {"name": "a"}]),
    "outputs_duplicate": doc(outputs=[{"name": "o"}, {"name": "o"}]),
    "enabled_int": doc(pipeline=[{"name": "a", "enabled": 1}]),
    "alpha_bool": doc(reliability={"stats": {"alpha": True}}),
    "alpha_int": doc(reliability={"stats": {"alpha": 1}}),
    "alpha_negative_zero": doc(reliability={"stats": {"alpha": -0.0}}),
    "alpha_just_above": doc(reliability={"stats": {"alpha": 1.0000000000000002}}),
    "alpha_max_float": doc(reliability={"stats": {"alpha": 1.7976931348623157e308}}),
    "delay_float": doc(reliability={"hedging": {"delay_ms": 100.0}}),
    "delay_exponent": '{"id": "exp", "backend": {"id": "b"}, "pipeline": [{"name": "a"}], '
    '"reliability": {"hedging": {"delay_ms": 1E2}}}',
    "delay_huge": doc(reliability={"hedging": {"delay_ms": 10**30}}),
    "strategy_case": doc(reliability={"hedging": {"strategy": "OFF"}}),
    "strategy_null": doc(reliability={"hedging": {"strategy": None}}),
    "profile_null": doc(backend={"id": "b", "profile": None}),
    "weights_not_in_models": doc(
        reliability={"ensemble": {"models": ["a"], "weights": {"a": 0.5, "b": 0.5}}}
    ),
    "weights_bool": doc(reliability={"ensemble": {"models": ["a"], "weights": {"a": True}}}),
    "tags_empty_string": doc(tags=["a", ""]),
    "metadata_overflow": doc()[:-1] + ', "metadata": {"n": 1e400}}',
    "unknown_key_overflow": doc()[:-1] + ', "extra": [-1e999]}',
    "unknown_key_nan": doc()[:-1] + ', "extra": NaN}',
    "control_character": doc()[:-1] + ', "description": "a\tb"}',
    "escape": doc(description="caf\u00e9 \ud83d\ude00"),
    "escaped_lone_surrogate": doc()[:-1] + ', "description": "\\ud800"}',
    "big_int_digits": doc()[:-1] + ', "metadata": {"n": ' + "7" * 4301 + "}}",
    "trailing_comma": doc()[:-1] + ",}",
    "two_documents": doc() + doc(),
    "fallback_300": '{"id": "exp", "pipeline": [{"name": "a"}], "backend": '
    + '{"id": "b", "fallback": ' * 300
    + '{"id": "z"}'
    + "}" * 300
    + "}",
    "training": doc(
        training_config={
            "id": "t",
            "model_ref": {"id": "m"},
            "dataset_ref": {"name": "d"},
            "validation_split": 1.0,
        }
    ),
    "baseline_null_id": doc(baseline={"id": None}),
}

OTHER_TYPES: dict[str, tuple[str, str]] = {
    "status_replicas": (
        "deployment.status",
        '{"id": "s", "deployment_id": "d", "ready_replicas": 4, "total_replicas": 3}',
    ),
    "status_traffic": (
        "deployment.status",
        '{"id": "s", "deployment_id": "d", "traffic_percent": 100.0000001}',
    ),
    "event_ok": ("feedback.event", '{"id": "e", "feedback_value": [1, {"a": null}]}'),
    "event_latency": ("feedback.event", '{"id": "e", "latency_ms": -1}'),
    "run_times": (
        "training.run",
        '{"id": "r", "config": {"id": "c", "model_ref": {"id": "m"}, "dataset_ref": '
        '{"name": "d"}}, "started_at": "2024-01-02T00:00:00Z", '
        '"completed_at": "2024-01-01T00:00:00Z"}',
    ),
    "prompt_role": ("backend.prompt", '{"messages": [{"role": "User", "content": "hi"}]}'),
    "hedging_percentile": ("reliability.hedging", '{"percentile": 95.0}'),
}


def _full_verdicts(cli: Runner, type_name: str, names: list[str]) -> dict[str, list[str]]:
    """Each file's problems on the full path (any option but --type disables the quick one)."""
    result = cli("validate", "--type", type_name, "--format", "json", *names)
    assert result.code in (0, 1), result.err
    found: dict[str, list[str]] = {name: [] for name in names}
    for problem in json.loads(result.out):
        found[problem["file"]].append(
            f"{problem['file']}:{problem['line']}:{problem['column']}: "
            f"{problem['path'] or '(root)'}: {problem['message']}"
        )
    return found


@pytest.mark.slow
def test_the_quick_path_agrees_with_the_full_one(cli: Runner) -> None:
    groups: dict[str, list[str]] = {}
    for name, text in EXPERIMENTS.items():
        cli.write(f"{name}.json", text)
        groups.setdefault("experiment", []).append(f"{name}.json")
    for name, (type_name, text) in OTHER_TYPES.items():
        cli.write(f"{name}.json", text)
        groups.setdefault(type_name, []).append(f"{name}.json")

    jobs: list[tuple[str, str, list[str]]] = []
    for type_name, names in groups.items():
        verdicts = _full_verdicts(cli, type_name, names)
        valid = [name for name in names if not verdicts[name]]
        if valid:  # all at once: the quick path may answer for all of them together
            jobs.append((type_name, "", valid))
        jobs += [(type_name, name, verdicts[name]) for name in names if verdicts[name]]

    def run(job: tuple[str, str, list[str]]) -> tuple[str, int, list[str], list[str]]:
        type_name, name, expected = job
        if not name:
            result = cli("validate", "--type", type_name, *expected)
            return "+".join(expected), result.code, result.lines, []
        result = cli("validate", "--type", type_name, name)
        return name, result.code, result.lines, expected

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(run, jobs))
    disagreements = [
        (name, code, lines, expected)
        for name, code, lines, expected in outcomes
        if code != (1 if expected else 0) or lines != expected
    ]
    assert disagreements == []
    # The corpus holds both kinds, or it proves nothing.
    assert sum(1 for _, _, _, expected in outcomes if expected) >= 30
    assert sum(len(n.split("+")) for n, _, _, expected in outcomes if not expected) >= 15


def test_the_quick_path_accepts_the_shipped_json_examples(cli: Runner) -> None:
    from ._support import EXAMPLES

    files = sorted(str(p) for p in EXAMPLES.glob("*.json"))
    result = cli("validate", *files)
    assert (result.code, result.out, result.err) == (0, "", "")


def test_the_quick_path_reports_a_missing_file(cli: Runner) -> None:
    cli.write("ok.json", EXPERIMENTS["plain"])
    result = cli("validate", "ok.json", "absent.json")
    assert (result.code, result.out) == (2, "")
    assert result.err_lines == ["crucible-ir: absent.json: cannot read: No such file or directory"]


def test_the_quick_path_with_an_unknown_type(cli: Runner) -> None:
    cli.write("ok.json", EXPERIMENTS["plain"])
    for args in (["--type", "nonsense"], ["--type=nonsense"], ["-t", "nonsense"]):
        result = cli("validate", *args, "ok.json")
        assert (result.code, result.out) == (2, "")
        assert "unknown IR type name 'nonsense'" in result.err
