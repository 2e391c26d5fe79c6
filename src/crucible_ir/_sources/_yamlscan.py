"""ruamel.yaml's scanner without its slow paths on hostile input, and its tags decoded once.

ruamel's scanner remembers one *possible simple key* (a token that a later
``:`` may turn into a mapping key) per open flow collection, and checks every
one of them at every token. As long as the first pending token may still be
a key, it scans ahead, up to 1024 characters on the line, before the parser
gets anything. So a line of nested ``[[[[`` costs time growing with the
square of its length before the parser's depth limit is reached, and a
document that closes and reopens hundreds of levels on each line costs
hundreds of checks per token. This scanner makes these changes:

* The possible keys are checked from the oldest and the check stops at the
  first one still possible. ruamel saves a key only at the current flow level,
  and closing a level removes that level's key, so its dict holds them in the
  order of their levels, positions and token numbers; a key stops being
  possible when it is on an earlier line or more than 1024 characters back,
  and then so are all the keys before it. The result is the same.
* A flow collection nested deeper than `MAX_DEPTH` ends the scanning. The
  parser takes the tokens already scanned, so an error among them is reported
  as before (the reader's own depth check included), and if there is none,
  the `SourceError` is raised at that collection's bracket.
* Tags. ruamel decodes a tag's ``%XX`` escapes twice, once here and once
  when the parser's event gives it, so ``!!%25`` failed with a ValueError and
  ``!!%2541`` read as ``!!A``: a ``%`` is escaped again here, for the second
  decoding to give it back. That decoding takes time growing with the square
  of the tag's length, so a tag longer than any the reader accepts is cut
  short (marked with ``...``); the reader refuses it, at the same place.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.scanner import Scanner, ScannerError

from ._common import MAX_DEPTH, TOO_DEEP, SourceError

__all__ = ["BoundedScanner"]

_KEY_SPAN = 1024  # ruamel's longest simple key, in characters
_TAG_SPAN = 256  # longer than any tag the reader accepts
_TAG_CUT = 40


class BoundedScanner(Scanner):
    """A drop-in ``YAML.Scanner``: ruamel's tokens (tags aside), in bounded time per token."""

    stopped: SourceError | None = None
    """The error at a flow collection too deep to scan, once there is one."""

    def need_more_tokens(self) -> bool:
        if self.stopped is None:
            return bool(super().need_more_tokens())
        if self.tokens:
            return False
        raise self.stopped

    def next_possible_simple_key(self) -> Any:
        for key in self.possible_simple_keys.values():
            return key.token_number
        return None

    def stale_possible_simple_keys(self) -> None:
        keys = self.possible_simple_keys
        if not keys:
            return
        reader = self.reader
        line, index = reader.line, reader.index
        stale = []
        for level, key in keys.items():
            if key.line == line and index - key.index <= _KEY_SPAN:
                break
            if key.required:
                raise ScannerError(
                    "while scanning a simple key",
                    key.mark,
                    "could not find expected ':'",
                    reader.get_mark(),
                )
            stale.append(level)
        for level in stale:
            del keys[level]

    def scan_tag(self) -> Any:
        token = super().scan_tag()
        handle, suffix = token.value
        if len(suffix) > _TAG_SPAN:
            suffix = suffix[:_TAG_CUT] + "..."
        token.value = (handle, suffix.replace("%", "%25"))
        return token

    def fetch_flow_sequence_start(self) -> None:
        if not self._too_deep():
            super().fetch_flow_sequence_start()

    def fetch_flow_mapping_start(self) -> None:
        if not self._too_deep():
            super().fetch_flow_mapping_start()

    def _too_deep(self) -> bool:
        """Whether a flow collection opening here would be nested too deeply (noted if so)."""
        if self.flow_level < MAX_DEPTH:
            return False
        mark = self.reader.get_mark()
        self.stopped = SourceError(TOO_DEEP, mark.line + 1, mark.column + 1)
        return True
