"""The Admin page as a real, signed-in administrator: people, activation codes, locks, alerts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from app.config import AppPaths, Settings
from app.db.engine import Database
from app.db.uow import UnitOfWork
from app.services.identity import Account, PendingActivation, SignedIn, person_engine, sign_in
from app.services.people import ACCOUNT_LOCKED, PersonRow
from app.views.admin_page import AdminPage
from app.views.context import ViewContext
from app.views.operations import ChangeBroadcast, OperationRunner
from tests.conftest import Person

ACTIVATION_CODE = re.compile(r"^[0-9A-F]{5}(-[0-9A-F]{5}){4}$")


@dataclass
class SignedInAdmin:
    person: Person
    session: SignedIn
    engine: Engine


@pytest.fixture
def admin(database: Database, make_person) -> Iterator[SignedInAdmin]:
    person: Person = make_person("admin")
    session = sign_in(database.connect_args, login=person.login, password=person.password, code=person.next_code())
    assert isinstance(session, SignedIn)
    engine = person_engine(database.connect_args, person.login, person.password, session)
    yield SignedInAdmin(person, session, engine)
    engine.dispose()


@pytest.fixture
def ctx(admin: SignedInAdmin, app_paths: AppPaths, qtbot: QtBot) -> Iterator[ViewContext]:
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    unexpected: list[BaseException] = []
    runner.failed.connect(unexpected.append)
    yield ViewContext(runner=runner, broadcast=broadcast, new_uow=lambda: UnitOfWork.for_engine(admin.engine),
                      paths=app_paths, settings=Settings(language="en"))
    assert runner.wait_for_all(15_000)
    assert unexpected == []


def open_page(qtbot: QtBot, ctx: ViewContext, account: Account) -> AdminPage:
    page = AdminPage(ctx, account)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    with qtbot.waitSignal(page.refreshed, timeout=15_000):
        page.show()
    return page


def person_on_page(page: AdminPage, login: str) -> PersonRow | None:
    return next((p for p in page.people if p.login == login), None)


def wait_for_person(qtbot: QtBot, page: AdminPage, login: str, condition) -> PersonRow:
    qtbot.waitUntil(lambda: (row := person_on_page(page, login)) is not None and condition(row), timeout=15_000)
    return person_on_page(page, login)


def test_adding_a_person_shows_their_activation_code_once(
    qtbot: QtBot, ctx: ViewContext, admin: SignedInAdmin, database: Database
) -> None:
    page = open_page(qtbot, ctx, admin.session.account)
    assert person_on_page(page, admin.person.login) is not None
    page.add_button.click()
    dialog = page.add_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.login.setText("Bad Name")
    dialog.ok_button.click()
    assert "lower-case letters" in dialog.problem.text()  # caught before the database is asked
    dialog.login.setText("sun.li.admin")
    dialog.printed_name.setText("孙丽 Sun Li")
    dialog.roles.boxes["qa_reviewer"].setChecked(True)
    dialog.roles.boxes["warehouse"].setChecked(True)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: page.code_dialog is not None and page.code_dialog.isVisible(), timeout=15_000)
    assert not dialog.isVisible()
    code = page.code_dialog.code_label.text()
    assert ACTIVATION_CODE.match(code)
    assert "72 hours" in " ".join(label.text() for label in page.code_dialog.findChildren(type(dialog.problem)))
    row = wait_for_person(qtbot, page, "sun.li.admin", lambda r: True)
    assert (row.state, row.groups) == ("pending", ("qa_reviewer", "warehouse"))
    pending = sign_in(database.connect_args, login="sun.li.admin", password=code, code="")
    assert isinstance(pending, PendingActivation)
    pending.close()


def test_a_name_already_taken_is_refused_inside_the_dialog(
    qtbot: QtBot, ctx: ViewContext, admin: SignedInAdmin
) -> None:
    page = open_page(qtbot, ctx, admin.session.account)
    page.add_button.click()
    dialog = page.add_dialog
    dialog.login.setText(admin.person.login)
    dialog.printed_name.setText("Someone")
    dialog.roles.boxes["auditor"].setChecked(True)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.problem.isVisible(), timeout=15_000)
    assert "already taken" in dialog.problem.text()
    assert dialog.isVisible() and page.code_dialog is None


def test_locking_and_unlocking_a_person_with_the_lock_shown_as_an_alert(
    qtbot: QtBot, ctx: ViewContext, admin: SignedInAdmin, make_person
) -> None:
    victim: Person = make_person("warehouse")
    page = open_page(qtbot, ctx, admin.session.account)
    page.select_person(admin.person.login)
    assert not page.lock_button.isEnabled() and not page.reset_button.isEnabled()  # never oneself
    page.select_person(victim.login)
    assert page.lock_button.isEnabled() and not page.unlock_button.isEnabled()
    page.lock_button.click()
    dialog = page.lock_dialog
    dialog.ok_button.click()
    assert "reason" in dialog.problem.text()
    dialog.reason.setText("left the company")
    dialog.ok_button.click()
    row = wait_for_person(qtbot, page, victim.login, lambda r: r.locked)
    assert row.lock_reason == "left the company"
    qtbot.waitUntil(lambda: any(a.login == victim.login and a.kind == ACCOUNT_LOCKED for a in page.alerts),
                    timeout=15_000)
    page.select_person(victim.login)
    assert page.unlock_button.isEnabled() and not page.lock_button.isEnabled()
    page.unlock_button.click()
    wait_for_person(qtbot, page, victim.login, lambda r: not r.locked)


def test_a_lockout_by_failed_codes_appears_highlighted_until_acknowledged(
    qtbot: QtBot, ctx: ViewContext, admin: SignedInAdmin, make_person
) -> None:
    victim: Person = make_person("qa_approver")
    page = open_page(qtbot, ctx, admin.session.account)
    with victim.connect() as conn:
        for _ in range(5):
            conn.execute("SELECT status FROM mt_verify_totp('000000', 15)")
    ctx.broadcast.announce(frozenset({"security_alert"}))  # what LISTEN/NOTIFY delivers in the application
    qtbot.waitUntil(lambda: any(a.login == victim.login for a in page.alerts), timeout=15_000)
    alert = next(a for a in page.alerts if a.login == victim.login)
    assert not alert.acknowledged
    page.select_alert(alert.id)
    row = page.alerts_table.currentRow()
    assert page.alerts_table.item(row, 1).text() == "Account locked"
    assert page.alerts_table.item(row, 0).background().color().name() == "#fff1c7"
    assert "not yet acknowledged" in page.alert_count.text()
    assert page.acknowledge_button.isEnabled()
    page.acknowledge_button.click()
    qtbot.waitUntil(lambda: next(a for a in page.alerts if a.id == alert.id).acknowledged, timeout=15_000)
    page.select_alert(alert.id)
    assert admin.person.login in page.alerts_table.item(page.alerts_table.currentRow(), 4).text()
    assert not page.acknowledge_button.isEnabled()
    assert person_on_page(page, victim.login).locked


def test_a_reset_asks_first_then_shows_the_new_activation_code(
    qtbot: QtBot, ctx: ViewContext, admin: SignedInAdmin, make_person
) -> None:
    person: Person = make_person("regulatory")
    page = open_page(qtbot, ctx, admin.session.account)
    page.select_person(person.login)
    page.reset_button.click()
    box = page.reset_question
    assert box is not None and box.isVisible()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert page.code_dialog is None
    page.reset_button.click()
    destructive = next(b for b in page.reset_question.buttons()
                       if page.reset_question.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)
    destructive.click()
    qtbot.waitUntil(lambda: page.code_dialog is not None and page.code_dialog.isVisible(), timeout=15_000)
    assert ACTIVATION_CODE.match(page.code_dialog.code)
    row = wait_for_person(qtbot, page, person.login, lambda r: r.state == "pending")
    assert not row.enrolled


def test_roles_are_changed_from_the_dialog(qtbot: QtBot, ctx: ViewContext, admin: SignedInAdmin, make_person) -> None:
    person: Person = make_person("auditor")
    page = open_page(qtbot, ctx, admin.session.account)
    page.select_person(person.login)
    page.roles_button.click()
    dialog = page.roles_dialog
    assert dialog.roles.chosen() == ("auditor",)
    dialog.roles.set_chosen(("qa_reviewer", "qa_approver"))
    dialog.ok_button.click()
    wait_for_person(qtbot, page, person.login, lambda r: r.groups == ("qa_approver", "qa_reviewer"))


def test_a_person_who_is_not_an_administrator_gets_no_actions(qtbot: QtBot, ctx: ViewContext) -> None:
    account = Account("an.auditor", "审计员", "active", True, False, ("auditor",))
    page = AdminPage(ctx, account)
    qtbot.addWidget(page)
    page.show()
    buttons = (page.add_button, page.roles_button, page.lock_button, page.unlock_button, page.reset_button,
               page.acknowledge_button, page.refresh_button, page.company_button)
    assert not any(b.isEnabled() for b in buttons)
    assert page.not_allowed.isVisible()
    assert page.people == [] and page.alerts == []


def test_an_administrator_sets_up_the_company_profile_from_the_page_with_a_reason(
    qtbot: QtBot, ctx: ViewContext, admin: SignedInAdmin, committed: Database
) -> None:
    from app.services.demo_data import COMPANY

    page = open_page(qtbot, ctx, admin.session.account)
    assert page.company_button.isEnabled()
    page.company_button.click()
    dialog = page.company_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.record is not None, timeout=15_000)
    assert dialog.creating
    dialog.editors["legal_name_zh"].widget.setText(COMPANY["legal_name_zh"])
    qtbot.keyClicks(dialog.editors["licence_no"].widget, "SY-2015-0088")  # typed: keyClicks takes ASCII only
    dialog.save_button.click()
    assert dialog.reason_dialog is not None
    dialog.reason_dialog.reason.setPlainText("首次设置企业信息 First set-up")
    with qtbot.waitSignal(dialog.saved, timeout=15_000) as saved:
        dialog.reason_dialog.ok_button.click()
    with committed.raw_connection() as owner:
        actor = owner.execute("SELECT actor::text, reason FROM audit_entry WHERE id = %s",
                              (saved.args[0].audit_entry_id,)).fetchone()
    assert actor == (admin.person.login, "首次设置企业信息 First set-up")

