"""Pausing the cyclic garbage collector over bulk work, safely across threads.

Decoded records and the lists made to lay them out form no reference cycles,
but every few hundred new objects start a collection that traverses all the
records kept so far again: over a large file that costs more than the work.
The collector's switch is one for the process, so pauses are counted under a
lock: the last one to end turns it back on, and only if it was on before the
first began (a program that turned it off keeps it off).
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["paused_gc"]

_LOCK = threading.Lock()
_pauses = 0
_resume = False


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off."""
    global _pauses, _resume  # noqa: PLW0603 - the process's one switch
    with _LOCK:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _LOCK:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()
