"""The sealing workstation's schedule: a seal at each release it hears of, and at least daily.

Runs only where a person who may seal (an administrator or approver) is signed in and this
workstation holds the database's seal key in its OS keyring (app/services/sealing.py says why only
one workstation should). Every SCHEDULE_MINUTES, and shortly after any change to lots (a release on
any workstation arrives through LISTEN/NOTIFY), it asks the database whether a seal is due and seals
if so, off the GUI thread. Elsewhere it stops after its first look finds no key.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.services.identity import Account
from app.services.sealing import SCHEDULE_MINUTES, SEALING_GROUPS
from app.views.context import ViewContext

log = logging.getLogger(__name__)
RELEASE_TABLES = frozenset({"lot", "lot_signature"})
COALESCE_MS = 5_000


class SealSchedule(QObject):
    """Checks whether a seal is due and seals; `sealed` carries the Seal when it made one."""

    sealed = Signal(object)

    def __init__(self, ctx: ViewContext, account: Account, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.active = bool(SEALING_GROUPS & set(account.groups))
        self._running = False
        self._timer = QTimer(self)
        self._timer.setInterval(SCHEDULE_MINUTES * 60_000)
        self._timer.timeout.connect(self.check)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(COALESCE_MS)
        self._soon.timeout.connect(self.check)
        ctx.broadcast.records_changed.connect(self._on_records_changed)

    def start(self) -> None:
        if self.active:
            self._timer.start()
            self._soon.start()

    def check(self) -> None:
        """Seal now if a seal is due and this workstation holds the key."""
        if not self.active or self._running:
            return
        from app.config import select_profile
        from app.security.keys import load_or_create_seal_key
        from app.services.sealing import seal_if_due, seal_key_name

        paths, profile_name, new_uow = self._ctx.paths, self._ctx.settings.profile, self._ctx.new_uow

        def work(_op: object) -> Any:
            key = load_or_create_seal_key(seal_key_name(paths, select_profile(paths, profile_name)), create=False)
            if key is None:
                return False  # not the sealing workstation
            with new_uow() as uow:
                _status, seal = seal_if_due(uow.driver_connection(), key)
                uow.commit()
            return seal

        self._running = True
        self._ctx.runner.run(work, on_done=self._on_done, on_failed=self._on_failed, changes=())

    def _on_done(self, outcome: Any) -> None:
        self._running = False
        if outcome is False:
            self.active = False
            self._timer.stop()
        elif outcome is not None:
            self._ctx.broadcast.announce(frozenset({"audit_entry"}))
            self.sealed.emit(outcome)

    def _on_failed(self, exc: BaseException) -> None:
        self._running = False
        log.warning("the scheduled audit seal did not run: %s", exc)

    def _on_records_changed(self, tables: frozenset[str] | None) -> None:
        if self.active and (tables is None or tables & RELEASE_TABLES):
            self._soon.start()
