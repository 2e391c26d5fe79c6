"""Calls into C code whose nesting limit is whatever stack the caller left it.

msgspec (and the standard library's JSON encoder) stop at the interpreter's
recursion limit less the depth of the calling stack, so a document nested
some 900 levels deep reads in one place of a program and fails in another.
After a `RecursionError`, `deep_call` runs the call again on a new thread,
whose stack is empty: what can be read and written then does not depend on
where in a program it happens. Documents that shallow never pay for it.
"""

from __future__ import annotations

import msgspec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    _T = TypeVar("_T")

__all__ = ["deep_call", "depth_round_trips", "on_fresh_stack"]


def deep_call(fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """``fn(*args, **kwargs)``, retried on a fresh stack after a `RecursionError`.

    A `RecursionError` on the fresh stack too propagates.

    >>> deep_call(sorted, [3, 1, 2])
    [1, 2, 3]
    """
    try:
        return fn(*args, **kwargs)
    except RecursionError:
        return on_fresh_stack(fn, *args, **kwargs)


def on_fresh_stack(fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """``fn(*args, **kwargs)`` run on a new thread; its result, or its exception raised here."""
    import threading

    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append((True, fn(*args, **kwargs)))
        except BaseException as exc:  # handed back to the caller's thread
            outcome.append((False, exc))

    thread = threading.Thread(target=run, name="crucible_ir deep call")
    thread.start()
    thread.join()
    ok, value = outcome[0]
    if not ok:
        raise value
    result: _T = value
    return result


def depth_round_trips(value: object) -> bool:
    """Whether msgspec writes ``value``'s nesting as JSON and reads it back, each on a fresh stack.

    The test `from_json` applies to a whole document's depth, for the Python
    paths to agree with it about values nested deeper than the scan's fixed
    limit. Only the depth is tried: a value msgspec cannot write counts as a
    null (whether it is JSON is the scan's business).

    >>> depth_round_trips({"a": [[[{1, 2}]]]}), depth_round_trips([[[]]] * 2)
    (True, True)
    """
    try:
        text = on_fresh_stack(_DEPTH_ENCODER.encode, value)
        on_fresh_stack(msgspec.json.decode, text)
    except (RecursionError, TypeError, ValueError, OverflowError, msgspec.MsgspecError):
        return False
    return True


def _as_null(value: object) -> None:
    return None


_DEPTH_ENCODER = msgspec.json.Encoder(enc_hook=_as_null)
