"""The composition root: settings → database → runner, broadcast, listener → the main window (STYLE §2).

Only Qt and our own light modules are imported before the splash shows; SQLAlchemy, psycopg and the
embedded-server tools load on the start-up thread while the splash is already on screen.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import time

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication

from app.config import AppPaths, load_settings
from app.errors import ConfigurationError
from app.views import i18n
from app.views.startup import Started, StartupError, StartupErrorDialog, StartupWindow, run_start_up
from app.views.style import apply_style

log = logging.getLogger("app")

EXIT_OK = 0
EXIT_FAILED = 1


def run_gui(*, home: str | None = None, profile: str | None = None, language: str | None = None) -> int:
    """Open the workstation; returns the process exit code (1 when start-up failed, after saying why)."""
    began = time.perf_counter()
    paths = AppPaths.resolve(home)
    log_handler = _log_to_file(paths)
    try:
        return _run(paths, profile, language, began)
    finally:
        log.removeHandler(log_handler)
        log_handler.close()


def _run(paths: AppPaths, profile: str | None, language: str | None, began: float) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    if not isinstance(app, QApplication):
        raise TypeError("run_gui needs a QApplication (widgets), not a QCoreApplication")
    app.setOrganizationName("MedTrace")
    app.setApplicationName("MedTrace")
    app.setApplicationDisplayName("MedTrace")
    apply_style(app)
    translation = i18n.install_translation(
        i18n.choose_language(_saved_language(paths), language, QLocale.system().name())
    )
    # The splash, then the error dialog or the main window: closing one must not end the program early.
    app.setQuitOnLastWindowClosed(False)
    try:
        splash = StartupWindow()
        splash.show()
        outcome = run_start_up(paths, profile_name=profile, on_step=splash.show_step)
        if isinstance(outcome, StartupError):
            log.error("start-up failed: %s (%s)", outcome.message, outcome.hint)
            splash.close()
            StartupErrorDialog(outcome).exec()
            return EXIT_FAILED
        return _run_main_window(app, paths, outcome, splash, began)
    finally:
        translation.remove()
        app.setQuitOnLastWindowClosed(True)


def _run_main_window(
    app: QApplication, paths: AppPaths, started: Started, splash: StartupWindow, began: float
) -> int:
    from app.db.notify import ChangeListener
    from app.db.uow import UnitOfWork
    from app.views.context import ViewContext
    from app.views.main_window import MainWindow
    from app.views.operations import ChangeBroadcast, OperationRunner

    database = started.database
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    listener = ChangeListener(database, broadcast.announce_from_any_thread)
    ctx = ViewContext(
        runner=runner,
        broadcast=broadcast,
        new_uow=lambda: UnitOfWork.for_engine(database.engine),
        paths=paths,
        settings=started.settings,
    )
    try:
        window = MainWindow(ctx)
        window.show()
        splash.close()
        app.setQuitOnLastWindowClosed(True)
        log.info("main window shown %.2f s after run_gui() began", time.perf_counter() - began)
        listener.start()
        code = app.exec()
    finally:
        listener.stop()
        runner.wait_for_all()
        started.close()  # closes the database (stopping the server we started), then releases the lock
    return EXIT_OK if code == 0 else EXIT_FAILED


def _saved_language(paths: AppPaths) -> str:
    """The language setting, read leniently: a broken file is reported by start-up, in the system language."""
    try:
        return load_settings(paths).language
    except ConfigurationError:
        return i18n.FOLLOW_SYSTEM


def _log_to_file(paths: AppPaths) -> logging.Handler:
    """A rotating log in the log folder: tracebacks of bugs go there, never into a dialog."""
    try:
        paths.log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            paths.log_dir / "medtrace.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler()  # start-up reports the unusable folder itself
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return handler
