"""Where MedTrace keeps its files, and the connection profiles and settings read from them.

No password, passphrase or key is ever written to these files (DESIGN §2, §3): a profile names the
server; the person proves who they are when they sign in.
"""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import platformdirs

from app.errors import ConfigurationError

APP_NAME = "medtrace"
EMBEDDED = "embedded"
SERVER = "server"
SSL_MODES = ("verify-full", "verify-ca", "require", "prefer", "disable")
# Keys that would put a secret into a file: refused outright, not silently ignored.
SECRET_KEYS = frozenset({"password", "passwd", "pass", "sslpassword", "secret", "key", "passphrase"})
LANGUAGES = ("auto", "zh_CN", "en")
DEFAULT_REPLICA_MAX_LAG_SECONDS = 30


@dataclass(frozen=True)
class AppPaths:
    """Folders for configuration, the embedded database and logs."""

    config_dir: Path
    data_dir: Path
    log_dir: Path

    @classmethod
    def resolve(cls, home: str | os.PathLike[str] | None = None) -> AppPaths:
        """`--home`, then `MEDTRACE_HOME`, then the platform's per-user folders."""
        home = home or os.environ.get("MEDTRACE_HOME")
        if home:
            root = Path(home).expanduser().resolve()
            return cls(root / "config", root / "data", root / "logs")
        dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
        return cls(Path(dirs.user_config_dir), Path(dirs.user_data_dir), Path(dirs.user_log_dir))

    @property
    def profiles_file(self) -> Path:
        return self.config_dir / "profiles.ini"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.ini"

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    def ensure(self) -> None:
        for folder in (self.config_dir, self.data_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)


@dataclass(frozen=True)
class Profile:
    """How to reach the database: the private embedded server, or a shared PostgreSQL server."""

    name: str = EMBEDDED
    kind: str = EMBEDDED
    host: str = ""
    port: int = 5432
    dbname: str = APP_NAME
    sslmode: str = "verify-full"
    sslrootcert: str = ""
    user: str = ""
    # A streaming replica (hot standby) of this server for the heavy reads: same database, same people
    # (the roles replicate), same TLS settings; its certificate must name replica_host.
    replica_host: str = ""
    replica_port: int = 0  # 0: the primary's port
    replica_max_lag_seconds: int = DEFAULT_REPLICA_MAX_LAG_SECONDS

    @property
    def is_embedded(self) -> bool:
        return self.kind == EMBEDDED

    @property
    def has_replica(self) -> bool:
        return bool(self.replica_host)

    @property
    def replica_where(self) -> str:
        return f"{self.replica_host}:{self.replica_port or self.port}" if self.has_replica else ""

    def replica_connect_args(self) -> dict[str, str]:
        """libpq keywords for the replica: the primary's, with the replica's address."""
        if not self.has_replica:
            raise ConfigurationError.of("config.no_replica", profile=self.name)
        return {**self.connect_args(), "host": self.replica_host, "port": str(self.replica_port or self.port)}

    def connect_args(self) -> dict[str, str]:
        """libpq keywords for a shared server (no password: libpq asks for it through the caller)."""
        if self.is_embedded:
            raise ConfigurationError.of("config.embedded_no_address")
        args = {"host": self.host, "port": str(self.port), "dbname": self.dbname, "sslmode": self.sslmode}
        if self.sslrootcert:
            args["sslrootcert"] = self.sslrootcert
        return args


def _profile_from_section(path: Path, name: str, section: configparser.SectionProxy) -> Profile:
    where = {"file": path, "profile": name}  # "{file}, profile “{profile}”" in the messages
    secret = SECRET_KEYS & set(section)
    if secret:
        raise ConfigurationError.of("config.secret_in_file", **where, key=sorted(secret)[0])
    kind = section.get("kind", SERVER if "host" in section else EMBEDDED).strip()
    if kind not in (EMBEDDED, SERVER):
        raise ConfigurationError.of("config.unknown_kind", **where, kind=kind)
    if kind == EMBEDDED:
        if any(key in section for key in REPLICA_KEYS):
            raise ConfigurationError.of("config.embedded_replica", **where)
        return Profile(name=name)
    host = section.get("host", "").strip()
    if not host:
        raise ConfigurationError.of("config.host_missing", **where)
    try:
        port = section.getint("port", 5432)
    except ValueError:
        raise ConfigurationError.of("config.port_not_number", **where, value=section.get("port")) from None
    if not 0 < port < 65536:
        raise ConfigurationError.of("config.port_out_of_range", **where, port=port)
    sslmode = section.get("sslmode", "verify-full").strip()
    if sslmode not in SSL_MODES:
        raise ConfigurationError.of("config.unknown_sslmode", **where, modes=", ".join(SSL_MODES))
    sslrootcert = section.get("sslrootcert", "").strip()
    if sslrootcert and not Path(sslrootcert).expanduser().is_file():
        raise ConfigurationError.of("config.ca_file_missing", **where, path=sslrootcert)
    replica_host, replica_port, max_lag = _replica_from_section(where, section, host, port)
    return Profile(
        name=name,
        kind=SERVER,
        host=host,
        port=port,
        dbname=section.get("dbname", APP_NAME).strip() or APP_NAME,
        sslmode=sslmode,
        sslrootcert=str(Path(sslrootcert).expanduser()) if sslrootcert else "",
        user=section.get("user", "").strip(),
        replica_host=replica_host,
        replica_port=replica_port,
        replica_max_lag_seconds=max_lag,
    )


