"""Many two-person releases at once: every lot released by two people, none stuck, none half-signed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from app.db.engine import Database
from app.services.lot_release import sign_lots
from tests.conftest import Person
from tests.integration.test_lot_release import make_release_ready_lot, prepare_checklist

# These tests commit through the owner connection; the lots they make are removed afterwards.
pytestmark = pytest.mark.usefixtures("committed")


def _release(database: Database, lot_id: int, reviewer: Person, approver: Person) -> tuple[bool, bool]:
    prepare_checklist(reviewer, lot_id)
    reviewed = sign_lots(database.connect_args, login=reviewer.login, password=reviewer.password,
                         code=reviewer.next_code(), lot_ids=[lot_id], meaning="reviewed").all_signed
    approved = sign_lots(database.connect_args, login=approver.login, password=approver.password,
                         code=approver.next_code(), lot_ids=[lot_id], meaning="approved").all_signed
    return reviewed, approved


def _run(database: Database, owner_conn, make_person, pairs: int) -> None:
    lots = [make_release_ready_lot(owner_conn) for _ in range(pairs)]
    people = [(make_person("qa_reviewer"), make_person("qa_approver")) for _ in range(pairs)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(lambda job: _release(database, job[0], *job[1]), zip(lots, people, strict=True)))
    assert results == [(True, True)] * pairs
    released, stuck, one_signer = owner_conn.execute(
        """
        SELECT count(*) FILTER (WHERE l.status = 'released'),
               count(*) FILTER (WHERE l.status <> 'released'),
               count(*) FILTER (WHERE l.status = 'released' AND (
                   SELECT count(DISTINCT s.signer) FROM lot_signature s
                    WHERE s.lot_id = l.id AND s.cycle = l.release_cycle AND s.meaning IN ('reviewed', 'approved')) <> 2)
          FROM lot l WHERE l.id = ANY(%s)
        """,
        (lots,),
    ).fetchone()
    assert (released, stuck, one_signer) == (pairs, 0, 0)


def test_twenty_lots_signed_concurrently_by_twenty_pairs(database: Database, owner_conn, make_person) -> None:
    _run(database, owner_conn, make_person, 20)


@pytest.mark.slow
def test_two_hundred_lots_signed_concurrently_by_two_hundred_pairs(database, owner_conn, make_person) -> None:
    _run(database, owner_conn, make_person, 200)
