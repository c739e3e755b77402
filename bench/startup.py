"""The workstation started as a person starts it: cold start to the sign-in window, then sign-in to the first page.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.startup --home .medtrace-bench [--repeat 3]

Budget: sign-in (password + TOTP; the hashing and the database's checks run off the GUI thread) without a GUI
stall over 100 ms. Each run is a new Python process (nothing imported or cached in it):

1. process start → the sign-in window painted: interpreter start, imports, style and translations, start-up
   (profile, the embedded server — already running, as on a workstation where it was left running or another
   process holds it — and the schema check), the login dialog;
2. after 4 s of "typing", "Sign in" clicked with a demo person's password and current code → the dialog
   closes (signed in) → the main window shows the Dashboard with its tiles read; a 10 ms heartbeat on the GUI
   thread measures the longest stall from the click to the first page.

Runs wait for the next 30-second TOTP step, as a code is accepted once.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TYPING_MS = 4000


def child(home: str, login: str) -> None:
    started_at = time.time()
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app.config import AppPaths
    from app.main import _Workstation, preload_workstation
    from app.services.demo_people import DEMO_PEOPLE, demo_code
    from app.views import i18n
    from app.views.login_dialog import LoginDialog
    from app.views.operations import ChangeBroadcast, OperationRunner
    from app.views.startup import Started, StartupWindow, run_start_up
    from app.views.style import apply_style
    from bench.trace_gui import Heartbeat

    imported_at = time.time()
    app = QApplication([])
    apply_style(app)
    translation = i18n.install_translation("en")
    paths = AppPaths.resolve(home)
    splash = StartupWindow()
    splash.show()
    started = run_start_up(paths, profile_name=None, on_step=splash.show_step)
    assert isinstance(started, Started), started
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    splash.close()
    preload_workstation(runner)  # as the workstation does while the person types
    dialog = LoginDialog(started.database.connect_args, runner, login=login)
    dialog.show()
    app.processEvents()
    login_shown_at = time.time()

    typing = QEventLoop()
    QTimer.singleShot(TYPING_MS, typing.quit)  # a person types a user name, a password and six digits
    typing.exec()
    person = next(p for p in DEMO_PEOPLE if p.login == login)
    dialog.form.password.setText(person.password)
    dialog.form.code.setText(demo_code(login, at=time.time()))
    beat = Heartbeat()
    loop = QEventLoop()
    dialog.finished.connect(loop.quit)
    if os.environ.get("MEDTRACE_BENCH_PROFILE") == "all":
        import cProfile

        everything = cProfile.Profile()
        everything.enable()
    if os.environ.get("MEDTRACE_BENCH_PROFILE") == "watchdog":
        _watch_the_gui_thread(beat)
    gaps: list[tuple[float, float]] = []
    original_tick = beat._tick

    def tick() -> None:
        gap = time.perf_counter() - beat.last
        if gap > 0.03:
            gaps.append((round(time.perf_counter() - clicked, 3), round(gap, 3)))
        original_tick()

    beat.timer.timeout.disconnect()
    beat.timer.timeout.connect(tick)
    beat.restart()
    clicked = time.perf_counter()
    dialog.sign_in_button.click()
    QTimer.singleShot(60_000, loop.quit)
    loop.exec()
    signed_in = time.perf_counter()
    assert dialog.result_session is not None, "sign-in failed"
    started.database.engine.dispose()
    building = time.perf_counter()
    if os.environ.get("MEDTRACE_BENCH_PROFILE") == "window":
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    workstation = _Workstation(app, paths, started, runner, broadcast, dialog.result_session,
                               dialog.result_password or "")
    built = time.perf_counter() - building
    if os.environ.get("MEDTRACE_BENCH_PROFILE") == "window":
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    while "dashboard" not in workstation.window._pages:  # built in the window's next turn of the event loop
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
    dashboard = workstation.window.page("dashboard")
    dashboard.refreshed.connect(loop.quit)
    QTimer.singleShot(120_000, loop.quit)
    loop.exec()
    first_page = time.perf_counter()
    beat.timer.stop()
    if os.environ.get("MEDTRACE_BENCH_PROFILE") == "all":
        import pstats

        everything.disable()
        pstats.Stats(everything, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    print(json.dumps({"imports_s": imported_at - started_at, "login_shown_at": login_shown_at,
                      "sign_in_s": signed_in - clicked, "first_page_s": first_page - clicked, "window_s": built,
                      "gaps": gaps,
                      "stall_s": beat.longest}), flush=True)
    workstation.close()
    runner.wait_for_all()
    started.database.close(stop_server=False)
    translation.remove()
    os._exit(0)  # the benchmark's child: no teardown to measure


def _watch_the_gui_thread(beat: object, late_s: float = 0.06) -> None:
    """Print the GUI thread's stack whenever the heartbeat is late (what the stall is)."""
    import threading
    import traceback

    main = threading.main_thread().ident

    def watch() -> None:
        reported = 0.0
        while True:
            time.sleep(0.02)
            last = beat.last  # type: ignore[attr-defined]
            if time.perf_counter() - last > late_s and last != reported:
                reported = last
                frame = sys._current_frames().get(main)
                print(f"--- GUI thread late by {time.perf_counter() - last:.3f} s:", file=sys.stderr)
                print("".join(traceback.format_stack(frame)[-12:]), file=sys.stderr)

    threading.Thread(target=watch, daemon=True).start()


def _wait_for_next_code_step() -> None:
    time.sleep(30.5 - time.time() % 30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--login", default="demo.reviewer")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.home, args.login)
        return
    runs = []
    for _ in range(args.repeat):
        _wait_for_next_code_step()
        began = time.time()
        out = subprocess.run([sys.executable, "-m", "bench.startup", "--child", "--home", args.home,
                              "--login", args.login], capture_output=True, text=True, timeout=300)
        line = next((x for x in out.stdout.splitlines() if x.startswith("{")), None)
        if line is None:
            print(out.stdout[-2000:], out.stderr[-2000:])
            raise SystemExit("the workstation did not reach its first page")
        run = json.loads(line)
        run["to_login_s"] = run.pop("login_shown_at") - began
        runs.append(run)

    def summary(key: str) -> str:
        values = [r[key] for r in runs]
        return f"median {statistics.median(values) * 1000:.0f} ms (worst {max(values) * 1000:.0f} ms)"

    print(f"{len(runs)} runs, a new process each, as {args.login}:")
    print(f"  process start → sign-in window shown: {summary('to_login_s')} (imports {summary('imports_s')})")
    print(f"  Sign in clicked → signed in (password by PostgreSQL, TOTP by the database): {summary('sign_in_s')}")
    print(f"  Sign in clicked → Dashboard read and shown: {summary('first_page_s')}")
    print(f"  the main window built on the GUI thread: {summary('window_s')}")
    print(f"  GUI stall from the click to the first page: {summary('stall_s')} (budget 100 ms)")


if __name__ == "__main__":
    main()
