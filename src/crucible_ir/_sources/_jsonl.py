"""JSON Lines: one JSON document per line, read a line at a time.

`iter_jsonl` only splits the stream; each line is then read with `load_json`,
so its errors carry the line number from here and the column from there.
Memory is bounded by the longest line, never by the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

__all__ = ["iter_jsonl"]


def iter_jsonl(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    r"""``(line number, line)`` for each non-blank line of ``stream``, without its line ending.

    >>> import io
    >>> list(iter_jsonl(io.BytesIO(b'{"a": 1}\r\n\n  \n[2]')))
    [(1, b'{"a": 1}'), (4, b'[2]')]
    """
    for number, line in enumerate(stream, start=1):
        content = line.rstrip(b"\r\n")
        if content.strip():
            yield number, content
