"""``crucible-ir hash FILE...``: a stable fingerprint of each document's canonical form."""

from __future__ import annotations

import argparse
import sys

from .._canonical import fingerprint
from ._common import detect_format, ir_class, load
from ._report import print_problems

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """Print ``sha256:<hex>  FILE`` per document; exit 1 when one cannot be decoded."""
    cls = ir_class(args.type)
    status = 0
    for path in args.files:
        loaded = load(path, cls, detect_format(path, args.input_format))
        if loaded.obj is None:
            print_problems(loaded.problems, "text", sys.stderr)
            status = 1
            continue
        print(f"{fingerprint(loaded.obj)}  {loaded.name}")
    return status
