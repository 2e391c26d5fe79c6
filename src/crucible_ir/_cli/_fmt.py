"""``crucible-ir fmt`` and ``crucible-ir convert``: write a document again, losing nothing.

Both write the *authoring form* by default: the wire form (IR object keys in
wire order, opaque maps in their own order, timestamps as written) with every
field that equals its default left out, which reads back as the same object.
``--full`` writes the canonical form instead: every field, keys sorted,
timestamps in UTC, what ``crucible-ir hash`` digests (TOML, which has no null,
leaves out the fields that are null).

Neither ever drops what the author wrote: a document with unknown keys, or a
YAML or TOML file with comments, which the writers cannot keep, is refused
with one line per reason.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import msgspec

from .._codec._canonical import canonical_data, json_text
from .._codec._json import to_dict
from .._model._base import IRStruct
from ._common import CLIError, Input, atomic_write, open_input, print_problems, printable
from ._locate import check

__all__ = ["authoring_data", "run_convert", "run_fmt", "write_text"]


def authoring_data(obj: IRStruct, *, full: bool = False) -> Any:
    """The data of ``obj`` to write: the authoring form, or with ``full`` the canonical one."""
    if full:
        return canonical_data(obj)
    return _trim(to_dict(obj), obj, defaults=True)


def _trim(data: Any, obj: Any, *, defaults: bool) -> Any:
    """``data`` (written from ``obj``) without the fields equal to their default, or null ones.

    Walks IR objects only; the values of opaque maps are kept as they are.
    """
    if isinstance(obj, IRStruct):
        fields = {f.encode_name: f for f in msgspec.structs.fields(obj)}
        result = {}
        for key, value in data.items():
            f = fields[key]
            if value is None and not defaults:
                continue
            if defaults and f.default_factory is not msgspec.NODEFAULT:
                default = msgspec.to_builtins(f.default_factory())
            else:
                default = f.default
            if defaults and type(value) is type(default) and value == default:
                continue
            result[key] = _trim(value, getattr(obj, f.name), defaults=defaults)
        return result
    if isinstance(obj, (list, tuple)) and any(isinstance(item, IRStruct) for item in obj):
        return [_trim(d, item, defaults=defaults) for d, item in zip(data, obj, strict=True)]
    if isinstance(obj, dict) and any(isinstance(item, IRStruct) for item in obj.values()):
        return {key: _trim(data[key], item, defaults=defaults) for key, item in obj.items()}
    return data


def write_text(data: Any, fmt: str, name: str = "<data>") -> str:
    """``data`` (of the file ``name``) as JSON (2-space indent), YAML or TOML that reads back as it."""
    try:
        if fmt == "json":
            return json_text(data, indent=2) + "\n"
        if fmt == "yaml":
            return _yaml(data)
        return _toml(data)
    except RecursionError:  # the YAML and TOML writers recurse, a few frames a level
        raise CLIError(
            f"{name}: nested too deeply to write as {fmt.upper()} (write JSON)"
        ) from None


def _yaml(data: Any) -> str:
    """YAML that the reader reads back as ``data``.

    A string that would read back as something else as a plain scalar
    (``"0o17"`` or ``"true"``; ``"off"`` is fine in YAML 1.2) is double-quoted,
    as is text holding the line breaks YAML folds (U+0085, U+2028, U+2029),
    which double quotes escape; other text with line breaks is a literal block.
    """
    import yaml

    from .._sources._yaml import reads_as_text

    class Dumper(yaml.SafeDumper):
        pass

    def represent_str(dumper: yaml.SafeDumper, text: str) -> Any:
        style = None
        if not reads_as_text(text) or any(ch in text for ch in "\x85\u2028\u2029"):
            style = '"'
        elif "\n" in text:
            style = "|"
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)

    Dumper.add_representer(str, represent_str)
    return yaml.dump(
        data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=1 << 30, indent=2
    )


def _toml(data: Any) -> str:
    import tomli_w

    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        item, where = stack.pop()
        if item is None:
            raise CLIError(
                f"TOML has no null: the value at {printable(where) or '(root)'} cannot be "
                "written (IR fields that are null are left out, but opaque maps and lists "
                "must not hold null)"
            )
        if isinstance(item, dict):
            stack.extend((v, f"{where}.{k}" if where else k) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(item))
    return tomli_w.dumps(data)


def _rewritten(source: Input, command: str, fmt: str, *, full: bool) -> str | None:
    """The text to write for ``source``, or ``None`` after printing why it cannot be."""
    checked = check(source, strict=False)
    if checked.obj is None:
        print_problems(checked.problems)
        return None
    unknown = [p for p in check(source, strict=True).problems if p.code == "unknown_field"]
    for p in unknown:
        print(f"{p.text()} ({command} would drop it)", file=sys.stderr)
    if checked.comment is not None:
        line, column = checked.comment
        print(
            f"{printable(source.name)}:{line}:{column}: a comment, which {command} would drop "
            "(the YAML and TOML writers keep no comments)",
            file=sys.stderr,
        )
    if unknown or checked.comment is not None:
        return None
    data = authoring_data(checked.obj, full=full)
    if fmt == "toml":
        data = _trim(data, checked.obj, defaults=False)
    return write_text(data, fmt, source.name)


def run_fmt(args: argparse.Namespace) -> int:
    """Print, check or rewrite documents in their own format."""
    if not (args.check or args.in_place) and len(args.files) > 1:
        raise CLIError("fmt prints one file; use --check or --in-place for several")
    status = 0
    for path in args.files:
        if (args.check or args.in_place) and path == "-":
            raise CLIError("--check and --in-place need a file, not stdin")
        source = open_input(path, args)
        text = _rewritten(source, "fmt", source.format, full=args.full)
        if text is None:
            status = 1
        elif args.check:
            if source.data != text.encode("utf-8"):
                print(
                    f"{printable(path)}: would be reformatted by crucible-ir fmt", file=sys.stderr
                )
                status = 1
        elif args.in_place:
            if source.data != text.encode("utf-8"):
                atomic_write(path, text.encode("utf-8"))
        else:
            sys.stdout.write(text)
    return status


def run_convert(args: argparse.Namespace) -> int:
    """Write the document in another format."""
    text = _rewritten(open_input(args.file, args), "convert", args.to, full=args.full)
    if text is None:
        return 1
    if args.output:
        atomic_write(args.output, text.encode("utf-8"))
    else:
        sys.stdout.write(text)
    return 0
