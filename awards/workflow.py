"""Binds the pure workflow engine to the application: the guards and effects it registers, and
loading the definitions at start-up (a broken definition stops the app with a clear message)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from flask import Flask, current_app
from sqlalchemy.orm import Session

from workflows.engine import Registry, Workflow, load_definitions

from .models import Dossier, User

DEFINITIONS_DIR = Path(__file__).resolve().parent.parent / "workflows" / "definitions"

# Effects that change data run inside the transaction; the others run after commit.
IN_TRANSACTION_EFFECTS = {"snapshot_submission", "start_posting_window"}
AFTER_COMMIT_EFFECTS = {"notify"}


@dataclass
class DossierContext:
    """What guards see: the dossier, the session to query, the time, the actor, extra inputs."""

    session: Session
    dossier: Dossier
    now: datetime
    actor: User | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def build_registry() -> Registry:
    from .rules.guards import GUARDS

    return Registry(guards=GUARDS, effects=IN_TRANSACTION_EFFECTS | AFTER_COMMIT_EFFECTS)


def load_all(directory: Path = DEFINITIONS_DIR) -> dict[str, Workflow]:
    return load_definitions(directory, build_registry())


def init_workflows(app: Flask) -> None:
    app.extensions["workflows"] = load_all()


def get_workflows() -> dict[str, Workflow]:
    return current_app.extensions["workflows"]


def get_workflow(name: str) -> Workflow:
    return get_workflows()[name]


AfterCommitHandler = Callable[[Session, dict[str, Any]], None]
