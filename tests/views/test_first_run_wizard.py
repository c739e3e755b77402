"""The first-run wizard on a fresh, empty MedTrace database (a scratch database on the session's server:
the session database already has people, and the first administrator can only be made where none exist)."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterator

import pyotp
import pytest
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWizard
from pytestqt.qtbot import QtBot

from app.config import AppPaths
from app.db.engine import Database, open_embedded
from app.db.migrations import upgrade
from app.services.demo_data import COMPANY
from app.services.identity import SignedIn, sign_in
from app.services.people import first_administrator_needed
from app.views.first_run_wizard import FirstRunWizard
from app.views.operations import ChangeBroadcast, OperationRunner

ACTIVATION_CODE = re.compile(r"[0-9A-F]{5}(-[0-9A-F]{5}){4}")
_databases = itertools.count(1)
PASSWORD = "the first light over the lake"


@pytest.fixture
def fresh(database: Database, app_paths: AppPaths) -> Iterator[Database]:
    """An empty MedTrace database at head, on the session's server."""
    name = f"first_run_{next(_databases)}"
    database.server.psql(f"CREATE DATABASE {name}", database="postgres")
    db = open_embedded(app_paths, database=name)
    upgrade(db.engine)
    yield db
    db.close(stop_server=False)
    database.server.psql(f"DROP DATABASE {name} WITH (FORCE)", database="postgres")


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[OperationRunner]:
    runner = OperationRunner(ChangeBroadcast())
    yield runner
    assert runner.wait_for_all(15_000)


def open_wizard(qtbot: QtBot, db: Database, runner: OperationRunner) -> FirstRunWizard:
    wizard = FirstRunWizard(db.raw_connection, db.connect_args, runner)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def enter_company(wizard: FirstRunWizard, name_zh: str = COMPANY["legal_name_zh"]) -> None:
    assert wizard.currentPage() is wizard.welcome_page
    wizard.next()
    page = wizard.company_page
    assert wizard.currentPage() is page and not page.isComplete()  # a legal name is required
    page.address.setText(COMPANY["address"])
    assert not page.isComplete()
    page.legal_name_zh.setText(name_zh)
    page.legal_name_en.setText(COMPANY["legal_name_en"])
    page.licence_no.setText(COMPANY["licence_no"])
    page.registrant.setText(COMPANY["registrant"])
    assert page.isComplete()
    wizard.next()


def create_administrator(qtbot: QtBot, wizard: FirstRunWizard, login: str, name: str) -> None:
    enter_company(wizard)
    page = wizard.administrator_page
    page.login.setText(login)
    page.printed_name.setText(name)
    assert page.isComplete()
    wizard.next()  # the commit: runs off the GUI thread, then the wizard moves on by itself
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.password_page, timeout=15_000)


def visible_texts(wizard: FirstRunWizard) -> list[str]:
    texts = [w.text() for w in wizard.findChildren(QLabel) + wizard.findChildren(QLineEdit)]
    return texts + [w.toPlainText() for w in wizard.findChildren(QPlainTextEdit)]


def test_the_wizard_creates_and_activates_the_first_administrator(
    qtbot: QtBot, fresh: Database, runner: OperationRunner
) -> None:
    with fresh.raw_connection() as owner:
        assert first_administrator_needed(owner) is True
    wizard = open_wizard(qtbot, fresh, runner)
    create_administrator(qtbot, wizard, "Chen.Jing", "陈静 Chen Jing")
    assert wizard.login == "chen.jing"
    assert wizard.button(QWizard.WizardButton.BackButton).isHidden() or not wizard.button(
        QWizard.WizardButton.BackButton).isEnabled()  # the administrator exists now: no way back

    choice = wizard.password_page.password_choice
    assert choice is not None and not wizard.password_page.isComplete()
    choice.new.setText(PASSWORD)
    choice.repeat.setText(PASSWORD)
    assert wizard.password_page.isComplete()
    wizard.next()

    page = wizard.authenticator_page
    assert page.enrolment is not None and not page.enrolment.qr.pixmap().isNull()
    seed = page.enrolment.seed
    assert page.enrolment.seed_text.text().replace(" ", "") == seed
    page.enrolment.code.setText(pyotp.TOTP(seed).now())
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page, timeout=15_000)

    panel = wizard.recovery_page.panel
    assert panel is not None and len(panel.codes) == 10
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    wizard.reject()  # the codes are not stored yet: the wizard stays
    assert wizard.isVisible()
    panel.confirmed.setChecked(True)
    with qtbot.waitSignal(wizard.accepted):
        wizard.button(QWizard.WizardButton.FinishButton).click()
    # The activation code was used by the wizard itself and never shown.
    assert not any(ACTIVATION_CODE.search(text) for text in visible_texts(wizard))

    outcome = sign_in(fresh.connect_args, login=wizard.login, password=PASSWORD,
                      code=pyotp.TOTP(seed).at(time.time() + 30))
    assert isinstance(outcome, SignedIn)
    assert outcome.account.groups == ("admin",) and outcome.account.printed_name == "陈静 Chen Jing"
    with fresh.raw_connection() as owner:
        assert first_administrator_needed(owner) is False
        # The company entered first is the profile every report prints, its set-up audited with its reason.
        profile = owner.execute("SELECT legal_name_zh, legal_name_en, licence_no, logo FROM company_profile").fetchone()
        assert profile == (COMPANY["legal_name_zh"], COMPANY["legal_name_en"], COMPANY["licence_no"], None)
        reason = owner.execute("SELECT reason FROM audit_entry WHERE table_name = 'company_profile'").fetchone()
        assert reason == ("首次运行设置 First-run set-up (administrator chen.jing)",)


def test_set_up_stopped_before_activation_can_be_run_again_with_the_same_name(
    qtbot: QtBot, fresh: Database, runner: OperationRunner
) -> None:
    first = open_wizard(qtbot, fresh, runner)
    create_administrator(qtbot, first, "zhou.min", "周敏")
    first.reject()
    assert not first.isVisible() and first.pending is None
    with fresh.raw_connection() as owner:
        assert first_administrator_needed(owner) is True

    second = open_wizard(qtbot, fresh, runner)
    create_administrator(qtbot, second, "zhou.min", "周敏")
    assert second.pending is not None and second.pending.account.login == "zhou.min"
    second.reject()

    other = open_wizard(qtbot, fresh, runner)
    enter_company(other, name_zh="别的公司")
    other.administrator_page.login.setText("somebody.else")
    other.administrator_page.printed_name.setText("Somebody Else")
    other.next()
    qtbot.waitUntil(lambda: other.administrator_page.problem.isVisible(), timeout=15_000)
    assert "already has users" in other.administrator_page.problem.text()
    assert other.currentPage() is other.administrator_page
    with fresh.raw_connection() as owner:  # the refused run changed no profile; the repeated one none either
        assert owner.execute("SELECT legal_name_zh FROM company_profile").fetchall() == [(COMPANY["legal_name_zh"],)]
        assert owner.execute("SELECT count(*) FROM audit_entry WHERE table_name = 'company_profile'").fetchone() == (1,)


def test_a_user_name_the_database_would_refuse_cannot_be_submitted(
    qtbot: QtBot, fresh: Database, runner: OperationRunner
) -> None:
    wizard = open_wizard(qtbot, fresh, runner)
    enter_company(wizard)
    page = wizard.administrator_page
    page.printed_name.setText("Admin")
    for bad in ("ab", "1admin", "has space", "dash-name"):
        page.login.setText(bad)
        assert not page.isComplete(), bad
    page.login.setText("good.name")
    assert page.isComplete()
