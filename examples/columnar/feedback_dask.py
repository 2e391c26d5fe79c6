"""The feedback analysis of ``feedback_analytics.py`` on Dask, beyond one machine.

Each Parquet file is one partition. The worker that loads it decodes and
validates every record with ``crucible_ir.arrow.read_parquet`` (a bad record
fails the task with its file and row), then hands on the columns the analysis
needs; the questions are answered with Dask DataFrame operations and come back
as the same `Report` DuckDB gives.

    python examples/columnar/feedback_dask.py                        # demo events, a local cluster
    python examples/columnar/feedback_dask.py tcp://scheduler:8786 events/*.parquet

Needs ``pip install 'crucible-ir[arrow]' 'dask[dataframe,distributed]'``. Any
``distributed.Client`` works: a ``LocalCluster`` here, or a real cluster's
scheduler address (the workers need crucible-ir installed and the files
readable at the same paths, e.g. on shared storage or object storage).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import dask
import dask.dataframe as dd
import pandas as pd
from distributed import Client, LocalCluster
from feedback_analytics import WINDOW_DAYS, Report, demo_events, drift_of, show

from crucible_ir import arrow

COLUMNS = {
    "deployment_id": "string",
    "model_version": "string",
    "feedback_type": "string",
    "thumbs_up": "boolean",
    "latency_ms": "Int64",
    "day": "datetime64[ns]",
}
"""What the analysis needs of each event (pandas dtypes)."""


def load_partition(path: str) -> pd.DataFrame:
    """The events of one Parquet file, decoded and validated here, on the worker."""
    events = list(arrow.read_parquet(path, "feedback.event"))  # raises at a bad record
    frame = pd.DataFrame(
        {
            "deployment_id": [e.deployment_id for e in events],
            "model_version": [e.model_version for e in events],
            "feedback_type": [e.feedback_type for e in events],
            "thumbs_up": [
                e.feedback_value == "up" if e.feedback_type == "thumbs" else None for e in events
            ],
            "latency_ms": [e.latency_ms for e in events],
            "day": [
                None if e.timestamp is None else e.timestamp.astimezone(dt.timezone.utc).date()
                for e in events
            ],
        }
    )
    frame["day"] = pd.to_datetime(frame["day"])
    return frame.astype(COLUMNS)


def events_frame(paths: Sequence[str]) -> dd.DataFrame:
    """A Dask DataFrame with one partition per Parquet file, each loaded by `load_partition`."""
    meta = pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in COLUMNS.items()})
    parts = [dask.delayed(load_partition)(str(path)) for path in paths]
    return dd.from_delayed(parts, meta=meta, verify_meta=False)


def _quantiles(latency: pd.Series) -> pd.Series:
    # Linear interpolation: what DuckDB's quantile_cont computes.
    return pd.Series(
        {"events": len(latency), "p50": latency.quantile(0.5), "p95": latency.quantile(0.95)}
    )


def report(paths: Sequence[str]) -> Report:
    """Answer the four questions over ``paths`` on the current Dask client."""
    events = events_frame(paths).persist()  # validated once, then reused by every question
    counts = events.groupby(["feedback_type", "model_version"], dropna=False).size()
    timed = events[~events.latency_ms.isna()]
    latency = timed.groupby("deployment_id", dropna=False).latency_ms.apply(
        _quantiles, meta=("latency_ms", "float64"), shuffle_method="tasks"
    )
    thumbs = events[(events.feedback_type == "thumbs") & ~events.day.isna()]
    daily = thumbs.groupby("day").thumbs_up.agg(["count", "mean"])
    dated = events[~events.day.isna()]
    counts, latency, daily, last_day = dask.compute(counts, latency, daily, dated.day.max())
    return Report(
        counts=sorted(
            ((kind, _text(version), int(n)) for (kind, version), n in counts.items()),
            key=lambda row: (row[0], row[1] is not None, row[1] or ""),
        ),
        latency=sorted(
            (
                (_text(deployment), int(row["events"]), float(row["p50"]), float(row["p95"]))
                for deployment, row in latency.unstack().iterrows()
            ),
            key=lambda row: (row[0] is not None, row[0] or ""),
        ),
        daily_thumbs_up=[
            (day.date(), int(row["count"]), float(row["mean"]))
            for day, row in daily.sort_index().iterrows()
        ],
        drift=drift_of(_windows(dated, last_day)),
    )


def _windows(dated: dd.DataFrame, last_day: pd.Timestamp) -> dict[str, tuple[Any, ...]]:
    """``{window: (last_day, events, thumbs_up_rate, mean_latency_ms)}`` as the SQL gives it."""
    span = pd.Timedelta(days=WINDOW_DAYS)
    periods = {
        "current": dated[dated.day > last_day - span],
        "previous": dated[(dated.day <= last_day - span) & (dated.day > last_day - 2 * span)],
    }
    figures = dask.compute(
        {
            name: (len(frame), frame.thumbs_up.mean(), frame.latency_ms.mean())
            for name, frame in periods.items()
        }
    )[0]
    return {
        name: (last_day.date(), n, _number(rate), _number(latency))
        for name, (n, rate, latency) in figures.items()
        if n
    }


def _text(value: Any) -> str | None:
    return None if pd.isna(value) else str(value)


def _number(value: Any) -> float | None:
    return None if pd.isna(value) else float(value)


def main(argv: list[str]) -> int:
    if argv:
        with Client(argv[0]):
            show(report(argv[1:]))
        return 0
    events = demo_events()
    with (
        tempfile.TemporaryDirectory() as tmp,
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        paths = []
        for shard in range(4):  # four files, four partitions
            path = Path(tmp) / f"events-{shard}.parquet"
            arrow.write_parquet(events[shard::4], path, "feedback.event")
            paths.append(str(path))
        print(f"{len(events)} demo events in {len(paths)} Parquet files, on {cluster!r}")
        show(report(paths))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
