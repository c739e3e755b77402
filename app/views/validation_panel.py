"""Validation on the Admin page: `medtrace validate` (IQ/OQ) of this installation, with its progress and outcome.

The work is `app.services.validation.validate_embedded`, off the GUI thread through the operation runner,
like the backups beside it (app/views/backup_panel.py). It needs the database owner's connection, so it
is offered on a workstation with the embedded database; the PDF report and the XLSX matrix go to a
folder the administrator picks, and the run leaves its one audited `validation_run` entry
(Annex 11 §4, 21 CFR 11.10(a)).
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from app.config import select_profile
from app.errors import MedTraceError
from app.services.identity import Account
from app.services.validation import TITLES_ZH, WRITING_REPORT, Check, ValidationOutcome, validate_embedded
from app.views.context import ViewContext


class ValidationPanel(QWidget):
    """One button, a progress bar, and the verdict of the last validation with the checks that failed."""

    finished = Signal(bool)  # a validation ended (True: it ran and every check passed)

    def __init__(self, ctx: ViewContext, account: Account, *, may_manage: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._account = account
        self._busy = False
        try:
            embedded = select_profile(ctx.paths, ctx.settings.profile).is_embedded
        except MedTraceError:
            embedded = False
        self.available = may_manage and embedded
        self.last_outcome: ValidationOutcome | None = None

        heading = QLabel(self.tr("Validation"))
        heading.setObjectName("sectionHeading")
        self.validate_button = QPushButton(self.tr("Validate this installation…"))
        self.validate_button.setObjectName("validateButton")
        self.validate_button.clicked.connect(self.choose_folder)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.outcome = QLabel()
        self.outcome.setObjectName("fieldNote")
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if not may_manage:
            self.outcome.setText(self.tr("Only administrators validate the installation."))
        elif not embedded:
            self.outcome.setText(self.tr(
                "This workstation uses a shared server: validation needs the database owner's connection, which "
                "the workstations of a shared server do not have."))
        else:
            self.outcome.setText(self.tr(
                "Checks the installed program and this database against their specification (IQ/OQ) and writes the "
                "validation report (PDF) and its matrix (Excel) to a folder you choose. Nothing in the records is "
                "changed; the run is noted in the audit trail."))
        bar = QHBoxLayout()
        bar.addWidget(heading)
        bar.addStretch(1)
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.validate_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.outcome)
        self._update_button()

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for the validation report"), str(Path.home()))
        if folder:
            self.validate_into(Path(folder))

    def validate_into(self, folder: Path) -> None:
        """Validate off the GUI thread; the report and the matrix are written into `folder`."""
        from app.security.keys import load_trusted_keys

        pgdata = self._ctx.paths.pgdata
        trusted = load_trusted_keys(self._ctx.paths.config_dir)
        language = self._language()
        who = f"{self._account.printed_name} ({self._account.login}, {getpass.getuser()})"

        def work(op: Any) -> Any:
            return validate_embedded(pgdata, out_dir=folder, language=language, trusted_keys=trusted, generated_by=who,
                                     progress=lambda done, total, label: op.progress(done, total, label))

        self._busy = True
        self._update_button()
        self.progress.setRange(0, 0)
        self.progress.show()
        self._ctx.runner.run(work, on_done=self._on_validated, on_failed=self._on_failed,
                             on_progress=self._on_progress, changes=("audit_entry",))

    def _on_progress(self, done: int, total: int, label: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        step = self.tr("Writing the report") if label == WRITING_REPORT else self.tr("Check %1").replace("%1", label)
        self.progress.setFormat(self.tr("%1 (%2 of %3)").replace("%1", step).replace("%2", str(done + 1))
                                .replace("%3", str(total)))

    def _on_validated(self, outcome: ValidationOutcome) -> None:
        self._done()
        self.last_outcome = outcome
        run, written = outcome.run, outcome.written
        if run.ok:
            text = self.tr("PASSED: all %1 checks hold. Report: %2  Matrix: %3").replace("%1", str(len(run.checks)))
        else:
            failing = "; ".join(f"{c.id} {self._title(c)}" for c in run.failed)
            text = self.tr("FAILED: %4 of %1 checks did not hold: %5. Report: %2  Matrix: %3") \
                .replace("%1", str(len(run.checks))).replace("%4", str(len(run.failed))).replace("%5", failing)
        self._show(text.replace("%2", str(written.pdf)).replace("%3", str(written.xlsx)), problem=not run.ok)
        self.finished.emit(run.ok)

    def _language(self) -> str:
        """The report's language: the workstation's setting, or when it follows the system, the language shown."""
        chosen = self._ctx.settings.language
        if chosen in ("zh_CN", "en"):
            return chosen
        return "zh_CN" if QLocale().language() == QLocale.Language.Chinese else "en"

    def _title(self, check: Check) -> str:
        """A check's title in the workstation's language (the service carries both)."""
        return TITLES_ZH.get(check.id, check.title) if self._language() == "zh_CN" else check.title

    def _on_failed(self, exc: BaseException) -> None:
        self._done()
        if isinstance(exc, MedTraceError):
            self._show(str(exc), problem=True)
        else:
            self._show(self.tr("The validation could not run because of an unexpected problem (%1). The details are "
                               "in the log.").replace("%1", exc.__class__.__name__), problem=True)
        self.finished.emit(False)

    def _show(self, text: str, *, problem: bool) -> None:
        self.outcome.setObjectName("inlineProblem" if problem else "fieldNote")
        self.outcome.style().polish(self.outcome)
        self.outcome.setText(text)

    def _done(self) -> None:
        self._busy = False
        self.progress.hide()
        self._update_button()

    def _update_button(self) -> None:
        self.validate_button.setEnabled(self.available and not self._busy)
