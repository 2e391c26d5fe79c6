"""The same analysis on Dask: ``examples/columnar/feedback_dask.py`` on a local cluster.

Two workers, one thread each; every Parquet file is one partition, decoded and
validated by the worker that loads it. The answers must equal DuckDB's and the
plain-Python ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster

import crucible_ir as ir
from crucible_ir import arrow, feedback

from .conftest import assert_same_report, expected_report, load_example

dask_example = load_example("feedback_dask")
analytics = load_example("feedback_analytics")


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster) as connected,
    ):
        yield connected


@pytest.fixture(scope="module")
def events() -> list[feedback.Event]:
    return analytics.demo_events(2000, seed=5)


def shards(events: list[feedback.Event], folder: Path, count: int = 4) -> list[str]:
    paths = []
    for n in range(count):
        path = folder / f"events-{n}.parquet"
        arrow.write_parquet(events[n::count], path, "feedback.event")
        paths.append(str(path))
    return paths


def test_the_analysis_on_the_cluster_equals_duckdb_and_python(
    client: Client, tmp_path: Path, events: list[feedback.Event]
) -> None:
    paths = shards(events, tmp_path)
    got = dask_example.report(paths)
    assert_same_report(got, expected_report(events))
    everything = tmp_path / "all.parquet"
    arrow.write_parquet(events, everything, "feedback.event")
    assert_same_report(got, analytics.report(everything))


def test_each_file_is_a_partition_loaded_on_a_worker(
    client: Client, tmp_path: Path, events: list[feedback.Event]
) -> None:
    paths = shards(events, tmp_path, count=3)
    frame = dask_example.events_frame(paths)
    assert frame.npartitions == 3
    futures = client.compute(frame.to_delayed())
    parts = client.gather(futures)
    assert [len(part) for part in parts] == [len(events[n::3]) for n in range(3)]
    workers = set(client.scheduler_info()["workers"])
    placed = client.who_has(futures)
    assert all(set(holders) <= workers and holders for holders in placed.values())


def test_a_bad_record_fails_the_task_on_its_worker_with_the_file_and_row(
    client: Client, tmp_path: Path, events: list[feedback.Event]
) -> None:
    paths = shards(events, tmp_path, count=2)
    table = arrow.to_table(events[:6], "feedback.event")
    latency = table.column("latency_ms").to_pylist()
    latency[3] = -1  # written by another tool, say: Parquet does not know the rules
    bad = tmp_path / "bad.parquet"
    pq.write_table(table.set_column(5, "latency_ms", pa.array(latency)), bad)
    with pytest.raises(ir.ValidationError) as caught:
        dask_example.report([*paths, str(bad)])
    assert str(caught.value).startswith(f"{bad}: row 4:\nlatency_ms: expected an integer >= 0")
