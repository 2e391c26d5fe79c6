"""What the commands share: reading files, decoding them with positions, writing atomically."""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass, field
from typing import Any

from .._base import IRStruct, resolve_type
from .._errors import Issue

__all__ = [
    "CLIError",
    "Loaded",
    "Located",
    "atomic_write",
    "detect_format",
    "ir_class",
    "load",
    "printable",
    "read_bytes",
]


class CLIError(Exception):
    """A usage error or unreadable input: reported on one line, exit status 2."""


@dataclass(frozen=True)
class Located:
    """One problem with its place in a file."""

    file: str
    line: int
    column: int
    path: str
    code: str
    message: str

    def text(self) -> str:
        """``FILE:LINE:COL: PATH: MESSAGE`` (control characters escaped)."""
        return printable(
            f"{self.file}:{self.line}:{self.column}: {self.path or '(root)'}: {self.message}"
        )

    def as_dict(self) -> dict[str, Any]:
        """The JSON output form."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class Loaded:
    """A decoded file: the object (None when decoding failed) and its problems."""

    name: str
    obj: Any
    problems: list[Located] = field(default_factory=list)
    decoded: bool = True


def printable(text: str) -> str:
    """``text`` with control characters escaped, so a document cannot drive the terminal."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


def ir_class(name: str) -> type[IRStruct]:
    """The IR class for ``--type``, or a usage error with a did-you-mean."""
    try:
        return resolve_type(name)
    except ValueError as exc:
        raise CLIError(str(exc)) from None


_EXTENSIONS = {
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


def detect_format(path: str, given: str | None) -> str:
    """The input format: ``--input-format``, else the file extension."""
    if given:
        return given
    if path == "-":
        raise CLIError("reading stdin needs --input-format json|yaml|toml|jsonl")
    ext = os.path.splitext(path)[1].lower()
    try:
        return _EXTENSIONS[ext]
    except KeyError:
        raise CLIError(
            f"{path}: cannot tell the format from the extension {ext or '(none)'!r}; "
            "use .json, .yaml, .yml, .toml or .jsonl, or --input-format"
        ) from None


def read_bytes(path: str) -> bytes:
    """The bytes of ``path`` (``-`` is stdin), or a `CLIError` naming the file."""
    try:
        if path == "-":
            return sys.stdin.buffer.read()
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise CLIError(f"{path}: cannot read: {exc.strerror or exc}") from None


def load(path: str, cls: type[IRStruct], fmt: str, *, strict: bool = False) -> Loaded:
    """Read and decode one JSON/YAML/TOML file, placing every problem at its line and column."""
    from .._sources import SourceError
    from .._sources import load as load_source

    name = "<stdin>" if path == "-" else path
    if fmt == "jsonl":
        raise CLIError(
            f"{name}: a JSON Lines file holds many documents; only `validate` reads it "
            "(use --input-format json|yaml|toml for a single document)"
        )
    raw = read_bytes(path)
    try:
        doc = load_source(raw, fmt)  # type: ignore[arg-type]
    except SourceError as exc:
        return Loaded(
            name, None, [Located(name, exc.line, exc.column, "", "syntax", exc.message)], False
        )
    from ._locate import decode_located

    obj, problems, decoded = decode_located(doc, cls, name, strict=strict)
    return Loaded(name, obj, problems, decoded)


def atomic_write(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` all at once: a temporary file beside it, then rename.

    On any failure (a full disk, an interrupt) the original file is untouched
    and the temporary file is removed.
    """
    import tempfile

    target = os.path.realpath(path)  # through a symbolic link, rewrite its target
    directory = os.path.dirname(target)
    base = os.path.basename(target)
    try:
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    except OSError as exc:
        raise CLIError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=directory)
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def issue_to_located(name: str, issue: Issue, line: int, column: int) -> Located:
    """A library `Issue` placed in a file."""
    return Located(name, line, column, issue.path, str(issue.code), issue.message)
