"""Reads of many rows and report renders keep full garbage collections out of the way, then restore them."""

from __future__ import annotations

import gc
import threading

from app.reports.collector import OUT_OF_REACH, young_collections_only


def test_the_oldest_generation_is_collected_again_after_nested_and_concurrent_reads() -> None:
    before = gc.get_threshold()
    inside, leave = threading.Event(), threading.Event()

    def other_read() -> None:
        with young_collections_only():
            inside.set()
            leave.wait(5)

    worker = threading.Thread(target=other_read)
    with young_collections_only():
        assert gc.get_threshold() == (before[0], before[1], OUT_OF_REACH)
        worker.start()
        assert inside.wait(5)
        with young_collections_only():
            assert gc.get_threshold()[2] == OUT_OF_REACH
    assert gc.get_threshold()[2] == OUT_OF_REACH  # the other thread is still reading
    leave.set()
    worker.join(5)
    assert gc.get_threshold() == before


def test_the_thresholds_come_back_when_a_read_fails() -> None:
    before = gc.get_threshold()
    try:
        with young_collections_only():
            raise RuntimeError("connection lost")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before and gc.isenabled()
