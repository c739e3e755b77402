"""After PyInstaller: the IQ manifest, the Linux menu entry and icons, and the tarball (`make dist`).

    python installers/finish_bundle.py dist/medtrace --tarball dist/medtrace-0.1.0-linux-x86_64.tar.gz

The manifest (`_internal/app/installed-files.sha256`) is what `medtrace validate` compares the installed
program files with (IQ-02, app/services/validation.py): written here, from the files as bundled.
"""

from __future__ import annotations

import argparse
import compileall
import py_compile
import shutil
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.services.validation import MANIFEST_NAME, installed_files  # noqa: E402 — after the path above


def write_manifest(bundle: Path) -> int:
    app_root = bundle / "_internal" / "app"
    found = installed_files(app_root)
    (app_root / MANIFEST_NAME).write_text("".join(f"{sha}  {rel}\n" for rel, sha in found.manifest), encoding="utf-8")
    return found.files


def precompile(bundle: Path) -> None:
    """Byte-code for app/ beside its sources, checked against the source's hash at every import.

    An installation under /opt is not writable by the people who run it, so without this every start
    would compile all of app/ again. CHECKED_HASH (not the timestamp) keeps IQ honest: a changed source
    is recompiled, never shadowed by old byte-code, and IQ-02 names it.
    """
    compileall.compile_dir(bundle / "_internal" / "app", quiet=1,
                           invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)


def add_desktop_files(bundle: Path) -> None:
    share, icons = bundle / "share", ROOT / "resources" / "icons"
    for source, target in (
        (ROOT / "installers" / "linux" / "medtrace.desktop", share / "applications" / "medtrace.desktop"),
        (icons / "medtrace.png", share / "icons" / "hicolor" / "256x256" / "apps" / "medtrace.png"),
        (icons / "medtrace.svg", share / "icons" / "hicolor" / "scalable" / "apps" / "medtrace.svg"),
        (ROOT / "installers" / "linux" / "install.sh", bundle / "install.sh"),
    ):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def write_tarball(bundle: Path, tarball: Path) -> None:
    tarball.parent.mkdir(parents=True, exist_ok=True)
    partial = tarball.with_name(tarball.name + ".partial")
    with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
        archive.add(bundle, arcname=bundle.name)  # symlinks stay symlinks, modes are kept
    partial.replace(tarball)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--tarball", type=Path, required=True)
    args = parser.parse_args()
    files = write_manifest(args.bundle)
    precompile(args.bundle)
    add_desktop_files(args.bundle)
    write_tarball(args.bundle, args.tarball)
    size = sum(p.stat().st_size for p in args.bundle.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"{args.bundle}: {size / 1e6:.0f} MB, {files} program files in the IQ manifest; "
          f"{args.tarball}: {args.tarball.stat().st_size / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
