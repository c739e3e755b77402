"""Fixtures of the page tests: a signed-in person's own workstation, as app.main builds it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from app.config import AppPaths, Settings
from app.db.engine import Database
from app.db.uow import UnitOfWork
from app.services.identity import Account, SignedIn, person_engine, sign_in
from app.views.context import ViewContext
from app.views.operations import ChangeBroadcast, OperationRunner
from tests.conftest import Person

LOAD_TIMEOUT = 15_000


@dataclass(frozen=True)
class Workstation:
    ctx: ViewContext
    account: Account
    broadcast: ChangeBroadcast
    base_args: dict[str, str]


@pytest.fixture
def signed_in(database: Database, app_paths: AppPaths) -> Iterator[Callable[..., Workstation]]:
    """Signs a person in on their own workstation: runner, broadcast and a pool of the person's own verified
    connections. At the end every operation has finished and none failed unexpectedly."""
    runners: list[OperationRunner] = []
    engines: list[Engine] = []
    failures: list[BaseException] = []

    def _open(person: Person, language: str = "en") -> Workstation:
        session = sign_in(database.connect_args, login=person.login, password=person.password,
                          code=person.next_code())
        assert isinstance(session, SignedIn)
        engine = person_engine(database.connect_args, person.login, person.password, session)
        engines.append(engine)
        broadcast = ChangeBroadcast()
        runner = OperationRunner(broadcast)
        runner.failed.connect(failures.append)
        runners.append(runner)
        ctx = ViewContext(runner=runner, broadcast=broadcast, new_uow=lambda: UnitOfWork.for_engine(engine),
                          paths=app_paths, settings=Settings(language=language))
        return Workstation(ctx, session.account, broadcast, database.connect_args)

    yield _open
    for runner in runners:
        assert runner.wait_for_all(LOAD_TIMEOUT)
    for engine in engines:
        engine.dispose()
    assert failures == []
