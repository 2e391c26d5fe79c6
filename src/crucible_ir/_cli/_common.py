"""What the commands share: input formats, reading, printing problems, writing atomically."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from .._base import IRStruct, resolve_type

__all__ = [
    "CLIError",
    "Input",
    "Located",
    "atomic_write",
    "ir_class",
    "open_input",
    "print_problems",
    "printable",
    "use_color",
]


class CLIError(Exception):
    """A usage error or unreadable input: reported on one line, exit status 2."""


@dataclass(frozen=True)
class Located:
    """One problem with its place in a file (``line`` is ``None`` for an unreadable file)."""

    file: str
    line: int | None
    column: int | None
    path: str
    code: str
    message: str

    def text(self, color: bool = False) -> str:
        """``FILE:LINE:COL: PATH: MESSAGE``, control characters escaped, bold and cyan if asked."""
        where, path = printable(f"{self.file}:{self.line}:{self.column}:"), self.path or "(root)"
        if color:
            where, path = f"\x1b[1m{where}\x1b[0m", f"\x1b[36m{printable(path)}\x1b[0m"
        return f"{where} {printable(path)}: {printable(self.message)}"

    def as_dict(self) -> dict[str, Any]:
        """The record of ``--format json``."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "code": self.code,
            "message": self.message,
        }


def printable(text: str) -> str:
    """``text`` with control characters escaped, so a document cannot drive the terminal."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


def use_color(stream: IO[str], choice: str = "auto") -> bool:
    """Colour when asked, or on a terminal unless NO_COLOR is set (https://no-color.org)."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def print_problems(problems: Iterable[Located], stream: IO[str] | None = None) -> None:
    """Write problems as ``FILE:LINE:COL: PATH: MESSAGE`` lines (to stderr by default)."""
    stream = stream or sys.stderr
    color = use_color(stream)
    for p in problems:
        stream.write(p.text(color) + "\n")


def ir_class(name: str) -> type[IRStruct]:
    """The IR class for ``--type``, or a usage error with a did-you-mean."""
    try:
        return resolve_type(name)
    except ValueError as exc:
        raise CLIError(str(exc)) from None


@dataclass(frozen=True)
class Input:
    """One input read whole: its name in messages, its bytes, format and IR type."""

    name: str
    data: bytes
    format: str
    cls: type[IRStruct]


def input_format(path: str, args: argparse.Namespace, data: bytes | None = None) -> str:
    """``--input-format``, else the file's extension, else (stdin) the format of its content."""
    from .._sources import format_for_path, sniff

    if args.input_format:
        return str(args.input_format)
    if path == "-":
        return sniff(data or b"")
    fmt = format_for_path(path)
    if fmt is None:
        raise CLIError(
            f"{path}: cannot tell the format from the file name; use .json, .yaml, .yml, "
            ".toml, .jsonl or .ndjson, or --input-format"
        )
    return fmt


def type_for(fmt: str, args: argparse.Namespace) -> type[IRStruct]:
    """``--type``, else ``feedback.event`` for JSON Lines and ``experiment`` for the rest."""
    if args.type is not None:
        return ir_class(args.type)
    return ir_class("feedback.event" if fmt == "jsonl" else "experiment")


def open_input(path: str, args: argparse.Namespace, *, lines: bool = False) -> Input:
    """Read one document (``-`` is stdin), or a `CLIError` naming the file.

    JSON Lines hold many documents: only commands that take ``lines`` read them.
    """
    name = "<stdin>" if path == "-" else path
    fmt = None if path == "-" else input_format(path, args)
    if fmt == "jsonl" and lines:  # read a record at a time by the caller
        return Input(name, b"", fmt, type_for(fmt, args))
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as handle:
                data = handle.read()
    except OSError as exc:
        raise CLIError(f"{path}: cannot read: {exc.strerror or exc}") from None
    fmt = fmt or input_format(path, args, data)
    if fmt == "jsonl" and not lines:
        raise CLIError(
            f"{name}: a JSON Lines file holds many documents; only `validate` reads it "
            "(use --input-format json|yaml|toml for a single document)"
        )
    return Input(name, data, fmt, type_for(fmt, args))


def json_line(value: Any) -> str:
    """``value`` as one line of JSON, non-ASCII text written raw."""
    return json.dumps(value, ensure_ascii=False)


def atomic_write(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` all at once: a temporary file beside it, then rename.

    On any failure (a full disk, an interrupt) the original file is untouched
    and the temporary file is removed.
    """
    import tempfile

    target = os.path.realpath(path)  # through a symbolic link, rewrite its target
    try:
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        mode = 0o666 & ~mask
    except OSError as exc:
        raise CLIError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=os.path.dirname(target)
        )
    except OSError as exc:
        raise CLIError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise CLIError(
                f"{path}: cannot write: {exc.strerror or exc}; the file is unchanged"
            ) from None
        raise
