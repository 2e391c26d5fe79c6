"""``crucible-ir convert`` to and from Parquet (the ``arrow`` extra).

``convert events.jsonl --to parquet -o OUT`` streams the records into Parquet
(a Hive-partitioned directory with ``--partition-by``); ``convert
events.parquet --to jsonl [-o OUT]`` streams them back. Records are decoded and
validated on the way, a batch at a time, so memory stays bounded. The first
bad record stops the conversion (exit status 1) and nothing is written: the
output is written under a temporary name and renamed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import sys
from typing import Any

from .._errors import DecodeError, IRError
from .._sources import format_for_path
from ._common import (
    CLIError,
    Located,
    atomic_output,
    ir_class,
    open_input,
    print_problems,
    stdin_bytes,
)

__all__ = ["COLUMNAR", "run", "wanted"]

COLUMNAR = ("parquet", "jsonl")
"""The ``--to`` formats this module handles."""

_HINT = "pip install 'crucible-ir[arrow]'"
_LINES_PER_WRITE = 4096


def is_parquet(path: str) -> bool:
    """Whether ``path`` names Parquet: a ``.parquet`` file, or a (partitioned) directory."""
    return path.lower().endswith((".parquet", ".pq")) or os.path.isdir(path)


def wanted(args: argparse.Namespace) -> bool:
    """Whether this ``convert`` is a columnar one: to or from Parquet.

    (JSON Lines and single documents to JSON Lines are ``_fmt``'s.)
    """
    return args.to == "parquet" or is_parquet(args.file)


def run(args: argparse.Namespace) -> int:
    """Convert JSON Lines to Parquet, or Parquet to JSON Lines; 1 for a bad record."""
    try:
        from .. import arrow
    except ImportError:
        raise CLIError(f"Parquet conversion needs pyarrow: {_HINT}") from None
    type_name = args.type
    if type_name is None:  # JSON Lines files hold feedback events; Parquet says what it holds
        stored = _stored_type(args.file) if args.to == "jsonl" and is_parquet(args.file) else None
        lines = (args.input_format or format_for_path(args.file)) == "jsonl" and args.file != "-"
        type_name = stored or ("feedback.event" if lines else "experiment")
    cls = ir_class(type_name)
    name = "<stdin>" if args.file == "-" else args.file
    partition_by = [c for given in args.partition_by or () for c in given.split(",") if c]
    if partition_by and args.to != "parquet":
        raise CLIError("--partition-by applies to --to parquet")
    if args.to == "parquet":
        if is_parquet(args.file):
            raise CLIError(f"{name}: already Parquet (convert it --to jsonl)")
        if not args.output:
            raise CLIError("--to parquet needs -o OUT (a file, or a directory with --partition-by)")
        source: Any = args.file
        if (args.input_format or format_for_path(args.file)) != "jsonl":
            from ._fmt import rewritten  # one document: one row, refused where it would lose words

            args.type = type_name
            document = open_input(args.file, args, lines=True)
            if document.format == "jsonl":  # (standard input, found to hold JSON Lines)
                source = document.data
            else:
                # (problems placed in the document, not in the line written from it)
                text = rewritten(document, "convert", "jsonl", full=False, valid=True)
                if text is None:
                    return 1
                source = text.encode("utf-8")
        elif args.file == "-":
            source = stdin_bytes()
        return _to_parquet(arrow, name, source, args.output, cls, partition_by=partition_by)
    if args.to != "jsonl":
        raise CLIError(f"{name}: Parquet converts to JSON Lines (--to jsonl)")
    return _to_jsonl(arrow, args.file, args.output, cls)


def _to_parquet(
    arrow: Any, name: str, source: Any, output: str, cls: type, *, partition_by: list[str]
) -> int:
    """Write JSON Lines (a path, or the bytes of the lines) as Parquet; 1 for a bad record.

    Unknown keys are problems, as in every ``convert``: Parquet would not keep them.
    """
    try:
        arrow.jsonl_to_parquet(source, output, cls, partition_by=partition_by or None, strict=True)
    except IRError as exc:
        line = next((i.line for i in exc.errors if i.line), None)
        if line is None:
            print_problems(
                [Located(name, 0, 1, i.path, str(i.code), i.message) for i in exc.errors]
            )
        else:  # placed in its line, as `validate` places it
            from .._codec._jsonl import BadRecord
            from ._locate import locate_record

            failed = isinstance(exc, DecodeError)
            print_problems(
                locate_record(name, BadRecord(line, exc.errors, failed, _line(source, line)))
            )
        print(f"crucible-ir: {name}: stopped at a bad record; nothing written", file=sys.stderr)
        return 1
    except OSError as exc:
        raise CLIError(_os_error(exc, name)) from None
    except ValueError as exc:  # a --partition-by that cannot be used
        raise CLIError(str(exc)) from None
    return 0


def _line(source: Any, number: int) -> bytes:
    """Line ``number`` of JSON Lines, read again to place its problems.

    Standard input from a pipe cannot be read again: its problems stay at column 1.
    """
    from .._arrow._parquet import lines_again

    with contextlib.closing(lines_again(source)) as lines:
        return next(itertools.islice(lines, number - 1, None), b"").rstrip(b"\r\n")


def _to_jsonl(arrow: Any, path: str, output: str | None, cls: type) -> int:
    import msgspec
    import pyarrow as pa

    stored = _stored_type(path)
    if stored is not None and stored != cls.__ir_type__:  # type: ignore[attr-defined]
        raise CLIError(f"{path}: holds {stored} records (its schema says so); use --type {stored}")
    encode_lines = msgspec.json.Encoder().encode_lines
    try:
        records = arrow.read_parquet(path, cls)
        with atomic_output(output) if output else contextlib.nullcontext(sys.stdout.buffer) as out:
            batch: list[Any] = []
            for record in records:
                batch.append(record)
                if len(batch) == _LINES_PER_WRITE:
                    out.write(encode_lines(batch))
                    batch.clear()
            out.write(encode_lines(batch))
            out.flush()
    except IRError as exc:
        print(f"crucible-ir: {exc}", file=sys.stderr)
        if output:
            print(f"crucible-ir: {path}: stopped at a bad record; nothing written", file=sys.stderr)
        return 1
    except OSError as exc:
        raise CLIError(_os_error(exc, path)) from None
    except pa.ArrowException as exc:
        raise CLIError(f"{path}: cannot read as Parquet: {exc}") from None
    return 0


def _stored_type(path: str) -> str | None:
    """The IR type named by a Parquet file's (or directory's first file's) schema metadata."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    try:
        schema = ds.dataset(path, format="parquet", partitioning="hive").schema
    except (OSError, pa.ArrowException) as exc:
        raise CLIError(f"{path}: cannot read as Parquet: {exc}") from None
    named = (schema.metadata or {}).get(b"crucible_ir.type")
    return named.decode("utf-8", "replace") if named is not None else None


def _os_error(exc: OSError, name: str) -> str:
    where = exc.filename if exc.filename is not None else name
    return f"{where}: {exc.strerror or exc}"
