"""Screenshots of the real GUI, in English and Chinese, for docs/screenshots/ (and for looking at it).

    .venv/bin/python tools/screenshots.py --home /tmp/medtrace-shots [--out docs/screenshots]

Runs `medtrace demo seed` on that home first (it refuses when the database holds data), then starts the GUI
through app.main.run_gui (offscreen unless QT_QPA_PLATFORM says otherwise), once per language, and
saves the Dashboard, a page still to come, the Settings dialog and the start-up error a second copy
gets. Each language runs in its own process so translators and locale never leak between them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LANGUAGES = ("en", "zh_CN")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, help="MedTrace home to start the GUI on (created if needed)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--language", choices=LANGUAGES, help="(internal) capture one language in this process")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.language:
        return _capture(args.home, args.language, out)
    _compile_translations()
    _seed_if_empty(args.home)
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    for language in LANGUAGES:
        subprocess.run(  # noqa: S603 — this same script, arguments we built
            [sys.executable, __file__, "--home", args.home, "--out", str(out), "--language", language],
            check=True, env=env,
        )
    return 0


def _compile_translations() -> None:
    """What `make translations` does, so the Chinese shots use the current catalogue."""
    for ts in sorted((ROOT / "resources" / "translations").glob("*.ts")):
        subprocess.run(  # noqa: S603 — PySide6's own tool
            [str(BIN / "pyside6-lrelease"), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True
        )


def _seed_if_empty(home: str) -> None:
    medtrace = str(BIN / "medtrace")
    # --home after the subcommand: the subcommand's own --home default would override one given before it.
    subprocess.run([medtrace, "db", "upgrade", "--home", home], check=True)  # noqa: S603 — our own command
    status = subprocess.run(  # noqa: S603 — our own command; refuses (harmlessly) when already seeded
        [medtrace, "demo", "seed", "--home", home], capture_output=True, text=True, check=False
    )
    print(status.stdout.strip() or status.stderr.strip())


def _capture(home: str, language: str, out: Path) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from app.config import AppPaths
    from app.main import run_gui
    from app.views.dashboard_page import DashboardPage
    from app.views.main_window import MainWindow
    from app.views.startup import StartupErrorDialog, start_up

    app = QApplication(sys.argv[:1])
    saved: list[str] = []

    def save(widget: QWidget, name: str) -> None:
        path = out / f"{name}_{language}.png"
        widget.grab().save(str(path))
        saved.append(str(path))

    def main_window() -> MainWindow | None:
        return next((w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None)

    def when_dashboard_loaded() -> None:
        window = main_window()
        dashboard = window.page("dashboard") if window else None
        if not isinstance(dashboard, DashboardPage) or dashboard.snapshot is None:
            QTimer.singleShot(50, when_dashboard_loaded)
            return
        app.processEvents()
        save(window, "dashboard")
        window.navigate("release")
        app.processEvents()
        save(window, "release_queue")
        window.navigate("dashboard")
        QTimer.singleShot(200, lambda: capture_settings(window))
        window.open_settings()  # modal: captured and cancelled by the timer above

    def capture_settings(window: MainWindow) -> None:
        dialog = app.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, lambda: capture_settings(window))
            return
        save(dialog, "settings")
        dialog.reject()
        # The genuine message a second copy gets while this one holds the data folder.
        outcome = start_up(AppPaths.resolve(home))
        error_dialog = StartupErrorDialog(outcome)  # type: ignore[arg-type] — start_up is refused here
        error_dialog.show()
        app.processEvents()
        save(error_dialog, "startup_error")
        error_dialog.close()
        window.close()

    QTimer.singleShot(0, when_dashboard_loaded)
    code = run_gui(home=home, language=language)
    print("\n".join(saved))
    return code


if __name__ == "__main__":
    sys.exit(main())
