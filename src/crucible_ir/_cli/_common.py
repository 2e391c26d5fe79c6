"""What the commands share: input formats, reading, printing problems, writing atomically."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Iterable, Iterator
from typing import IO, NamedTuple

from .._model._base import IRStruct, resolve_type

__all__ = [
    "CLIError",
    "Input",
    "Located",
    "atomic_output",
    "atomic_write",
    "ir_class",
    "jsonl_input",
    "open_input",
    "print_problems",
    "printable",
    "stdin_bytes",
    "use_color",
]


class CLIError(Exception):
    """A usage error or unreadable input: reported on one line, exit status 2."""


class Located(NamedTuple):
    """One problem with its place in a file (``line`` is ``None`` for an unreadable file).

    ``_asdict()`` is the record of ``--format json``.
    """

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


def stdin_bytes() -> IO[bytes]:
    """Standard input as bytes, or a `CLIError` when it is closed (``crucible-ir ... <&-``)."""
    if sys.stdin is None:
        raise CLIError("<stdin>: cannot read: standard input is closed")
    return sys.stdin.buffer


class Input(NamedTuple):
    """One input read whole: its name in messages, its bytes, format and IR type."""

    name: str
    data: bytes
    format: str
    cls: type[IRStruct]


def open_input(path: str, args: argparse.Namespace, *, lines: bool = False) -> Input:
    """Read one document (``-`` is stdin), or a `CLIError` naming the file.

    The format is ``--input-format``, else the file's extension, else (stdin)
    told from the content. JSON Lines hold many documents: only a command that
    takes ``lines`` accepts them, and reads them itself, a record at a time.
    """
    from .._sources import format_for_path, sniff

    name = "<stdin>" if path == "-" else path
    fmt = args.input_format or (None if path == "-" else format_for_path(path))
    if fmt is None and path != "-":
        raise CLIError(
            f"{path}: cannot tell the format from the file name; use .json, .yaml, .yml, "
            ".toml, .jsonl or .ndjson, or --input-format"
        )
    data = b""
    if fmt != "jsonl" or not lines:
        try:
            if path == "-":
                data = stdin_bytes().read()
            else:
                with open(path, "rb") as handle:
                    data = handle.read()
        except OSError as exc:
            raise CLIError(f"{path}: cannot read: {exc.strerror or exc}") from None
        fmt = fmt or sniff(data)
    if fmt == "jsonl" and not lines:
        raise CLIError(
            f"{name}: a JSON Lines file holds many documents: `validate` reads it, and "
            "`convert --to jsonl|parquet` converts it (--input-format json|yaml|toml for one "
            "document)"
        )
    # JSON Lines *files* hold feedback events by default; standard input, whatever its
    # format, holds what --type says, else experiments.
    default = "feedback.event" if fmt == "jsonl" and path != "-" else "experiment"
    return Input(name, data, fmt, ir_class(default if args.type is None else args.type))


@contextlib.contextmanager
def jsonl_input(path: str, source: Input) -> Iterator[IO[bytes]]:
    """The JSON Lines of ``source`` (read by `open_input` with ``lines``) as a binary stream.

    Standard input is what `open_input` read to tell its format, if it did, else
    the stream itself; a file is opened (a `CLIError` if it cannot be) and closed.
    """
    if path == "-":
        yield io.BytesIO(source.data) if source.data else stdin_bytes()
        return
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise CLIError(f"{path}: cannot read: {exc.strerror or exc}") from None
    with handle:
        yield handle


@contextlib.contextmanager
def atomic_output(path: str) -> Iterator[IO[bytes]]:
    """A new file that replaces ``path`` (through a link, its target) when the block ends.

    The data goes to a temporary file beside it, renamed over it at the end:
    on any failure (a full disk, an interrupt, an error in the block) the
    original file is untouched and the temporary one removed.
    """
    import tempfile

    target = os.path.realpath(path)
    try:
        try:
            mode = os.stat(target).st_mode & 0o7777
        except FileNotFoundError:
            mask = os.umask(0)
            os.umask(mask)
            mode = 0o666 & ~mask
        fd, tmp = tempfile.mkstemp(
            prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=os.path.dirname(target)
        )
    except OSError as exc:
        raise CLIError(f"{path}: cannot write: {exc.strerror or exc}") from None
    written = False
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            written = True
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if written and isinstance(exc, OSError):
            raise CLIError(_unwritten(path, exc)) from None
        raise


def atomic_write(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` all at once (see `atomic_output`)."""
    with atomic_output(path) as handle:
        try:
            handle.write(data)
        except OSError as exc:
            raise CLIError(_unwritten(path, exc)) from None


def _unwritten(path: str, exc: OSError) -> str:
    return f"{path}: cannot write: {exc.strerror or exc}; the file is unchanged"
