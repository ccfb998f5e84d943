"""The chairman's step: the board submits the draft (and its tờ trình), the chairman approves it
or returns it with reasons; the included dossiers fire the matching transitions."""
from __future__ import annotations

from sqlalchemy.orm import Session

from workflows.messages import Msg

from ...models import Decision, DecisionState, Signer, User, utcnow
from .candidates import decision_dossiers, decision_path, submit_roles
from .common import DecisionError, _check_version, _fire_all, _flush, _set_state


def approver_of(decision: Decision) -> User | None:
    """The one account that may approve or return ``decision``: the account linked to its chosen
    signer (the person whose name the decision prints), if that account is active."""
    signer = decision.signer
    if signer is None or signer.user is None or not signer.user.active:
        return None
    return signer.user


def _unlinked(signer: Signer) -> Msg:
    return Msg("Người ký «%(name)s» (%(position)s) chưa được liên kết với tài khoản đang hoạt động nào, nên chưa "
               "ai phê duyệt được quyết định này. Bộ phận thi đua đề nghị quản trị hệ thống liên kết người ký với "
               "tài khoản tại trang Quản trị › Cơ quan có thẩm quyền › %(authority)s › Sửa người ký.",
               name=signer.full_name, position=signer.position_title, authority=signer.authority.name)


def _check_approver(decision: Decision, actor: User, *, returning: bool = False) -> None:
    """Only the account linked to the decision's signer approves or returns it. A submitted decision
    without a signer (submission now refuses that) may still be returned by a signer of its level,
    so that the board can choose one."""
    signer = decision.signer
    if signer is None:
        if returning:
            return
        raise DecisionError(Msg("Quyết định chưa chọn người ký nên không phê duyệt được; hãy trả lại để bộ phận "
                                "thi đua chọn người ký."))
    approver = approver_of(decision)
    if approver is None:
        raise DecisionError(_unlinked(signer))
    if approver.id != actor.id:
        raise DecisionError(Msg("Quyết định này do %(name)s (%(position)s) ký; chỉ tài khoản của người ký "
                                "(%(username)s) được phê duyệt hoặc trả lại.", name=signer.full_name,
                                position=signer.position_title, username=approver.username))


def submit_decision(session: Session, decision: Decision, *, actor: User, expected_version: int | None) -> None:
    """The board submits the draft and its tờ trình to the chairman."""
    _check_version(decision, expected_version)
    if decision.state != DecisionState.draft.value:
        raise DecisionError(Msg("Quyết định không ở trạng thái dự thảo."))
    if not decision.awards:
        raise DecisionError(Msg("Dự thảo quyết định chưa có người nhận khen thưởng."))
    if decision.signer is None:
        raise DecisionError(Msg("Dự thảo chưa chọn người ký; vui lòng sửa dự thảo, chọn người ký rồi trình."))
    if approver_of(decision) is None:
        raise DecisionError(_unlinked(decision.signer))
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
    _check_approver(decision, actor)
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
    _check_approver(decision, actor, returning=True)
    path = decision_path(decision.award_form.workflow)
    assert path is not None
    _fire_all(session, decision, path.return_transition, actor=actor, comment=reason)
    decision.return_reason = reason
    _set_state(session, decision, DecisionState.draft, actor=actor, action="decision.returned",
               details={"reason": reason})
    _flush(session)
