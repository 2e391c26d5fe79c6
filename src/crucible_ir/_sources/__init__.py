"""Reading IR documents from JSON, YAML and TOML, with positions.

Each reader turns text into plain JSON-model data and remembers where every
value was written, so that a problem found later in the data can be reported
at ``FILE:LINE:COL`` (`Document.locate`). A text that cannot be read at all
raises `SourceError`, with its position, whatever the input. JSON Lines are
read by the library's own reader (``crucible_ir._codec._jsonl``). Each reader, and
PyYAML or tomllib behind it, is imported only when its format is read.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Literal

from ._common import Document, Path, SourceError

__all__ = [
    "EXTENSIONS",
    "Document",
    "Path",
    "SourceError",
    "format_for_path",
    "load",
    "load_json",
    "load_toml",
    "load_yaml",
    "sniff",
]

Format = Literal["json", "yaml", "toml", "jsonl"]

EXTENSIONS: dict[str, Format] = {
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
"""The file extensions the command line reads, and the format of each."""

# A TOML line: `[table]`, `[[array]]` or `key = ...` (bare, quoted or dotted keys).
_TOML_LINE = re.compile(r"""\[\[?\s*[\w"'.-][^\]]*\]\]?\s*(#.*)?|[\w"'.-][\w"'. -]*=.*""")


def load(text: str | bytes, fmt: str) -> Document:
    """Read ``text`` as a ``json``, ``yaml`` or ``toml`` document.

    >>> load(b'{"name": "x"}', "json").data
    {'name': 'x'}
    """
    if fmt == "json":
        from ._json import load_json as reader
    elif fmt == "yaml":
        from ._yaml import load_yaml as reader
    elif fmt == "toml":
        from ._toml import load_toml as reader
    else:
        raise ValueError(f"unknown format {fmt!r}: expected json, yaml or toml")
    return reader(text)


load_json = partial(load, fmt="json")
load_yaml = partial(load, fmt="yaml")
load_toml = partial(load, fmt="toml")


def format_for_path(filename: str) -> Format | None:
    """The format a file name's extension calls for, ignoring case; ``None`` if unknown.

    >>> format_for_path("experiment.YML"), format_for_path("notes.txt")
    ('yaml', None)
    """
    dot = filename.rfind(".")
    if dot <= max(filename.rfind("/"), filename.rfind("\\")):
        return None
    return EXTENSIONS.get(filename[dot:].lower())


def sniff(data: bytes) -> Format:
    r"""The format of a text without a name (standard input), told from its content.

    ``{`` or ``[`` first is JSON, or JSON Lines when the first line is a whole
    JSON value and more follow; a first line (comments and blank lines aside)
    such as ``[table]`` or ``key = value`` is TOML; anything else is YAML.

    >>> sniff(b'{"id": 1}'), sniff(b'{"id": 1}\n{"id": 2}\n'), sniff(b"id = 1"), sniff(b"id: 1")
    ('json', 'jsonl', 'toml', 'yaml')
    """
    text = data.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if text[:1] in ("{", "["):
        first, _, rest = text.partition("\n")
        if rest.strip() and first.strip()[-1:] in ("}", "]"):
            import msgspec

            try:
                msgspec.json.decode(first)
            except msgspec.DecodeError:
                return "json"
            return "jsonl"
        return "json"
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            return "toml" if _TOML_LINE.fullmatch(line) else "yaml"
    return "yaml"
