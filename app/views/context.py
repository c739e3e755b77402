"""What every page is given by the composition root (app/main.py): no globals, no singletons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.config import AppPaths, Settings
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
