"""“Seal now” on the Audit page and the sealing workstation's schedule, as a real administrator."""

from __future__ import annotations

import psycopg
import pytest
from pytestqt.qtbot import QtBot

from app.services.audit_trail import record_event
from app.views.audit_page import AuditPage
from app.views.context import ViewContext
from app.views.seal_schedule import SealSchedule
from tests.integration.test_sealing import age_last_seal, session_trusted_keys  # noqa: F401 — fixture
from tests.memory_keyring import MemoryKeyring, memory_keyring  # noqa: F401 — fixture
from tests.views.test_admin_page import SignedInAdmin, admin, ctx  # noqa: F401 — fixtures

pytestmark = pytest.mark.usefixtures("committed")


def test_seal_now_signs_the_head_with_this_workstations_key(
    qtbot: QtBot, ctx: ViewContext, admin: SignedInAdmin, owner_conn: psycopg.Connection,  # noqa: F811
    memory_keyring: MemoryKeyring,  # noqa: F811
) -> None:
    record_event(owner_conn, "test", "seal-now", {})
    page = AuditPage(ctx, admin.session.account)
    qtbot.addWidget(page)
    page.show()
    assert page.seal_button.isVisible()
    with qtbot.waitSignal(page.sealed, timeout=15_000) as sealed:
        page.seal_button.click()
    seal = sealed.args[0]
    head = owner_conn.execute("SELECT position FROM audit_head WHERE id = 1").fetchone()[0]
    assert seal.position >= 1 and head >= seal.position
    assert f"sealed at position {seal.position:,}" in page.banner.text()
    sealed_by, occasion = owner_conn.execute("SELECT sealed_by, occasion FROM audit_seal WHERE id = %s",
                                             (seal.seal_id,)).fetchone()
    assert (sealed_by, occasion) == (admin.person.login, "manual")  # attributed to the person, by the server
    assert len(memory_keyring.secrets) == 1


def test_people_who_may_not_seal_have_no_seal_button(qtbot: QtBot, ctx: ViewContext) -> None:  # noqa: F811
    from app.services.identity import Account

    reviewer = Account("r", "R", "active", True, False, ("qa_reviewer",))
    page = AuditPage(ctx, reviewer)
    qtbot.addWidget(page)
    page.show()
    assert not page.seal_button.isVisible()


def test_the_schedule_seals_a_day_old_trail_on_the_sealing_workstation_only(
    qtbot: QtBot, ctx: ViewContext, admin: SignedInAdmin, owner_conn: psycopg.Connection,  # noqa: F811
    memory_keyring: MemoryKeyring,  # noqa: F811
) -> None:
    schedule = SealSchedule(ctx, admin.session.account)
    record_event(owner_conn, "test", "schedule", {})
    schedule.check()
    qtbot.waitUntil(lambda: not schedule.active, timeout=15_000)  # no key here: not the sealing workstation

    page = AuditPage(ctx, admin.session.account)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.sealed, timeout=15_000):
        page.seal_now()  # this workstation now holds the key
    age_last_seal(owner_conn, 25)
    record_event(owner_conn, "test", "schedule", {"later": True})
    schedule = SealSchedule(ctx, admin.session.account)
    with qtbot.waitSignal(schedule.sealed, timeout=15_000) as sealed:
        schedule.check()
    occasion = owner_conn.execute("SELECT occasion FROM audit_seal WHERE id = %s",
                                  (sealed.args[0].seal_id,)).fetchone()[0]
    assert occasion == "daily"
