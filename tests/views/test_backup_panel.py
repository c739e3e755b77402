"""The Backups panel of the Admin page as a real administrator: back up, then restore and verify."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.services.backup import BACKUP_EVENT
from app.views.context import ViewContext
from tests.views.test_admin_page import SignedInAdmin, admin, ctx, open_page  # noqa: F401 — fixtures

pytestmark = pytest.mark.usefixtures("committed")


def test_back_up_then_restore_and_verify_from_the_admin_page(
    qtbot: QtBot, ctx: ViewContext, admin: SignedInAdmin, owner_conn, tmp_path: Path,  # noqa: F811
) -> None:
    page = open_page(qtbot, ctx, admin.session.account)
    panel = page.backups
    assert panel.backup_button.isEnabled() and panel.restore_button.isEnabled()
    out = tmp_path / "admin-page.mtbackup"  # a name no other test backs up to: its audit entries are counted
    progress: list[str] = []
    panel.progress.valueChanged.connect(lambda _value: progress.append(panel.progress.format()))
    with qtbot.waitSignal(panel.finished, timeout=60_000) as backed_up:
        panel.back_up_to(out)
        assert not panel.backup_button.isEnabled() and panel.progress.isVisible()  # busy while it runs
    assert backed_up.args == [True] and out.is_file()
    assert str(out) in panel.outcome.text()
    assert owner_conn.execute("SELECT count(*) FROM audit_entry WHERE table_name = %s AND record_id = %s",
                              (BACKUP_EVENT, out.name)).fetchone()[0] == 1

    target = tmp_path / "restored"
    with qtbot.waitSignal(panel.finished, timeout=120_000) as restored:
        panel.restore_into(out, target)
    # This workstation trusts no seal key: the record says so, and so does the panel.
    assert restored.args == [False]
    assert "DID NOT PASS VERIFICATION (audit_seal)" in panel.outcome.text()
    record = next(target.glob("backup-verification-*.pdf"))
    text = subprocess.run(["pdftotext", str(record), "-"], capture_output=True, text=True, check=True).stdout
    assert "Backup verification record" in text
    assert panel.backup_button.isEnabled() and not panel.progress.isVisible()
    assert any("Restoring the database" in step for step in progress)


def test_restoring_into_a_folder_that_holds_a_database_is_refused_on_the_page(
    qtbot: QtBot, ctx: ViewContext, admin: SignedInAdmin, tmp_path: Path,  # noqa: F811
) -> None:
    page = open_page(qtbot, ctx, admin.session.account)
    out = tmp_path / "site.mtbackup"
    with qtbot.waitSignal(page.backups.finished, timeout=60_000):
        page.backups.back_up_to(out)
    with qtbot.waitSignal(page.backups.finished, timeout=60_000) as refused:
        page.backups.restore_into(out, ctx.paths.config_dir.parent)  # the database in use
    assert refused.args == [False]
    assert "nothing was overwritten" in page.backups.outcome.text()
