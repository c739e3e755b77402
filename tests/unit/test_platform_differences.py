"""What differs between Linux, Windows and macOS installs, checked here on Linux (installers/README.md).

Data folders: AppPaths asks platformdirs for the platform's per-user folders; each platform's rules are
exercised by handing AppPaths that platform's platformdirs class. Secrets: keyring chooses the OS store
(Credential Manager, Keychain, Secret Service) through its entry points, which the bundle carries in
keyring's copied metadata; with no usable store MedTrace refuses rather than writing a file.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

import keyring
import platformdirs
import pytest
from keyring.backends import fail, null
from platformdirs.macos import MacOS
from platformdirs.unix import Unix
from platformdirs.windows import Windows

from app.config import AppPaths
from app.errors import ConfigurationError
from app.security.keys import load_or_create_seal_key

LOCAL_APPDATA = r"C:\Users\qa\AppData\Local"


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No MEDTRACE_HOME, no XDG overrides, and a home folder of the test's own."""
    for name in ("MEDTRACE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def paths_on(platform_dirs: type, monkeypatch: pytest.MonkeyPatch) -> AppPaths:
    monkeypatch.setattr(platformdirs, "PlatformDirs", platform_dirs)
    return AppPaths.resolve()


def _distinct(paths: AppPaths) -> bool:
    files = (paths.profiles_file, paths.settings_file, paths.pgdata, paths.data_dir / "workstation.lock",
             paths.log_dir / "medtrace.log")
    return len(set(files)) == len(files)


def test_on_windows_everything_stays_in_the_local_not_the_roaming_profile(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A database must not roam with the profile to another PC (and be synced half-written at sign-out).
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", LOCAL_APPDATA)
    monkeypatch.setenv("WIN_PD_OVERRIDE_APPDATA", r"C:\Users\qa\AppData\Roaming")
    paths = paths_on(Windows, monkeypatch)
    assert str(paths.data_dir) == LOCAL_APPDATA + "/medtrace"  # joined with "/" only because the test runs on Linux
    assert paths.config_dir == paths.data_dir
    assert paths.log_dir == paths.data_dir / "Logs"
    assert "Roaming" not in str(paths.config_dir)
    assert _distinct(paths)


def test_on_macos_the_data_go_to_application_support_and_the_log_to_library_logs(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    paths = paths_on(MacOS, monkeypatch)
    assert paths.data_dir == clean_environment / "Library" / "Application Support" / "medtrace"
    assert paths.config_dir == paths.data_dir
    assert paths.log_dir == clean_environment / "Library" / "Logs" / "medtrace"
    assert _distinct(paths)


def test_on_linux_the_xdg_folders_are_used(clean_environment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = paths_on(Unix, monkeypatch)
    assert paths.config_dir == clean_environment / ".config" / "medtrace"
    assert paths.data_dir == clean_environment / ".local" / "share" / "medtrace"
    assert paths.log_dir == clean_environment / ".local" / "state" / "medtrace" / "log"


@pytest.mark.parametrize("platform_dirs", [Windows, MacOS, Unix], ids=["windows", "macos", "linux"])
def test_medtrace_home_wins_on_every_platform(
    platform_dirs: type, clean_environment: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", LOCAL_APPDATA)
    monkeypatch.setenv("MEDTRACE_HOME", str(clean_environment / "portable"))
    paths = paths_on(platform_dirs, monkeypatch)
    assert paths.data_dir == clean_environment / "portable" / "data"
    assert paths.config_dir == clean_environment / "portable" / "config"


@pytest.fixture
def chosen_keyring() -> Iterator:
    previous = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(previous)


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()], ids=["no-backend", "null"])
def test_without_an_os_key_store_the_seal_key_is_refused_not_written_to_a_file(backend, chosen_keyring,
                                                                                tmp_path: Path) -> None:
    chosen_keyring(backend)
    with pytest.raises(ConfigurationError, match="no secure key store") as refused:
        load_or_create_seal_key("db-1")
    assert "Windows Credential Manager" in refused.value.hint and "macOS Keychain" in refused.value.hint
    assert list(tmp_path.iterdir()) == []


def test_keyring_finds_each_platforms_store_through_the_entry_points_the_bundle_copies() -> None:
    # installers/medtrace.spec copies keyring's metadata (its entry points) and collects keyring.backends:
    # the frozen keyring then picks Credential Manager, Keychain or the Secret Service as it does here.
    registered = {point.value for point in entry_points(group="keyring.backends")}
    assert {"keyring.backends.Windows", "keyring.backends.macOS", "keyring.backends.SecretService",
            "keyring.backends.kwallet"} <= registered
