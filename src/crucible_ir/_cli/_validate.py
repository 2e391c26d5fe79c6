"""``crucible-ir validate FILE...``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import IO

from .._base import IRStruct
from ._common import CLIError, Located, detect_format, ir_class, load, printable
from ._report import use_color

__all__ = ["run"]


class _Reporter:
    """Writes each problem as soon as it is found (text lines or a streamed JSON list)."""

    def __init__(self, fmt: str, stream: IO[str]) -> None:
        self.fmt = fmt
        self.stream = stream
        self.color = fmt == "text" and use_color(stream)
        self.count = 0
        if fmt == "json":
            stream.write("[")

    def add(self, problems: Iterable[Located]) -> None:
        for p in problems:
            if self.fmt == "json":
                sep = "," if self.count else ""
                self.stream.write(f"{sep}\n  {json.dumps(p.as_dict(), ensure_ascii=False)}")
            elif self.color:
                self.stream.write(
                    f"\x1b[1m{printable(p.file)}:{p.line}:{p.column}:\x1b[0m "
                    f"\x1b[36m{printable(p.path or '(root)')}\x1b[0m: {printable(p.message)}\n"
                )
            else:
                self.stream.write(p.text() + "\n")
            self.count += 1

    def close(self) -> None:
        if self.fmt == "json":
            self.stream.write("\n]\n" if self.count else "]\n")


def run(args: argparse.Namespace) -> int:
    """Check every file; exit 0 when all are valid, 1 when any is not, 2 when one is unreadable."""
    cls = ir_class(args.type)
    reporter = _Reporter(args.format, sys.stdout)
    unreadable = False
    bad_files = 0
    for path in args.files:
        before = reporter.count
        try:
            fmt = detect_format(path, args.input_format)
            if fmt == "jsonl":
                _jsonl(path, cls, reporter, strict=args.strict)
            else:
                reporter.add(load(path, cls, fmt, strict=args.strict).problems)
        except CLIError as exc:
            print(f"crucible-ir: {exc}", file=sys.stderr)
            unreadable = True
        bad_files += reporter.count > before
    reporter.close()
    if reporter.count and args.format == "text":
        n, files = reporter.count, len(args.files)
        print(
            f"{n} problem{'s' * (n != 1)} in {bad_files} of {files} file{'s' * (files != 1)}",
            file=sys.stderr,
        )
    if unreadable:
        return 2
    return 1 if reporter.count else 0


def _jsonl(path: str, cls: type[IRStruct], reporter: _Reporter, *, strict: bool) -> None:
    """Report the bad records of a JSON Lines file, one line each; memory stays constant."""
    from .._jsonl import BadRecord, scan_jsonl

    name = "<stdin>" if path == "-" else path
    try:
        source = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise CLIError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        for item in scan_jsonl(source, cls, strict=strict):
            if isinstance(item, BadRecord):
                reporter.add(
                    Located(name, item.line, i.column or 1, i.path, str(i.code), i.message)
                    for i in item.issues
                )
    except OSError as exc:
        raise CLIError(f"{path}: cannot read: {exc.strerror or exc}") from None
    finally:
        if path != "-":
            source.close()
