"""Screenshots of the Expiry page (month, week, agenda, day, alerts, acknowledge), in English and Chinese.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/expiry_screenshots.py --home /var/tmp/medtrace-expiry-shots

Seeds the demo data on that home when it is empty, runs the daily expiry job, then shows the page on the
embedded database's owner connection (the shots need no sign-in). Each language runs in its own process.
Writes docs/screenshots/expiry_<screen>_<language>.png.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--language", choices=("en", "zh_CN"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.language:
        return _capture(args.home, args.language, out)
    medtrace = str(BIN / "medtrace")
    subprocess.run([medtrace, "db", "upgrade", "--home", args.home], check=True)  # noqa: S603
    subprocess.run([medtrace, "demo", "seed", "--home", args.home], check=False, capture_output=True)  # noqa: S603
    subprocess.run([medtrace, "expiry", "run", "--home", args.home], check=True)  # noqa: S603
    for language in ("en", "zh_CN"):
        subprocess.run([sys.executable, __file__, "--home", args.home, "--out", str(out),  # noqa: S603
                        "--language", language], check=True)
    return 0


def _capture(home: str, language: str, out: Path) -> int:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication, QWidget

    from app.config import AppPaths, Settings
    from app.db.engine import open_embedded
    from app.db.uow import UnitOfWork
    from app.services.identity import Account
    from app.views.context import ViewContext
    from app.views.expiry_alerts import AcknowledgeDialog
    from app.views.expiry_calendar import ExpiryCalendarPage
    from app.views.i18n import install_translation
    from app.views.operations import ChangeBroadcast, OperationRunner
    from app.views.style import apply_style

    app = QApplication(sys.argv[:1])
    apply_style(app)
    translation = install_translation(language)  # kept: a collected translator stops translating
    paths = AppPaths.resolve(home)
    database = open_embedded(paths)
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    ctx = ViewContext(runner=runner, broadcast=broadcast, new_uow=lambda: UnitOfWork.for_engine(database.engine),
                      paths=paths, settings=Settings(language=language))
    account = Account("qa.manager", "QA manager", "active", True, False, ("qa_approver",))

    def settle(seconds: float = 1.5) -> None:
        runner.wait_for_all(30_000)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            time.sleep(0.02)

    def shoot(widget: QWidget, name: str) -> None:
        settle()
        path = out / f"expiry_{name}_{language}.png"
        widget.grab().save(str(path), "PNG")
        print(f"wrote {path}")

    page = ExpiryCalendarPage(ctx, account)
    page.resize(1500, 860)
    page.show()
    settle(3)
    busiest = max(page.model._days.values(), key=lambda d: d.lots, default=None)
    if busiest is not None:
        page.move_to(busiest.day)
        page.open_day(busiest.day)
    shoot(page, "month")
    page.side.setCurrentWidget(page.alerts)
    shoot(page, "alerts")
    page.set_view("week")
    shoot(page, "week")
    page.set_view("agenda")
    shoot(page, "agenda")
    lots = [lot for lot in page.alerts.model.rows() if lot.alert is not None]
    if lots:
        dialog = AcknowledgeDialog(ctx, lots[0], page)
        dialog.show()
        shoot(dialog, "acknowledge")
        dialog.close()
    page.close()
    database.close(stop_server=True)
    del translation
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
