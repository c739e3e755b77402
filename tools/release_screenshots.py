"""Screenshots of lot release with two-person electronic signatures, in English and Simplified Chinese.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/release_screenshots.py [--out docs/screenshots]

Everything runs for real against a private embedded PostgreSQL in a temporary folder (started and stopped
here): the small demonstration data set, a QA reviewer and a QA approver activated with real passwords and
TOTP seeds, the label scan and the audit-trail review through the reviewer's verified session, the signing
ceremonies through `sign_lots`. People are created with the superuser-only helper that the tests use
(`mt_create_person_unchecked`), which skips an administrator's sign-in. The workstation's time zone is set
to Asia/Shanghai so the signature times read as they would in a Chinese plant. Writes
docs/screenshots/release_<screen>_<language>.png.
"""

from __future__ import annotations

import argparse
import datetime as dt
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
os.environ["TZ"] = "Asia/Shanghai"
time.tzset()

import psycopg  # noqa: E402 — after the path, platform and zone are set
import pyotp  # noqa: E402
from PySide6.QtCore import QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget  # noqa: E402
from sqlalchemy import Engine  # noqa: E402

from app.config import AppPaths, Settings  # noqa: E402
from app.db.engine import Database, open_embedded  # noqa: E402
from app.db.migrations import upgrade  # noqa: E402
from app.db.uow import UnitOfWork  # noqa: E402
from app.resources import TRANSLATIONS  # noqa: E402
from app.services.demo_data import gs1_scan, seed_demo  # noqa: E402
from app.services.identity import PendingActivation, SignedIn, activate, person_engine, sign_in  # noqa: E402
from app.services.lot_release import mark_audit_trail_reviewed, verify_label_scan  # noqa: E402
from app.views.context import ViewContext  # noqa: E402
from app.views.i18n import install_translation  # noqa: E402
from app.views.operations import ChangeBroadcast, OperationRunner  # noqa: E402
from app.views.release_queue_page import ReleaseQueuePage  # noqa: E402
from app.views.signature_dialog import SignatureDialog  # noqa: E402
from app.views.style import apply_style  # noqa: E402

SHOTS_DATABASE = "release_screenshots"
# Passwords of throw-away demo accounts in a temporary database deleted at the end of the run.
PASSWORD = "plum blossoms in the snow"  # noqa: S105 — demo account, see above
PEOPLE = {"li.na": ("李娜 Li Na", "qa_reviewer"), "wang.fang": ("王芳 Wang Fang", "qa_approver")}
READY_LOTS = """
SELECT l.id FROM lot l
 WHERE l.status = 'quarantine'
   AND (SELECT bool_and(ok) FROM mt_lot_checklist(l.id) WHERE item IN ('qc_results', 'deviations'))
 ORDER BY l.created_at, l.id LIMIT 3
"""
NOT_READY_LOT = """
SELECT l.id FROM lot l
 WHERE l.status = 'quarantine'
   AND NOT (SELECT bool_and(ok) FROM mt_lot_checklist(l.id) WHERE item IN ('qc_results', 'deviations'))
 ORDER BY l.id LIMIT 1
"""


