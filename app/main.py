"""The composition root: settings → database → runner, broadcast, listener → the main window (STYLE §2).

Only Qt and our own light modules are imported before the splash shows; SQLAlchemy, psycopg and the
embedded-server tools load on the start-up thread while the splash is already on screen.
"""

from __future__ import annotations

import importlib
import logging
import logging.handlers
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication

from app.config import AppPaths, load_settings
from app.errors import ConfigurationError, MedTraceError
from app.views import i18n
from app.views.smoke_probe import install_smoke_probe
from app.views.startup import Started, StartupError, StartupErrorDialog, StartupWindow, run_start_up
from app.views.style import apply_style

if TYPE_CHECKING:
    from app.db.engine import Database
    from app.db.notify import ChangeListener
    from app.services.identity import SignedIn
    from app.views.idle_lock import IdleLock
    from app.views.main_window import MainWindow
    from app.views.operations import ChangeBroadcast, OperationRunner

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
    install_smoke_probe(app)  # only with MEDTRACE_SMOKE_WINDOW set: the installer's start-up test
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
    from app.views.operations import ChangeBroadcast, OperationRunner

    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    splash.close()
    try:
        signed_in = _sign_in(started, runner)
        if signed_in is None:
            return EXIT_OK  # the person chose not to sign in
        # From here on the workstation works as the person, under row-level security: the owner's
        # (superuser) pool is closed; its server handle stays to stop the server at exit.
        from app.db.engine import retire_engine

        retire_engine(started.database.engine)
        session, password = signed_in
        if not started.profile.is_embedded:
            try:
                _check_server_schema(started, session, password)
            except MedTraceError as exc:
                StartupErrorDialog(StartupError.from_error(exc)).exec()
                return EXIT_FAILED
        workstation = _Workstation(app, paths, started, runner, broadcast, *signed_in)
        log.info("main window shown %.2f s after run_gui() began", time.perf_counter() - began)
        app.setQuitOnLastWindowClosed(True)
        code = app.exec()
        workstation.close()
    finally:
        runner.wait_for_all()
        started.close()  # closes the database (stopping the server we started), then releases the lock
    return EXIT_OK if code == 0 else EXIT_FAILED


def _check_server_schema(started: Started, session: SignedIn, password: str) -> None:
    """A shared server's schema is checked as the person (DESIGN §2: refuse anything but head)."""
    from app.db.migrations import ensure_at_head
    from app.services.identity import person_engine

    engine = person_engine(started.database.connect_args, session.account.login, password, session)
    try:
        ensure_at_head(engine, profile_option=f" --profile {started.profile.name}")
    finally:
        engine.dispose()


def _sign_in(started: Started, runner: OperationRunner) -> tuple[SignedIn, str] | None:
    """First run: create the administrator; then sign in (activating the account when it is new).

    Returns the session and the password — kept in memory only, for the person's own pool.
    """
    from app.services.people import first_administrator_needed
    from app.views.activation import ActivationDialog
    from app.views.first_run_wizard import FirstRunWizard
    from app.views.login_dialog import LoginDialog

    database = started.database
    base = database.connect_args
    login = ""
    if started.profile.is_embedded:
        with database.raw_connection() as owner:
            needed = first_administrator_needed(owner)
        if needed:
            wizard = FirstRunWizard(database.raw_connection, base, runner)
            if wizard.exec() != FirstRunWizard.DialogCode.Accepted:
                return None
            login = wizard.login
    preload_workstation(runner)
    while True:
        dialog = LoginDialog(base, runner, login=login, idle_minutes=started.settings.idle_lock_minutes)
        if dialog.exec() != LoginDialog.DialogCode.Accepted:
            return None
        if dialog.pending is not None:
            login = dialog.pending.account.login
            ActivationDialog(dialog.pending, runner).exec()
            continue
        return dialog.result_session, dialog.result_password


# What the main window needs (the models, the services, QtCharts): ~0.6 s of imports that would otherwise run on
# the GUI thread the moment the person signs in. They are imported while the person types their password.
WORKSTATION_MODULES = ("app.views.main_window", "app.views.dashboard_page", "app.views.idle_lock", "app.db.notify",
                       "app.views.seal_schedule", "app.services.identity")


