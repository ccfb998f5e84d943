"""Revocation: an issued decision keeps its number and its awards leave the register; one award
may also be withdrawn on its own."""
from __future__ import annotations

from sqlalchemy.orm import Session

from workflows.messages import Msg

from ...models import Award, AwardStatus, Decision, DecisionState, User, utcnow
from .. import audit
from .common import DecisionError, _check_version, _flush, _set_state


def revoke_decision(session: Session, decision: Decision, *, actor: User, reason: str,
                    expected_version: int | None = None) -> None:
    """Revoke an issued decision: it keeps its number; its awards leave the register."""
    _check_version(decision, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise DecisionError(Msg("Vui lòng nhập lý do hủy quyết định."))
    if decision.state != DecisionState.issued.value:
        raise DecisionError(Msg("Chỉ hủy được quyết định đã ban hành."))
    now = utcnow()
    decision.revoked_reason = reason
    decision.revoked_dt = now
    for a in decision.awards:
        if a.status == AwardStatus.active.value:
            a.status = AwardStatus.revoked.value
            a.revoked_reason = reason
            a.revoked_dt = now
    _set_state(session, decision, DecisionState.revoked, actor=actor, action="decision.revoked",
               details={"reason": reason, "number": decision.number, "year": decision.year})
    _flush(session)


def revoke_award(session: Session, award: Award, *, actor: User, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise DecisionError(Msg("Vui lòng nhập lý do thu hồi."))
    if award.status != AwardStatus.active.value:
        raise DecisionError(Msg("Chỉ thu hồi được khen thưởng đang có hiệu lực."))
    award.status = AwardStatus.revoked.value
    award.revoked_reason = reason
    award.revoked_dt = utcnow()
    audit.record(session, "award.revoked", actor=actor, obj=award, old_state=AwardStatus.active.value,
                 new_state=AwardStatus.revoked.value, details={"reason": reason, "decision_id": award.decision_id})
    session.flush()
