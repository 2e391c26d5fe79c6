"""The ``crucible-ir`` command: validate, fmt, convert, show, diff, hash, schema.

Each command imports only what it needs (YAML and TOML support included), so
the common ``crucible-ir validate file.json`` starts quickly.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

__all__ = ["CONVERT_FORMATS", "main", "parser"]

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

CONVERT_FORMATS = ["json", "yaml", "toml", "parquet", "jsonl"]
"""What ``convert --to`` writes (to and from Parquet: ``_parquet``; the rest: ``_fmt``)."""

# The distribution that provides a module the commands import, for the install hint.
_PACKAGES = {"yaml": "PyYAML", "tomli": "tomli", "tomli_w": "tomli-w", "msgspec": "msgspec"}

_EPILOG = """\
exit status: 0 success, 1 problems found (or a difference, or a file fmt would
change or refuses), 2 usage error or unreadable input, 3 internal error (a bug:
please report it)"""


class _Help(argparse.RawDescriptionHelpFormatter):
    """argparse's help layout, sized to the terminal without importing shutil (and bz2...)."""

    def __init__(self, prog: str) -> None:
        try:
            width = int(os.environ.get("COLUMNS") or os.get_terminal_size().columns)
        except (OSError, ValueError):
            width = 80
        super().__init__(prog, width=max(width, 40) - 2)


