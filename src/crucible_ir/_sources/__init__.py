"""Reading IR documents from JSON, YAML, TOML and JSON Lines, with positions.

Each reader turns text into plain JSON-model data and remembers where every
value was written, so a command-line tool can report ``FILE:LINE:COL: PATH:
MESSAGE`` for a problem found in the data later (`Document.locate`). A text
that cannot be read at all raises `SourceError`, with its position; no input,
however hostile (invalid UTF-8, deep nesting, alias bombs, arbitrary tags),
raises anything else. A YAML plain scalar such as ``.inf`` is text where the
caller wants text and an error elsewhere: `Document.check` raises it once the
caller has taken its text (`Document.raw_scalar`) where it wants some.

The YAML parsers (PyYAML's libyaml binding, ruamel.yaml) and tomllib are
imported only when a YAML or TOML text is read, keeping the command line
quick to start.
"""

from __future__ import annotations

from typing import Literal

from ._common import Document, Path, SourceError
from ._json import load_json
from ._jsonl import iter_jsonl
from ._toml import load_toml
from ._yaml import load_yaml

__all__ = [
    "Document",
    "Path",
    "SourceError",
    "format_for_path",
    "iter_jsonl",
    "load",
    "load_json",
    "load_toml",
    "load_yaml",
]

Format = Literal["json", "yaml", "toml"]

_LOADERS = {"json": load_json, "yaml": load_yaml, "toml": load_toml}

_EXTENSIONS: dict[str, Literal["json", "yaml", "toml", "jsonl"]] = {
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
    ".jsonl": "jsonl",
}


def load(text: str | bytes, fmt: Format) -> Document:
    """Read ``text`` as a ``json``, ``yaml`` or ``toml`` document.

    >>> load(b'{"name": "x"}', "json").data
    {'name': 'x'}
    """
    try:
        loader = _LOADERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}: expected json, yaml or toml") from None
    return loader(text)


def format_for_path(filename: str) -> Literal["json", "yaml", "toml", "jsonl"] | None:
    """The format a file name's extension calls for, ignoring case; ``None`` if unknown.

    >>> format_for_path("experiment.YML"), format_for_path("notes.txt")
    ('yaml', None)
    """
    dot = filename.rfind(".")
    if dot <= max(filename.rfind("/"), filename.rfind("\\")):
        return None
    return _EXTENSIONS.get(filename[dot:].lower())