REPLICA_KEYS = ("replica_host", "replica_port", "replica_max_lag_seconds")


def _replica_from_section(where: dict[str, object], section: configparser.SectionProxy, host: str,
                          port: int) -> tuple[str, int, int]:
    """replica_host, replica_port (0: the primary's) and replica_max_lag_seconds, checked."""
    replica_host = section.get("replica_host", "").strip()
    if not replica_host:
        stray = [key for key in REPLICA_KEYS[1:] if key in section]
        if stray:
            raise ConfigurationError.of("config.replica_host_missing", **where, key=stray[0])
        return "", 0, DEFAULT_REPLICA_MAX_LAG_SECONDS
    try:
        replica_port = section.getint("replica_port", 0)
    except ValueError:
        raise ConfigurationError.of("config.replica_port_not_number", **where,
                                    value=section.get("replica_port")) from None
    if replica_port and not 0 < replica_port < 65536:
        raise ConfigurationError.of("config.replica_port_out_of_range", **where, port=replica_port)
    if replica_host == host and (replica_port or port) == port:
        raise ConfigurationError.of("config.replica_is_primary", **where, host=host, port=port)
    try:
        max_lag = section.getint("replica_max_lag_seconds", DEFAULT_REPLICA_MAX_LAG_SECONDS)
    except ValueError:
        raise ConfigurationError.of("config.max_lag_not_number", **where,
                                    value=section.get("replica_max_lag_seconds")) from None
    if not 1 <= max_lag <= 86400:
        raise ConfigurationError.of("config.max_lag_out_of_range", **where, value=max_lag)
    return replica_host, replica_port, max_lag


def _read_ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with path.open(encoding="utf-8") as handle:
            parser.read_file(handle)
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise ConfigurationError.of("config.file_unreadable", path=path, error=exc.__class__.__name__) from None
    return parser


def load_profiles(paths: AppPaths) -> dict[str, Profile]:
    """All profiles in profiles.ini, always including the embedded one."""
    profiles = {EMBEDDED: Profile()}
    if not paths.profiles_file.exists():
        return profiles
    parser = _read_ini(paths.profiles_file)
    for section_name in parser.sections():
        prefix, _, name = section_name.partition(" ")
        if prefix != "profile" or not name.strip():
            raise ConfigurationError.of("config.section_name", path=paths.profiles_file, section=section_name)
        name = name.strip().strip('"')
        profiles[name] = _profile_from_section(paths.profiles_file, name, parser[section_name])
    return profiles


def select_profile(paths: AppPaths, name: str | None) -> Profile:
    """The named profile, or the one marked default, or the embedded one."""
    profiles = load_profiles(paths)
    if name is None:
        name = load_settings(paths).profile
    if name not in profiles:
        raise ConfigurationError.of("config.unknown_profile", name=name, known=", ".join(sorted(profiles)))
    return profiles[name]


def save_profile(paths: AppPaths, profile: Profile) -> None:
    """Add or replace one server profile (never with a secret in it)."""
    paths.ensure()
    parser = _read_ini(paths.profiles_file) if paths.profiles_file.exists() else configparser.ConfigParser()
    section = f"profile {profile.name}"
    parser[section] = {"kind": profile.kind}
    if not profile.is_embedded:
        parser[section].update(
            host=profile.host,
            port=str(profile.port),
            dbname=profile.dbname,
            sslmode=profile.sslmode,
            sslrootcert=profile.sslrootcert,
            user=profile.user,
        )
        if profile.has_replica:
            parser[section].update(
                replica_host=profile.replica_host,
                replica_port=str(profile.replica_port),
                replica_max_lag_seconds=str(profile.replica_max_lag_seconds),
            )
    _write_atomically(paths.profiles_file, parser)


@dataclass(frozen=True)
class Settings:
    """Per-workstation preferences."""

    language: str = "auto"
    idle_lock_minutes: int = 15
    profile: str = EMBEDDED
    extra: dict[str, str] = field(default_factory=dict, compare=False)


def load_settings(paths: AppPaths) -> Settings:
    if not paths.settings_file.exists():
        return Settings()
    parser = _read_ini(paths.settings_file)
    ui = parser["ui"] if parser.has_section("ui") else {}
    language = ui.get("language", "auto")
    if language not in LANGUAGES:
        raise ConfigurationError.of("config.settings_language", path=paths.settings_file,
                                    languages=", ".join(LANGUAGES), language=language)
    try:
        minutes = int(ui.get("idle_lock_minutes", "15"))
    except ValueError:
        raise ConfigurationError.of("config.idle_lock_not_number", path=paths.settings_file) from None
    if not 1 <= minutes <= 240:
        raise ConfigurationError.of("config.idle_lock_out_of_range", path=paths.settings_file)
    return Settings(language=language, idle_lock_minutes=minutes, profile=ui.get("profile", EMBEDDED))


def save_settings(paths: AppPaths, settings: Settings) -> None:
    paths.ensure()
    parser = configparser.ConfigParser()
    parser["ui"] = {
        "language": settings.language,
        "idle_lock_minutes": str(settings.idle_lock_minutes),
        "profile": settings.profile,
    }
    _write_atomically(paths.settings_file, parser)


def with_language(settings: Settings, language: str) -> Settings:
    if language not in LANGUAGES:
        raise ConfigurationError.of("config.unknown_language", language=language)
    return replace(settings, language=language)


def _write_atomically(path: Path, parser: configparser.ConfigParser) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        parser.write(handle)
    tmp.replace(path)
