"""``crucible-ir fmt`` (canonical JSON) and ``crucible-ir convert`` (JSON, YAML, TOML)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .._base import IRStruct
from .._canonical import canonical_data, canonical_json, json_text
from .._plan import plan
from ._common import CLIError, Loaded, atomic_write, detect_format, ir_class, load, read_bytes
from ._report import print_problems

__all__ = ["run_convert", "run_fmt"]


def _decode(path: str, args: argparse.Namespace) -> Loaded:
    fmt = detect_format(path, args.input_format)
    if fmt == "jsonl":
        raise CLIError(f"{path}: JSON Lines files cannot be formatted or converted as one document")
    loaded = load(path, ir_class(args.type), fmt)
    if not loaded.decoded:
        print_problems(loaded.problems, "text", sys.stderr)
    return loaded


def run_fmt(args: argparse.Namespace) -> int:
    """Print, check or rewrite files in canonical JSON."""
    if (args.check or args.in_place) is False and len(args.files) > 1:
        raise CLIError("fmt prints one file; use --check or --in-place for several")
    status = 0
    for path in args.files:
        if args.in_place or args.check:
            if path == "-":
                raise CLIError("--check and --in-place need a file, not stdin")
            if detect_format(path, args.input_format) != "json":
                raise CLIError(
                    f"{path}: --check and --in-place apply to JSON files (fmt writes JSON)"
                )
        loaded = _decode(path, args)
        if loaded.obj is None:
            status = 1
            continue
        text = canonical_json(loaded.obj, indent=2) + "\n"
        if args.check:
            if read_bytes(path) != text.encode("utf-8"):
                print(
                    f"{path}: not in canonical form (run crucible-ir fmt --in-place)",
                    file=sys.stderr,
                )
                status = 1
        elif args.in_place:
            if read_bytes(path) != text.encode("utf-8"):
                atomic_write(path, text.encode("utf-8"))
        else:
            sys.stdout.write(text)
    return status


def run_convert(args: argparse.Namespace) -> int:
    """Write the document in another format."""
    loaded = _decode(args.file, args)
    if loaded.obj is None:
        return 1
    data = canonical_data(loaded.obj)
    if not args.full or args.to == "toml":
        data = _drop_null_fields(data, type(loaded.obj))
    if args.to == "json":
        text = json_text(data, indent=2) + "\n"
    else:
        writer = _yaml if args.to == "yaml" else _toml
        try:
            text = writer(data)
        except RecursionError:  # their writers recurse, a few frames a level
            raise CLIError(
                f"{args.file}: nested too deeply to write as {args.to.upper()} (write JSON)"
            ) from None
    if args.output:
        atomic_write(args.output, text.encode("utf-8"))
    else:
        sys.stdout.write(text)
    return 0


def _drop_null_fields(data: Any, cls: type[IRStruct]) -> Any:
    """Leave out IR fields that are null: for them absent and null mean the same.

    Walks IR objects only (by their plan); opaque maps keep their nulls.
    """
    if not isinstance(data, dict):
        return data
    fields = plan(cls).by_name
    result = {}
    for key, value in data.items():
        if value is None:
            continue
        f = fields.get(key)
        node = f.node if f is not None else None
        if node is not None and node.kind == "struct" and node.cls is not None:
            value = _drop_null_fields(value, node.cls)
        elif node is not None and node.kind == "list" and node.item is not None and node.item.cls:
            value = [_drop_null_fields(v, node.item.cls) for v in value]
        result[key] = value
    return result


def _yaml(data: Any) -> str:
    """YAML that our reader reads back as ``data``.

    A string that would read back as something else as a plain scalar
    (``"off"`` is fine in YAML 1.2, ``".5e3"`` or ``"true"`` are not) is
    quoted. Text holding line-break characters that YAML readers fold (U+0085,
    U+2028, U+2029) is written with escapes instead of raw.
    """
    import io

    try:
        from ruamel.yaml import YAML
    except ImportError:  # pragma: no cover - depends on the installation
        raise CLIError("YAML output needs ruamel.yaml: pip install 'crucible-ir[cli]'") from None
    from .._sources._yaml import reads_as_text

    def represent_str(representer: Any, text: str) -> Any:
        style = None if reads_as_text(text) else '"'
        return representer.represent_scalar("tag:yaml.org,2002:str", text, style=style)

    yaml = YAML(typ="safe", pure=True)
    yaml.representer.add_representer(str, represent_str)
    yaml.default_flow_style = False
    yaml.allow_unicode = not _has_folded_breaks(data)
    yaml.sort_base_mapping_type_on_output = True  # type: ignore[assignment]
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _has_folded_breaks(data: Any) -> bool:
    import json

    text = json.dumps(data, ensure_ascii=False)
    return any(ch in text for ch in ("\x85", "\u2028", "\u2029"))


def _toml(data: Any) -> str:
    try:
        import tomli_w
    except ImportError:  # pragma: no cover - depends on the installation
        raise CLIError("TOML output needs tomli-w: pip install 'crucible-ir[cli]'") from None
    where = _first_null(data, "")
    if where is not None:
        raise CLIError(
            f"TOML has no null: the value at {where or '(root)'} cannot be written "
            "(IR fields that are null are left out, but opaque maps and lists must not hold null)"
        )
    return tomli_w.dumps(data)


def _first_null(value: Any, path: str) -> str | None:
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if item is None:
            return where
        if isinstance(item, dict):
            stack.extend((v, f"{where}.{k}" if where else k) for k, v in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in reversed(list(enumerate(item))))
    return None
