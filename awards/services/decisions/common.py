"""What every step of a decision shares: the error it refuses with, the check that the decision
was not changed by someone else meanwhile, the state change with its audit row and the notice to
the next person, and firing a transition on every dossier the decision includes."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session

from workflows.messages import Msg

from ...models import Decision, DecisionState, Dossier, User
from .. import audit
from ..transitions import TransitionRejected, fire
from .candidates import decision_dossiers

STALE_DECISION = Msg("Đã có người khác thay đổi quyết định này, vui lòng tải lại.")


class DecisionError(Exception):
    """A decision operation refused, with a Vietnamese message saying what to fix (a Msg: the page
    shows it with awards.i18n.tr(exc), in the reader's language)."""


class StaleDecision(DecisionError):
    def __init__(self) -> None:
        super().__init__(STALE_DECISION)


def _check_version(decision: Decision, expected_version: int | None) -> None:
    """The form's version must be the loaded one, and the loaded one still the stored one (an
    earlier check than the flush, so that no dossier is touched on behalf of a stale decision)."""
    if expected_version is not None and expected_version != decision.version:
        raise StaleDecision()
    session = object_session(decision)
    if session is not None and decision.id is not None:
        stored = session.scalar(sa.select(Decision.version).where(Decision.id == decision.id))
        if stored is not None and stored != decision.version:
            raise StaleDecision()


def _set_state(session: Session, decision: Decision, new: DecisionState, *, actor: User | None, action: str,
               details: dict[str, Any] | None = None) -> None:
    old = decision.state
    decision.state = new.value
    audit.record(session, action, actor=actor, obj=decision, old_state=old, new_state=new.value,
                 unit_id=decision.authority.unit_id, details=details)
    _notify(session, decision, action, actor)


NEXT_ROLES = {
    "decision.submitted": ("signer",),
    "decision.approved": ("clerk",),
    "decision.returned": ("board_lead", "board_specialist"),
    "decision.issued": ("board_specialist", "board_lead"),
    "decision.revoked": ("board_lead", "board_specialist", "clerk"),
}
NOTIFY_TITLES = {
    "decision.submitted": "Quyết định chờ phê duyệt: {title}",
    "decision.approved": "Quyết định đã được phê duyệt, chờ cấp số và ban hành: {title}",
    "decision.returned": "Quyết định bị trả lại: {title}",
    "decision.issued": "Quyết định số {number} đã ban hành: {title}",
    "decision.revoked": "Quyết định số {number} đã bị hủy: {title}",
}


def _notify(session: Session, decision: Decision, action: str, actor: User | None) -> None:
    """Tell the next person (awards.services.notifications: in-app + outbox, same transaction)."""
    roles = NEXT_ROLES.get(action)
    if not roles:
        return
    from .. import notifications

    users = notifications.users_covering(session, roles, decision.authority.unit)
    signer = decision.signer
    if action == "decision.submitted" and signer is not None and signer.user is not None and signer.user.active:
        users = [signer.user]  # only the signer's own account approves (approval.approver_of)
    users = [u for u in users if actor is None or u.id != actor.id]
    if not users:
        return
    title = NOTIFY_TITLES[action].format(title=decision.title, number=decision.number_label)
    body = title
    if action == "decision.returned" and decision.return_reason:
        body += f"\nLý do: {decision.return_reason}"
    notifications.notify(session, users, kind="workflow", title=title, body=body,
                         link=f"/decisions/{decision.id}")


def _flush(session: Session) -> None:
    from sqlalchemy.orm.exc import StaleDataError

    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise StaleDecision() from None


def _fire_all(session: Session, decision: Decision, transition: str, *, actor: User, comment: str | None = None,
              extra: dict[str, Any] | None = None) -> list[Dossier]:
    dossiers = decision_dossiers(session, decision)
    for d in dossiers:
        try:
            fire(session, d, transition, actor=actor, comment=comment, extra=extra)
        except TransitionRejected as exc:
            raise DecisionError(Msg("Hồ sơ «%(title)s» (%(unit)s): %(reason)s", title=d.title, unit=d.unit.name,
                                    reason=exc)) from None
    return dossiers
