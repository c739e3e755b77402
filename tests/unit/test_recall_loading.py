"""Reading a large recall case: the cyclic collector is paused while its rows become objects, then resumed."""

from __future__ import annotations

import gc
import threading

from app.services.recalls import _cyclic_gc_paused


def test_the_collector_runs_again_after_nested_and_concurrent_loads() -> None:
    assert gc.isenabled()
    inside = threading.Event()
    leave = threading.Event()

    def other_load() -> None:
        with _cyclic_gc_paused():
            inside.set()
            leave.wait(5)

    worker = threading.Thread(target=other_load)
    with _cyclic_gc_paused():
        assert not gc.isenabled()
        worker.start()
        inside.wait(5)
        with _cyclic_gc_paused():
            assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread is still loading
    leave.set()
    worker.join(5)
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_application_stays_off() -> None:
    gc.disable()
    try:
        with _cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_runs_again_when_a_load_fails() -> None:
    try:
        with _cyclic_gc_paused():
            raise RuntimeError("connection lost")
    except RuntimeError:
        pass
    assert gc.isenabled()
