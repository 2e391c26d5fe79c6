"""The ``crucible-ir`` command: validate, fmt, convert, show, diff, hash, schema.

Each command imports only what it needs (YAML and TOML support included), so
the common ``crucible-ir validate file.json`` starts quickly.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # importing typing costs start-up time
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["main"]

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2

_FORMATS = ("json", "yaml", "toml")


def _parser() -> object:
    import argparse

    parser = argparse.ArgumentParser(
        prog="crucible-ir",
        description="Validate, format, convert and inspect CrucibleIR documents "
        "(JSON, YAML or TOML).",
        epilog="Exit status: 0 success, 1 problems found (or a difference), 2 usage error "
        "or unreadable input.",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help)

    def typed(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--type",
            "-t",
            default="experiment",
            metavar="NAME",
            help="IR type of the documents (default: experiment); `crucible-ir schema --list` lists them",
        )
        p.add_argument(
            "--input-format",
            choices=(*_FORMATS, "jsonl"),
            help="format of the input when it cannot be told from the file name (stdin)",
        )

    p = add(
        "validate", "check IR documents and report every problem as FILE:LINE:COL: PATH: MESSAGE"
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="files to check; - reads stdin")
    typed(p)
    p.add_argument("--strict", action="store_true", help="also report unknown keys")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")

    p = add(
        "fmt",
        "print the canonical JSON of a document (sorted keys, 2-space indent, defaults filled in)",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    typed(p)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--check", action="store_true", help="exit 1 when a file is not in canonical form"
    )
    mode.add_argument(
        "--in-place", "-i", action="store_true", help="rewrite the files (atomically)"
    )

    p = add(
        "convert",
        "convert a document to JSON, YAML or TOML, or JSON Lines to Parquet and back",
    )
    p.add_argument("file", metavar="FILE")
    typed(p)
    p.add_argument(
        "--to", choices=(*_FORMATS, "parquet", "jsonl"), required=True, help="output format"
    )
    p.add_argument(
        "--output", "-o", metavar="OUT", help="write here (atomically) instead of stdout"
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="keep fields that are null (not possible in TOML, which has no null)",
    )
    # Columnar conversion (_parquet.py): JSON Lines <-> Parquet.
    p.add_argument(
        "--partition-by",
        action="append",
        metavar="FIELD",
        help="with --to parquet: write a Hive-partitioned directory split by these fields "
        "(repeat it, or separate them with commas)",
    )

    p = add(
        "show",
        "print a document as a tree: backend, stages, dataset, reliability, outputs, lifecycle",
    )
    p.add_argument("file", metavar="FILE")
    typed(p)
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")

    p = add("diff", "list every changed path between two documents, with old and new value")
    p.add_argument("old", metavar="A")
    p.add_argument("new", metavar="B")
    typed(p)
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = add("hash", "print sha256:<hex> of each document's canonical form")
    p.add_argument("files", nargs="+", metavar="FILE")
    typed(p)

    p = add("schema", "print the JSON Schema (2020-12) of an IR type")
    p.add_argument("type_name", nargs="?", default="experiment", metavar="TYPE")
    p.add_argument("--all", metavar="DIR", help="write <type>.schema.json for every type into DIR")
    p.add_argument("--list", action="store_true", help="list the type names")
    return parser


def _quick_validate(argv: list[str]) -> bool:
    """True when ``validate FILE.json...`` (with at most ``--type``) is valid for sure.

    The common case, run by editors and hooks on every save, answered without
    importing msgspec, argparse or ``re``: the JSON is parsed by the standard
    library's C scanner and checked by the generated quick check (``_quick``).
    Anything else, and any doubt, goes the full way, which reports problems.
    """
    if len(argv) < 2 or argv[0] != "validate":
        return False
    type_name = "experiment"
    files: list[str] = []
    rest = iter(argv[1:])
    for arg in rest:
        if arg in ("--type", "-t"):
            type_name = next(rest, "")
        elif arg.startswith("--type="):
            type_name = arg[len("--type=") :]
        elif arg.startswith("-") or not arg.endswith(".json"):
            return False
        else:
            files.append(arg)
    try:
        from ._quick import CHECKS
        from ._quickparse import parse

        check: Callable[[object], object] = CHECKS[type_name]
        for path in files:
            with open(path, "rb") as handle:
                check(parse(handle.read()))
    except Exception:  # Unsure, or anything unexpected: the full path decides
        return False
    return bool(files)


def _version() -> str:
    from .._version import __version__

    return f"crucible-ir {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    if _quick_validate(sys.argv[1:] if argv is None else list(argv)):
        return EXIT_OK
    args = _parser().parse_args(argv)  # type: ignore[attr-defined]
    from ._common import CLIError

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
        import os

        # Output closed early (`crucible-ir show x | head`): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # a bug of ours, not the input's: one line, unless debugging
        import os

        if os.environ.get("CRUCIBLE_IR_DEBUG"):
            raise
        print(
            f"crucible-ir: internal error ({type(exc).__name__}: {exc}); "
            "set CRUCIBLE_IR_DEBUG=1 for details and please report it",
            file=sys.stderr,
        )
        return 3
