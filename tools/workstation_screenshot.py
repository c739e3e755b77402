"""Screenshot of the real workstation after sign-in (start-up, person's pool, main window), per page.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/workstation_screenshot.py --home /tmp/mt-demo \
        --login demo.reviewer --out docs/screenshots [--language zh_CN]

Signs in through the same services as the login dialog (with the demo person's published code).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from app.config import AppPaths
from app.main import _Workstation
from app.services.demo_people import DEMO_PEOPLE, demo_code
from app.services.identity import sign_in
from app.views import i18n
from app.views.operations import ChangeBroadcast, OperationRunner
from app.views.startup import Started, start_up
from app.views.style import apply_style


def _settle(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--login", default="demo.reviewer")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--language", default="zh_CN")
    parser.add_argument("--pages", nargs="*", default=["dashboard", "lots", "release", "trace"])
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    apply_style(app)
    translation = i18n.install_translation(args.language)
    paths = AppPaths.resolve(args.home)
    started = start_up(paths)
    assert isinstance(started, Started), started
    person = next(p for p in DEMO_PEOPLE if p.login == args.login)
    session = sign_in(started.database.connect_args, login=person.login, password=person.password,
                      code=demo_code(person.login, at=time.time() + 30))
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    started.database.engine.dispose()
    workstation = _Workstation(app, paths, started, runner, broadcast, session, person.password)
    window = workstation.window
    window.resize(1400, 860)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for key in args.pages:
        window.navigate(key)
        _settle(1500)
        window.grab().save(str(out / f"workstation_{key}_{args.language}.png"))
        print(out / f"workstation_{key}_{args.language}.png")
    workstation.close()
    runner.wait_for_all()
    started.close()
    translation.remove()


if __name__ == "__main__":
    main()
