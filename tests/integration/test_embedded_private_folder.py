"""The embedded server starts as root when MedTrace is installed in a private folder (``mktemp -d``, mode 0700).

As root, the server runs as an unprivileged system user who cannot traverse such a folder; the
workstation then runs a root-owned copy of the binaries instead of opening the folder.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.db.embedded import PACKAGE_BINARIES, EmbeddedServer, reachable_binaries
from app.errors import DatabaseUnavailable

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="only root runs the server as another system user")


def _install_in(folder: Path) -> Path:
    """The PostgreSQL binaries installed in `folder` as a venv holds them (the wheel's layout kept)."""
    package = PACKAGE_BINARIES.parent.parent
    site = folder / "venv" / "site-packages"
    shutil.copytree(PACKAGE_BINARIES.parent, site / package.name / PACKAGE_BINARIES.parent.name, symlinks=True,
                    ignore=shutil.ignore_patterns("include"))
    shutil.copytree(package.parent / f"{package.name}.libs", site / f"{package.name}.libs", symlinks=True)
    return site / package.name / PACKAGE_BINARIES.parent.name / PACKAGE_BINARIES.name


@pytest.fixture
def private_install() -> Iterator[Path]:
    """The binaries in a folder made by mktemp -d (0700, root's): the server user cannot traverse it."""
    private = Path(tempfile.mkdtemp())
    assert stat.S_IMODE(private.stat().st_mode) == 0o700
    yield _install_in(private)
    shutil.rmtree(private, ignore_errors=True)
    reachable_binaries.cache_clear()


@pytest.fixture
def copies() -> Iterator[Path]:
    """A root-owned folder for the reachable copy, as /var/cache/medtrace is (removed afterwards)."""
    folder = Path(tempfile.mkdtemp())
    folder.chmod(0o755)
    yield folder / "medtrace"
    shutil.rmtree(folder, ignore_errors=True)


def test_a_server_installed_in_a_private_folder_starts_as_root(private_install: Path, copies: Path,
                                                                tmp_path: Path) -> None:
    private = private_install.parents[4]
    server = EmbeddedServer(tmp_path / "pgdata", binaries=private_install, copies=copies)
    try:
        assert server.start()
        assert server.psql("SELECT current_user").strip() == "postgres"
    finally:
        server.stop()
    assert server.bin_dir.is_relative_to(copies), "the server ran from the reachable copy"
    assert stat.S_IMODE(private.stat().st_mode) == 0o700, "the private folder stays private"


def test_the_copy_of_the_binaries_can_be_changed_by_root_only(private_install: Path, copies: Path) -> None:
    copy = reachable_binaries(private_install, "pgserver", copies)
    for path in [copy, *copy.parents[:3], *copy.iterdir()]:
        info = path.lstat()
        assert info.st_uid == 0, path
        assert not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH), path


def test_a_copy_the_server_user_cannot_reach_either_is_refused_with_what_to_do(private_install: Path,
                                                                               tmp_path: Path) -> None:
    closed = Path(tempfile.mkdtemp())  # 0700: the copy made inside is out of reach too
    try:
        with pytest.raises(DatabaseUnavailable) as refused:
            reachable_binaries(private_install, "pgserver", closed / "medtrace")
    finally:
        shutil.rmtree(closed, ignore_errors=True)
    assert "cannot reach its programs" in refused.value.message
    assert "chmod o+x" in (refused.value.hint or "") and "ordinary user" in (refused.value.hint or "")


def test_binaries_the_server_user_can_reach_are_run_where_they_are(copies: Path) -> None:
    shared = Path(tempfile.mkdtemp())
    shared.chmod(0o755)
    try:
        binaries = _install_in(shared)
        assert reachable_binaries(binaries, "pgserver", copies) == binaries
        assert not copies.exists(), "no copy is made"
    finally:
        shutil.rmtree(shared, ignore_errors=True)
        reachable_binaries.cache_clear()
