"""Timing helpers: timeit-style batches for µs-level calls, one-shot runs for bulk loads.

Every timed µs-level region runs with the cyclic garbage collector disabled
(``gc.disable()``, re-enabled afterwards), as ``timeit`` does; bulk loads are timed
both ways (`time_once`), because a load that keeps 200,000 records alive spends much
of its time in the collector as programs run it. Times come from
``time.perf_counter_ns``. Results are summarised by median, min and max, because the
machine is noisy and the median is robust to the occasional slow repeat.
"""

from __future__ import annotations

import gc
import itertools
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

Call = Callable[[], object]
T = TypeVar("T")


@dataclass(frozen=True)
class PerItem:
    """Time ``fn(item)`` over fresh items that ``setup(n)`` makes outside the timed region.

    For operations whose result a library may remember per object (a verdict cache):
    every timed call then gets an object it has not seen before.
    """

    setup: Callable[[int], list[Any]]
    fn: Callable[[Any], object]

    def once(self) -> object:
        return self.fn(self.setup(1)[0])


Timed = Call | PerItem


@dataclass
class Samples:
    """Per-call (or per-run) times in nanoseconds, one per repeat."""

    values_ns: list[float] = field(default_factory=list)
    loops: int = 1

    @property
    def median(self) -> float:
        return statistics.median(self.values_ns)

    @property
    def min(self) -> float:
        return min(self.values_ns)

    @property
    def max(self) -> float:
        return max(self.values_ns)


def run_batch(timed: Timed, loops: int) -> int:
    """Call ``timed`` ``loops`` times with gc disabled; the elapsed nanoseconds."""
    if isinstance(timed, PerItem):
        items = timed.setup(loops)
        return _run_items(timed.fn, items)
    it = itertools.repeat(None, loops)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter_ns()
        for _ in it:
            timed()
        return time.perf_counter_ns() - start
    finally:
        if was_enabled:
            gc.enable()


def _run_items(fn: Callable[[Any], object], items: list[Any]) -> int:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter_ns()
        for item in items:
            fn(item)
        return time.perf_counter_ns() - start
    finally:
        if was_enabled:
            gc.enable()


def call_once(timed: Timed) -> object:
    """One untimed call (a smoke test or a warm-up)."""
    return timed.once() if isinstance(timed, PerItem) else timed()


def autorange(fn: Timed, min_batch_ns: int) -> int:
    """Loop count (1, 2, 5, 10, 20, 50, ...) whose batch takes at least ``min_batch_ns``.

    Like ``timeit.Timer.autorange`` but with a configurable threshold.
    """
    scale = 1
    while True:
        for factor in (1, 2, 5):
            loops = scale * factor
            if run_batch(fn, loops) >= min_batch_ns:
                return loops
        scale *= 10


def time_round_robin(
    calls: Sequence[tuple[str, Timed]],
    *,
    repeats: int,
    min_batch_ns: int,
    warmup: int = 3,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Samples]:
    """Per-call times for each named call, interleaving the calls repeat by repeat.

    Each call is warmed up and calibrated with :func:`autorange` first. Then, for each
    of ``repeats`` rounds, every call runs one batch; the starting call rotates from round
    to round so that slow drifts of the machine spread evenly over the contenders.
    """
    loops: dict[str, int] = {}
    for name, fn in calls:
        for _ in range(warmup):
            call_once(fn)
        loops[name] = autorange(fn, min_batch_ns)
        if progress:
            progress(f"calibrated {name}: {loops[name]} loops per batch")
    results = {name: Samples(loops=loops[name]) for name, _ in calls}
    count = len(calls)
    for round_no in range(repeats):
        gc.collect()
        for offset in range(count):
            name, fn = calls[(round_no + offset) % count]
            elapsed = run_batch(fn, loops[name])
            results[name].values_ns.append(elapsed / loops[name])
        if progress and (round_no + 1) % 5 == 0:
            progress(f"round {round_no + 1}/{repeats}")
    return results


def time_once(fn: Callable[[], T], *, collector: bool = False) -> tuple[int, T]:
    """Run ``fn`` once, the collector running or disabled; (elapsed ns, its result)."""
    gc.collect()
    was_enabled = gc.isenabled()
    (gc.enable if collector else gc.disable)()
    try:
        start = time.perf_counter_ns()
        result = fn()
        elapsed = time.perf_counter_ns() - start
    finally:
        if was_enabled:
            gc.enable()
    return elapsed, result
