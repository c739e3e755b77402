"""Keep Python's full garbage collections out of report rendering (DESIGN §7: the GUI never stalls).

A render runs on a worker thread, but a full (generation-2) collection triggered by its allocations
walks every tracked object of the process while holding the GIL: measured 120–420 ms pauses of the
GUI thread while a 20 k-row audit extract rendered. During a render the automatic threshold of the
oldest generation is raised out of reach; young generations are still collected automatically (they
are cheap), and reference counting frees everything the render drops. The thresholds are restored
when the last concurrent render ends.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_active = 0
_saved: tuple[int, int, int] | None = None
OUT_OF_REACH = 1_000_000_000


@contextlib.contextmanager
def young_collections_only() -> Iterator[None]:
    global _active, _saved  # one process-wide setting, shared by concurrent renders
    with _lock:
        if _active == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(_saved[0], _saved[1], OUT_OF_REACH)
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None
