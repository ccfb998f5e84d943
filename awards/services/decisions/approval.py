"""The chairman's step: the board submits the draft (and its tờ trình), the chairman approves it
or returns it with reasons; the included dossiers fire the matching transitions."""
from __future__ import annotations

from sqlalchemy.orm import Session

from workflows.messages import Msg

from ...models import Decision, DecisionState, User, utcnow
from .candidates import decision_dossiers, decision_path, submit_roles
from .common import DecisionError, _check_version, _fire_all, _flush, _set_state


def submit_decision(session: Session, decision: Decision, *, actor: User, expected_version: int | None) -> None:
    """The board submits the draft and its tờ trình to the chairman."""
    _check_version(decision, expected_version)
    if decision.state != DecisionState.draft.value:
        raise DecisionError(Msg("Quyết định không ở trạng thái dự thảo."))
    if not decision.awards:
        raise DecisionError(Msg("Dự thảo quyết định chưa có người nhận khen thưởng."))
    path = decision_path(decision.award_form.workflow)
    assert path is not None
    if path.submit_transition:
        _fire_all(session, decision, path.submit_transition, actor=actor)
    else:
        roles = submit_roles(decision.award_form.workflow)
        if not (actor.roles_at(decision.authority.unit) & roles):
            raise DecisionError(Msg("Bạn không có quyền trình quyết định này."))
        for d in decision_dossiers(session, decision):
            if d.state not in path.ready_states:
                raise DecisionError(Msg("Hồ sơ «%(title)s» không còn ở bước chờ trình.", title=d.title))
    decision.submitted_dt = utcnow()
    decision.return_reason = None
    _set_state(session, decision, DecisionState.submitted, actor=actor, action="decision.submitted")
    _flush(session)


def approve_decision(session: Session, decision: Decision, *, actor: User, expected_version: int | None) -> None:
    """The chairman approves: every included dossier fires ``approve``."""
    _check_version(decision, expected_version)
    if decision.state != DecisionState.submitted.value:
        raise DecisionError(Msg("Quyết định chưa được trình hoặc đã được xử lý."))
    _fire_all(session, decision, "approve", actor=actor)
    decision.approved_dt = utcnow()
    decision.approved_by_id = actor.id
    _set_state(session, decision, DecisionState.approved, actor=actor, action="decision.approved")
    _flush(session)


def return_decision(session: Session, decision: Decision, *, actor: User, reason: str,
                    expected_version: int | None) -> None:
    """The chairman returns the draft with reasons; the dossiers go back to appraisal."""
    _check_version(decision, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise DecisionError(Msg("Vui lòng nhập lý do trả lại."))
    if decision.state != DecisionState.submitted.value:
        raise DecisionError(Msg("Quyết định chưa được trình hoặc đã được xử lý."))
    path = decision_path(decision.award_form.workflow)
    assert path is not None
    _fire_all(session, decision, path.return_transition, actor=actor, comment=reason)
    decision.return_reason = reason
    _set_state(session, decision, DecisionState.draft, actor=actor, action="decision.returned",
               details={"reason": reason})
    _flush(session)
