"""What every page is given by the composition root (app/main.py): no globals, no singletons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.config import AppPaths, Settings
from app.db.replica import ReplicaStatus
from app.db.uow import UnitOfWork
from app.views.operations import ChangeBroadcast, OperationRunner


@dataclass(frozen=True)
class ViewContext:
    """Collaborators handed to pages and dialogs through their constructors."""

    runner: OperationRunner
    broadcast: ChangeBroadcast
    new_uow: Callable[[], UnitOfWork]  # a fresh unit of work; call it inside operations, off the GUI thread
    paths: AppPaths
    settings: Settings
    # The heavy reads (traces, reports, the dashboard): a READ ONLY unit of work on the profile's replica
    # when it may be used, else on the primary. Without it they use `new_uow`.
    new_read_uow: Callable[[], UnitOfWork] | None = None
    # Where those reads go now (checked again when stale); None: the profile names no replica.
    replica_status: Callable[[], ReplicaStatus] | None = None

    def read_uow(self) -> UnitOfWork:
        """A unit of work for a read that may be served by the replica; call it off the GUI thread."""
        return self.new_read_uow() if self.new_read_uow is not None else self.new_uow()
