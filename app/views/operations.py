"""The operation runner: work runs off the GUI thread, results come back on it (DESIGN §5).

Modelled on Anki's CollectionOp/QueryOp. A view never touches the database, hashing or rendering on
the GUI thread: it calls `runner.run(work, on_done=...)`. `work` receives an `OperationContext` to
report progress and to notice cancellation. Errors that a user should read (`MedTraceError`) go to
`on_failed` (or to the runner's default handler, which shows them); anything else is a bug: it is
logged with its traceback and shown as an unexpected error, never as a raw traceback dialog.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.errors import MedTraceError

log = logging.getLogger(__name__)
T = TypeVar("T")


class Cancelled(Exception):
    """Raised inside work when the user cancelled it."""


class OperationContext:
    """Handed to the work function: progress reporting and cooperative cancellation."""

    def __init__(self, progressed: Signal) -> None:
        self._progressed = progressed
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check_cancelled(self) -> None:
        if self._cancelled.is_set():
            raise Cancelled

    def progress(self, done: int, total: int, label: str = "") -> None:
        self.check_cancelled()
        self._progressed.emit(done, total, label)


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int, str)
    finished = Signal()


class Operation(QRunnable, Generic[T]):
    """One piece of work on the thread pool; its signals are delivered on the GUI thread."""

    def __init__(self, work: Callable[[OperationContext], T]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = _Signals()
        self.context = OperationContext(self.signals.progressed)
        self._work = work

    def run(self) -> None:
        try:
            result = self._work(self.context)
        except Cancelled as exc:
            self.signals.failed.emit(exc)
        except MedTraceError as exc:
            self.signals.failed.emit(exc)
        except Exception as exc:  # noqa: BLE001 — a bug: log it fully, show a calm message
            log.error("operation failed unexpectedly:\n%s", traceback.format_exc())
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()

    def cancel(self) -> None:
        self.context.cancel()


class OperationRunner(QObject):
    """Starts operations and keeps them alive until they report back."""

    failed = Signal(object)  # errors nobody else handled: the main window shows them
    busy_changed = Signal(bool)

    def __init__(self, broadcast: ChangeBroadcast, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(4)
        self._running: set[Operation[Any]] = set()
        self._quiet: set[Operation[Any]] = set()
        self._broadcast = broadcast

    def run(
        self,
        work: Callable[[OperationContext], T],
        *,
        on_done: Callable[[T], None] | None = None,
        on_failed: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        changes: Iterable[str] = (),
        quiet: bool = False,
    ) -> Operation[T]:
        """Run `work(context)` off the GUI thread; `changes` names tables to broadcast on success.

        A `quiet` operation (a periodic background check) neither shows the busy indicator nor counts
        as a refresh."""
        operation: Operation[T] = Operation(work)
        changed = frozenset(changes)

        def _succeeded(result: T) -> None:
            if on_done is not None and _receiver_alive(on_done):
                on_done(result)
            if changed:
                self._broadcast.announce(changed)

        def _failed(exc: BaseException) -> None:
            if isinstance(exc, Cancelled):
                return
            if on_failed is not None:
                if _receiver_alive(on_failed):
                    on_failed(exc)
            else:
                self.failed.emit(exc)

        def _finished() -> None:
            if quiet:
                self._quiet.discard(operation)
                return
            self._running.discard(operation)
            if not self._running:
                self.busy_changed.emit(False)

        operation.signals.succeeded.connect(_succeeded)
        operation.signals.failed.connect(_failed)
        operation.signals.finished.connect(_finished)
        if on_progress is not None:
            operation.signals.progressed.connect(on_progress)
        if quiet:
            self._quiet.add(operation)  # kept alive until it reports back
        else:
            if not self._running:
                self.busy_changed.emit(True)
            self._running.add(operation)
        self._pool.start(operation)
        return operation

    def wait_for_all(self, msecs: int = 30_000) -> bool:
        """For shutdown and tests: block until the pool is idle."""
        return self._pool.waitForDone(msecs)


def _receiver_alive(callback: Callable[..., object]) -> bool:
    """False for a method of a widget deleted while its work ran (a page rebuilt in another language, closed
    mid-read): its result has nowhere to go."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


class ChangeBroadcast(QObject):
    """The single "records changed" signal every page listens to (local operations and NOTIFY)."""

    records_changed = Signal(object)  # frozenset[str] of table names, or None for "everything"
    _remote = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # The listener thread emits _remote; Qt queues it onto the GUI thread.
        self._remote.connect(self.records_changed.emit)

    def announce(self, tables: frozenset[str] | None) -> None:
        self.records_changed.emit(tables)

    def announce_from_any_thread(self, tables: frozenset[str] | None) -> None:
        self._remote.emit(tables)
