"""``crucible-ir validate FILE...``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import IO

from ._common import CLIError, Input, Located, jsonl_input, open_input, use_color
from ._locate import check, locate_record

__all__ = ["run"]


class _Reporter:
    """Writes each problem as soon as it is found: text lines, or one JSON array."""

    def __init__(self, fmt: str, stream: IO[str]) -> None:
        self.json = fmt == "json"
        self.stream = stream
        self.color = not self.json and use_color(stream)
        self.count = 0

    def add(self, problems: Iterable[Located]) -> None:
        for p in problems:
            if self.json:
                import json

                record = json.dumps(p._asdict(), ensure_ascii=False)
                self.stream.write(f"{',' if self.count else '['}\n  {record}")
            else:
                self.stream.write(p.text(self.color) + "\n")
            self.count += 1

    def close(self) -> None:
        if self.json:
            self.stream.write("\n]\n" if self.count else "[]\n")


def run(args: argparse.Namespace) -> int:
    """Check every file: 0 when all are valid, 1 when any is not, 2 when one is unreadable."""
    strict = not args.allow_unknown
    reporter = _Reporter(args.format, sys.stdout)
    unreadable = bad_files = 0
    for path in args.files:
        before = reporter.count
        try:
            source = open_input(path, args, lines=True)
            if source.format == "jsonl":
                _jsonl(path, source, reporter, strict=strict)
            else:
                reporter.add(check(source, strict=strict).problems)
        except CLIError as exc:
            print(f"crucible-ir: {exc}", file=sys.stderr)
            unreadable += 1
            if reporter.json:
                name = "<stdin>" if path == "-" else path
                reporter.add([Located(name, None, None, "", "unreadable", str(exc))])
            continue
        bad_files += reporter.count > before
    reporter.close()
    problems = reporter.count - (unreadable if reporter.json else 0)
    if problems and not reporter.json:
        files = len(args.files)
        print(
            f"{problems} problem{'s' * (problems != 1)} in {bad_files} of {files} "
            f"file{'s' * (files != 1)}",
            file=sys.stderr,
        )
    return 2 if unreadable else 1 if problems else 0


def _jsonl(path: str, source: Input, reporter: _Reporter, *, strict: bool) -> None:
    """Report the bad records of a JSON Lines file, each at its line; memory stays bounded."""
    from .._codec._jsonl import BadRecord, scan_jsonl

    with jsonl_input(path, source) as stream:
        try:
            for item in scan_jsonl(stream, source.cls, strict=strict):
                if isinstance(item, BadRecord):
                    reporter.add(locate_record(source.name, item))
        except BrokenPipeError:  # our output, closed: not the input's fault
            raise
        except OSError as exc:
            raise CLIError(f"{path}: cannot read: {exc.strerror or exc}") from None
