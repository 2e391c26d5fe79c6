r"""Where YAML parser events come from: libyaml when it is there, ruamel.yaml otherwise.

Reading YAML is parsing events (scanning the text, mostly) and turning them
into data (`_yaml._Builder`). ruamel.yaml's pure-Python parser, the YAML 1.2
parser of record, scans some 60 KB of dense YAML a second; libyaml, through
PyYAML's C parser, gives the same events ten times faster. So:

* With PyYAML built on libyaml (its wheels are), libyaml parses. Its events
  and marks are those of ruamel's parser for the documents both accept (the
  tests run the reader under both; `PARSERS`).
* libyaml follows YAML 1.1 in one way that matters here: it refuses a
  ``\ud83d\ude00``-style surrogate-pair escape, which YAML 1.2 reads as one
  character, as JSON does (and ``json.dumps`` writes them by default). Before
  libyaml reads a text, each such pair is rewritten as the 8-digit escape of
  its character followed by two marker characters, keeping every position
  (`_PairEscapes`); the scalars that come out get back what the text meant:
  the character in double-quoted scalars, the pair's own text elsewhere,
  where a backslash is just a backslash.
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

from ._common import TOO_DEEP, SourceError, char_offset, position_in

__all__ = ["LONE_SURROGATE", "PARSERS", "events", "libyaml_available"]

PARSERS = ("libyaml", "ruamel")
"""The event sources, fastest first."""

_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"
_LIBYAML_BAD_ESCAPE = "found invalid Unicode character escape code"
LONE_SURROGATE = "a \\u escape gives a lone surrogate, not a character"
"""The error for a ``\\ud800`` escape that is not half of a pair."""

# A surrogate pair's escapes, not themselves escaped (an even run of backslashes before).
_PAIR = re.compile(
    r"(?<!\\)((?:\\\\)*)(\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2})"
)
_MARKERS = tuple(chr(0xF0000 + i) for i in range(64))  # private use, plane 15
_LONG_ESCAPE = re.compile(r"\\U([0-9a-fA-F]{8})")  # the only escape that can write a marker


class _PairEscapes:
    r"""A text's surrogate-pair escapes rewritten for libyaml, and the way back.

    ``\ud83d\ude00`` (12 characters) becomes ``\U0001F600`` and two markers,
    private-use characters the text writes neither raw nor by an escape. Two
    markers tell apart up to 4,096 spellings of pairs (``\uD83D`` is not
    ``\ud83d`` where a backslash is literal).
    """

    def __init__(self, source: str) -> None:
        made = {_character(match.group(2)) for match in _PAIR.finditer(source)}
        made.update(int(match.group(1), 16) for match in _LONG_ESCAPE.finditer(source))
        self.markers = [m for m in _MARKERS if m not in source and ord(m) not in made]
        self.rewritten: dict[str, str] = {}  # as written -> rewritten
        self.written: dict[str, str] = {}  # rewritten -> as written
        self.delete = {ord(m): None for m in self.markers}
        self.text = _PAIR.sub(self._rewrite, source)
        self.markers_after = re.compile(r"\\U[0-9A-F]{8}[%s]{2}" % "".join(self.markers))  # noqa: UP031

    @staticmethod
    def needed(source: str) -> bool:
        """Whether ``source`` has pairs to rewrite."""
        return bool(_PAIR.search(source))

    def _rewrite(self, match: re.Match[str]) -> str:
        before, pair = match.groups()
        rewritten = self.rewritten.get(pair)
        if rewritten is None:
            count, n = len(self.rewritten), len(self.markers)
            if count >= n * n:
                raise _MarkersExhaustedError
            rewritten = (
                f"\\U{_character(pair):08X}{self.markers[count // n]}{self.markers[count % n]}"
            )
            self.rewritten[pair] = rewritten
            self.written[rewritten] = pair
        return before + rewritten

    def restore(self, event: Any) -> Any:
        """``event`` with its scalar's value as the original text means it."""
        value = getattr(event, "value", None)
        if isinstance(value, str) and not value.isascii():
            if event.style == '"':  # the escape made the character: the markers go
                event.value = value.translate(self.delete)
            else:  # a backslash is a backslash: the pair's text comes back
                event.value = self.markers_after.sub(lambda m: self.written[m.group()], value)
        return event


def _character(pair: str) -> int:
    r"""The code point a ``\uD8xx\uDCxx`` pair of escapes writes."""
    high, low = int(pair[2:6], 16), int(pair[8:12], 16)
    return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)


class _MarkersExhaustedError(Exception):
    """More spellings of pairs than the markers to spare can tell apart."""


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

        pairs: _PairEscapes | None = None
        if _PairEscapes.needed(source):
            try:
                pairs = _PairEscapes(source)
            except _MarkersExhaustedError:  # thousands of spellings of pairs: ruamel reads it
                yield from events(source, "ruamel")
                return
        reader = CParser(source if pairs is None else pairs.text)
        try:
            while reader.check_event():
                event = reader.get_event()
                yield event if pairs is None else pairs.restore(event)
        except yaml.YAMLError as exc:
            raise _libyaml_error(exc, source) from None
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
            raise _parse_error(exc, source, offsets_in_bytes=False) from None


def _libyaml_error(exc: Any, source: str) -> SourceError:
    """The error libyaml raised, as the reader reports it (its limits in the reader's words)."""
    error = _parse_error(exc, source, offsets_in_bytes=True)
    if error.message == _LIBYAML_TOO_DEEP:  # its limit, 1000 levels, met while looking ahead
        return SourceError(TOO_DEEP, error.line, error.column)
    mark, start = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
    if error.message == _LIBYAML_BAD_ESCAPE and mark is not None and start is not None:
        digits = source[int(mark.index) : int(mark.index) + 2]
        if digits[:1] in ("d", "D") and digits[1:] in tuple("89abcdefABCDEF"):
            return SourceError(LONE_SURROGATE, start.line + 1, start.column + 1)
    return error


def _parse_error(exc: Any, text: str, *, offsets_in_bytes: bool) -> SourceError:
    """A parser's exception as a `SourceError` at its line and column.

    Both libraries' errors have the same shape: a reader error has a
    ``position`` (libyaml counts it in UTF-8 bytes), the others marks.
    """
    position = getattr(exc, "position", None)
    if position is not None and not hasattr(exc, "problem_mark"):
        position = int(position)
        if offsets_in_bytes:
            position = char_offset(text, position)
        return SourceError(str(exc).splitlines()[0], *position_in(text, position))
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    message = getattr(exc, "problem", None) or getattr(exc, "context", None) or "invalid YAML"
    if mark is not None:
        return SourceError(" ".join(message.split("\n")), mark.line + 1, mark.column + 1)
    return SourceError(" ".join(str(exc).split("\n")), 1, 1)
