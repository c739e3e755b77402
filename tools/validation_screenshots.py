"""Screenshots of "Validate this installation…" on the Admin page (running, then its verdict), en and zh_CN.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/validation_screenshots.py [--out docs/screenshots]

Runs against a real embedded PostgreSQL in a temporary folder with the demonstration data, signed in as
demo.admin, and writes the report and matrix into that folder. Writes
docs/screenshots/validation_admin_<running|done|failed>_<language>.png (failed: one grant revoked, then restored).
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

from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402 — after the path and platform are set

from app.config import AppPaths, Settings  # noqa: E402
from app.db.engine import open_embedded  # noqa: E402
from app.db.migrations import upgrade  # noqa: E402
from app.db.uow import UnitOfWork  # noqa: E402
from app.services.demo_data import seed_demo  # noqa: E402
from app.services.demo_people import DEMO_PEOPLE, create_demo_people, demo_code  # noqa: E402
from app.services.identity import SignedIn, person_engine, sign_in  # noqa: E402
from app.views.admin_page import AdminPage  # noqa: E402
from app.views.context import ViewContext  # noqa: E402
from app.views.i18n import install_translation  # noqa: E402
from app.views.operations import ChangeBroadcast, OperationRunner  # noqa: E402
from app.views.style import apply_style  # noqa: E402
from tools.identity_screenshots import compile_catalogue, settle  # noqa: E402


def shoot(window: QMainWindow, out: Path, name: str, language: str) -> None:
    settle()
    path = out / f"validation_{name}_{language}.png"
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
    with tempfile.TemporaryDirectory(prefix="medtrace-validation-shots-") as home:
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
                    screens(engine, session, paths, language, Path(home) / f"reports-{language}", args.out, owner)
                finally:
                    translation.remove()
            engine.dispose()
        finally:
            owner.close(stop_server=True)
    return 0


def screens(engine, session: SignedIn, paths: AppPaths, language: str, reports: Path, out: Path, owner) -> None:
    broadcast = ChangeBroadcast()
    ctx = ViewContext(runner=OperationRunner(broadcast), broadcast=broadcast,
                      new_uow=lambda: UnitOfWork.for_engine(engine), paths=paths, settings=Settings(language=language))
    window = QMainWindow()
    window.setWindowTitle("MedTrace")
    window.resize(1200, 760)
    page = AdminPage(ctx, session.account)
    window.setCentralWidget(page)
    window.show()
    settle(lambda: len(page.people) >= 4)
    reports.mkdir(parents=True, exist_ok=True)
    finished: list[bool] = []
    page.validation.finished.connect(finished.append)
    page.validation.validate_into(reports)
    settle(lambda: page.validation.progress.isVisible() and page.validation.progress.value() >= 6, timeout=120)
    shoot(window, out, "admin_running", language)
    settle(lambda: bool(finished), timeout=180)
    shoot(window, out, "admin_done", language)
    # A broken control, as an inspector would want to see it reported: one grant of the matrix revoked.
    owner.server.psql("REVOKE INSERT ON movement FROM warehouse")
    try:
        page.validation.validate_into(reports)
        settle(lambda: len(finished) == 2, timeout=180)
    finally:
        owner.server.psql("GRANT INSERT ON movement TO warehouse")
    shoot(window, out, "admin_failed", language)
    ctx.runner.wait_for_all()
    settle()
    window.close()


if __name__ == "__main__":
    raise SystemExit(main())
