"""``crucible-ir schema [TYPE]``: JSON Schema 2020-12 for editors and other tools."""

from __future__ import annotations

import argparse
import json
import os

from .._model._base import type_names
from ._common import CLIError, atomic_write, ir_class

__all__ = ["run"]


def _text(schema: dict[str, object]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def run(args: argparse.Namespace) -> int:
    """Print one schema, list the types, or write every schema into a folder."""
    from .._codec._schema import json_schema

    if args.list:
        print("\n".join(type_names()))
        return 0
    if args.all:
        try:
            os.makedirs(args.all, exist_ok=True)
        except OSError as exc:
            raise CLIError(f"{args.all}: cannot create: {exc.strerror or exc}") from None
        for name in type_names():
            atomic_write(
                os.path.join(args.all, f"{name}.schema.json"), _text(json_schema(name)).encode()
            )
        return 0
    print(_text(json_schema(ir_class(args.type_name))), end="")
    return 0
