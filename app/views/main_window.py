"""The main window: navigation rail, the pages, the status bar, and where unhandled errors are shown."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from importlib import metadata

import shiboken6
from PySide6.QtCore import QByteArray, QCoreApplication, QDateTime, QLocale, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.config import EMBEDDED
from app.db.replica import LAGGING, REPLICA, ReplicaStatus
from app.errors import MedTraceError
from app.views import i18n
from app.views.context import ViewContext
from app.views.dashboard_page import DashboardPage
from app.views.pages import ComingPage, coming_work

log = logging.getLogger(__name__)
translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")

# The rail, in order; Ctrl+1 … Ctrl+9 and Ctrl+0 select them.
PAGE_KEYS = (
    "dashboard", "lots", "release", "scan", "trace", "expiry", "recalls", "reports", "audit", "admin",
)


# Pages built by their own issues: (module, class, what the constructor takes after the ViewContext).
# "account" is the signed-in person; "base_args" the server's connection parameters (signing ceremonies
# open a fresh connection as the signer).
REPLICA_WARNING_STYLE = "color: #2b1d00; background: #f2b630; border-radius: 3px; padding: 1px 6px;"
REPLICA_CHECK_INTERVAL_MS = 10_000  # how often the status bar asks where the heavy reads go
EXPIRY_JOB_INTERVAL_MS = 4 * 3600 * 1000  # the job is idempotent: a few runs a day make "daily" robust
WINDOW_STATE_FILE = "windows.ini"  # per person: window geometry and language
DEFAULT_SCREEN_SHARE = 0.85
MIN_SIZE = QSize(1024, 700)

BUILT_PAGES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "lots": ("app.views.lots_page", "LotsPage", ()),
    "release": ("app.views.release_queue_page", "ReleaseQueuePage", ("account", "base_args")),
    "scan": ("app.views.scan_page", "ScanPage", ("account",)),
    "trace": ("app.views.trace_page", "TracePage", ()),
    "expiry": ("app.views.expiry_calendar", "ExpiryCalendarPage", ("account",)),
    "recalls": ("app.views.recalls_page", "RecallsPage", ("account", "base_args")),
    "reports": ("app.views.reports_page", "ReportsPage", ("account",)),
    "audit": ("app.views.audit_page", "AuditPage", ("account",)),
    "admin": ("app.views.admin_page", "AdminPage", ("account",)),
}


def page_title(key: str) -> str:
    titles = {
        "dashboard": translate("MainWindow", "Dashboard"),
        "lots": translate("MainWindow", "Lots"),
        "release": translate("MainWindow", "Release queue"),
        "scan": translate("MainWindow", "Scan"),
        "trace": translate("MainWindow", "Trace"),
        "expiry": translate("MainWindow", "Expiry"),
        "recalls": translate("MainWindow", "Recalls"),
        "reports": translate("MainWindow", "Reports"),
        "audit": translate("MainWindow", "Audit trail"),
        "admin": translate("MainWindow", "Admin"),
    }
    return titles[key]


def has_unsaved_input(page: QWidget) -> bool:
    """Text a person typed into the page and has not acted on yet (edited fields that are not empty)."""
    fields = [*page.findChildren(QLineEdit), *page.findChildren(QPlainTextEdit)]
    for field in fields:
        if isinstance(field, QLineEdit):
            if not field.isReadOnly() and field.isModified() and field.text():
                return True
        elif not field.isReadOnly() and field.document().isModified() and field.toPlainText():
            return True
    return False


def application_version() -> str:
    try:
        return metadata.version("medtrace")
    except metadata.PackageNotFoundError:
        return "development"


class ErrorBanner(QFrame):
    """A problem an operation ran into, shown above the page without blocking the work."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        dismiss = QPushButton(self.tr("Dismiss"))
        dismiss.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.message, 1)
        layout.addWidget(dismiss, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_error(self, exc: BaseException, log_dir: str) -> None:
        if isinstance(exc, MedTraceError):
            text = exc.message if not exc.hint else f"{exc.message}\n{exc.hint}"
        else:
            # A bug (the runner logged its traceback); the person gets a calm sentence and where to look.
            text = self.tr(
                "Something went wrong that MedTrace did not expect (%1). The operation did not finish. "
                "The details are in the log in %2."
            ).replace("%1", exc.__class__.__name__).replace("%2", log_dir)
        self.message.setText(text)
        self.show()


class MainWindow(QMainWindow):
    """The workstation's one window; pages are built the first time they are opened."""

    def __init__(
        self,
        ctx: ViewContext,
        *,
        database_label: str | None = None,
        pages: Mapping[str, Callable[[], QWidget]] | None = None,
        account: object | None = None,
        base_args: Mapping[str, str] | None = None,
        daily_jobs: bool = False,
    ) -> None:
        """`account` (the signed-in person) and `base_args` go to the pages that need them; `pages`
        replaces any page outright (tests); `daily_jobs` runs the expiry job now and every few hours."""
        super().__init__()
        self._ctx = ctx
        self._page_args = {"account": account, "base_args": dict(base_args or {})}
        self.account = account
        self._extra_pages = dict(pages or {})
        self._settings = ctx.settings
        self._pages: dict[str, QWidget] = {}
        self._language = i18n.current_language()
        self.setWindowTitle(self.tr("MedTrace QA Workstation"))
        self.setObjectName("mainWindow")

        self.rail = QListWidget()
        self.rail.setObjectName("navigationRail")
        self.rail.setFixedWidth(200)
        self.rail.setIconSize(QSize(0, 0))
        self.rail.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for number, key in enumerate(PAGE_KEYS, start=1):
            item = QListWidgetItem(page_title(key))
            item.setData(Qt.ItemDataRole.UserRole, key)
            shortcut = QKeySequence(f"Ctrl+{number % 10}")
            item.setToolTip(shortcut.toString(QKeySequence.SequenceFormat.NativeText))
            self.rail.addItem(item)
            QShortcut(shortcut, self, activated=lambda k=key: self.navigate(k))
        self.stack = QStackedWidget()
        self.stack.setObjectName("pageStack")
        self.banner = ErrorBanner()

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(0)
        content_layout.addWidget(self.banner)
        content_layout.addWidget(self.stack, 1)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.rail)
        layout.addWidget(content, 1)
        self.setCentralWidget(central)

        self._build_menus()
        self._build_status_bar(database_label or self._default_database_label())

        ctx.runner.failed.connect(self._on_operation_failed)
        ctx.runner.busy_changed.connect(self._on_busy_changed)
        self.rail.currentRowChanged.connect(self._on_rail_row_changed)
        # The rail shows the Dashboard at once; the page itself is built in the next turn of the event loop, so
        # that the window appears first and neither step holds the GUI for long (tests and callers asking for
        # a page get it built on demand).
        self.rail.blockSignals(True)
        self.rail.setCurrentRow(PAGE_KEYS.index("dashboard"))
        self.rail.blockSignals(False)
        QTimer.singleShot(0, self, lambda: self.navigate(self.current_key()))
        self.restore_geometry()
        remembered = self.person_language()
        if remembered is not None and remembered != self._language:
            self.switch_language(remembered)
        if daily_jobs and account is not None:
            self._expiry_timer = QTimer(self)
            self._expiry_timer.setInterval(EXPIRY_JOB_INTERVAL_MS)
            self._expiry_timer.timeout.connect(self.run_expiry_job)
            self._expiry_timer.start()
            self.run_expiry_job()

    def run_expiry_job(self) -> None:
        """The daily expiry job (expire lots, raise and escalate alerts) by the server's date, off the GUI
        thread. It is idempotent, so every workstation running it every few hours does it once a day."""
        new_uow = self._ctx.new_uow

        def work(_op: object) -> object:
            from app.services.expiry import run_expiry

            return run_expiry(new_uow())

        self._ctx.runner.run(work, on_done=lambda run: log.info("expiry job: %s", run),
                             changes=("lot", "expiry_alert"))

    # -- navigation ----------------------------------------------------------------------------

    def navigate(self, key: str) -> None:
        """Show the page for `key` (building it on first use) and keep the rail in step."""
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        row = PAGE_KEYS.index(key)
        if self.rail.currentRow() != row:
            self.rail.setCurrentRow(row)

    def current_key(self) -> str:
        return PAGE_KEYS[self.rail.currentRow()]

    def page(self, key: str) -> QWidget:
        if key not in self._pages:
            page = self._page_factories()[key]()
            page.setObjectName(f"page_{key}")
            self._pages[key] = page
            self.stack.addWidget(page)
        return self._pages[key]

    def _page_factories(self) -> dict[str, Callable[[], QWidget]]:
        work = coming_work()
        factories: dict[str, Callable[[], QWidget]] = {
            key: (lambda w=work[key]: ComingPage(w)) for key in PAGE_KEYS if key in work
        }
        factories["dashboard"] = self._dashboard
        for key, (module, name, needs) in BUILT_PAGES.items():
            if any(self._page_args[need] is None for need in needs):
                continue  # e.g. no signed-in account (tests of the shell alone): the promise page stays
            factories[key] = lambda k=key, m=module, n=name, a=needs: self._built_page(k, m, n, a)
        factories.update(self._extra_pages)
        return factories

    def _built_page(self, key: str, module_name: str, class_name: str, needs: tuple[str, ...] = ()) -> QWidget:
        """A page imported when first opened (start-up stays fast); a promise until it exists."""
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise  # the page exists but something it needs is missing: a real fault
            log.info("page %s is not part of this build yet", module_name)
            return ComingPage(coming_work()[key])
        page: QWidget = getattr(module, class_name)(self._ctx, *(self._page_args[n] for n in needs))
        if hasattr(page, "report_requested"):  # "open the report for this" links of a page
            page.report_requested.connect(self.open_report)
        if hasattr(page, "drill_requested"):  # "start a drill on this lot" (the Trace page)
            page.drill_requested.connect(self.open_drill)
        return page

    def _dashboard(self) -> QWidget:
        page = DashboardPage(self._ctx, self.account)
        page.open_requested.connect(self.open_filtered)
        return page

    def open_filtered(self, key: str, filters: Mapping[str, object] | None = None) -> None:
        """Show a page narrowed to what a Dashboard tile counts (pages that cannot narrow simply open)."""
        self.navigate(key)
        page = self.page(key)
        if filters and hasattr(page, "apply_filter"):
            page.apply_filter(**filters)

    def open_report(self, report: str, parameters: dict[str, object]) -> None:
        """Show the Reports page with `report` chosen and its parameters filled (one renderer for each report)."""
        self.navigate("reports")
        reports = self.page("reports")
        if hasattr(reports, "choose_report"):
            reports.choose_report(report)
            for name, value in (parameters or {}).items():
                reports.set_parameter(name, value)

    def open_drill(self, lot_no: str, di: str) -> None:
        """Show the Recalls page with its "Start drill" dialog filled for this lot."""
        self.navigate("recalls")
        recalls = self.page("recalls")
        if hasattr(recalls, "open_start"):
            recalls.open_start(drill=True, lot_no=lot_no, di=di)

    def _on_rail_row_changed(self, row: int) -> None:
        if 0 <= row < len(PAGE_KEYS):
            self.navigate(PAGE_KEYS[row])

    # -- size, position and language, remembered per person ----------------------------------

    def _person_settings(self) -> QSettings | None:
        """This workstation's memory of the signed-in person's window (no secret is ever kept there)."""
        login = getattr(self.account, "login", None)
        if not login:
            return None
        settings = QSettings(str(self._ctx.paths.config_dir / WINDOW_STATE_FILE), QSettings.Format.IniFormat)
        settings.beginGroup(login)
        return settings

    def restore_geometry(self) -> None:
        """Where the person left the window; the first time, most of the screen, centred."""
        settings = self._person_settings()
        saved = settings.value("geometry") if settings is not None else None
        if isinstance(saved, QByteArray) and self.restoreGeometry(saved):
            return
        screen = (self.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        width = min(max(int(screen.width() * DEFAULT_SCREEN_SHARE), MIN_SIZE.width()), screen.width())
        height = min(max(int(screen.height() * DEFAULT_SCREEN_SHARE), MIN_SIZE.height()), screen.height())
        self.resize(width, height)
        self.move(screen.center().x() - width // 2, screen.center().y() - height // 2)

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = self._person_settings()
        if settings is not None:
            settings.setValue("geometry", self.saveGeometry())
            settings.sync()
        super().closeEvent(event)

    def person_language(self) -> str | None:
        settings = self._person_settings()
        value = settings.value("language") if settings is not None else None
        return str(value) if value in (i18n.CHINESE, i18n.ENGLISH) else None

    def switch_language(self, language: str) -> None:
        """Speak `language` from now on, remembered for this person. Pages are built again in it, except a
        page holding input not saved yet: it keeps what was typed, and its language, until it is closed."""
        if language == self._language:
            return
        i18n.switch_translation(language)
        self._language = language
        settings = self._person_settings()
        if settings is not None:
            settings.setValue("language", language)
            settings.sync()
        current = self.current_key()
        kept = []
        for key, page in list(self._pages.items()):
            if has_unsaved_input(page):
                kept.append(key)
                continue
            self.stack.removeWidget(page)
            page.deleteLater()
            del self._pages[key]
        for row, key in enumerate(PAGE_KEYS):
            self.rail.item(row).setText(page_title(key))
        self.menuBar().clear()
        self._build_menus()
        self.setWindowTitle(self.tr("MedTrace QA Workstation"))
        self.database_label.setText(self._default_database_label())
        self.navigate(current)
        if kept:
            self.statusBar().showMessage(self.tr("Kept as they are, with what you typed: %1.").replace(
                "%1", ", ".join(page_title(k) for k in kept)), 10_000)

    # -- menus ---------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        settings = QAction(self.tr("&Settings…"), self)
        settings.setShortcut(QKeySequence.StandardKey.Preferences)
        settings.triggered.connect(self.open_settings)
        file_menu.addAction(settings)
        if self.account is not None:
            change_password = QAction(self.tr("Change &password…"), self)
            change_password.triggered.connect(self.open_change_password)
            file_menu.addAction(change_password)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.quit_action = quit_action

        view_menu = self.menuBar().addMenu(self.tr("&View"))
        language_menu = view_menu.addMenu(self.tr("&Language"))
        self.language_actions: dict[str, QAction] = {}
        group = QActionGroup(language_menu)
        for language, title in ((i18n.ENGLISH, "English"), (i18n.CHINESE, "中文（简体）")):
            action = QAction(title, language_menu, checkable=True)
            action.setChecked(language == self._language)
            action.triggered.connect(lambda _checked=False, lang=language: self.switch_language(lang))
            group.addAction(action)
            language_menu.addAction(action)
            self.language_actions[language] = action

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About MedTrace"), self)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def open_settings(self) -> None:
        from app.views.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self._settings, self._ctx.paths, self)
        if dialog.exec() == SettingsDialog.DialogCode.Accepted and dialog.saved is not None:
            self._settings = dialog.saved

    def open_change_password(self) -> None:
        from app.views.change_password_dialog import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.account, self._page_args["base_args"], self._ctx.runner, self)
        dialog.exec()

    def about_text(self) -> str:
        return self.tr(
            "<h3>MedTrace QA Workstation</h3><p>Version %1</p>"
            "<p>Lot release, recalls, traceability and regulatory records for medical-device "
            "manufacturers.</p>"
        ).replace("%1", application_version())

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About MedTrace"), self.about_text())

    # -- status bar ----------------------------------------------------------------------------

    def _default_database_label(self) -> str:
        if self._settings.profile == EMBEDDED:
            return self.tr("Database: this computer (embedded)")
        return self.tr("Database: %1").replace("%1", self._settings.profile)

    def _build_status_bar(self, database_label: str) -> None:
        bar = self.statusBar()
        self.database_label = QLabel(database_label)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.refreshed_label = QLabel()
        bar.addWidget(self.database_label)
        # Where traces, reports and the dashboard read: the profile's replica, or the primary and why.
        self.replica_label = QLabel()
        self.replica_label.setObjectName("replicaLabel")
        self.replica_label.hide()
        bar.addWidget(self.replica_label)
        if self._ctx.replica_status is not None:
            self._replica_timer = QTimer(self)
            self._replica_timer.setInterval(REPLICA_CHECK_INTERVAL_MS)
            self._replica_timer.timeout.connect(self.check_replica)
            self._replica_timer.start()
            QTimer.singleShot(0, self.check_replica)
        bar.addPermanentWidget(self.busy)
        bar.addPermanentWidget(self.refreshed_label)

    def check_replica(self) -> None:
        """Ask off the GUI thread where the heavy reads go now; the label follows."""
        status_of = self._ctx.replica_status
        if status_of is None:
            return
        def shown(status: ReplicaStatus) -> None:
            if shiboken6.isValid(self):  # the window may have closed while the check ran
                self.show_replica_status(status)

        self._ctx.runner.run(lambda _op: status_of(), on_done=shown,
                             on_failed=lambda exc: log.warning("replica check failed: %s", exc), quiet=True)

    def show_replica_status(self, status: ReplicaStatus) -> None:
        """The label: reading from the replica, or from the primary and why (lagging, unavailable)."""
        label = self.replica_label
        if not status.configured:
            label.hide()
            return
        where = status.where
        if status.state == REPLICA:
            label.setText(self.tr("Reading from the replica"))
            label.setToolTip(self.tr("Traces, reports and the dashboard read from the replica at %1; changes and "
                                     "signatures go to the primary.").replace("%1", where))
            label.setStyleSheet("")
        else:
            if status.state == LAGGING and status.lag_seconds is not None:
                text = self.tr("Replica %1 s behind — reading from the primary").replace(
                    "%1", f"{status.lag_seconds:.0f}")
                why = self.tr("The replica at %1 is more than %2 s behind the primary.").replace(
                    "%1", where).replace("%2", str(status.max_lag_seconds))
            elif status.state == LAGGING:
                text = self.tr("Replica not caught up — reading from the primary")
                why = self.tr("The replica at %1 has not caught up with the primary yet.").replace("%1", where)
            else:
                text = self.tr("Replica unavailable — reading from the primary")
                why = self.tr("The replica at %1 cannot be reached.").replace("%1", where)
            label.setText(text)
            label.setToolTip(why + " " + self.tr("Traces, reports and the dashboard read from the primary "
                                                 "meanwhile; nothing is lost."))
            label.setStyleSheet(REPLICA_WARNING_STYLE)
        label.show()

    def _on_busy_changed(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        if not busy:
            when = QLocale().toString(QDateTime.currentDateTime().time(), QLocale.FormatType.ShortFormat)
            self.refreshed_label.setText(self.tr("Updated %1").replace("%1", when))

    def _on_operation_failed(self, exc: BaseException) -> None:
        self.banner.show_error(exc, str(self._ctx.paths.log_dir))
