"""Screenshots of the identity screens, in English and Simplified Chinese, for review and the manual.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/identity_screenshots.py [--out docs/screenshots]

Runs every screen against a real, private embedded PostgreSQL in a temporary folder (started and
stopped here): the first-run wizard creates the administrator, who then adds, locks and resets people
on the Admin page; a new person activates their account; finally the workstation locks. The Chinese
catalogue is compiled from resources/translations/medtrace_zh_CN.ts into a temporary folder first.
Writes docs/screenshots/identity_<screen>_<language>.png.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pyotp  # noqa: E402 — after the path and platform are set
from PySide6.QtCore import QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget  # noqa: E402

from app.config import AppPaths, Settings  # noqa: E402
from app.db.engine import Database, open_embedded  # noqa: E402
from app.db.migrations import upgrade  # noqa: E402
from app.db.uow import UnitOfWork  # noqa: E402
from app.errors import AccountLocked, InvalidCredentials  # noqa: E402
from app.resources import TRANSLATIONS  # noqa: E402
from app.services import people  # noqa: E402
from app.services.identity import WRONG, PendingActivation, SignedIn, person_engine, sign_in  # noqa: E402
from app.views.activation import ActivationDialog  # noqa: E402
from app.views.admin_page import AdminPage  # noqa: E402
from app.views.context import ViewContext  # noqa: E402
from app.views.first_run_wizard import FirstRunWizard  # noqa: E402
from app.views.i18n import install_translation  # noqa: E402
from app.views.idle_lock import IdleLock  # noqa: E402
from app.views.login_dialog import LoginDialog  # noqa: E402
from app.views.operations import ChangeBroadcast, OperationRunner  # noqa: E402
from app.views.style import apply_style  # noqa: E402

# Passwords of throw-away demo accounts in a temporary database deleted at the end of the run.
ADMIN_PASSWORD = "the first light over the lake"  # noqa: S105 — demo account, see above
PERSON_PASSWORD = "plum blossoms in the snow"  # noqa: S105 — demo account, see above
SHOTS_DATABASE = "identity_screenshots"
LOGINS = ("li.na", "wang.fang", "zhang.wei", "chen.jie")


def settle(done: Callable[[], bool] = lambda: True, timeout: float = 30.0) -> None:
    """Let the event loop run (operations report back on it) until `done()`, then paint."""
    deadline = time.monotonic() + timeout
    while not done():
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not reach the expected state")
        time.sleep(0.01)
    for _ in range(10):
        QApplication.processEvents()


def shoot(widget: QWidget, out: Path, name: str, language: str) -> None:
    settle()
    path = out / f"identity_{name}_{language}.png"
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def compile_catalogue(folder: Path) -> Path:
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    source = TRANSLATIONS / "medtrace_zh_CN.ts"
    # The venv's own lrelease on the repository's catalogue: no outside input reaches the command line.
    subprocess.run(  # noqa: S603 — fixed program and paths
        [str(lrelease), "-silent", str(source), "-qm", str(folder / "medtrace_zh_CN.qm")], check=True)
    return folder


def fresh_database(server_db: Database, paths: AppPaths) -> Database:
    server = server_db.server
    assert server is not None
    server.psql(f"DROP DATABASE IF EXISTS {SHOTS_DATABASE} WITH (FORCE)", database="postgres")
    for login in LOGINS:  # roles are cluster-wide: the previous language's people go with their database
        server.psql(f'DROP ROLE IF EXISTS "{login}"', database="postgres")
    server.psql(f"CREATE DATABASE {SHOTS_DATABASE}", database="postgres")
    db = open_embedded(paths, database=SHOTS_DATABASE)
    upgrade(db.engine)
    return db


def screens(db: Database, paths: AppPaths, language: str, out: Path) -> None:
    base = db.connect_args
    runner = OperationRunner(ChangeBroadcast())

    # -- first run -----------------------------------------------------------------------------
    wizard = FirstRunWizard(db.raw_connection, base, runner)
    wizard.resize(760, 700)
    wizard.show()
    shoot(wizard, out, "wizard_welcome", language)
    wizard.next()
    wizard.administrator_page.login.setText(LOGINS[0])
    wizard.administrator_page.printed_name.setText("李娜 Li Na")
    shoot(wizard, out, "wizard_administrator", language)
    wizard.next()
    settle(lambda: wizard.currentPage() is wizard.password_page)
    choice = wizard.password_page.password_choice
    assert choice is not None
    choice.new.setText(ADMIN_PASSWORD)
    choice.repeat.setText(ADMIN_PASSWORD[:-3])
    shoot(wizard, out, "wizard_password", language)
    choice.repeat.setText(ADMIN_PASSWORD)
    wizard.next()
    enrolment = wizard.authenticator_page.enrolment
    assert enrolment is not None
    admin_seed = enrolment.seed
    enrolment.code.setText(pyotp.TOTP(admin_seed).now())
    shoot(wizard, out, "wizard_authenticator_qr", language)
    wizard.next()
    settle(lambda: wizard.currentPage() is wizard.recovery_page)
    shoot(wizard, out, "wizard_recovery_codes", language)
    assert wizard.recovery_page.panel is not None
    wizard.recovery_page.panel.confirmed.setChecked(True)
    wizard.accept()

    # -- sign-in -------------------------------------------------------------------------------
    login = LoginDialog(base, runner, login=wizard.login)
    login.show()
    shoot(login, out, "login", language)
    login.form.password.setText("x")
    login.form.show_failure(InvalidCredentials(WRONG))
    shoot(login, out, "login_refused", language)
    login.form.show_failure(AccountLocked("This account is locked."))
    shoot(login, out, "login_locked", language)
    login.form.activation.setChecked(True)
    login.form.problem.hide()
    shoot(login, out, "login_activation_code", language)
    login.close()

    session = sign_in(base, login=LOGINS[0], password=ADMIN_PASSWORD,
                      code=pyotp.TOTP(admin_seed).at(time.time() + 30))
    assert isinstance(session, SignedIn)
    engine = person_engine(base, LOGINS[0], ADMIN_PASSWORD, session)
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        wang_code = people.create_person(raw, LOGINS[1], "王芳 Wang Fang", ["qa_reviewer", "qa_approver"])
        people.create_person(raw, LOGINS[2], "张伟 Zhang Wei", ["warehouse"])
        people.create_person(raw, LOGINS[3], "陈杰 Chen Jie", ["regulatory", "auditor"])
        people.lock_person(raw, LOGINS[2], "Left the company")

    # -- activation of a new person ------------------------------------------------------------
    pending = sign_in(base, login=LOGINS[1], password=wang_code, code="")
    assert isinstance(pending, PendingActivation)
    activation = ActivationDialog(pending, runner)
    activation.show()
    activation.password_choice.new.setText(PERSON_PASSWORD)
    activation.password_choice.repeat.setText(PERSON_PASSWORD)
    seed = activation.enrolment.seed
    activation.enrolment.code.setText(pyotp.TOTP(seed).now())
    shoot(activation, out, "activation", language)
    activation.submit()
    settle(lambda: activation.showing_codes)
    shoot(activation, out, "activation_recovery_codes", language)
    activation.codes_panel.confirmed.setChecked(True)
    activation.accept()
    # A recovery code used: an alert for the administrators (21 CFR 11.300(d)).
    sign_in(base, login=LOGINS[1], password=PERSON_PASSWORD, code=activation.recovery_codes[0])

    # -- the Admin page ------------------------------------------------------------------------
    broadcast = ChangeBroadcast()
    ctx = ViewContext(runner=OperationRunner(broadcast), broadcast=broadcast,
                      new_uow=lambda: UnitOfWork.for_engine(engine), paths=paths,
                      settings=Settings(language=language))
    window = QMainWindow()
    window.setWindowTitle("MedTrace")
    page = AdminPage(ctx, session.account)
    window.setCentralWidget(page)
    window.resize(1200, 760)
    window.show()
    settle(lambda: len(page.people) == 4)
    page.select_person(LOGINS[1])  # not the locked one: its red text shows
    shoot(window, out, "admin_page", language)
    page.select_person(LOGINS[3])
    page.reset(next(p for p in page.people if p.login == LOGINS[3]))
    settle(lambda: page.code_dialog is not None and page.code_dialog.isVisible())
    assert page.code_dialog is not None
    shoot(page.code_dialog, out, "admin_activation_code", language)
    page.code_dialog.accept()
    page.open_add_dialog()
    assert page.add_dialog is not None
    page.add_dialog.login.setText("zhao.lei")
    page.add_dialog.printed_name.setText("赵磊 Zhao Lei")
    page.add_dialog.roles.boxes["warehouse"].setChecked(True)
    shoot(page.add_dialog, out, "admin_add_person", language)
    page.add_dialog.reject()

    # -- the idle lock -------------------------------------------------------------------------
    lock = IdleLock(window, session, ADMIN_PASSWORD, base, ctx.runner, idle_seconds=3600)
    lock.start()
    lock.lock_now()
    settle()
    shoot(window, out, "lock_overlay", language)
    assert lock.overlay is not None
    lock.overlay.set_someone_else(True)
    shoot(window, out, "lock_overlay_switch_user", language)
    lock.stop()
    ctx.runner.wait_for_all()
    runner.wait_for_all()
    settle()  # deliver the last results while the widgets they report to still exist
    window.close()
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--languages", nargs="+", default=["en", "zh_CN"])
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_style(app)
    with tempfile.TemporaryDirectory(prefix="medtrace-shots-") as home:
        paths = AppPaths.resolve(home)
        paths.ensure()
        catalogues = compile_catalogue(Path(home))
        server_db = open_embedded(paths)
        try:
            for language in args.languages:
                translation = install_translation(language, catalogues)
                db = fresh_database(server_db, paths)
                try:
                    screens(db, paths, language, args.out)
                finally:
                    db.close(stop_server=False)
                    translation.remove()
        finally:
            server_db.close(stop_server=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
