"""``crucible-ir fmt`` and ``crucible-ir convert``: write a document again, losing nothing.

Both write the *authoring form* by default: the wire form (IR object keys in
wire order, opaque maps in their own order, timestamps as written) with every
field that equals its default left out, which reads back as the same object.
``--full`` writes the canonical form instead: every field, keys sorted,
timestamps in UTC, what ``crucible-ir hash`` digests (TOML, which has no null,
leaves out the fields that are null).

Neither ever drops what the author wrote: a document with unknown keys, or a
YAML or TOML file with comments, which the writers cannot keep, is refused
with one line per reason.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from typing import IO, Any

import msgspec

from .._codec._canonical import canonical_data, json_text
from .._codec._json import to_dict
from .._model._base import IRStruct
from ._common import (
    CLIError,
    Input,
    atomic_output,
    atomic_write,
    jsonl_input,
    open_input,
    print_problems,
    printable,
)
from ._locate import check

__all__ = ["authoring_data", "rewritten", "run_convert", "run_fmt", "write_text"]


def authoring_data(obj: IRStruct, *, full: bool = False) -> Any:
    """The data of ``obj`` to write: the authoring form, or with ``full`` the canonical one."""
    if full:
        return canonical_data(obj)
    return _trim(to_dict(obj), obj, defaults=True)


def _trim(data: Any, obj: Any, *, defaults: bool) -> Any:
    """``data`` (written from ``obj``) without the fields equal to their default, or null ones.

    Walks IR objects only; the values of opaque maps are kept as they are.
    """
    if isinstance(obj, IRStruct):
        fields = {f.encode_name: f for f in msgspec.structs.fields(obj)}
        result = {}
        for key, value in data.items():
            f = fields[key]
            if value is None and not defaults:
                continue
            if defaults and f.default_factory is not msgspec.NODEFAULT:
                default = msgspec.to_builtins(f.default_factory())
            else:
                default = f.default
            if defaults and type(value) is type(default) and value == default:
                continue
            result[key] = _trim(value, getattr(obj, f.name), defaults=defaults)
        return result
    if isinstance(obj, (list, tuple)) and any(isinstance(item, IRStruct) for item in obj):
        return [_trim(d, item, defaults=defaults) for d, item in zip(data, obj, strict=True)]
    if isinstance(obj, dict) and any(isinstance(item, IRStruct) for item in obj.values()):
        return {key: _trim(data[key], item, defaults=defaults) for key, item in obj.items()}
    return data


def write_text(data: Any, fmt: str, name: str = "<data>") -> str:
    """``data`` (of the file ``name``) as JSON (2-space indent), YAML, TOML or one JSON Lines line.

    What it writes reads back as ``data``.
    """
    try:
        if fmt == "json":
            return json_text(data, indent=2) + "\n"
        if fmt == "jsonl":
            return json_text(data) + "\n"
        if fmt == "yaml":
            return _yaml(data)
        return _toml(data)
    except RecursionError:  # the YAML and TOML writers recurse, a few frames a level
        raise CLIError(
            f"{name}: nested too deeply to write as {fmt.upper()} (write JSON)"
        ) from None


def _yaml(data: Any) -> str:
    """YAML that the reader reads back as ``data``.

    A string that would read back as something else as a plain scalar
    (``"0o17"`` or ``"true"``; ``"off"`` is fine in YAML 1.2) is double-quoted,
    as is text holding the line breaks YAML folds (U+0085, U+2028, U+2029),
    which double quotes escape; other text with line breaks is a literal block.
    """
    import yaml

    from .._sources._yaml import reads_as_text

    class Dumper(yaml.SafeDumper):
        pass

    def represent_str(dumper: yaml.SafeDumper, text: str) -> Any:
        style = None
        if not reads_as_text(text) or any(ch in text for ch in "\x85\u2028\u2029"):
            style = '"'
        elif "\n" in text:
            style = "|"
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)

    Dumper.add_representer(str, represent_str)
    return yaml.dump(
        data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=1 << 30, indent=2
    )


def _toml(data: Any) -> str:
    import tomli_w

    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        item, where = stack.pop()
        if item is None:
            raise CLIError(
                f"TOML has no null: the value at {printable(where) or '(root)'} cannot be "
                "written (IR fields that are null are left out, but opaque maps and lists "
                "must not hold null)"
            )
        if isinstance(item, dict):
            stack.extend((v, f"{where}.{k}" if where else k) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(item))
    return tomli_w.dumps(data)


def rewritten(
    source: Input, command: str, fmt: str, *, full: bool, valid: bool = False
) -> str | None:
    """The text to write for ``source``, or ``None`` after printing why it cannot be.

    ``valid``: a document with any problem is refused too (else only one that
    does not decode).
    """
    checked = check(source, strict=False)
    if checked.obj is None or (valid and checked.problems):
        print_problems(checked.problems)
        return None
    unknown = [p for p in check(source, strict=True).problems if p.code == "unknown_field"]
    for p in unknown:
        print(f"{p.text()} ({command} would drop it)", file=sys.stderr)
    if checked.comment is not None:
        line, column = checked.comment
        print(
            f"{printable(source.name)}:{line}:{column}: a comment, which {command} would drop "
            "(the YAML and TOML writers keep no comments)",
            file=sys.stderr,
        )
    if unknown or checked.comment is not None:
        return None
    data = authoring_data(checked.obj, full=full)
    if fmt == "toml":
        data = _trim(data, checked.obj, defaults=False)
    return write_text(data, fmt, source.name)


def run_fmt(args: argparse.Namespace) -> int:
    """Print, check or rewrite documents in their own format.

    Printed, the results follow one another in the order of the files; a ``---``
    line separates two YAML documents printed one after the other, so that
    together they are one YAML stream. (A JSON result is one value ending with
    a newline; TOML has no way to hold several documents.)
    """
    status = 0
    last_printed = ""
    for path in args.files:
        if (args.check or args.in_place) and path == "-":
            raise CLIError("--check and --in-place need a file, not stdin")
        source = open_input(path, args)
        text = rewritten(source, "fmt", source.format, full=args.full)
        if text is None:
            status = 1
        elif args.check:
            if source.data != text.encode("utf-8"):
                print(
                    f"{printable(path)}: would be reformatted by crucible-ir fmt", file=sys.stderr
                )
                status = 1
        elif args.in_place:
            if source.data != text.encode("utf-8"):
                atomic_write(path, text.encode("utf-8"))
        else:
            if source.format == "yaml" and last_printed == "yaml":
                sys.stdout.write("---\n")
            sys.stdout.write(text)
            last_printed = source.format
    return status


def run_convert(args: argparse.Namespace) -> int:
    """Write the document in another format (a JSON Lines file: its records, to JSON Lines)."""
    if args.partition_by:
        raise CLIError("--partition-by applies to --to parquet")
    source = open_input(args.file, args, lines=args.to == "jsonl")
    if source.format == "jsonl":
        return _convert_lines(args, source)
    text = rewritten(source, "convert", args.to, full=args.full)
    if text is None:
        return 1
    if args.output:
        atomic_write(args.output, text.encode("utf-8"))
    else:
        sys.stdout.write(text)
    return 0


class _RefusedError(Exception):
    """A record that cannot be converted: the output, written so far, is dropped."""


def _convert_lines(args: argparse.Namespace, source: Input) -> int:
    """Write a JSON Lines file's records again, one a line, each as ``--to json`` writes it.

    Streamed, in bounded memory. Every bad record is reported (unknown keys
    too, which the writer would drop); after the first, nothing more is written,
    and with ``-o`` nothing at all.
    """
    from .._codec._jsonl import BadRecord, scan_jsonl
    from ._locate import locate_record

    bad = 0
    try:
        with (
            jsonl_input(args.file, source) as stream,
            atomic_output(args.output) if args.output else _stdout() as out,
        ):
            for item in scan_jsonl(stream, source.cls, strict=True):
                if isinstance(item, BadRecord):
                    bad += 1
                    for p in locate_record(source.name, item):
                        dropped = " (convert would drop it)" * (p.code == "unknown_field")
                        print(p.text() + dropped, file=sys.stderr)
                elif not bad:
                    data = authoring_data(item, full=args.full)
                    _write(out, write_text(data, "jsonl", source.name), args.output)
            if bad and args.output:
                raise _RefusedError
    except _RefusedError:
        pass
    except BrokenPipeError:  # our output, closed: not the input's fault
        raise
    except OSError as exc:
        raise CLIError(f"{source.name}: cannot read: {exc.strerror or exc}") from None
    if bad:
        where = f"; nothing written to {printable(args.output)}" if args.output else ""
        print(
            f"crucible-ir: {printable(source.name)}: {bad} bad record{'s' * (bad != 1)}{where}",
            file=sys.stderr,
        )
    return 1 if bad else 0


def _write(out: IO[bytes], text: str, output: str | None) -> None:
    try:
        out.write(text.encode("utf-8"))
    except BrokenPipeError:
        raise
    except OSError as exc:
        where = printable(output or "<stdout>")
        raise CLIError(f"{where}: cannot write: {exc.strerror or exc}") from None


@contextlib.contextmanager
def _stdout() -> Iterator[IO[bytes]]:
    yield sys.stdout.buffer
    sys.stdout.buffer.flush()