def preload_workstation(runner: OperationRunner) -> None:
    """Import the main window's modules off the GUI thread (a failure here is only a slower first page)."""

    def work(_op: object) -> None:
        for name in WORKSTATION_MODULES:
            importlib.import_module(name)

    runner.run(work, on_failed=lambda exc: log.warning("preloading the main window failed: %s", exc))


class _Workstation:
    """The signed-in person's pool, listener, main window and idle lock; rebuilt when someone else unlocks."""

    def __init__(self, app: QApplication, paths: AppPaths, started: Started, runner: OperationRunner,
                 broadcast: ChangeBroadcast, session: SignedIn, password: str) -> None:
        self._app = app
        self._paths = paths
        self._started = started
        self._runner = runner
        self._broadcast = broadcast
        self._database: Database | None = None
        self._listener: ChangeListener | None = None
        self._idle_lock: IdleLock | None = None
        self.window: MainWindow | None = None
        self._open(session, password)

    def _open(self, session: SignedIn, password: str) -> None:
        from app.db.notify import ChangeListener
        from app.services.identity import person_database
        from app.views.context import ViewContext
        from app.views.idle_lock import IdleLock
        from app.views.main_window import MainWindow

        base = self._started.database.connect_args
        login = session.account.login
        # The primary for every write and signature; the profile's replica (if any) for the heavy reads.
        database = person_database(self._started.database, session, password)
        self._database = database
        ctx = ViewContext(
            runner=self._runner,
            broadcast=self._broadcast,
            new_uow=database.uow,  # follows the pool when it is replaced
            paths=self._paths,
            settings=self._started.settings,
            new_read_uow=database.read_uow,
            replica_status=database.replica_status if database.replica_engine is not None else None,
        )
        def changed(tables: frozenset[str] | None) -> None:
            # A change committed on the primary (here or on another workstation): the pages that refresh
            # now read from the replica only once it has replayed that change.
            database.reads.note_write()
            self._broadcast.announce_from_any_thread(tables)

        self._listener = ChangeListener(database, changed)
        self.window = MainWindow(ctx, account=session.account, base_args=base, daily_jobs=True)
        self.window.setWindowTitle(f"{self.window.windowTitle()} — {session.account.printed_name} ({login})")
        self.window.show()
        self._listener.start()
        self._idle_lock = IdleLock(self.window, session, password, base, self._runner,
                                   idle_seconds=self._started.settings.idle_lock_minutes * 60)
        self._idle_lock.activity.connect(lambda: self._touch(session))
        self._idle_lock.unlocked.connect(lambda new_session: self._replace_pool(new_session, password))
        self._idle_lock.switched_user.connect(self._switch_user)
        self._idle_lock.start()
        from app.views.seal_schedule import SealSchedule

        self._seal_schedule = SealSchedule(ctx, session.account, self.window)  # the sealing workstation's seals
        self._seal_schedule.start()

    def _touch(self, session: SignedIn) -> None:
        """Activity keeps the database-side session alive (it expires with the idle lock)."""
        from sqlalchemy import text

        database = self._database

        def work(_ctx: object) -> None:
            assert database is not None
            with database.engine.connect() as conn:
                conn.execute(text("SELECT mt_touch_session(:t)"), {"t": session.token})
                conn.commit()

        self._runner.run(work, on_failed=lambda exc: log.warning("could not extend the session: %s", exc))

    def _replace_pool(self, session: SignedIn, password: str) -> None:
        """The same person unlocked: a new verified session, so a new pool (the old token admits nobody)."""
        from app.db.engine import retire_engine
        from app.services.identity import person_database

        assert self._database is not None and self._idle_lock is not None
        fresh = person_database(self._started.database, session, password)
        old, old_replica = self._database.engine, self._database.replica_engine
        self._database.engine, self._database.replica_engine = fresh.engine, fresh.replica_engine
        retire_engine(old)
        if old_replica is not None:
            retire_engine(old_replica)
        self._idle_lock.set_session(session, password)

    def _switch_user(self, session: SignedIn, password: str) -> None:
        """Another person unlocked: the first is signed out; the window is rebuilt for the second."""
        self.close()
        self._open(session, password)

    def close(self) -> None:
        if self._idle_lock is not None:
            self._idle_lock.stop()
        if self._listener is not None:
            self._listener.stop()
        if self.window is not None:
            self._app.setQuitOnLastWindowClosed(False)
            self.window.close()
            self.window.deleteLater()
            self._app.setQuitOnLastWindowClosed(True)
        if self._database is not None:
            self._database.release_pools()


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
