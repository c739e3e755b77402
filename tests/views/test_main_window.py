"""The main window on the session's embedded database: navigation, pages, status, errors, languages."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.config import AppPaths, Settings, load_settings
from app.db.engine import Database
from app.db.uow import UnitOfWork
from app.errors import InvalidInput
from app.models.enums import LotStatus
from app.resources import TRANSLATIONS
from app.services.dashboard import dashboard_counts
from app.services.identity import Account
from app.views import i18n
from app.views.context import ViewContext
from app.views.dashboard_page import DashboardPage
from app.views.main_window import BUILT_PAGES, PAGE_KEYS, MainWindow
from app.views.operations import ChangeBroadcast, OperationContext, OperationRunner
from app.views.pages import ComingPage, coming_work
from app.views.settings_dialog import SettingsDialog
from tests.factories import make_lot, make_product

LRELEASE = Path(sys.executable).with_name("pyside6-lrelease")


@pytest.fixture
def ctx(database: Database, app_paths: AppPaths, qtbot: QtBot) -> Iterator[ViewContext]:
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    yield ViewContext(
        runner=runner,
        broadcast=broadcast,
        new_uow=lambda: UnitOfWork.for_engine(database.engine),
        paths=app_paths,
        settings=Settings(),
    )
    runner.wait_for_all()


def _open(ctx: ViewContext, qtbot: QtBot) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    dashboard = window.page("dashboard")
    assert isinstance(dashboard, DashboardPage)
    with qtbot.wait_signal(dashboard.refreshed, timeout=10_000):
        window.show()
    return window


@pytest.fixture
def window(ctx: ViewContext, qtbot: QtBot) -> MainWindow:
    return _open(ctx, qtbot)


def _numbers(page: DashboardPage) -> dict[str, str]:
    shown = {status.value: tile.number.text() for status, tile in page.status_tiles.items()}
    shown["queue"] = page.queue_tile.number.text()
    shown["open_deviations"] = page.deviation_tile.number.text()
    return shown


def _commit_lots(database: Database, *statuses: LotStatus, expires_in_days: int = 400) -> None:
    with Session(database.engine) as session:
        today = session.execute(text("SELECT current_date")).scalar_one()
        product = make_product(session)
        for status in statuses:
            make_lot(session, product, status=status, production_date=today - dt.timedelta(days=10),
                     expiry_date=today + dt.timedelta(days=expires_in_days))
        session.commit()


def test_the_window_opens_on_the_dashboard_with_every_area_in_the_rail(window: MainWindow) -> None:
    assert window.current_key() == "dashboard"
    assert [window.rail.item(row).text() for row in range(window.rail.count())] == [
        "Dashboard", "Lots", "Release queue", "Scan", "Trace", "Expiry", "Recalls", "Reports",
        "Audit trail", "Admin",
    ]


def test_clicking_the_rail_switches_the_page(window: MainWindow, qtbot: QtBot) -> None:
    rail = window.rail
    item = rail.item(PAGE_KEYS.index("recalls"))
    qtbot.mouseClick(rail.viewport(), Qt.MouseButton.LeftButton, pos=rail.visualItemRect(item).center())

    assert window.current_key() == "recalls"
    assert window.stack.currentWidget() is window.page("recalls")


def test_ctrl_and_a_number_open_the_matching_page(window: MainWindow, qtbot: QtBot) -> None:
    window.activateWindow()
    qtbot.wait_until(window.isActiveWindow)

    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "release"
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "admin"
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "dashboard"


def test_a_page_that_cannot_open_says_what_it_does_and_speaks_only_of_the_product(window: MainWindow) -> None:
    for key in coming_work():
        window.navigate(key)
        page = window.stack.currentWidget()
        if key in BUILT_PAGES and not isinstance(page, ComingPage):
            continue  # that page has landed: it is real, not a promise
        assert isinstance(page, ComingPage), key
        assert len(page.purpose.text()) > 80, key
        assert page.arrives.text() and not re.search(r"(?i)\bissue\b|arriv|coming", page.arrives.text()), key
    window.navigate("release")
    assert "two-person electronic signatures" in window.stack.currentWidget().explanation()


def test_the_dashboard_shows_the_numbers_in_the_database(
    committed: Database, ctx: ViewContext, qtbot: QtBot
) -> None:
    before = dashboard_counts(ctx.new_uow())
    _commit_lots(committed, LotStatus.QUARANTINE, LotStatus.QUARANTINE, LotStatus.RELEASED)
    _commit_lots(committed, LotStatus.RELEASED, expires_in_days=20)

    window = _open(ctx, qtbot)
    shown = _numbers(window.page("dashboard"))

    def was(status: LotStatus, added: int) -> str:
        return str(before.lots_by_status[status] + added)

    assert shown["quarantine"] == was(LotStatus.QUARANTINE, 2)
    assert shown["released"] == was(LotStatus.RELEASED, 2)
    assert shown["recalled"] == was(LotStatus.RECALLED, 0)
    waiting = (LotStatus.QUARANTINE, LotStatus.UNDER_REVIEW, LotStatus.ON_HOLD)
    assert shown["queue"] == str(sum(before.lots_by_status[s] for s in waiting) + 2)
    assert shown["open_deviations"] == str(before.open_deviations)


def test_a_records_changed_broadcast_refreshes_the_dashboard(
    committed: Database, ctx: ViewContext, qtbot: QtBot
) -> None:
    window = _open(ctx, qtbot)
    dashboard = window.page("dashboard")
    on_hold = int(_numbers(dashboard)["on_hold"])

    _commit_lots(committed, LotStatus.ON_HOLD)
    with qtbot.wait_signal(dashboard.refreshed, timeout=10_000):
        ctx.broadcast.announce(frozenset({"lot"}))

    assert _numbers(dashboard)["on_hold"] == str(on_hold + 1)


def test_an_operation_failure_is_shown_in_the_window_without_blocking_it(
    window: MainWindow, ctx: ViewContext, qtbot: QtBot
) -> None:
    def work(_op: OperationContext) -> None:
        raise InvalidInput("Lot L-1 is not in quarantine.", hint="Choose a lot in quarantine.")

    with qtbot.wait_signal(ctx.runner.failed, timeout=5000):
        ctx.runner.run(work)

    assert window.banner.isVisible()
    assert window.banner.message.text() == "Lot L-1 is not in quarantine.\nChoose a lot in quarantine."
    window.navigate("trace")  # the window keeps working underneath
    assert window.current_key() == "trace"


def test_an_unexpected_error_is_shown_calmly_with_where_the_details_are(
    window: MainWindow, ctx: ViewContext, qtbot: QtBot
) -> None:
    def work(_op: OperationContext) -> None:
        raise ZeroDivisionError("division by zero")

    with qtbot.wait_signal(ctx.runner.failed, timeout=5000):
        ctx.runner.run(work)

    message = window.banner.message.text()
    assert "did not expect (ZeroDivisionError)" in message
    assert str(ctx.paths.log_dir) in message
    assert "Traceback" not in message


def test_the_status_bar_names_the_database_and_when_data_was_last_loaded(
    window: MainWindow, qtbot: QtBot
) -> None:
    assert window.database_label.text() == "Database: this computer (embedded)"
    qtbot.wait_until(lambda: window.refreshed_label.text().startswith("Updated "))  # once the runner is idle
    assert not window.busy.isVisible()


def test_about_names_the_version(window: MainWindow) -> None:
    assert "Version 0.1.0" in window.about_text() or "Version development" in window.about_text()


def test_pages_built_by_their_own_issues_open_in_the_window(window: MainWindow) -> None:
    for key in BUILT_PAGES:
        window.navigate(key)
        assert window.stack.currentWidget() is window.page(key)
        assert window.stack.currentWidget().isVisible()


def test_ctrl_q_is_the_quit_shortcut(window: MainWindow) -> None:
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"


def test_settings_are_saved_for_the_next_start(tmp_path: Path, qtbot: QtBot) -> None:
    paths = AppPaths.resolve(tmp_path)
    dialog = SettingsDialog(Settings(), paths)
    qtbot.addWidget(dialog)

    dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
    dialog.idle_minutes.setValue(5)
    dialog.accept()

    assert dialog.saved == load_settings(paths)
    assert load_settings(paths).language == "zh_CN"
    assert load_settings(paths).idle_lock_minutes == 5


@pytest.fixture
def chinese(tmp_path: Path) -> Iterator[i18n.Translation]:
    """The zh_CN catalogue compiled fresh from its .ts source, installed for one test."""
    subprocess.run(
        [str(LRELEASE), "-silent", str(TRANSLATIONS / "medtrace_zh_CN.ts"), "-qm",
         str(tmp_path / "medtrace_zh_CN.qm")],
        check=True,
    )
    translation = i18n.install_translation(i18n.CHINESE, tmp_path)
    yield translation
    translation.remove()


def test_with_the_chinese_catalogue_the_window_speaks_chinese(
    chinese: i18n.Translation, ctx: ViewContext, qtbot: QtBot
) -> None:
    window = _open(ctx, qtbot)

    assert len(chinese.translators) == 2  # ours and Qt's own (standard buttons)
    assert window.windowTitle() == "MedTrace 质量保证工作站"
    assert [window.rail.item(row).text() for row in (0, 2, 8)] == ["概览", "放行队列", "审计追踪"]
    dashboard = window.page("dashboard")
    assert dashboard.status_tiles[LotStatus.QUARANTINE].title.text() == "待检"
    assert dashboard.status_tiles[LotStatus.ON_HOLD].title.text() == "暂停放行"
    assert window.database_label.text() == "数据库：本机（内置）"
    window.navigate("release")
    assert "电子签名" in window.stack.currentWidget().explanation()


def test_language_follows_the_command_line_then_the_setting_then_the_system() -> None:
    assert i18n.choose_language("en", "zh_CN", "en_US") == "zh_CN"
    assert i18n.choose_language("en", None, "zh_CN") == "en"
    assert i18n.choose_language("auto", None, "zh_CN") == "zh_CN"
    assert i18n.choose_language("auto", None, "zh_TW") == "zh_CN"
    assert i18n.choose_language("auto", None, "de_DE") == "en"


def test_a_page_supplied_by_the_composition_root_replaces_the_placeholder(
    ctx: ViewContext, qtbot: QtBot
) -> None:
    people = QLabel("People and access")
    window = MainWindow(ctx, pages={"admin": lambda: people})
    qtbot.addWidget(window)

    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    window.navigate("admin")

    assert window.stack.currentWidget() is people


# -- the Dashboard's tiles open their pages; the window remembers the person --------------------------


def _person(login: str) -> Account:
    """The signed-in person as the main window is given it (the Dashboard reads their groups)."""
    return Account(login=login, printed_name=login, state="active", enrolled=True, locked=False, groups=("auditor",))


def test_a_status_tile_opens_the_lots_page_filtered_to_that_status_by_click_or_keyboard(
    window: MainWindow, qtbot: QtBot
) -> None:
    dashboard = window.page("dashboard")
    tile = dashboard.status_tiles[LotStatus.ON_HOLD]
    assert tile.cursor().shape() == Qt.CursorShape.PointingHandCursor and tile.link.text().endswith("›")
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert window.current_key() == "lots"
    assert window.page("lots").current_filter().statuses == (LotStatus.ON_HOLD,)

    window.navigate("dashboard")
    tile = dashboard.status_tiles[LotStatus.RELEASED]
    tile.setFocus()
    qtbot.keyClick(tile, Qt.Key.Key_Return)
    assert window.current_key() == "lots"
    assert window.page("lots").current_filter().statuses == (LotStatus.RELEASED,)


def test_every_tile_asks_for_the_page_it_summarises(window: MainWindow, qtbot: QtBot) -> None:
    dashboard = window.page("dashboard")
    asked: list[tuple[str, object]] = []
    dashboard.open_requested.connect(lambda key, filters: asked.append((key, filters)))
    for key in ("queue", "deviations", "expiry", "alerts", "recalls", "trend", "audit", "security"):
        dashboard.tiles()[key].activated.emit()
    assert [key for key, _f in asked] == ["release", "release", "expiry", "expiry", "recalls", "recalls", "audit",
                                          "admin"]
    assert asked[2][1] == {"view": "agenda"} and asked[3][1] == {"alerts": True}


def test_the_window_opens_large_and_centred_then_where_the_person_left_it(ctx: ViewContext, qtbot: QtBot) -> None:
    first = MainWindow(ctx, account=_person("geometry.test"))
    qtbot.addWidget(first)
    screen = first.screen().availableGeometry()
    assert first.width() >= min(1024, screen.width()) and first.height() >= min(700, screen.height())
    assert abs(first.frameGeometry().center().x() - screen.center().x()) <= 2
    left_at = (screen.width() - 60, screen.height() - 50)
    first.resize(*left_at)
    first.close()

    again = MainWindow(ctx, account=_person("geometry.test"))
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == left_at
    other = MainWindow(ctx, account=_person("someone.else"))
    qtbot.addWidget(other)
    assert (other.width(), other.height()) != left_at


def test_the_language_menu_switches_at_once_keeps_typed_input_and_is_remembered_per_person(
    ctx: ViewContext, qtbot: QtBot
) -> None:
    window = MainWindow(ctx, account=_person("language.test"))
    qtbot.addWidget(window)
    window.show()
    lots = window.page("lots")
    search = lots.findChild(QLineEdit)
    qtbot.keyClicks(search, "L-2026")
    dashboard = window.page("dashboard")
    try:
        window.language_actions[i18n.CHINESE].trigger()
        assert window.rail.item(0).text() == "概览" and window.windowTitle() == "MedTrace 质量保证工作站"
        rebuilt = window.page("dashboard")
        qtbot.waitUntil(lambda: bool(rebuilt.status_tiles))  # the status section follows in the next turn
        assert rebuilt is not dashboard and rebuilt.status_tiles[LotStatus.QUARANTINE].title.text() == "待检"
        assert window.page("lots") is lots and search.text() == "L-2026"  # typed input is not lost
        assert window.language_actions[i18n.CHINESE].isChecked()

        again = MainWindow(ctx, account=_person("language.test"))  # the next sign-in of the same person
        qtbot.addWidget(again)
        assert again.rail.item(0).text() == "概览"
        again.language_actions[i18n.ENGLISH].trigger()
        assert again.rail.item(0).text() == "Dashboard"
    finally:
        i18n.switch_translation(i18n.ENGLISH).remove()  # the Chinese catalogue out, nothing in
