"""A change committed by another connection (another workstation) is announced here."""

from __future__ import annotations

import queue

from sqlalchemy.orm import Session

from app.db.engine import Database
from app.db.notify import ChangeListener
from tests.factories import make_party


def test_a_commit_elsewhere_is_announced_with_the_tables_it_touched(committed: Database) -> None:
    heard: queue.Queue[frozenset[str] | None] = queue.Queue()
    listener = ChangeListener(committed, heard.put)
    listener.start()
    try:
        assert listener.listening.wait(5)
        with Session(committed.engine) as other_workstation:
            make_party(other_workstation)
            other_workstation.commit()
        assert "party" in heard.get(timeout=5)
    finally:
        listener.stop()
