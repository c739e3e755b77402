"""Start-up: the slow part (lock, settings, embedded server, schema) off the GUI thread, behind a splash.

`start_up()` holds the decisions and needs no Qt, so tests call it directly; it returns either a
`Started` (everything the main window needs) or a `StartupError` (what the one error dialog shows).
Every failure ends in that one dialog and exit code 1, never a traceback. Messages this module
words itself are translated (QCoreApplication.translate is thread-safe); those raised by the
layers below (config, db) are English until errors carry message ids.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.config import AppPaths, Profile, Settings
from app.errors import (
    AlreadyRunning,
    ConfigurationError,
    DatabaseUnavailable,
    MedTraceError,
    SchemaOutOfDate,
)

if TYPE_CHECKING:  # imported lazily at run time: SQLAlchemy and the server tools cost ~0.3 s to load
    from app.db.embedded import WorkstationLock
    from app.db.engine import Database

log = logging.getLogger(__name__)
translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")


class Step(enum.Enum):
    """What start-up is doing, shown on the splash."""

    CHECKING = "checking"
    CREATING_DATABASE = "creating_database"
    STARTING_DATABASE = "starting_database"
    FIRST_RUN_SETUP = "first_run_setup"
    CHECKING_SCHEMA = "checking_schema"


class Failure(enum.Enum):
    """Kinds of start-up failure; each has its own title in the dialog."""

    ALREADY_RUNNING = "already_running"
    CONFIGURATION = "configuration"
    DATABASE_UNAVAILABLE = "database_unavailable"
    SCHEMA_OUT_OF_DATE = "schema_out_of_date"
    UNEXPECTED = "unexpected"


_FAILURES: dict[type[MedTraceError], Failure] = {
    AlreadyRunning: Failure.ALREADY_RUNNING,
    ConfigurationError: Failure.CONFIGURATION,
    DatabaseUnavailable: Failure.DATABASE_UNAVAILABLE,
    SchemaOutOfDate: Failure.SCHEMA_OUT_OF_DATE,
}


@dataclass(frozen=True)
class StartupError:
    """Why MedTrace cannot start, and the next step; shown once, then the program exits with 1."""

    failure: Failure
    message: str
    hint: str = ""

    @classmethod
    def from_error(cls, exc: MedTraceError) -> StartupError:
        failure = next((f for kind, f in _FAILURES.items() if isinstance(exc, kind)), Failure.UNEXPECTED)
        return cls(failure, exc.message, exc.hint or "")


@dataclass
class Started:
    """What the main window is built from; `close()` undoes start-up in reverse order."""

    database: Database
    lock: WorkstationLock
    settings: Settings
    profile: Profile
    first_run: bool

    def close(self) -> None:
        try:
            self.database.close()  # stops the embedded server if this process started it
        finally:
            self.lock.release()


def start_up(
    paths: AppPaths,
    *,
    profile_name: str | None = None,
    on_step: Callable[[Step], None] = lambda _step: None,
    open_database: Callable[[AppPaths], Database] | None = None,
) -> Started | StartupError:
    """Lock the data folder, read settings and profile, open the database and check its schema.

    `open_database` defaults to the embedded server of `paths`; tests pass another database on the
    session's server so no second server is started.
    """
    from app.db.embedded import EmbeddedServer, WorkstationLock

    began = time.perf_counter()
    on_step(Step.CHECKING)
    try:
        paths.ensure()
    except OSError as exc:
        return StartupError(
            Failure.CONFIGURATION,
            f"The folder {exc.filename or paths.config_dir} cannot be created ({exc.strerror}).",
            "Check that you may write to it, or start MedTrace with --home pointing to a folder you own.",
        )
    lock = WorkstationLock(paths.data_dir)
    database: Database | None = None
    try:
        lock.acquire()
    except AlreadyRunning:
        return StartupError(
            Failure.ALREADY_RUNNING,
            translate("StartupErrorDialog", "MedTrace is already open on this computer with the same data folder."),
            translate(
                "StartupErrorDialog", "Switch to the open window, or close it first. (Data folder: %1)"
            ).replace("%1", str(paths.data_dir)),
        )
    try:
        from app.config import load_settings, select_profile

        settings = load_settings(paths)
        profile = select_profile(paths, profile_name)
        if not profile.is_embedded:
            # A shared server: nothing to start and no owner connection. The person signs in next;
            # their own connection then checks the schema (app/main.py).
            from app.db.engine import server_target

            return Started(server_target(profile), lock, settings, profile, first_run=False)
        if open_database is None:
            from app.db.engine import open_embedded

            first_server = not EmbeddedServer(paths.pgdata).is_initialised()
            on_step(Step.CREATING_DATABASE if first_server else Step.STARTING_DATABASE)
            database = open_embedded(paths)
        else:
            on_step(Step.STARTING_DATABASE)
            database = open_database(paths)
        log.info("database open after %.2f s", time.perf_counter() - began)
        on_step(Step.CHECKING_SCHEMA)
        first_run = _bring_schema_to_head(database, on_step)
        log.info("start-up finished after %.2f s (first run: %s)", time.perf_counter() - began, first_run)
        return Started(database, lock, settings, profile, first_run)
    except MedTraceError as exc:
        _undo(database, lock)
        return StartupError.from_error(exc)
    except Exception as exc:  # a bug: logged in full; the person sees a calm message and exit 1
        log.exception("start-up failed unexpectedly")
        _undo(database, lock)
        return StartupError(
            Failure.UNEXPECTED,
            translate(
                "StartupErrorDialog", "MedTrace could not start because of an unexpected problem (%1)."
            ).replace("%1", exc.__class__.__name__),
            translate(
                "StartupErrorDialog", "The details were written to the log in %1. Please send it to your IT support."
            ).replace("%1", str(paths.log_dir)),
        )


def _bring_schema_to_head(database: Database, on_step: Callable[[Step], None]) -> bool:
    """An embedded database without any table is a first run: build the schema. Otherwise require head."""
    from sqlalchemy import text

    from app.db.migrations import ensure_at_head, schema_status, upgrade

    with database.engine.connect() as connection:
        empty = not connection.execute(
            text("SELECT EXISTS (SELECT FROM pg_tables WHERE schemaname = 'public')")
        ).scalar_one()
    if empty:
        on_step(Step.FIRST_RUN_SETUP)
        upgrade(database.engine)
        return True
    # DESIGN §2: a schema behind (or ahead of) this program is refused with the exact command.
    try:
        ensure_at_head(database.engine)
    except SchemaOutOfDate as exc:
        status = schema_status(database.engine)
        if status.current is None:
            raise
        raise SchemaOutOfDate(
            translate(
                "StartupErrorDialog", "This database is at schema version %1; this program needs %2."
            ).replace("%1", status.current).replace("%2", status.head),
            hint=translate(
                "StartupErrorDialog", "An administrator should run: %1  (then start MedTrace again)"
            ).replace("%1", "medtrace db upgrade"),
        ) from exc
    return False


def _undo(database: Database | None, lock: WorkstationLock) -> None:
    try:
        if database is not None:
            database.close()
    finally:
        lock.release()


# -- running it behind a splash ----------------------------------------------------------------


class _StartupSignals(QObject):
    stepped = Signal(object)
    finished = Signal(object)


def run_start_up(
    paths: AppPaths,
    *,
    profile_name: str | None,
    on_step: Callable[[Step], None],
) -> Started | StartupError:
    """Run `start_up` on a worker thread while the GUI thread keeps the splash alive."""
    signals = _StartupSignals()
    outcome: list[Started | StartupError] = []
    loop = QEventLoop()
    signals.stepped.connect(on_step)
    signals.finished.connect(lambda result: (outcome.append(result), loop.quit()))

    def work() -> None:
        result: Started | StartupError
        try:
            result = start_up(paths, profile_name=profile_name, on_step=signals.stepped.emit)
        except BaseException as exc:  # the GUI thread must always be woken up
            log.exception("start-up thread failed")
            result = StartupError(Failure.UNEXPECTED, f"MedTrace could not start ({exc.__class__.__name__}).")
        signals.finished.emit(result)

    threading.Thread(target=work, name="medtrace-startup", daemon=True).start()
    loop.exec()
    return outcome[0]


def step_text(step: Step) -> str:
    texts = {
        Step.CHECKING: translate("StartupWindow", "Starting…"),
        Step.CREATING_DATABASE: translate(
            "StartupWindow", "Creating this computer's database (first start, about 10 seconds)…"
        ),
        Step.STARTING_DATABASE: translate("StartupWindow", "Starting the database…"),
        Step.FIRST_RUN_SETUP: translate(
            "StartupWindow", "Setting up the database for first use…"
        ),
        Step.CHECKING_SCHEMA: translate("StartupWindow", "Checking the database version…"),
    }
    return texts[step]


def failure_title(failure: Failure) -> str:
    titles = {
        Failure.ALREADY_RUNNING: translate("StartupErrorDialog", "MedTrace is already open"),
        Failure.CONFIGURATION: translate(
            "StartupErrorDialog", "A settings file needs fixing"
        ),
        Failure.DATABASE_UNAVAILABLE: translate(
            "StartupErrorDialog", "The database cannot be reached"
        ),
        Failure.SCHEMA_OUT_OF_DATE: translate(
            "StartupErrorDialog", "The database needs an upgrade"
        ),
        Failure.UNEXPECTED: translate("StartupErrorDialog", "MedTrace could not start"),
    }
    return titles[failure]


class StartupWindow(QWidget):
    """The splash: shown at once, so the person knows the program heard the double-click."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.SplashScreen | Qt.WindowType.WindowStaysOnTopHint)
        self.setObjectName("startupWindow")
        self.setWindowTitle("MedTrace")
        title = QLabel(self.tr("MedTrace QA Workstation"))
        title.setObjectName("startupTitle")
        self.status = QLabel(step_text(Step.CHECKING))
        self.status.setWordWrap(True)
        busy = QProgressBar()
        busy.setRange(0, 0)  # an indeterminate "busy" bar
        busy.setTextVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(self.status)
        layout.addWidget(busy)
        self.setFixedWidth(440)

    def show_step(self, step: Step) -> None:
        self.status.setText(step_text(step))


class StartupErrorDialog(QDialog):
    """The one clear message when start-up fails: what happened, and what to do next."""

    def __init__(self, error: StartupError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = error
        self.setWindowTitle(self.tr("MedTrace cannot start"))
        self.setObjectName("startupErrorDialog")
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(40, 40))
        self.title = QLabel(failure_title(error.failure))
        self.title.setObjectName("dialogHeadline")
        self.message = QLabel(error.message)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel(self.tr("Next step: %1").replace("%1", error.hint) if error.hint else "")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(error.hint))
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Copy details"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self._copy_details)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(icon)
        layout.addWidget(self.title)
        layout.addWidget(self.message)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def details(self) -> str:
        """What "Copy details" puts on the clipboard, for an e-mail to IT support."""
        lines = [failure_title(self.error.failure), self.error.message]
        if self.error.hint:
            lines.append(self.error.hint)
        return "\n".join(lines)

    def _copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details())
        self.copy_button.setText(self.tr("Copied"))