def parser() -> argparse.ArgumentParser:
    """The argument parser of the whole command."""
    from .._version import __version__

    top = argparse.ArgumentParser(
        prog="crucible-ir",
        description="Validate, format, convert and inspect CrucibleIR documents "
        "(JSON, YAML, TOML or JSON Lines).",
        epilog=_EPILOG,
        formatter_class=_Help,
    )
    top.add_argument("--version", action="version", version=f"crucible-ir {__version__}")
    sub = top.add_subparsers(
        dest="command",
        metavar="COMMAND",
        required=True,
        help="what to do (`crucible-ir COMMAND --help` for its arguments):",
    )

    def add(name: str, text: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=text,
            description=text[0].upper() + text[1:] + ".",
            epilog=_EPILOG,
            formatter_class=_Help,
        )

    def typed(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--type",
            "-t",
            metavar="NAME",
            help="IR type of the documents (default: experiment; feedback.event for .jsonl "
            "and .ndjson files); `crucible-ir schema --list` lists the names",
        )
        p.add_argument(
            "--input-format",
            choices=["json", "yaml", "toml", "jsonl"],
            help="read the input in this format (default: from the file extension; for "
            "standard input, from its content)",
        )

    def rewriting(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--full",
            action="store_true",
            help="write every field, the canonical form `hash` digests (default: the "
            "authoring form, fields equal to their default left out)",
        )

    def files(p: argparse.ArgumentParser, text: str) -> None:
        p.add_argument("files", nargs="+", metavar="FILE", help=text)

    p = add("validate", "check documents and print each problem as FILE:LINE:COL: PATH: MESSAGE")
    files(p, "a document (.json, .yaml, .yml, .toml, .jsonl, .ndjson); - reads standard input")
    typed(p)
    p.add_argument(
        "--allow-unknown",
        action="store_true",
        help="ignore keys the type does not define (by default each is a problem)",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="report unknown keys as problems: the default, accepted for compatibility",
    )
    p.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="text: one line per problem (default); json: one array of records with file, "
        "line, column, path, code and message, unreadable files included",
    )

    p = add("fmt", "rewrite documents in their own format (JSON, YAML or TOML), losing nothing")
    files(p, "a .json, .yaml, .yml or .toml document; - reads standard input (printing only)")
    typed(p)
    rewriting(p)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--check",
        action="store_true",
        help="print nothing but the names of the files that would change, and exit 1 if any",
    )
    mode.add_argument(
        "--in-place", "-i", action="store_true", help="rewrite the files (atomically)"
    )

    p = add(
        "convert",
        "write a document in another format, losing nothing; or JSON Lines to Parquet and back",
    )
    p.add_argument("file", metavar="FILE", help="the document to convert; - reads standard input")
    typed(p)
    p.add_argument(
        "--to",
        choices=CONVERT_FORMATS,
        required=True,
        help="the format to write: jsonl writes one line per document, or a JSON Lines "
        "file's records again; parquet (from JSON Lines or one document) and Parquet to jsonl "
        "need the arrow extra",
    )
    p.add_argument(
        "--output", "-o", metavar="OUT", help="write here (atomically) instead of standard output"
    )
    rewriting(p)
    p.add_argument(
        "--partition-by",
        action="append",
        metavar="FIELD",
        help="with --to parquet: write a Hive-partitioned directory split by these fields "
        "(repeat it, or separate them with commas)",
    )

    p = add("show", "print a document as a tree of its IR objects, what is set in each")
    p.add_argument("file", metavar="FILE", help="the document to show; - reads standard input")
    typed(p)
    p.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour the tree: always, never, or on a terminal unless NO_COLOR is set (default)",
    )

    p = add("diff", "list every changed path between two documents, with old and new value")
    p.add_argument("old", metavar="A", help="the old document")
    p.add_argument("new", metavar="B", help="the new document (any format)")
    typed(p)
    p.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="text: PATH: OLD -> NEW lines (default); json: an array of {path, old, new}",
    )

    p = add("hash", "print sha256:HEX  FILE, the fingerprint of each document's canonical form")
    files(p, "a document to fingerprint; - reads standard input")
    typed(p)

    p = add("schema", "print the JSON Schema (2020-12) of an IR type")
    p.add_argument(
        "type_name",
        nargs="?",
        default="experiment",
        metavar="TYPE",
        help="the IR type (default: experiment)",
    )
    p.add_argument("--all", metavar="DIR", help="write TYPE.schema.json for every type into DIR")
    p.add_argument("--list", action="store_true", help="list the type names")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = parser().parse_args(argv)
    from ._common import CLIError

    if sys.stdout is None:
        # Standard output closed from the start (`crucible-ir ... >&-`): nothing the command
        # prints can be delivered, so it stops at once, quietly, and not with 0.
        return EXIT_PROBLEMS

    try:
        if args.command == "validate":
            from ._validate import run
        elif args.command == "fmt":
            from ._fmt import run_fmt as run
        elif args.command == "convert":
            from ._parquet import wanted

            if wanted(args):  # JSON Lines <-> Parquet
                from ._parquet import run
            else:
                from ._fmt import run_convert as run
        elif args.command == "show":
            from ._show import run
        elif args.command == "diff":
            from ._diff import run
        elif args.command == "hash":
            from ._hash import run
        else:
            from ._schema_cmd import run
        return run(args)
    except CLIError as exc:
        print(f"crucible-ir: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("crucible-ir: interrupted", file=sys.stderr)
        return 130
    except RecursionError:  # what the readers and writers cannot follow: the input's depth
        print(f"crucible-ir: {args.command}: input nested too deeply", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # Standard output closed early (`crucible-ir validate ... | head -1`): stop quietly,
        # and not with 0, as the output was not all delivered. Later writes go nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PROBLEMS
    except ModuleNotFoundError as exc:
        top = (exc.name or "").partition(".")[0]
        if top == "crucible_ir":
            return _internal(exc)
        package = _PACKAGES.get(top, top)
        print(
            f"crucible-ir: {args.command} needs the Python package {package}, which is not "
            f"installed: pip install {package}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except Exception as exc:
        return _internal(exc)


def _internal(exc: Exception) -> int:
    """A bug of ours, not the input's: one line (a traceback when CRUCIBLE_IR_DEBUG is set)."""
    if os.environ.get("CRUCIBLE_IR_DEBUG"):
        raise exc
    print(
        f"crucible-ir: internal error ({type(exc).__name__}: {exc}); "
        "set CRUCIBLE_IR_DEBUG=1 for details and please report it",
        file=sys.stderr,
    )
    return EXIT_INTERNAL
