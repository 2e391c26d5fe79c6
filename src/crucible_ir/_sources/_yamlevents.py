r"""Where YAML parser events come from: libyaml when it is there, ruamel.yaml otherwise.

Reading YAML is parsing events (scanning the text, mostly) and turning them
into data (`_yaml._Builder`). ruamel.yaml's pure-Python parser, the YAML 1.2
parser of record, scans some 60 KB of dense YAML a second; libyaml, through
PyYAML's C parser, gives the same events ten times faster. So:

* With PyYAML built on libyaml (its wheels are), libyaml parses. Its events
  and marks are those of ruamel's parser for the documents both accept (the
  tests run the reader under both; `PARSERS`).
* libyaml follows YAML 1.1 in one way that matters here: it refuses a
  ``\ud83d\ude00``-style surrogate-pair escape, which JSON writes for
  characters outside the BMP (``json.dumps`` does by default). A document
  libyaml refuses for that (`refused_escape`) is read as JSON when it is JSON
  (YAML 1.2 reads JSON texts as JSON does), else parsed again by ruamel's
  parser, which reads it as YAML 1.2 does, some ten times slower.
* Without libyaml, ruamel's parser reads everything, through
  `_yamlscan.BoundedScanner`, its scanner without the slow paths on deep
  flow collections.

Both libraries' events have the same class names and attributes; the reader
dispatches on the names. Nothing but events is used: no composer, resolver or
constructor of either library ever runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ._common import TOO_DEEP, SourceError, position_in

__all__ = ["PARSERS", "events", "libyaml_available", "parse_error", "refused_escape"]

PARSERS = ("libyaml", "ruamel")
"""The event sources, fastest first."""

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


def libyaml_available() -> bool:
    """Whether PyYAML with its libyaml C parser is installed."""
    try:
        import yaml
    except ImportError:
        return False
    return bool(getattr(yaml, "__with_libyaml__", False))


def events(source: str, parser: str) -> Iterator[Any]:
    """The parser events of ``source`` from ``parser`` (one of `PARSERS`).

    Syntax errors are raised as `SourceError` with their line and column.
    """
    if parser == "libyaml":
        import yaml
        from yaml._yaml import CParser

        reader = CParser(source)
        try:
            while reader.check_event():
                yield reader.get_event()
        except yaml.YAMLError as exc:
            error = parse_error(exc, source, offsets_in_bytes=True)
            if (
                error.message == _LIBYAML_TOO_DEEP
            ):  # its limit, 1000 levels, met while looking ahead
                error = SourceError(TOO_DEEP, error.line, error.column)
            raise error from None
        finally:
            reader.dispose()
    else:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError

        from ._yamlscan import BoundedScanner

        yaml_ = YAML(typ="safe", pure=True)
        yaml_.Scanner = BoundedScanner
        try:
            yield from yaml_.parse(source)
        except YAMLError as exc:
            raise parse_error(exc, source, offsets_in_bytes=False) from None


def refused_escape(error: SourceError, source: str) -> bool:
    """Whether libyaml refused ``source`` with ``error`` for a surrogate-pair escape YAML 1.2 reads."""
    return "invalid Unicode character escape" in error.message and bool(
        _SURROGATE_ESCAPE.search(source)
    )


def parse_error(exc: Any, text: str, *, offsets_in_bytes: bool) -> SourceError:
    """A parser's exception as a `SourceError` at its line and column.

    Both libraries' errors have the same shape: a reader error has a
    ``position`` (libyaml counts it in UTF-8 bytes), the others marks.
    """
    position = getattr(exc, "position", None)
    if position is not None and not hasattr(exc, "problem_mark"):
        position = int(position)
        if offsets_in_bytes:
            position = len(
                text.encode("utf-8", "surrogatepass")[:position].decode("utf-8", "ignore")
            )
        return SourceError(str(exc).splitlines()[0], *position_in(text, position))
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    message = getattr(exc, "problem", None) or getattr(exc, "context", None) or "invalid YAML"
    if mark is not None:
        return SourceError(" ".join(message.split("\n")), mark.line + 1, mark.column + 1)
    return SourceError(" ".join(str(exc).split("\n")), 1, 1)
