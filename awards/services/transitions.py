"""The one service through which every dossier transition goes.

It checks role and unit scope, asks the workflow engine, persists with optimistic locking,
writes history and audit in the same transaction, and queues side effects (notifications,
e-mail) to run only after the transaction commits."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from workflows.engine import Actor, FireResult, Option, TransitionRejected, VoteTally
from workflows.messages import Msg

from ..models import Dossier, User, WorkflowHistory, utcnow
from ..workflow import AFTER_COMMIT_EFFECTS, DossierContext, get_workflow
from . import audit

STALE_MESSAGE = Msg("Đã có người khác thay đổi hồ sơ này, vui lòng tải lại.")
POSTING_DAYS = 10


class StaleDossier(Exception):
    """Someone else changed the dossier since the form was loaded."""

    def __init__(self) -> None:
        super().__init__(STALE_MESSAGE)


def actor_for(user: User | None, dossier: Dossier, *, system: bool = False) -> Actor:
    if system:
        return Actor(id=None, roles=frozenset({"system"}))
    assert user is not None
    return Actor(id=user.id, roles=user.roles_for_dossier(dossier))


def options(session: Session, dossier: Dossier, user: User, *, now: datetime | None = None,
            extra: dict[str, Any] | None = None) -> list[Option]:
    """Every transition out of the dossier's state with allowed/why-not for this user."""
    now = now or utcnow()
    wf = get_workflow(dossier.workflow)
    ctx = DossierContext(session=session, dossier=dossier, now=now, actor=user, extra=extra or {})
    return wf.available(dossier.state, actor_for(user, dossier), ctx)


def fire(
    session: Session,
    dossier: Dossier,
    transition: str,
    *,
    actor: User | None,
    comment: str | None = None,
    expected_version: int | None = None,
    tally: VoteTally | None = None,
    extra: dict[str, Any] | None = None,
    now: datetime | None = None,
    system: bool = False,
) -> FireResult:
    """Fire ``transition`` on ``dossier``; raises TransitionRejected or StaleDossier."""
    if expected_version is not None and expected_version != dossier.version:
        raise StaleDossier()
    now = now or utcnow()
    wf = get_workflow(dossier.workflow)
    ctx = DossierContext(session=session, dossier=dossier, now=now, actor=actor, extra=extra or {})
    comment = (comment or "").strip() or None
    result = wf.fire(dossier.state, transition, actor_for(actor, dossier, system=system), ctx,
                     comment=comment, tally=tally, now=now)
    old_state = dossier.state
    dossier.state = result.to_state
    dossier.state_since_dt = now
    dossier.overdue = False
    history = WorkflowHistory(
        dossier=dossier, transition=transition, from_state=old_state, to_state=result.to_state,
        actor_id=actor.id if actor is not None else None, comment=comment, occurred_dt=now,
    )
    session.add(history)
    for effect in result.effects:
        if effect in AFTER_COMMIT_EFFECTS:
            queue_after_commit(session, effect, {"dossier_id": dossier.id, "transition": transition,
                                                 "from_state": old_state, "to_state": result.to_state,
                                                 "actor_id": actor.id if actor else None, "comment": comment})
        else:
            IN_TRANSACTION[effect](session, dossier, history, now)
    details: dict[str, Any] = {"transition": transition}
    if comment:
        details["comment"] = comment
    if result.history.vote is not None:
        v = result.history.vote
        details["vote"] = {"quorum_met": v.quorum_met, "passed": v.passed}
    audit.record(session, f"dossier.{transition}", actor=actor, obj=dossier, old_state=old_state,
                 new_state=result.to_state, details=details)
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise StaleDossier() from None
    return result


def snapshot(dossier: Dossier) -> dict[str, Any]:
    """What was submitted: the dossier's nominees and files, to compare two submissions."""
    return {
        "title": dossier.title,
        "summary": dossier.summary,
        "nominees": {
            str(n.id): {
                "kind": n.kind, "name": n.name, "gender": n.gender, "birth_year": n.birth_year,
                "position_title": n.position_title, "workplace": n.workplace, "citizen_id": n.citizen_id,
                "address": n.address, "hamlet": n.hamlet, "contribution": n.contribution,
                "contribution_value": n.contribution_value, "award_form_id": n.award_form_id,
                "achievements": n.achievements, "ethnicity": n.ethnicity, "is_leader": n.is_leader,
                "posthumous": n.posthumous, "report": n.report,
                "indicators": {str(v.indicator_id): str(v.value) for v in n.indicator_values},
            }
            for n in dossier.nominees
        },
        "attachments": {str(a.id): {"kind": a.kind, "filename": a.filename, "sha256": a.sha256}
                        for a in dossier.attachments},
    }


def _snapshot_submission(session: Session, dossier: Dossier, history: WorkflowHistory, now: datetime) -> None:
    history.snapshot = snapshot(dossier)
    dossier.submitted_dt = now


def _start_posting_window(session: Session, dossier: Dossier, history: WorkflowHistory, now: datetime) -> None:
    from ..rules.calendar import add_working_days

    dossier.posting_closes_dt = add_working_days(session, now, POSTING_DAYS)


IN_TRANSACTION: dict[str, Callable[[Session, Dossier, WorkflowHistory, datetime], None]] = {
    "snapshot_submission": _snapshot_submission,
    "start_posting_window": _start_posting_window,
}

# --- side effects after commit -------------------------------------------------------------

AFTER_COMMIT_HANDLERS: dict[str, Callable[[Session, dict[str, Any]], None]] = {}


def on_after_commit(name: str):
    def register(fn):
        AFTER_COMMIT_HANDLERS[name] = fn
        return fn
    return register


def queue_after_commit(session: Session, effect: str, payload: dict[str, Any]) -> None:
    session.info.setdefault("after_commit", []).append((effect, payload))


@event.listens_for(Session, "after_commit")
def _commit_done(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released: the outer transaction has not committed yet
    queued = session.info.pop("after_commit", [])
    if queued:
        session.info.setdefault("committed_effects", []).extend(queued)


@event.listens_for(Session, "after_transaction_end")
def _run_after_commit(session: Session, transaction) -> None:
    """Run the committed transaction's effects once its connection is back in the pool, each in
    its own session (a request never holds two connections at once)."""
    if transaction.parent is not None:
        return
    queued = session.info.pop("committed_effects", [])
    if not queued:
        return
    factory = session.info.get("effect_session_factory")
    if factory is None:
        return
    for effect, payload in queued:
        handler = AFTER_COMMIT_HANDLERS.get(effect)
        if handler is None:
            continue
        with factory() as s:
            handler(s, payload)
            s.commit()


@event.listens_for(Session, "after_rollback")
def _drop_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # only a savepoint rolled back; the outer transaction may still commit
    session.info.pop("after_commit", None)


__all__ = ["StaleDossier", "TransitionRejected", "fire", "options", "actor_for", "timedelta"]
