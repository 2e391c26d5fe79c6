"""Feedback analytics with DuckDB, straight from Parquet.

The questions a team asks of its feedback, in SQL over the Parquet files that
`crucible_ir.arrow` writes (DuckDB reads them directly, no loading step):

1. how many events of each feedback type and model version;
2. latency p50 and p95 per deployment;
3. the daily share of thumbs-up among thumbs events;
4. a drift check: the last 7 days against the 7 days before.

Opaque values are JSON text, so ``feedback_value`` is read with DuckDB's JSON
functions (``json_extract_string(feedback_value, '$') = 'up'``).

    python examples/columnar/feedback_analytics.py                  # demo events
    python examples/columnar/feedback_analytics.py events.parquet   # your file, or a partitioned directory

Needs ``pip install 'crucible-ir[arrow]' duckdb``.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from crucible_ir import arrow, feedback

DEPLOYMENTS = ("llama3-prod", "llama3-canary", "gpt4o-use1", "claude-support")
MODEL_VERSIONS = ("2.0.3", "2.1.0", "2.1.1-rc.1")
FEEDBACK_TYPES = ("thumbs", "thumbs", "rating", "correction", "label")
START = dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc)
WINDOW_DAYS = 7


def demo_events(count: int = 5000, *, seed: int = 7, days: int = 28) -> list[feedback.Event]:
    """Deterministic feedback events over ``days`` days; the canary degrades in the last week."""
    rng = random.Random(seed)
    events = []
    for n in range(count):
        deployment = rng.choice(DEPLOYMENTS)
        moment = START + dt.timedelta(seconds=rng.randrange(days * 86_400))
        late = moment >= START + dt.timedelta(days=days - WINDOW_DAYS)
        degraded = late and deployment == "llama3-canary"
        kind = rng.choice(FEEDBACK_TYPES)
        value: Any
        if kind == "thumbs":
            value = "down" if rng.random() < (0.6 if degraded else 0.25) else "up"
        elif kind == "rating":
            value = rng.randint(1, 5)
        elif kind == "correction":
            value = "the answer should cite its source"
        else:
            value = rng.choice(("helpful", "off_topic", "hallucination"))
        latency = int(rng.lognormvariate(6.0, 0.5) * (1.5 if degraded else 1.0))
        events.append(
            feedback.Event(
                id=f"evt_{n:06d}",
                deployment_id=deployment,
                model_version=rng.choice(MODEL_VERSIONS) if rng.random() > 0.05 else None,
                feedback_type=kind,
                feedback_value=value,
                latency_ms=latency if rng.random() > 0.03 else None,
                timestamp=moment if rng.random() > 0.01 else None,
                user_id=f"user_{rng.randrange(500)}",
                input={"prompt": "How do I reset my password?", "params": {"temperature": 0.2}},
                output={"text": "Open Settings, then Security.", "tokens": rng.randint(5, 400)},
            )
        )
    return events


@dataclass(frozen=True)
class Drift:
    """One window of days against the window before it."""

    current: tuple[dt.date, dt.date]
    """First and last day of the recent window."""
    previous: tuple[dt.date, dt.date]
    thumbs_up_rate: tuple[float | None, float | None]
    """Share of thumbs-up among thumbs events: (current, previous)."""
    mean_latency_ms: tuple[float | None, float | None]
    events: tuple[int, int]

    def drifted(self, *, rate_drop: float = 0.05, latency_rise: float = 0.2) -> bool:
        """Whether the thumbs-up rate fell by ``rate_drop`` or latency rose by ``latency_rise``."""
        (rate, rate_before), (latency, latency_before) = self.thumbs_up_rate, self.mean_latency_ms
        fell = rate is not None and rate_before is not None and rate_before - rate >= rate_drop
        rose = (
            latency is not None
            and latency_before is not None
            and latency >= latency_before * (1 + latency_rise)
        )
        return fell or rose


@dataclass(frozen=True)
class Report:
    """The answers to the four questions."""

    counts: list[tuple[str, str | None, int]]
    """(feedback_type, model_version, events), sorted."""
    latency: list[tuple[str | None, int, float, float]]
    """(deployment_id, events with a latency, p50, p95), sorted; quantiles interpolate linearly."""
    daily_thumbs_up: list[tuple[dt.date, int, float]]
    """(UTC day, thumbs events, share of thumbs-up), by day."""
    drift: Drift


COUNTS = """
SELECT feedback_type, model_version, count(*) AS events
FROM events
GROUP BY ALL
ORDER BY feedback_type, model_version NULLS FIRST
"""

LATENCY = """
SELECT deployment_id,
       count(*) AS events,
       quantile_cont(latency_ms, 0.5) AS p50,
       quantile_cont(latency_ms, 0.95) AS p95
