"""The collector pause of bulk decoding: counted across threads, and never turning it on."""

from __future__ import annotations

import gc
import threading

from crucible_ir._codec._gcpause import paused_gc


def test_pauses_in_threads_leave_the_collector_on() -> None:
    assert gc.isenabled()
    inside = threading.Barrier(8)
    seen: list[bool] = []

    def pause() -> None:
        with paused_gc():
            inside.wait()  # every thread is inside its pause at once
            seen.append(gc.isenabled())
            inside.wait()

    threads = [threading.Thread(target=pause) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [False] * 8
    assert gc.isenabled()


def test_a_pause_does_not_turn_on_a_collector_the_program_turned_off() -> None:
    gc.disable()
    try:
        with paused_gc(), paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_pause_ends_when_its_block_raises() -> None:
    try:
        with paused_gc():
            raise KeyError
    except KeyError:
        pass
    assert gc.isenabled()
