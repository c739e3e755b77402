"""Screenshots of the operations screens (Backups on the Admin page, Seal now on the Audit page), en and zh_CN.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/operations_screenshots.py [--out docs/screenshots]

Runs against a real embedded PostgreSQL in a temporary folder with the demonstration data, signed in as
demo.admin: backs up, restores and verifies the backup into a second temporary folder, seals the trail
(a throw-away in-process keyring stands in for the OS keyring this machine lacks) and verifies it.
Writes docs/screenshots/operations_<screen>_<language>.png.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring  # noqa: E402 — after the path and platform are set
from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402

from app.config import AppPaths, Settings  # noqa: E402
from app.db.engine import open_embedded  # noqa: E402
from app.db.migrations import upgrade  # noqa: E402
from app.db.uow import UnitOfWork  # noqa: E402
from app.services.demo_data import seed_demo  # noqa: E402
from app.services.demo_people import DEMO_PEOPLE, create_demo_people, demo_code  # noqa: E402
from app.services.identity import SignedIn, person_engine, sign_in  # noqa: E402
from app.views.admin_page import AdminPage  # noqa: E402
from app.views.audit_page import AuditPage  # noqa: E402
from app.views.context import ViewContext  # noqa: E402
from app.views.i18n import install_translation  # noqa: E402
from app.views.operations import ChangeBroadcast, OperationRunner  # noqa: E402
from app.views.style import apply_style  # noqa: E402
from tests.memory_keyring import MemoryKeyring  # noqa: E402
from tools.identity_screenshots import compile_catalogue, settle  # noqa: E402


def shoot(window: QMainWindow, out: Path, name: str, language: str) -> None:
    settle()
    path = out / f"operations_{name}_{language}.png"
    if not window.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--languages", nargs="+", default=["en", "zh_CN"])
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_style(app)
    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory(prefix="medtrace-ops-shots-") as home:
        paths = AppPaths.resolve(Path(home) / "site")
        paths.ensure()
        catalogues = compile_catalogue(Path(home))
        owner = open_embedded(paths)
        try:
            upgrade(owner.engine)
            seed_demo(owner.engine, scale="small", seed=2024, if_empty=True)
            create_demo_people(owner)
            admin = next(p for p in DEMO_PEOPLE if p.login == "demo.admin")
            session = sign_in(owner.connect_args, login=admin.login, password=admin.password,
                              code=demo_code(admin.login, at=time.time() + 30))  # enrolment used this step
            assert isinstance(session, SignedIn)
            engine = person_engine(owner.connect_args, admin.login, admin.password, session)
            for language in args.languages:
                translation = install_translation(language, catalogues)
                try:
                    screens(engine, session, paths, language, Path(home) / f"restored-{language}", args.out)
                finally:
                    translation.remove()
            engine.dispose()
        finally:
            owner.close(stop_server=True)
    return 0


def screens(engine, session: SignedIn, paths: AppPaths, language: str, restore_to: Path, out: Path) -> None:
    broadcast = ChangeBroadcast()
    ctx = ViewContext(runner=OperationRunner(broadcast), broadcast=broadcast,
                      new_uow=lambda: UnitOfWork.for_engine(engine), paths=paths, settings=Settings(language=language))
    window = QMainWindow()
    window.setWindowTitle("MedTrace")
    window.resize(1200, 760)

    audit = AuditPage(ctx, session.account)
    window.setCentralWidget(audit)
    window.show()
    sealed: list[object] = []
    audit.sealed.connect(sealed.append)
    audit.seal_now()
    settle(lambda: bool(sealed))
    verified: list[object] = []
    audit.verified.connect(verified.append)
    audit.verify()
    settle(lambda: bool(verified))
    shoot(window, out, "audit_seal", language)

    page = AdminPage(ctx, session.account)
    window.setCentralWidget(page)
    settle(lambda: len(page.people) >= 4)
    finished: list[bool] = []
    page.backups.finished.connect(finished.append)
    backup = restore_to.parent / f"site-{language}.mtbackup"
    page.backups.back_up_to(backup)
    settle(lambda: bool(finished), timeout=120)
    page.backups.restore_into(backup, restore_to)
    settle(lambda: page.backups.progress.isVisible() and page.backups.progress.value() >= 3, timeout=120)
    shoot(window, out, "admin_restore_running", language)
    settle(lambda: len(finished) == 2, timeout=120)
    shoot(window, out, "admin_backups", language)
    ctx.runner.wait_for_all()
    settle()
    window.close()


if __name__ == "__main__":
    raise SystemExit(main())
