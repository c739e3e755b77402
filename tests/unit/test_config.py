"""Settings and connection profiles: unusable files are refused with a message that names the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import (
    AppPaths,
    Profile,
    Settings,
    load_profiles,
    load_settings,
    save_profile,
    save_settings,
    select_profile,
    with_language,
)
from app.errors import ConfigurationError


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    paths = AppPaths.resolve(tmp_path)
    paths.ensure()
    return paths


def _profiles(paths: AppPaths, text: str) -> None:
    paths.profiles_file.write_text(text, encoding="utf-8")


def test_medtrace_home_relocates_every_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDTRACE_HOME", str(tmp_path / "portable"))
    paths = AppPaths.resolve()
    assert paths.config_dir == tmp_path / "portable" / "config"
    assert paths.pgdata == tmp_path / "portable" / "data" / "pgdata"


def test_the_home_option_wins_over_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDTRACE_HOME", str(tmp_path / "from-env"))
    assert AppPaths.resolve(tmp_path / "from-option").data_dir == tmp_path / "from-option" / "data"


def test_without_a_profiles_file_only_the_embedded_profile_exists(paths: AppPaths) -> None:
    assert load_profiles(paths) == {"embedded": Profile()}
    assert select_profile(paths, None).is_embedded


def test_a_garbage_profiles_file_is_refused_with_its_path(paths: AppPaths) -> None:
    paths.profiles_file.write_bytes(b"\x00\xff\xfe not ini [[[")
    with pytest.raises(ConfigurationError) as caught:
        load_profiles(paths)
    assert str(paths.profiles_file) in caught.value.message
    assert "Fix or delete the file" in caught.value.hint


def test_a_file_without_sections_is_refused(paths: AppPaths) -> None:
    _profiles(paths, "host = db.example\n")
    with pytest.raises(ConfigurationError, match="cannot be read"):
        load_profiles(paths)


def test_a_section_not_named_profile_is_refused(paths: AppPaths) -> None:
    _profiles(paths, "[plant]\nhost = db.example\n")
    with pytest.raises(ConfigurationError, match=r"should be named \[profile NAME\]"):
        load_profiles(paths)


@pytest.mark.parametrize("key", ["password", "passphrase", "sslpassword", "key"])
def test_a_profile_holding_a_secret_is_refused_not_ignored(paths: AppPaths, key: str) -> None:
    _profiles(paths, f"[profile plant]\nhost = db.example\n{key} = hunter2\n")
    with pytest.raises(ConfigurationError) as caught:
        load_profiles(paths)
    assert "never stores passwords" in caught.value.message
    assert "hunter2" not in str(caught.value)


def test_a_bad_sslmode_is_refused_with_the_allowed_modes(paths: AppPaths) -> None:
    _profiles(paths, "[profile plant]\nhost = db.example\nsslmode = allow\n")
    with pytest.raises(ConfigurationError, match="sslmode must be one of verify-full, verify-ca"):
        load_profiles(paths)


def test_a_server_profile_verifies_the_certificate_unless_told_otherwise(paths: AppPaths) -> None:
    _profiles(paths, "[profile plant]\nhost = db.example\n")
    profile = load_profiles(paths)["plant"]
    assert profile.kind == "server"
    assert profile.connect_args() == {
        "host": "db.example", "port": "5432", "dbname": "medtrace", "sslmode": "verify-full",
    }


@pytest.mark.parametrize(("port", "problem"), [("fivefour", "must be a number"), ("70000", "outside 1–65535")])
def test_an_unusable_port_is_refused(paths: AppPaths, port: str, problem: str) -> None:
    _profiles(paths, f"[profile plant]\nhost = db.example\nport = {port}\n")
    with pytest.raises(ConfigurationError, match=problem):
        load_profiles(paths)


def test_a_server_profile_without_a_host_is_refused(paths: AppPaths) -> None:
    _profiles(paths, "[profile plant]\nkind = server\n")
    with pytest.raises(ConfigurationError, match="needs host"):
        load_profiles(paths)


def test_an_unknown_kind_is_refused(paths: AppPaths) -> None:
    _profiles(paths, "[profile plant]\nkind = cloud\n")
    with pytest.raises(ConfigurationError, match="kind must be"):
        load_profiles(paths)


def test_a_missing_ca_certificate_file_is_refused(paths: AppPaths, tmp_path: Path) -> None:
    _profiles(paths, f"[profile plant]\nhost = db.example\nsslrootcert = {tmp_path / 'nowhere.pem'}\n")
    with pytest.raises(ConfigurationError, match="does not exist"):
        load_profiles(paths)


def test_an_unknown_profile_name_lists_the_known_ones(paths: AppPaths) -> None:
    _profiles(paths, "[profile plant]\nhost = db.example\n")
    with pytest.raises(ConfigurationError) as caught:
        select_profile(paths, "lab")
    assert caught.value.hint == "Known profiles: embedded, plant."


def test_a_saved_server_profile_reads_back_the_same(paths: AppPaths, tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    profile = Profile(name="plant", kind="server", host="db.example", port=5433, sslrootcert=str(ca))
    save_profile(paths, profile)
    assert load_profiles(paths)["plant"] == profile
    assert "password" not in paths.profiles_file.read_text(encoding="utf-8")


def test_a_profile_names_a_replica_that_reads_with_the_primarys_settings(paths: AppPaths) -> None:
    _profiles(paths, "[profile plant]\nhost = db.example\nport = 5433\nreplica_host = replica.example\n")
    profile = load_profiles(paths)["plant"]
    assert profile.has_replica and profile.replica_where == "replica.example:5433"
    assert profile.replica_max_lag_seconds == 30
    assert profile.replica_connect_args() == {
        "host": "replica.example", "port": "5433", "dbname": "medtrace", "sslmode": "verify-full",
    }


def test_without_replica_lines_a_profile_has_no_replica(paths: AppPaths) -> None:
    _profiles(paths, "[profile plant]\nhost = db.example\n")
    profile = load_profiles(paths)["plant"]
    assert not profile.has_replica
    with pytest.raises(ConfigurationError, match="names no replica"):
        profile.replica_connect_args()


@pytest.mark.parametrize(("lines", "problem"), [
    ("replica_host = r.example\nreplica_port = five", "replica_port must be a number"),
    ("replica_host = r.example\nreplica_port = 70000", "replica_port 70000 is outside 1–65535"),
    ("replica_host = r.example\nreplica_max_lag_seconds = soon", "must be a whole number of seconds"),
    ("replica_host = r.example\nreplica_max_lag_seconds = 0", "between 1 and 86400"),
    ("replica_port = 5434", "replica_port is set but replica_host is not"),
    ("replica_host = db.example", "the replica is the primary itself"),
])
def test_an_unusable_replica_is_refused_with_the_reason(paths: AppPaths, lines: str, problem: str) -> None:
    _profiles(paths, f"[profile plant]\nhost = db.example\n{lines}\n")
    with pytest.raises(ConfigurationError, match=problem):
        load_profiles(paths)


def test_the_embedded_database_cannot_name_a_replica(paths: AppPaths) -> None:
    _profiles(paths, "[profile local]\nkind = embedded\nreplica_host = r.example\n")
    with pytest.raises(ConfigurationError, match="embedded database has no replica"):
        load_profiles(paths)


def test_a_saved_profile_keeps_its_replica(paths: AppPaths) -> None:
    profile = Profile(name="plant", kind="server", host="db.example", replica_host="replica.example",
                      replica_port=5434, replica_max_lag_seconds=10)
    save_profile(paths, profile)
    assert load_profiles(paths)["plant"] == profile


def test_settings_default_when_the_file_is_absent(paths: AppPaths) -> None:
    assert load_settings(paths) == Settings(language="auto", idle_lock_minutes=15, profile="embedded")


def test_saved_settings_read_back_the_same(paths: AppPaths) -> None:
    settings = Settings(language="zh_CN", idle_lock_minutes=5, profile="embedded")
    save_settings(paths, settings)
    assert load_settings(paths) == settings


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("language = klingon", "language must be one of auto, zh_CN, en"),
        ("idle_lock_minutes = soon", "must be a number"),
        ("idle_lock_minutes = 0", "between 1 and 240"),
        ("idle_lock_minutes = 1000", "between 1 and 240"),
    ],
)
def test_unusable_settings_are_refused_with_the_reason(paths: AppPaths, line: str, problem: str) -> None:
    paths.settings_file.write_text(f"[ui]\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=problem):
        load_settings(paths)


def test_an_unknown_language_cannot_be_chosen() -> None:
    with pytest.raises(ConfigurationError, match="Unknown language"):
        with_language(Settings(), "fr")
