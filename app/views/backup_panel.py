"""Backups on the Admin page: back up now, and restore a backup into a new folder to prove it (Annex 11 §7.2).

The work is `app.services.backup` on the embedded database of this workstation, run off the GUI
thread through the operation runner, with its steps shown in a progress bar. Restoring never touches
the database in use: it builds a new one in a folder the administrator chooses, verifies it and
writes the backup verification record (PDF) there.
"""

from __future__ import annotations

import datetime as dt
import getpass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from app.config import select_profile
from app.errors import MedTraceError
from app.services.identity import Account
from app.views.context import ViewContext


class BackupPanel(QWidget):
    """Two buttons, a progress bar and the outcome of the last backup or restore."""

    finished = Signal(bool)  # a backup or restore ended (True: it succeeded and every check passed)

    def __init__(self, ctx: ViewContext, account: Account, *, may_manage: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._account = account
        self._busy = False
        try:
            self.embedded = select_profile(ctx.paths, ctx.settings.profile).is_embedded
        except MedTraceError:
            self.embedded = False
        self.available = may_manage and self.embedded

        heading = QLabel(self.tr("Backups"))
        heading.setObjectName("sectionHeading")
        self.backup_button = QPushButton(self.tr("Back up now…"))
        self.restore_button = QPushButton(self.tr("Restore and verify a backup…"))
        self.backup_button.clicked.connect(self.choose_backup_file)
        self.restore_button.clicked.connect(self.choose_restore)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.outcome = QLabel()
        self.outcome.setObjectName("fieldNote")
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if not may_manage:
            self.outcome.setText(self.tr("Only administrators make and restore backups."))
        elif not self.embedded:
            self.outcome.setText(self.tr(
                "This workstation uses a shared server: its database administrator backs it up with PostgreSQL's "
                "own tools (or “medtrace backup” on the server)."))
        else:
            self.outcome.setText(self.tr(
                "A backup is one file holding the whole database. “Restore and verify” rebuilds it in a new folder, "
                "checks it and writes a backup verification record; the database in use is not touched."))
        bar = QHBoxLayout()
        bar.addWidget(heading)
        bar.addStretch(1)
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.backup_button)
        bar.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.outcome)
        self._update_buttons()

    # -- choosing ---------------------------------------------------------------------------------

    def choose_backup_file(self) -> None:
        suggested = str(Path.home() / f"medtrace-{dt.datetime.now().astimezone():%Y%m%d-%H%M}.mtbackup")
        chosen, _filter = QFileDialog.getSaveFileName(self, self.tr("Save backup as"), suggested,
                                                      self.tr("MedTrace backups (*.mtbackup)"))
        if chosen:
            self.back_up_to(Path(chosen))

    def choose_restore(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(self, self.tr("Backup to restore"), str(Path.home()),
                                                      self.tr("MedTrace backups (*.mtbackup)"))
        if not chosen:
            return
        folder = QFileDialog.getExistingDirectory(self, self.tr("New, empty folder to restore into"),
                                                  str(Path.home()))
        if folder:
            self.restore_into(Path(chosen), Path(folder))

    # -- doing ------------------------------------------------------------------------------------

    def back_up_to(self, out: Path) -> None:
        """Back up the embedded database to `out`, off the GUI thread."""
        from app.db.engine import workstation_name
        from app.services.backup import back_up_embedded

        pgdata, who = self._ctx.paths.pgdata, self._operator()

        def work(op: Any) -> Any:
            return back_up_embedded(pgdata, out=out, created_by=who, workstation=workstation_name(),
                                    progress=lambda done, total, label: op.progress(done, total, label))

        self._start(work, self._on_backed_up)

    def restore_into(self, backup: Path, folder: Path) -> None:
        """Restore `backup` into a new embedded database in `folder`, verify it, write the record there."""
        from app.security.keys import load_trusted_keys
        from app.services.backup import restore_and_verify

        trusted = load_trusted_keys(self._ctx.paths.config_dir)
        language = "zh_CN" if self._ctx.settings.language == "zh_CN" else "en"
        who = self._operator()

        def work(op: Any) -> Any:
            return restore_and_verify(backup, home=folder, trusted_keys=trusted, language=language, generated_by=who,
                                      progress=lambda done, total, label: op.progress(done, total, label))

        self._start(work, self._on_restored)

    def _operator(self) -> str:
        return f"{self._account.printed_name} ({self._account.login}, {getpass.getuser()})"

    def _start(self, work: Any, on_done: Any) -> None:
        self._busy = True
        self._update_buttons()
        self.progress.setRange(0, 0)
        self.progress.show()
        self._ctx.runner.run(work, on_done=on_done, on_failed=self._on_failed, on_progress=self._on_progress,
                             changes=("audit_entry",))

    def _on_progress(self, done: int, total: int, label: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        self.progress.setFormat(self._step(label))

    def _step(self, label: str) -> str:
        """The service's step, in the workstation's language."""
        words = {
            "Reading the database": self.tr("Reading the database"),
            "Dumping the database": self.tr("Dumping the database"),
            "Dumping the roles": self.tr("Dumping the roles"),
            "Writing the backup file": self.tr("Writing the backup file"),
            "Recording the backup in the audit trail": self.tr("Recording the backup in the audit trail"),
            "Checking the backup file": self.tr("Checking the backup file"),
            "Starting a new database server": self.tr("Starting a new database server"),
            "Restoring the roles": self.tr("Restoring the roles"),
            "Restoring the database": self.tr("Restoring the database"),
            "Restored": self.tr("Restored"),
            "Verifying the restored database": self.tr("Verifying the restored database"),
            "Verifying the audit trail": self.tr("Verifying the audit trail"),
            "Writing the backup verification record": self.tr("Writing the backup verification record"),
        }
        return words.get(label, label)

    def _on_backed_up(self, result: Any) -> None:
        self._done()
        self.outcome.setObjectName("fieldNote")
        self.outcome.style().polish(self.outcome)
        self.outcome.setText(self.tr("Backup written to %1 (%2 MB). Its SHA-256 is recorded in the audit trail.")
                             .replace("%1", str(result.path)).replace("%2", f"{result.size / 1e6:,.1f}"))
        self.finished.emit(True)

    def _on_restored(self, outcome: Any) -> None:
        self._done()
        record = outcome.record.path
        if outcome.ok:
            text = self.tr("The backup was restored and every check passed. Verification record: %1")
        else:
            failed = ", ".join(c.key for c in outcome.verification.checks if not c.ok)
            text = self.tr("THE BACKUP DID NOT PASS VERIFICATION (%2). Verification record: %1").replace("%2", failed)
        self.outcome.setObjectName("fieldNote" if outcome.ok else "inlineProblem")
        self.outcome.style().polish(self.outcome)
        self.outcome.setText(text.replace("%1", str(record)))
        self.finished.emit(outcome.ok)

    def _on_failed(self, exc: BaseException) -> None:
        self._done()
        self.outcome.setObjectName("inlineProblem")
        self.outcome.style().polish(self.outcome)
        if isinstance(exc, MedTraceError):
            self.outcome.setText(str(exc))
        else:
            self.outcome.setText(self.tr("The operation failed because of an unexpected problem (%1). The details "
                                         "are in the log.").replace("%1", exc.__class__.__name__))
        self.finished.emit(False)

    def _done(self) -> None:
        self._busy = False
        self.progress.hide()
        self._update_buttons()

    def _update_buttons(self) -> None:
        for button in (self.backup_button, self.restore_button):
            button.setEnabled(self.available and not self._busy)
