"""DuckDB over the Parquet files: ``examples/columnar/feedback_analytics.py``.

The answers are checked against the same questions answered in plain Python
over the events themselves (``conftest.expected_report``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from crucible_ir import arrow, feedback

from .conftest import assert_same_report, expected_report, load_example

analytics = load_example("feedback_analytics")


@pytest.fixture(scope="module")
def events() -> list[feedback.Event]:
    return analytics.demo_events(3000, seed=11)


def test_the_four_questions_over_a_file(tmp_path: Path, events: list[feedback.Event]) -> None:
    path = tmp_path / "events.parquet"
    arrow.write_parquet(events, path, "feedback.event")
    expected = expected_report(events)
    got = analytics.report(path)
    assert_same_report(got, expected)
    # The demo data drifts in its last week: the canary degrades.
    assert got.drift.drifted()
    assert got.drift.current == (dt.date(2024, 3, 22), dt.date(2024, 3, 28))
    assert not analytics.report(path).drift.drifted(rate_drop=0.5, latency_rise=5)


def test_the_same_answers_over_a_partitioned_directory(
    tmp_path: Path, events: list[feedback.Event]
) -> None:
    out = tmp_path / "events"
    arrow.write_parquet(
        events, out, "feedback.event", partition_by=["deployment_id", "feedback_type"]
    )
    assert_same_report(analytics.report(out), expected_report(events))


def test_the_questions_count_nulls_apart(tmp_path: Path) -> None:
    utc = dt.timezone.utc
    events = [
        feedback.Event(
            id="a",
            feedback_value="up",
            latency_ms=10,
            timestamp=dt.datetime(2024, 1, 1, 23, tzinfo=utc),
        ),
        # 23:30 at -02:00 is 01:30 UTC the next day: days are UTC days.
        feedback.Event(
            id="b",
            feedback_value="down",
            latency_ms=30,
            timestamp=dt.datetime(2024, 1, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-2))),
        ),
        feedback.Event(id="c", feedback_type="rating", feedback_value=5, model_version="1.0.0"),
        feedback.Event(id="d", deployment_id="prod", latency_ms=20),
    ]
    path = tmp_path / "few.parquet"
    arrow.write_parquet(events, path, "feedback.event")
    got = analytics.report(path)
    assert_same_report(got, expected_report(events))
    assert got.counts == [("rating", "1.0.0", 1), ("thumbs", None, 3)]
    assert got.latency == [(None, 2, 20.0, 29.0), ("prod", 1, 20.0, 20.0)]
    assert got.daily_thumbs_up == [(dt.date(2024, 1, 1), 1, 1.0), (dt.date(2024, 1, 2), 1, 0.0)]


def test_duckdb_reads_the_schema_metadata_and_the_json_text(tmp_path: Path) -> None:
    path = tmp_path / "e.parquet"
    event = feedback.Event(id="a", input={"prompt": "hi", "params": {"temperature": 0.5}})
    arrow.write_parquet([event], path, "feedback.event")
    con = duckdb.connect()
    metadata = dict(
        con.execute("SELECT key, value FROM parquet_kv_metadata(?)", [str(path)]).fetchall()
    )
    assert metadata[b"crucible_ir.type"] == b"feedback.event"
    assert metadata[b"crucible_ir.ir_version"] == b"0.3.0"
    query = f"""
        SELECT json_extract(input, '$.params.temperature')::DOUBLE,
               input->>'$.prompt', typeof("timestamp"), typeof(latency_ms)
        FROM {analytics.source(path)}
    """
    assert con.execute(query).fetchall() == [(0.5, "hi", "TIMESTAMP WITH TIME ZONE", "BIGINT")]
    assert (
        json.loads(con.execute(f"SELECT input FROM {analytics.source(path)}").fetchone()[0])
        == event.input
    )


def test_paths_with_quotes_are_quoted(tmp_path: Path) -> None:
    path = tmp_path / "it's.parquet"
    arrow.write_parquet([feedback.Event(id="a")], path, "feedback.event")
    assert analytics.report(path).counts == [("thumbs", None, 1)]


def test_the_script_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert analytics.main([]) == 0
    out = capsys.readouterr().out
    assert "wrote 5000 demo events to Parquet" in out
    assert "drifted: True" in out
