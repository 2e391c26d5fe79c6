"""IR records as Arrow tables and Parquet files, for DuckDB, Polars, Spark, Dask and friends.

Installed by the ``arrow`` extra (``pip install 'crucible-ir[arrow]'``, which
brings pyarrow); ``import crucible_ir`` never imports pyarrow.

Every IR type has an Arrow schema derived from its fields: identifiers and
text are strings, vocabulary values dictionary-encoded strings, integers
int64, booleans bool, timestamps ``timestamp("us", tz="UTC")``, nested IR
objects structs and lists lists. Opaque values (``options``, ``metadata``,
``input``, ``feedback_value``, ...) are JSON text in string columns, which
SQL engines query with their JSON functions; so are numbers (an integer or a
float kept as written), maps, and an object nested in its own class (a
backend's ``fallback``). The schema's metadata names the IR type
(``crucible_ir.type``) and the IR version (``crucible_ir.ir_version``).

>>> from crucible_ir import arrow, feedback
>>> events = [feedback.Event(id="evt_1", feedback_value="up", latency_ms=120)]
>>> table = arrow.to_table(events, "feedback.event")
>>> table.column("latency_ms").to_pylist(), table.column("feedback_value").to_pylist()
([120], ['"up"'])
>>> list(arrow.from_table(table, "feedback.event")) == events
True
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar, overload

try:
    import pyarrow as pa
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        "crucible_ir.arrow needs pyarrow: pip install 'crucible-ir[arrow]'", name=exc.name
    ) from exc

from ._arrow._parquet import chunked, record_batches
from ._arrow._parquet import jsonl_to_parquet as _jsonl_to_parquet
from ._arrow._parquet import read_parquet as _read_parquet
from ._arrow._parquet import write_parquet as _write_parquet
from ._arrow._read import check_type, object_lists
from ._arrow._write import schema_of
from ._codec._jsonl import JSONLSource
from ._model._base import IRStruct, resolve_type

__all__ = [
    "from_table",
    "jsonl_to_parquet",
    "read_parquet",
    "schema",
    "to_table",
    "write_parquet",
]

_T = TypeVar("_T", bound=IRStruct)
PathLike = str | os.PathLike[str]


def schema(type: type[IRStruct] | str) -> pa.Schema:
    """The Arrow schema of an IR type (a class or its type name).

    >>> schema("stage_def").field("enabled").type
    DataType(bool)
    >>> schema("stage_def").metadata[b"crucible_ir.type"]
    b'stage_def'
    """
    return schema_of(resolve_type(type))


def to_table(objects: Iterable[IRStruct], type: type[IRStruct] | str) -> pa.Table:
    """A `pyarrow.Table` of IR objects of one type (any iterable), one row each.

    Each object is checked the way `crucible_ir.to_json` checks it; an object
    that cannot be written faithfully (a float NaN, a naive datetime, a tuple
    in an opaque map) or that Arrow cannot hold (an integer beyond int64)
    raises `ValidationError` at its path, ``[i].field`` for the i-th object.
    """
    cls = resolve_type(type)
    return pa.Table.from_batches(list(record_batches(chunked(objects), cls)), schema_of(cls))


@overload
def from_table(table: pa.Table | pa.RecordBatch, type: type[_T]) -> Iterator[_T]: ...
@overload
def from_table(table: pa.Table | pa.RecordBatch, type: str) -> Iterator[Any]: ...
def from_table(table: pa.Table | pa.RecordBatch, type: type[_T] | str) -> Iterator[Any]:
    """The IR objects of a table's rows, decoded and validated like `crucible_ir.iter_jsonl`.

    Columns the type does not define are ignored; a missing column leaves its
    field at the default. A bad row raises `DecodeError` or `ValidationError`
    titled with its number (``row 7:``, counting from 1), after every good row
    before it has been yielded.
    """
    cls = resolve_type(type)
    check_type(table.schema, cls, "")
    batches = table.to_batches() if isinstance(table, pa.Table) else [table]
    return itertools.chain.from_iterable(object_lists(batches, cls))


def write_parquet(
    objects: Iterable[IRStruct],
    path: PathLike,
    type: type[IRStruct] | str,
    *,
    partition_by: Iterable[str] | None = None,
) -> int:
    """Write IR objects as Parquet (zstd), in batches, atomically; returns the number written.

    Without ``partition_by``, ``path`` is one file (replaced if it exists).
    With it, ``path`` is a new Hive-partitioned directory
    (``deployment_id=prod/part-0.parquet``) split by the values of those
    fields (strings, integers or booleans). Either is written beside the
    target under a temporary name and renamed at the end: when an object
    cannot be written (see `to_table`) or the source fails midway, no file or
    directory is left.
    """
    cls = resolve_type(type)
    batches = record_batches(chunked(objects), cls)
    return _write_parquet(batches, path, cls, partition_by=partition_by)


@overload
def read_parquet(path: PathLike, type: type[_T]) -> Iterator[_T]: ...
@overload
def read_parquet(path: PathLike, type: str) -> Iterator[Any]: ...
def read_parquet(path: PathLike, type: type[_T] | str) -> Iterator[Any]:
    """The IR objects of a Parquet file or a Hive-partitioned directory of them, lazily.

    Decoded and validated like `from_table`; errors name the file and the
    row. A directory's files are read in path order, each with its partition
    values.
    """
    return itertools.chain.from_iterable(_read_parquet(path, resolve_type(type)))


def jsonl_to_parquet(
    source: JSONLSource,
    path: PathLike,
    type: type[IRStruct] | str,
    *,
    partition_by: Iterable[str] | None = None,
    strict: bool = False,
) -> int:
    """Stream JSON Lines into Parquet: `iter_jsonl` then `write_parquet`, in bounded memory.

    Every line is decoded and validated; the first bad one raises as in
    `iter_jsonl`, its issues carrying its line number, and nothing is written
    (an integer beyond int64 is such a bad record here); ``strict=True``
    refuses unknown keys too, which Parquet would not keep. The objects go
    from the decoder straight to Arrow, without `to_table`'s second check.
    Returns the number of records written.
    """
    cls = resolve_type(type)
    return _jsonl_to_parquet(source, path, cls, partition_by=partition_by, strict=strict)
