"""LISTEN/NOTIFY: another workstation's change reaches this one without a refresh (DESIGN §5)."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable

import psycopg

from app.db.engine import CHANNEL, Database

log = logging.getLogger(__name__)


class ChangeListener:
    """A background thread that LISTENs and calls back with the set of tables that changed.

    Notifications arriving together are coalesced into one call. When the connection drops, it
    reconnects with a growing pause and reports `None` once connected again (pages should then
    refresh everything, since notifications sent meanwhile were missed).
    """

    def __init__(self, database: Database, on_changed: Callable[[frozenset[str] | None], None]) -> None:
        self._database = database
        self._on_changed = on_changed
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="medtrace-listen", daemon=True)
        self._connection: psycopg.Connection | None = None
        self.listening = threading.Event()  # set once LISTEN is in place (tests and start-up wait on it)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.cancel_safe(timeout=1)
        self._thread.join(timeout=3)

    def _run(self) -> None:
        pause = 0.5
        first = True
        while not self._stop.is_set():
            try:
                with self._database.raw_connection() as connection:
                    self._connection = connection
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    if not first:
                        self._on_changed(None)
                    first = False
                    pause = 0.5
                    self._listen(connection)
            except Exception as exc:  # noqa: BLE001 — any failure: wait and reconnect
                if self._stop.is_set():
                    break
                log.warning("change listener lost its connection (%s); retrying", exc.__class__.__name__)
                self._stop.wait(pause)
                pause = min(pause * 2, 30)
            finally:
                self._connection = None
                self.listening.clear()

    def _listen(self, connection: psycopg.Connection) -> None:
        while not self._stop.is_set():
            tables = {n.payload for n in connection.notifies(timeout=0.5, stop_after=1)}
            if not tables:
                continue
            # Drain whatever arrived with it so a bulk change is one refresh, not thousands.
            tables |= {n.payload for n in connection.notifies(timeout=0.05)}
            self._on_changed(frozenset(tables))
