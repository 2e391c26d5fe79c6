"""Parquet files and Hive-partitioned directories (``_arrow/_parquet.py``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import crucible_ir as ir
from crucible_ir import arrow, feedback

from .conftest import SMALL_BATCH as ROWS_PER_BATCH

pytestmark = pytest.mark.usefixtures("small_batches")


def many(count: int) -> list[feedback.Event]:
    deployments = ["prod", "canary", None]
    return [
        feedback.Event(
            id=f"e{n:06d}",
            deployment_id=deployments[n % 3],
            feedback_type=["thumbs", "rating"][n % 2],
            latency_ms=n,
            metadata={"n": n},
        )
        for n in range(count)
    ]


def files_under(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())


def test_a_file_is_zstd_with_the_schema_and_row_groups(tmp_path: Path) -> None:
    events = many(3 * ROWS_PER_BATCH + 2)  # a row group a batch: 16 rows, 16, 16, then 2
    path = tmp_path / "events.parquet"
    assert arrow.write_parquet(iter(events), path, "feedback.event") == len(events)
    file = pq.ParquetFile(path)
    assert file.schema_arrow.equals(arrow.schema("feedback.event"), check_metadata=True)
    assert file.metadata.num_rows == len(events)
    assert [file.metadata.row_group(i).num_rows for i in range(file.num_row_groups)] == [
        *[ROWS_PER_BATCH] * 3,
        2,
    ]
    assert file.metadata.row_group(0).column(0).compression == "ZSTD"
    assert list(arrow.read_parquet(path, "feedback.event")) == events
    assert os.listdir(tmp_path) == ["events.parquet"]


def test_an_empty_source_writes_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "none.parquet"
    assert arrow.write_parquet([], path, "feedback.event") == 0
    assert pq.read_table(path).num_rows == 0
    assert list(arrow.read_parquet(path, "feedback.event")) == []


def test_an_existing_file_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "events.parquet"
    arrow.write_parquet(many(3), path, "feedback.event")
    arrow.write_parquet(many(2), path, "feedback.event")
    assert list(arrow.read_parquet(path, "feedback.event")) == many(2)


def failing_after(count: int) -> Iterator[feedback.Event]:
    yield from many(count)
    raise OSError("the source went away")


def test_a_source_that_fails_midway_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "events.parquet"
    with pytest.raises(OSError, match="went away"):
        arrow.write_parquet(failing_after(2 * ROWS_PER_BATCH + 5), path, "feedback.event")
    assert os.listdir(tmp_path) == []
    # ... and leaves an existing file as it was.
    arrow.write_parquet(many(3), path, "feedback.event")
    with pytest.raises(OSError, match="went away"):
        arrow.write_parquet(failing_after(2 * ROWS_PER_BATCH + 5), path, "feedback.event")
    assert os.listdir(tmp_path) == ["events.parquet"]
    assert list(arrow.read_parquet(path, "feedback.event")) == many(3)


def test_an_object_that_cannot_be_written_leaves_nothing(tmp_path: Path) -> None:
    events = [*many(ROWS_PER_BATCH + 3), feedback.Event(id="big", latency_ms=2**64)]
    with pytest.raises(ir.ValidationError) as caught:
        arrow.write_parquet(events, tmp_path / "x.parquet", "feedback.event")
    assert [i.path for i in caught.value.errors] == [f"[{ROWS_PER_BATCH + 3}].latency_ms"]
    with pytest.raises(ir.ValidationError):
        arrow.write_parquet(
            events, tmp_path / "dir", "feedback.event", partition_by=["feedback_type"]
        )
    assert os.listdir(tmp_path) == []


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        arrow.write_parquet(many(1), tmp_path, "feedback.event")


def test_read_errors_name_the_file_and_the_row(tmp_path: Path) -> None:
    path = tmp_path / "events.parquet"
    table = pa.table({"id": ["a", "b", "c"], "latency_ms": [1, 2, -3]})
    pq.write_table(table, path)
    with pytest.raises(ir.ValidationError, match=rf"^{path}: row 3:\nlatency_ms: "):
        list(arrow.read_parquet(path, "feedback.event"))
    arrow.write_parquet(many(1), path, "feedback.event")
    with pytest.raises(ir.DecodeError, match=r"'feedback\.event'.*not 'experiment'"):
        list(arrow.read_parquet(path, "experiment"))


# -- partitioned directories ---------------------------------------------------------------------


def test_partition_by_makes_a_hive_directory(tmp_path: Path) -> None:
    events = many(ROWS_PER_BATCH + 50)
    out = tmp_path / "events"
    written = arrow.write_parquet(
        events, out, "feedback.event", partition_by=["deployment_id", "feedback_type"]
    )
    assert written == len(events)
    assert files_under(out) == [
        f"deployment_id={d}/feedback_type={t}/part-0.parquet"
        for d in ("__HIVE_DEFAULT_PARTITION__", "canary", "prod")
        for t in ("rating", "thumbs")
    ]
    # The files hold the other columns; the directory names hold the partition values.
    inner = pq.ParquetFile(out / "deployment_id=prod" / "feedback_type=rating" / "part-0.parquet")
    assert "deployment_id" not in inner.schema_arrow.names
    assert inner.schema_arrow.metadata[b"crucible_ir.type"] == b"feedback.event"
    back = list(arrow.read_parquet(out, "feedback.event"))
    assert sorted(back, key=lambda e: e.id) == events
    # Within a partition the records keep their order; partitions come in path order.
    assert back[0].deployment_id is None
    assert [e.id for e in back if e.deployment_id == "prod" and e.feedback_type == "thumbs"] == [
        e.id for e in events if e.deployment_id == "prod" and e.feedback_type == "thumbs"
    ]
    assert os.listdir(tmp_path) == ["events"]


def test_partition_values_of_every_kind_read_back(tmp_path: Path) -> None:
    events = [
        feedback.Event(id="a", user_id="", latency_ms=3),
        feedback.Event(id="b", user_id="a/b c%=é", latency_ms=None),
        feedback.Event(id="c", user_id=None, latency_ms=-0),
    ]
    for column in ("user_id", "latency_ms", "id"):
        out = tmp_path / column
        arrow.write_parquet(events, out, "feedback.event", partition_by=[column])
        assert sorted(arrow.read_parquet(out, "feedback.event"), key=lambda e: e.id) == events
    stages = [ir.StageDef(name="a", enabled=False), ir.StageDef(name="b")]
    arrow.write_parquet(stages, tmp_path / "stages", "stage_def", partition_by=["enabled"])
    assert files_under(tmp_path / "stages") == [
        "enabled=false/part-0.parquet",
        "enabled=true/part-0.parquet",
    ]
    assert list(arrow.read_parquet(tmp_path / "stages", "stage_def")) == stages


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (["input"], "cannot partition feedback.event records by 'input'"),
        (["timestamp"], "cannot partition feedback.event records by 'timestamp'"),
        (["nope"], "cannot partition feedback.event records by 'nope'"),
        (["user_id", "user_id"], "names a column twice"),
    ],
)
def test_partition_by_needs_distinct_scalar_fields(
    tmp_path: Path, columns: list[str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        arrow.write_parquet(many(2), tmp_path / "out", "feedback.event", partition_by=columns)
    assert os.listdir(tmp_path) == []


def test_a_value_hive_reads_as_null_is_refused(tmp_path: Path) -> None:
    events = [*many(3), feedback.Event(id="x", user_id="__HIVE_DEFAULT_PARTITION__")]
    with pytest.raises(ValueError, match="the directory name Hive partitioning gives null"):
        arrow.write_parquet(events, tmp_path / "out", "feedback.event", partition_by=["user_id"])
    assert os.listdir(tmp_path) == []


def test_a_partitioned_write_never_replaces_a_directory(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        arrow.write_parquet(many(2), out, "feedback.event", partition_by=["feedback_type"])
    assert files_under(tmp_path) == ["out/keep.txt"]


def test_a_partitioned_write_that_fails_midway_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="went away"):
        arrow.write_parquet(
            failing_after(ROWS_PER_BATCH * 2),
            tmp_path / "out",
            "feedback.event",
            partition_by=["feedback_type"],
        )
    assert os.listdir(tmp_path) == []


def test_read_errors_in_a_directory_name_the_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    arrow.write_parquet(many(4), out, "feedback.event", partition_by=["feedback_type"])
    bad = out / "feedback_type=rating" / "part-0.parquet"
    pq.write_table(pa.table({"id": ["a", ""]}), bad)
    with pytest.raises(ir.ValidationError, match=rf"^{bad}: row 2:\nid: "):
        list(arrow.read_parquet(out, "feedback.event"))
