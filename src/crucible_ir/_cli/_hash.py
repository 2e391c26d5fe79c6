"""``crucible-ir hash FILE...``: a stable fingerprint of each document's canonical form."""

from __future__ import annotations

import argparse

from .._codec._canonical import fingerprint
from ._common import open_input, print_problems, printable
from ._locate import check

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """Print ``sha256:<hex>  FILE`` per document; exit 1 when one cannot be decoded."""
    status = 0
    for path in args.files:
        source = open_input(path, args)
        checked = check(source, strict=False)
        if checked.obj is None:
            print_problems(checked.problems)
            status = 1
            continue
        print(f"{fingerprint(checked.obj)}  {printable(source.name)}")
    return status