FROM events
WHERE latency_ms IS NOT NULL
GROUP BY ALL
ORDER BY deployment_id NULLS FIRST
"""

# Opaque values are JSON text: feedback_value holds '"up"' for a thumbs-up.
DAILY_THUMBS_UP = """
SELECT CAST(timezone('UTC', "timestamp") AS DATE) AS day,
       count(*) AS thumbs,
       avg(CASE WHEN json_extract_string(feedback_value, '$') = 'up' THEN 1.0 ELSE 0.0 END)
           AS thumbs_up_share
FROM events
WHERE feedback_type = 'thumbs' AND "timestamp" IS NOT NULL
GROUP BY ALL
ORDER BY day
"""

# The last WINDOW_DAYS days (up to the latest event's UTC day) against the days before.
DRIFT = """
WITH dated AS (
    SELECT CAST(timezone('UTC', "timestamp") AS DATE) AS day, *
    FROM events
    WHERE "timestamp" IS NOT NULL
),
windowed AS (
    SELECT CASE
               WHEN day > last_day - $days THEN 'current'
               WHEN day > last_day - 2 * $days THEN 'previous'
           END AS period, *
    FROM dated, (SELECT max(day) AS last_day FROM dated)
)
SELECT period,
       min(last_day) AS last_day,
       count(*) AS events,
       avg(CASE WHEN json_extract_string(feedback_value, '$') = 'up' THEN 1.0 ELSE 0.0 END)
           FILTER (WHERE feedback_type = 'thumbs') AS thumbs_up_rate,
       avg(latency_ms) AS mean_latency_ms
FROM windowed
WHERE period IS NOT NULL
GROUP BY period
"""


def source(path: str | Path) -> str:
    """The SQL that reads a Parquet file, or a Hive-partitioned directory, of events."""
    path = Path(path)
    if path.is_dir():
        pattern = _literal(str(path / "**" / "*.parquet"))
        return f"read_parquet({pattern}, hive_partitioning = true, hive_types_autocast = false)"
    return f"read_parquet({_literal(str(path))})"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(path: str | Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a view ``events`` over the Parquet at ``path``."""
    con = duckdb.connect()
    con.execute(f"CREATE VIEW events AS SELECT * FROM {source(path)}")
    return con


def report(path: str | Path) -> Report:
    """Answer the four questions over the Parquet events at ``path``."""
    with connect(path) as con:
        counts = [(t, v, int(n)) for t, v, n in con.execute(COUNTS).fetchall()]
        latency = [
            (d, int(n), float(p50), float(p95))
            for d, n, p50, p95 in con.execute(LATENCY).fetchall()
        ]
        daily = [(day, int(n), float(s)) for day, n, s in con.execute(DAILY_THUMBS_UP).fetchall()]
        windows = {row[0]: row[1:] for row in con.execute(DRIFT, {"days": WINDOW_DAYS}).fetchall()}
    return Report(counts, latency, daily, drift_of(windows))


def drift_of(windows: dict[str, tuple[Any, ...]]) -> Drift:
    """A `Drift` from ``{window: (last_day, events, thumbs_up_rate, mean_latency_ms)}``."""
    empty = (None, 0, None, None)
    current, previous = windows.get("current", empty), windows.get("previous", empty)
    last_day = current[0] or previous[0] or START.date()
    span = dt.timedelta(days=WINDOW_DAYS)

    def number(value: Any) -> float | None:
        return None if value is None else float(value)

    return Drift(
        current=(last_day - span + dt.timedelta(days=1), last_day),
        previous=(last_day - 2 * span + dt.timedelta(days=1), last_day - span),
        thumbs_up_rate=(number(current[2]), number(previous[2])),
        mean_latency_ms=(number(current[3]), number(previous[3])),
        events=(int(current[1]), int(previous[1])),
    )


def show(result: Report) -> None:
    print("events per feedback type and model version:")
    for kind, version, n in result.counts:
        print(f"  {kind:<11} {version or '-':<11} {n:>6}")
    print("latency per deployment (ms):")
    for deployment, n, p50, p95 in result.latency:
        print(f"  {deployment or '-':<15} n={n:<5} p50={p50:7.1f}  p95={p95:7.1f}")
    print("daily thumbs-up share (last 7 days):")
    for day, n, share in result.daily_thumbs_up[-7:]:
        print(f"  {day}  {share:5.1%} of {n}")
    drift = result.drift
    (rate, rate_before), (latency, latency_before) = drift.thumbs_up_rate, drift.mean_latency_ms
    print(f"drift, {drift.current[0]}..{drift.current[1]} against the 7 days before:")
    print(f"  thumbs-up rate {rate_before:.1%} -> {rate:.1%}")
    print(f"  mean latency   {latency_before:.0f} ms -> {latency:.0f} ms")
    print(f"  drifted: {drift.drifted()}")


def main(argv: list[str]) -> int:
    if argv:
        show(report(argv[0]))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.parquet"
        written = arrow.write_parquet(demo_events(), path, "feedback.event")
        print(f"wrote {written} demo events to Parquet")
        show(report(path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