class Codes:
    """A person's authenticator: each code once, never behind the current 30-second step."""

    def __init__(self, seed: str) -> None:
        self.seed = seed
        self.last = int(time.time()) // 30 - 2

    def next(self) -> str:
        counter = max(self.last + 1, int(time.time()) // 30 - 1)
        while counter > int(time.time()) // 30 + 1:
            time.sleep(0.5)
        self.last = counter
        return pyotp.TOTP(self.seed).generate_otp(counter)


def settle(done: Callable[[], bool] = lambda: True, timeout: float = 60.0) -> None:
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
    path = out / f"release_{name}_{language}.png"
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def compile_catalogue(folder: Path) -> Path:
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    subprocess.run(  # noqa: S603 — the venv's own lrelease on the repository's catalogue
        [str(lrelease), "-silent", str(TRANSLATIONS / "medtrace_zh_CN.ts"), "-qm",
         str(folder / "medtrace_zh_CN.qm")], check=True)
    return folder


def fresh_database(server_db: Database, paths: AppPaths) -> Database:
    server = server_db.server
    assert server is not None
    server.psql(f"DROP DATABASE IF EXISTS {SHOTS_DATABASE} WITH (FORCE)", database="postgres")
    for login in PEOPLE:  # roles are cluster-wide: the previous language's people go with their database
        server.psql(f'DROP ROLE IF EXISTS "{login}"', database="postgres")
    server.psql(f"CREATE DATABASE {SHOTS_DATABASE}", database="postgres")
    db = open_embedded(paths, database=SHOTS_DATABASE)
    upgrade(db.engine)
    return db


def activate_person(db: Database, owner: psycopg.Connection, login: str) -> Codes:
    printed_name, group = PEOPLE[login]
    activation_code = owner.execute("SELECT mt_create_person_unchecked(%s, %s, %s)",
                                    (login, printed_name, [group])).fetchone()[0]
    pending = sign_in(db.connect_args, login=login, password=activation_code, code="")
    assert isinstance(pending, PendingActivation)
    codes = Codes(pyotp.random_base32(32))
    try:
        activate(pending, new_password=PASSWORD, seed=codes.seed, first_code=codes.next())
    finally:
        pending.close()
    return codes


class Workstation:
    """One person signed in on their own workstation, the Release queue open."""

    def __init__(self, db: Database, paths: AppPaths, language: str, login: str, codes: Codes) -> None:
        session = sign_in(db.connect_args, login=login, password=PASSWORD, code=codes.next())
        assert isinstance(session, SignedIn)
        self.engine: Engine = person_engine(db.connect_args, login, PASSWORD, session)
        self.broadcast = ChangeBroadcast()
        engine = self.engine
        self.ctx = ViewContext(runner=OperationRunner(self.broadcast), broadcast=self.broadcast,
                               new_uow=lambda: UnitOfWork.for_engine(engine), paths=paths,
                               settings=Settings(language=language))
        self.window = QMainWindow()
        self.window.setWindowTitle("MedTrace")
        self.page = ReleaseQueuePage(self.ctx, session.account, db.connect_args)
        self.window.setCentralWidget(self.page)
        self.window.resize(1440, 860)
        self.window.show()
        settle(lambda: "…" not in self.page.sections.tabText(0))

    def choose(self, *lot_ids: int) -> None:
        self.page.select_lots(lot_ids)
        detail = self.page.detail
        settle(lambda: detail.record is not None and detail.record.header.id == detail.lot_id)

    def sign(self, dialog: SignatureDialog, codes: Codes) -> None:
        dialog.password.setText(PASSWORD)
        dialog.code.setText(codes.next())
        dialog.submit()
        settle(lambda: dialog.finished_signing or dialog.problem.isVisible(), timeout=120)
        if not dialog.finished_signing:
            raise RuntimeError(dialog.problem.text())

    def close(self) -> None:
        self.ctx.runner.wait_for_all()
        settle()
        self.window.close()
        self.engine.dispose()


def screens(db: Database, paths: AppPaths, language: str, out: Path) -> None:
    seed_demo(db.engine, scale="small", seed=2026)
    owner = db.raw_connection()
    try:
        ready = [row[0] for row in owner.execute(READY_LOTS)]
        not_ready = owner.execute(NOT_READY_LOT).fetchone()
        lot_ids = ready + ([not_ready[0]] if not_ready else [])
        labels = {lot_id: owner.execute(
            "SELECT p.di, l.lot_no, l.production_date, l.expiry_date FROM lot l JOIN product p "
            "ON p.id = l.product_id WHERE l.id = %s", (lot_id,)).fetchone() for lot_id in ready}
        codes = {login: activate_person(db, owner, login) for login in PEOPLE}

        # -- the reviewer: checklist, label scan, audit trail, the review ceremony over several lots --
        reviewer = Workstation(db, paths, language, "li.na", codes["li.na"])
        reviewer.choose(ready[0])
        shoot(reviewer.window, out, "checklist", language)
        scan = reviewer.page.detail.open_label_scan()
        assert scan is not None
        scan.scan.setText(gs1_scan(*labels[ready[0]]))
        scan.submit()
        settle(lambda: scan.last_check is not None)
        shoot(scan, out, "label_scan", language)
        scan.reject()
        review = reviewer.page.detail.open_audit_review()
        assert review is not None
        settle(lambda: review.confirm_button.isEnabled())
        shoot(review, out, "audit_review", language)
        review.confirm()
        settle(lambda: not review.isVisible())
        today = dt.datetime.now(dt.UTC).astimezone().date()
        for lot_id in ready[1:]:
            with UnitOfWork.for_engine(reviewer.engine) as uow:
                verify_label_scan(uow, lot_id=lot_id, raw_scan=gs1_scan(*labels[lot_id]), as_of=today)
            with UnitOfWork.for_engine(reviewer.engine) as uow:
                mark_audit_trail_reviewed(uow, lot_id=lot_id)
        reviewer.page.reload()
        settle(lambda: all(x.checklist_complete for x in reviewer.page.lines("review") if x.lot_id in ready))
        reviewer.choose(*lot_ids)
        dialog = reviewer.page.open_signing("reviewed")
        assert dialog is not None
        dialog.password.setText(PASSWORD)
        dialog.code.setText("482913")
        shoot(dialog, out, "sign_review", language)
        reviewer.sign(dialog, codes["li.na"])
        shoot(dialog, out, "sign_review_result", language)
        dialog.accept()
        reviewer.close()

        # -- the approver, on another workstation: approval of two lots, then the released record -------
        approver = Workstation(db, paths, language, "wang.fang", codes["wang.fang"])
        approver.choose(*ready[:2])
        approval = approver.page.open_signing("approved")
        assert approval is not None
        approval.password.setText(PASSWORD)
        approval.code.setText("735204")
        shoot(approval, out, "sign_approval", language)
        approver.sign(approval, codes["wang.fang"])
        approval.accept()
        approver.page.detail.show_lot(ready[0])
        detail = approver.page.detail
        settle(lambda: detail.record is not None and len(detail.record.signatures) == 2
               and detail.record.header.status == "released")
        settle(lambda: "…" not in approver.page.sections.tabText(1))
        shoot(approver.window, out, "released", language)

        # -- a superuser edits the released lot: the signatures no longer cover it ---------------------
        owner.execute("BEGIN")
        owner.execute("SELECT set_config('medtrace.reason', '数量更正 quantity corrected', true)")
        owner.execute("UPDATE lot SET quantity = quantity - 10 WHERE id = %s", (ready[0],))
        owner.execute("COMMIT")
        approver.broadcast.announce(frozenset({"lot"}))  # what LISTEN/NOTIFY delivers
        settle(lambda: detail.warning.isVisible())
        shoot(approver.window, out, "changed_after_signing", language)
        approver.close()
    finally:
        owner.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--languages", nargs="+", default=["en", "zh_CN"])
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_style(app)
    with tempfile.TemporaryDirectory(prefix="medtrace-release-shots-") as home:
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
