"""Decisions (Quyết định khen thưởng): preparation from approved nominees, the chairman's approval,
numbering in the authority's register, issue, certificates and revocation.

Every function mutates, writes its audit row and flushes; the caller commits. Dossier transitions
go through :func:`awards.services.transitions.fire`."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any, Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from workflows.messages import Msg, message_of

from ..models import (
    AgendaItem, Authority, Award, AwardForm, AwardStatus, Certificate, CouncilSession, Decision, DecisionState,
    Dossier, Nominee, NomineeOutcome, NumberCounter, RecipientKind, SessionKind, SessionStatus, Signer, User,
    WorkflowHistory, utcnow,
)
from ..rules.money import NoRuleSet, amount_for, rule_set_on
from ..workflow import get_workflow
from . import audit
from .transitions import TransitionRejected, fire

STALE_DECISION = Msg("Đã có người khác thay đổi quyết định này, vui lòng tải lại.")
DECISION_REGISTER = "QĐ"


class DecisionError(Exception):
    """A decision operation refused, with a Vietnamese message saying what to fix (a Msg: the page
    shows it with awards.i18n.tr(exc), in the reader's language)."""


class StaleDecision(DecisionError):
    def __init__(self) -> None:
        super().__init__(STALE_DECISION)


# ------------------------------------------------------------------------------ workflow mapping

@dataclass(frozen=True)
class DecisionPath:
    """How a workflow hands its dossiers to a decision: where they wait while the decision is
    prepared, which transition submits it to the chairman (if any), approves, returns, issues."""

    ready_states: tuple[str, ...]
    submit_transition: str | None
    approve_transition: str = "approve"
    return_transition: str = "chairman_return"
    issue_transition: str = "issue"


def decision_path(workflow_name: str) -> DecisionPath | None:
    """Read from the definition: None when the workflow ends without a decision of ours
    (upward proposals)."""
    wf = get_workflow(workflow_name)
    try:
        approve = wf.transition("approve")
        wf.transition("issue")
    except KeyError:
        return None
    try:
        submit = wf.transition("submit_to_chairman")
    except KeyError:
        return DecisionPath(ready_states=approve.sources, submit_transition=None)
    return DecisionPath(ready_states=submit.sources, submit_transition=submit.name)


def submit_roles(workflow_name: str) -> frozenset[str]:
    path = decision_path(workflow_name)
    if path is not None and path.submit_transition:
        return get_workflow(workflow_name).transition(path.submit_transition).roles
    return frozenset({"board_specialist", "board_lead"})


# ---------------------------------------------------------------------------------- candidates

def recipient_clause(form_id: int):
    """Nominees to award with ``form_id``: eligible for it, or proposed another form that is it."""
    return sa.or_(
        sa.and_(Nominee.outcome == NomineeOutcome.eligible.value, Nominee.award_form_id == form_id),
        sa.and_(Nominee.outcome == NomineeOutcome.other_form.value, Nominee.outcome_form_id == form_id),
    )


def _already_awarded():
    """Nominees already on a decision that is not revoked."""
    return (
        sa.select(Award.nominee_id).join(Decision, Award.decision_id == Decision.id)
        .where(Decision.state != DecisionState.revoked.value, Award.nominee_id.is_not(None))
    )


def ready_dossiers(session: Session, form: AwardForm, scope_clause=None) -> list[Dossier]:
    """Dossiers waiting for a decision of ``form`` that still have recipients not yet on one."""
    path = decision_path(form.workflow)
    if path is None or form.authority_id is None:
        return []
    q = (
        sa.select(Dossier)
        .where(Dossier.workflow == form.workflow, Dossier.state.in_(path.ready_states),
               Dossier.id.in_(sa.select(Nominee.dossier_id).where(
                   recipient_clause(form.id), Nominee.id.not_in(_already_awarded()))))
        .options(selectinload(Dossier.nominees))
        .order_by(Dossier.unit_id, Dossier.id)
    )
    if scope_clause is not None:
        q = q.where(scope_clause)
    return list(session.scalars(q).unique())


def recipients_of(dossier: Dossier, form: AwardForm, exclude: set[int] | None = None) -> list[Nominee]:
    exclude = exclude or set()
    out = []
    for n in dossier.nominees:
        if n.id in exclude:
            continue
        if (n.outcome == NomineeOutcome.eligible.value and n.award_form_id == form.id) or (
            n.outcome == NomineeOutcome.other_form.value and n.outcome_form_id == form.id
        ):
            out.append(n)
    return out


# ---------------------------------------------------------------------------- upward proposals

UPWARD_PROPOSAL_TRANSITION = "submit_proposal"
SIGN_PROPOSAL_TRANSITION = "sign_proposal"


def upward_proposal_states(workflow_name: str) -> frozenset[str]:
    """The states in which the province's tờ trình to the higher level exists: from the one where
    it is prepared (the source of ``submit_proposal``, after the council and the public comment)
    to the central result. Empty for a workflow without that step."""
    wf = get_workflow(workflow_name)
    try:
        start = wf.transition(UPWARD_PROPOSAL_TRANSITION).sources
    except KeyError:
        return frozenset()
    seen, todo = set(start), list(start)
    while todo:
        for t in wf.transitions_from(todo.pop()):
            for target in (t.target, t.fail_target):
                if target and target not in seen:
                    seen.add(target)
                    todo.append(target)
    return frozenset(seen)


def upward_recipients(dossier: Dossier) -> list[tuple[AwardForm, list[Nominee]]]:
    """The nominees the province proposes upward, per upward form (highest rank first): eligible
    for the upward form they were proposed, or proposed an upward form instead by the board. A
    nominee the council did not pass is ineligible, hence not here."""
    groups: dict[int, tuple[AwardForm, list[Nominee]]] = {}
    for n in sorted(dossier.nominees, key=lambda n: (n.position, n.id)):
        if n.outcome == NomineeOutcome.eligible.value:
            form = n.award_form
        elif n.outcome == NomineeOutcome.other_form.value:
            form = n.outcome_form
        else:
            continue
        if form is not None and form.proposed_upward:
            groups.setdefault(form.id, (form, []))[1].append(n)
    return sorted(groups.values(), key=lambda g: (-g[0].rank, g[0].id))


def proposal_authority(session: Session, dossier: Dossier) -> Authority | None:
    """Who proposes the dossier's nominees upward: the top-most active authority whose unit
    contains the dossier's unit (Chủ tịch UBND tỉnh)."""
    covering = [a for a in session.scalars(sa.select(Authority).where(Authority.active.is_(True)))
                if a.unit.contains(dossier.unit)]
    return min(covering, key=lambda a: (a.unit.depth, a.id), default=None)


def upward_signer(session: Session, dossier: Dossier, authority: Authority) -> Signer | None:
    """Who signed the tờ trình (the last ``sign_proposal``) as one of the authority's signers: by
    the linked account, else by the same full name; None while it is not signed."""
    entry = session.scalars(
        sa.select(WorkflowHistory)
        .where(WorkflowHistory.dossier_id == dossier.id, WorkflowHistory.transition == SIGN_PROPOSAL_TRANSITION)
        .order_by(WorkflowHistory.id.desc()).limit(1)
    ).first()
    if entry is None or entry.actor is None:
        return None
    by_account = [s for s in authority.signers if s.user_id is not None and s.user_id == entry.actor_id]
    if by_account:
        return by_account[0]
    by_name = [s for s in authority.signers if s.full_name.casefold() == entry.actor.full_name.casefold()]
    return by_name[0] if len(by_name) == 1 else None


@dataclass
class UpwardProposal:
    """Everything the province's tờ trình to the higher level prints, read from the database."""

    dossier: Dossier
    authority: Authority
    award_form: AwardForm
    nominees: list[Nominee]
    legal_basis: list[str]
    proposer_title: str
    achievement: str
    council_date: date | None
    comment_closed: date | None
    signer: Signer | None
    year: int


def upward_proposal(session: Session, dossier: Dossier, form_id: int, *, today: date,
                    tz: tzinfo) -> UpwardProposal:
    """The province's tờ trình proposing the dossier's nominees for the upward form ``form_id``;
    ``today`` picks the rule set whose căn cứ it cites, ``tz`` the local day of the comment window."""
    if dossier.state not in upward_proposal_states(dossier.workflow):
        raise DecisionError(Msg("Tờ trình đề nghị cấp trên chỉ lập được sau khi Hội đồng Thi đua - Khen thưởng "
                                "tỉnh đã xét và kết thúc lấy ý kiến công khai."))
    groups = {f.id: (f, ns) for f, ns in upward_recipients(dossier)}
    if form_id not in groups:
        raise DecisionError(Msg("Hồ sơ không có đối tượng nào được đề nghị hình thức này lên cấp trên."))
    form, nominees = groups[form_id]
    authority = proposal_authority(session, dossier)
    if authority is None:
        raise DecisionError(Msg("Chưa khai báo cơ quan ban hành (Chủ tịch UBND tỉnh) cho đơn vị của hồ sơ."))
    try:
        rs = rule_set_on(session, today)
    except NoRuleSet as exc:
        raise DecisionError(message_of(exc)) from None
    basis = rs.legal_basis_lines + [line.strip() for line in (authority.extra_legal_basis or "").splitlines()
                                    if line.strip()]
    movement = dossier.round.movement
    if movement.plan_number:
        from ..documents.vietnamese import format_date

        when = f" {format_date(movement.plan_date)}" if movement.plan_date else ""
        basis.append(f"Căn cứ Kế hoạch số {movement.plan_number}{when} của {movement.authority.unit.name} "
                     f"thực hiện Phong trào thi đua {movement.title}")
    council_date = session.scalar(
        sa.select(CouncilSession.meeting_date).join(AgendaItem, AgendaItem.session_id == CouncilSession.id)
        .where(AgendaItem.dossier_id == dossier.id, CouncilSession.kind == SessionKind.council.value,
               CouncilSession.status == SessionStatus.closed.value)
        .order_by(CouncilSession.meeting_date.desc()).limit(1)
    )
    closes = dossier.posting_closes_dt
    return UpwardProposal(
        dossier=dossier, authority=authority, award_form=form, nominees=nominees, legal_basis=basis,
        proposer_title=authority.proposer_title or "",
        achievement=f"đã có thành tích xuất sắc trong thực hiện Phong trào thi đua {movement.title}",
        council_date=council_date, comment_closed=closes.astimezone(tz).date() if closes else None,
        signer=upward_signer(session, dossier, authority), year=today.year,
    )


def record_upward_download(session: Session, up: UpwardProposal, *, actor: User, filename: str) -> None:
    """Every download of the tờ trình leaves an audit row on the dossier, like the other documents."""
    audit.record(session, "dossier.download", actor=actor, obj=up.dossier,
                 details={"file": filename, "document": "upward_proposal", "award_form_id": up.award_form.id,
                          "nominees": len(up.nominees)})
    session.flush()


# --------------------------------------------------------------------------------------- money

KIND_ORDER = {RecipientKind.collective.value: 0, RecipientKind.individual.value: 1, RecipientKind.household.value: 2}


def apply_money(session: Session, decision: Decision, day: date) -> None:
    """Amounts from the rule set in force on ``day``; the values used are kept on the decision."""
    try:
        rs = rule_set_on(session, day)
    except NoRuleSet as exc:
        raise DecisionError(message_of(exc)) from None
    form = decision.award_form
    amounts: dict[str, Any] = {}
    try:
        for kind in {a.kind for a in decision.awards} | set(form.allowed_kinds):
            amounts[kind] = amount_for(rs, form, kind)
    except LookupError as exc:
        raise DecisionError(message_of(exc)) from None
    total = 0
    for a in decision.awards:
        a.amount = amounts[a.kind].amount
        total += a.amount
    decision.rule_set = rs
    decision.rule_set_id = rs.id
    decision.total_amount = total
    old = decision.snapshot or {}
    decision.snapshot = {
        "rule_set": {"id": rs.id, "name": rs.name, "valid_from": rs.valid_from.isoformat(),
                     "valid_to": rs.valid_to.isoformat() if rs.valid_to else None},
        "decision_date": day.isoformat(),
        "base_salary": rs.base_salary,
        "base_salary_source": rs.base_salary_source,
        "household_multiplier": str(rs.household_multiplier),
        "rounding_unit": rs.rounding_unit,
        "amounts": {k: {"coefficient": str(v.coefficient), "amount": v.amount, "explanation": v.explanation}
                    for k, v in sorted(amounts.items(), key=lambda kv: KIND_ORDER[kv[0]])},
        "legal_basis": rs.legal_basis_lines + (
            [line.strip() for line in (decision.authority.extra_legal_basis or "").splitlines() if line.strip()]
        ),
        "fund_source": decision.fund_source,
        "total": total,
    }
    _keep_edited_texts(old, decision.snapshot)


# Wording of a draft edited by the board (update_draft), kept when the money is computed again.
EDITED_TEXT_KEYS = ("proposer", "copy_to")


def _keep_edited_texts(old: Mapping[str, Any], new: dict[str, Any]) -> None:
    if old.get("legal_basis_edited"):
        new["legal_basis"] = list(old.get("legal_basis") or [])
        new["legal_basis_edited"] = True
    for key in EDITED_TEXT_KEYS:
        if key in old:
            new[key] = old[key]


# --------------------------------------------------------------------------------- preparation

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


def prepare_decision(
    session: Session,
    *,
    actor: User,
    form: AwardForm,
    dossiers: Iterable[Dossier],
    decision_date: date,
    title: str | None = None,
    achievement_phrase: str | None = None,
    fund_source: str | None = None,
    signer: Signer | None = None,
    proposal_number: str | None = None,
    proposal_date: date | None = None,
) -> Decision:
    """A draft decision granting ``form`` to the recipients of ``dossiers``."""
    dossiers = list(dossiers)
    path = decision_path(form.workflow)
    if path is None or form.authority is None:
        raise DecisionError(Msg("Hình thức «%(form)s» không do cấp tỉnh/xã ra quyết định.", form=form.name))
    if not dossiers:
        raise DecisionError(Msg("Vui lòng chọn ít nhất một hồ sơ."))
    taken = set(session.scalars(_already_awarded()))
    recipients: list[Nominee] = []
    for d in dossiers:
        if d.workflow != form.workflow or d.state not in path.ready_states:
            raise DecisionError(Msg("Hồ sơ «%(title)s» (%(unit)s) chưa sẵn sàng để lập quyết định.",
                                    title=d.title, unit=d.unit.name))
        found = recipients_of(d, form, taken)
        if not found:
            raise DecisionError(Msg("Hồ sơ «%(title)s» không có đối tượng đủ điều kiện nhận «%(form)s».",
                                    title=d.title, form=form.name))
        recipients.extend(found)
    if signer is not None and signer.authority_id != form.authority_id:
        raise DecisionError(Msg("Người ký không thuộc cơ quan ban hành quyết định."))
    from ..documents.vietnamese import canonical_name

    movement = dossiers[0].round.movement if dossiers[0].round else None
    decision = Decision(
        authority=form.authority, authority_id=form.authority_id, award_form=form, award_form_id=form.id,
        round_id=dossiers[0].round_id if len({d.round_id for d in dossiers}) == 1 else None,
        state=DecisionState.draft.value,
        title=(title or "").strip() or f"Về việc tặng {form.name}",
        achievement_phrase=(achievement_phrase or "").strip() or (
            f"đã có thành tích xuất sắc trong thực hiện Phong trào thi đua {movement.title}" if movement else None),
        decision_date=decision_date, signer=signer,
        fund_source=(fund_source or "").strip() or form.authority.fund_source,
        proposal_number=(proposal_number or "").strip() or None, proposal_date=proposal_date,
        created_by_id=actor.id,
    )
    recipients.sort(key=lambda n: (KIND_ORDER[n.kind], n.dossier.unit_id, n.position, n.id))
    for i, n in enumerate(recipients):
        decision.awards.append(Award(
            nominee_id=n.id, unit_id=n.dossier.unit_id, position=i, kind=n.kind, name=n.name,
            canonical_name=n.canonical_name or canonical_name(n.name), name_key=n.name_key,
            gender=n.gender, birth_year=n.birth_year, citizen_id=n.citizen_id, position_title=n.position_title,
            workplace=n.workplace, address=n.address, status=AwardStatus.proposed.value,
        ))
    session.add(decision)
    apply_money(session, decision, decision_date)
    session.flush()
    audit.record(session, "decision.prepared", actor=actor, obj=decision, new_state=decision.state,
                 unit_id=form.authority.unit_id,
                 details={"dossiers": [d.id for d in dossiers], "recipients": len(recipients),
                          "total": decision.total_amount})
    session.flush()
    return decision


def decision_dossiers(session: Session, decision: Decision) -> list[Dossier]:
    return list(session.scalars(
        sa.select(Dossier).where(Dossier.id.in_(
            sa.select(Nominee.dossier_id).join(Award, Award.nominee_id == Nominee.id)
            .where(Award.decision_id == decision.id)))
        .order_by(Dossier.id)
    ))


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
    from . import notifications

    users = [u for u in notifications.users_covering(session, roles, decision.authority.unit)
             if actor is None or u.id != actor.id]
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


# ------------------------------------------------------------------------------ editing a draft

@dataclass
class DraftEdit:
    """What the board may change on a draft before it goes to the chairman.

    ``legal_basis`` and ``copy_to`` are lines (the căn cứ; the nơi nhận, where a line "Lưu: …" is
    the archive line); ``order`` maps an award's id to its place within its group (tập thể, cá
    nhân, hộ gia đình), 1 being the first; a row given another place goes before the row that
    had it ("move Cường to 1"); ``remove`` are the awards taken off the draft: their nominees go
    back to their dossiers and may be put on another decision."""

    title: str
    decision_date: date
    achievement_phrase: str | None = None
    fund_source: str | None = None
    signer_id: int | None = None
    proposer: str = ""
    proposal_number: str | None = None
    proposal_date: date | None = None
    legal_basis: list[str] = field(default_factory=list)
    copy_to: list[str] = field(default_factory=list)
    order: dict[int, int] = field(default_factory=dict)
    remove: set[int] = field(default_factory=set)


def _clean_line(text: str | None) -> str:
    from ..documents.vietnamese import collapse_spaces

    return collapse_spaces(text)


def _clean_lines(lines: Iterable[str]) -> list[str]:
    """One item per line: NFC, spaces collapsed, the list dash and the ending ';' '.' dropped."""
    out = []
    for line in lines:
        line = _clean_line(line).lstrip("-–").strip().rstrip(";.,").strip()
        if line:
            out.append(line)
    return out


def draft_values(decision: Decision) -> dict[str, Any]:
    """The draft's editable values as the edit form shows them (text areas: one item a line)."""
    from ..documents.context import decision_texts

    texts = decision_texts(decision)
    return {
        "title": decision.title,
        "decision_date": decision.decision_date,
        "achievement_phrase": decision.achievement_phrase or "",
        "fund_source": decision.fund_source or "",
        "signer_id": decision.signer_id or 0,
        "proposer": texts.proposer,
        "proposal_number": decision.proposal_number or "",
        "proposal_date": decision.proposal_date,
        "legal_basis": "\n".join(f"{line};" for line in texts.legal_basis),
        "copy_to": "\n".join(texts.copy_to_lines),
    }


def _draft_state(decision: Decision) -> dict[str, Any]:
    """What an edit may change, JSON-friendly: the audit row's before and after."""
    from ..documents.context import decision_texts

    texts = decision_texts(decision)
    signer = decision.signer
    return {
        "title": decision.title,
        "decision_date": decision.decision_date.isoformat() if decision.decision_date else None,
        "achievement_phrase": decision.achievement_phrase,
        "fund_source": decision.fund_source,
        "signer": f"{signer.full_name} ({signer.authority_line})" if signer else None,
        "proposer": texts.proposer,
        "proposal_number": decision.proposal_number,
        "proposal_date": decision.proposal_date.isoformat() if decision.proposal_date else None,
        "legal_basis": list(texts.legal_basis),
        "copy_to": texts.copy_to_lines,
        "total_amount": decision.total_amount,
    }


def _default_copy_to(authority: Authority) -> list[str]:
    from ..documents.context import split_copy_to

    lines, archive = split_copy_to((authority.copy_recipients or "Như Điều 3").splitlines(),
                                   f"Lưu: VT, {authority.archive_code}.")
    return _clean_lines(lines + [archive])


def _validate_edit(session: Session, decision: Decision, edit: DraftEdit) -> tuple[Signer | None, list[Award]]:
    """Every problem of ``edit`` at once, before anything changes."""
    problems: list[Msg] = []
    if not _clean_line(edit.title):
        problems.append(Msg("Vui lòng nhập trích yếu của quyết định."))
    if edit.decision_date is None:
        problems.append(Msg("Vui lòng nhập ngày quyết định (ngày/tháng/năm)."))
    if not _clean_line(edit.proposer):
        problems.append(Msg("Vui lòng nhập người đề nghị (dòng «Theo đề nghị của …»), ví dụ Giám đốc Sở Nội vụ."))
    if not _clean_lines(edit.legal_basis):
        problems.append(Msg("Vui lòng nhập ít nhất một dòng căn cứ."))
    if edit.proposal_date and edit.decision_date and edit.proposal_date > edit.decision_date:
        problems.append(Msg("Ngày tờ trình không được sau ngày quyết định."))
    signer = None
    if edit.signer_id:
        signer = session.get(Signer, edit.signer_id)
        if signer is None or signer.authority_id != decision.authority_id or (
            not signer.active and signer.id != decision.signer_id
        ):
            signer = None
            problems.append(Msg("Người ký phải là một trong những người ký đang hoạt động của %(authority)s.",
                                authority=decision.authority.name))
    ids = {a.id for a in decision.awards}
    if (set(edit.remove) | set(edit.order)) - ids:
        problems.append(Msg("Danh sách người nhận đã thay đổi, vui lòng tải lại trang."))
    removed = [a for a in decision.awards if a.id in edit.remove]
    if removed and len(removed) == len(decision.awards):
        problems.append(Msg("Dự thảo phải còn ít nhất một người nhận; muốn bỏ tất cả, hãy hủy dự thảo."))
    if any(v < 1 for v in edit.order.values()):
        problems.append(Msg("Thứ tự phải là số nguyên dương."))
    if problems:
        raise DecisionError(Msg.joined(problems))
    return signer, removed


def update_draft(session: Session, decision: Decision, edit: DraftEdit, *, actor: User,
                 expected_version: int | None) -> dict[str, Any]:
    """Save the board's changes to a draft, all or nothing, with one audit row that holds the
    before and after of every changed item, the awards taken off and the awards moved. Returns
    those details; empty when nothing changed (nothing is written then). Refused once the draft
    has been submitted to the chairman (approved and numbered decisions a fortiori)."""
    if decision.state != DecisionState.draft.value or decision.number is not None:
        raise DecisionError(Msg("Quyết định đã trình Chủ tịch hoặc đã được phê duyệt, cấp số: không sửa được nữa."))
    _check_version(decision, expected_version)
    signer, removed = _validate_edit(session, decision, edit)
    before = _draft_state(decision)
    old_rank = {a.id: i for i, a in enumerate(sorted((a for a in decision.awards if a not in removed),
                                                     key=lambda a: (a.position, a.id)))}
    old_snapshot = dict(decision.snapshot or {})
    shown: dict[int, int] = {}  # the place the form showed: 1, 2, 3… within each group
    counts: dict[str, int] = {}
    for a in sorted(decision.awards, key=lambda a: (a.position, a.id)):
        counts[a.kind] = shown[a.id] = counts.get(a.kind, 0) + 1

    def _place(a: Award) -> tuple[int, int, int, int]:
        """Its new place; a row whose number was changed goes before an unchanged one of that number."""
        wanted = edit.order.get(a.id, shown[a.id])
        return wanted, 0 if wanted != shown[a.id] else 1, a.position, a.id

    with session.no_autoflush:  # one UPDATE at the end: the version moves by one
        decision.title = _clean_line(edit.title)[:500]
        decision.achievement_phrase = _clean_line(edit.achievement_phrase) or None
        decision.fund_source = _clean_line(edit.fund_source)[:255] or None
        decision.signer = signer
        decision.proposal_number = _clean_line(edit.proposal_number)[:40] or None
        decision.proposal_date = edit.proposal_date
        decision.decision_date = edit.decision_date
        for a in removed:
            decision.awards.remove(a)
        kept = sorted(decision.awards, key=lambda a: (KIND_ORDER[a.kind], *_place(a)))
        for i, a in enumerate(kept):
            a.position = i
        decision.awards.sort(key=lambda a: a.position)
        apply_money(session, decision, edit.decision_date)  # amounts and căn cứ of the rule set of that date

        snap = dict(decision.snapshot)
        basis = _clean_lines(edit.legal_basis)
        if basis != _clean_lines(old_snapshot.get("legal_basis") or []):
            # Typed by the board: kept as typed, even if the date later moves to another rule set.
            default = [] if snap.get("legal_basis_edited") else _clean_lines(snap.get("legal_basis") or [])
            snap["legal_basis"] = basis
            snap["legal_basis_edited"] = basis != default
        proposer = _clean_line(edit.proposer)[:255]
        if proposer == _clean_line(decision.authority.proposer_title):
            snap.pop("proposer", None)  # the authority's own: follows its settings
        else:
            snap["proposer"] = proposer
        copy_to = _clean_lines(edit.copy_to)
        if copy_to == _default_copy_to(decision.authority):
            snap.pop("copy_to", None)
        else:
            snap["copy_to"] = copy_to
        decision.snapshot = snap
        after = _draft_state(decision)
        changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        moved = [[a.id, a.name, old_rank[a.id] + 1, a.position + 1] for a in decision.awards
                 if a.position != old_rank[a.id]]
    if not (changes or removed or moved):
        return {}
    details: dict[str, Any] = {"changes": changes}
    if removed:
        details["removed"] = [{"award_id": a.id, "nominee_id": a.nominee_id, "name": a.name} for a in removed]
    if moved:
        details["moved"] = moved
    flag_modified(decision, "snapshot")  # the version moves even when only the order changed
    audit.record(session, "decision.updated", actor=actor, obj=decision, unit_id=decision.authority.unit_id,
                 details=details)
    _flush(session)
    return details


def discard_draft(session: Session, decision: Decision, *, actor: User, expected_version: int | None) -> None:
    _check_version(decision, expected_version)
    if decision.state != DecisionState.draft.value:
        raise DecisionError(Msg("Chỉ hủy được dự thảo chưa trình."))
    audit.record(session, "decision.discarded", actor=actor, obj=decision, unit_id=decision.authority.unit_id,
                 details={"title": decision.title})
    session.delete(decision)
    session.flush()


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
        if not (actor.roles_covering(decision.authority.unit) & roles):
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


# ----------------------------------------------------------------------------------- numbering

def _insert(session: Session):
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the app supports these two
        raise RuntimeError(f"unsupported database {name}")
    return insert


def next_number(session: Session, authority_id: int, register: str, year: int) -> int:
    """Take the next number of the register for the year, in the caller's transaction.

    The counter row is created if missing (INSERT ... ON CONFLICT DO NOTHING), then incremented
    with UPDATE ... RETURNING: the row lock serialises concurrent takers, and a rollback gives
    the number back, so there are no duplicates and no gaps (engineering.md §5)."""
    insert = _insert(session)
    session.execute(
        insert(NumberCounter.__table__)
        .values(authority_id=authority_id, register=register, year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["authority_id", "register", "year"])
    )
    table = NumberCounter.__table__
    return session.execute(
        sa.update(table)
        .where(table.c.authority_id == authority_id, table.c.register == register, table.c.year == year)
        .values(last_number=table.c.last_number + 1)
        .returning(table.c.last_number)
    ).scalar_one()


def _raise_counter_to(session: Session, authority_id: int, register: str, year: int, number: int) -> None:
    insert = _insert(session)
    table = NumberCounter.__table__
    session.execute(
        insert(table).values(authority_id=authority_id, register=register, year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["authority_id", "register", "year"])
    )
    session.execute(
        sa.update(table)
        .where(table.c.authority_id == authority_id, table.c.register == register, table.c.year == year,
               table.c.last_number < number)
        .values(last_number=number)
    )


def _set_decision_date(session: Session, decision: Decision, decision_date: date) -> None:
    """The decision date fixes the year of the number and the rule set used for the money."""
    if decision.decision_date != decision_date or decision.rule_set_id is None or not (
        decision.rule_set and decision.rule_set.covers(decision_date)
    ):
        decision.decision_date = decision_date
        apply_money(session, decision, decision_date)
    decision.decision_date = decision_date


def allocate_number(session: Session, decision: Decision, *, actor: User, decision_date: date,
                    expected_version: int | None = None) -> int:
    """The clerk gives the approved decision the next number of the authority's register."""
    _check_version(decision, expected_version)
    if decision.state != DecisionState.approved.value:
        raise DecisionError(Msg("Chỉ cấp số cho quyết định đã được phê duyệt."))
    if decision.number is not None:
        raise DecisionError(Msg("Quyết định đã có số %(number)s.", number=decision.number_label))
    _set_decision_date(session, decision, decision_date)
    number = next_number(session, decision.authority_id, DECISION_REGISTER, decision_date.year)
    decision.number = number
    decision.year = decision_date.year
    decision.number_source = "register"
    decision.numbered_dt = utcnow()
    audit.record(session, "decision.numbered", actor=actor, obj=decision, unit_id=decision.authority.unit_id,
                 details={"number": number, "year": decision.year, "source": "register",
                          "decision_date": decision_date.isoformat()})
    _flush(session)
    return number


def record_external_number(session: Session, decision: Decision, *, actor: User, number: int,
                           decision_date: date, expected_version: int | None = None) -> None:
    """A number given by the e-office system; it must be unused in the register for that year,
    and the register never hands it out afterwards."""
    _check_version(decision, expected_version)
    if decision.state != DecisionState.approved.value:
        raise DecisionError(Msg("Chỉ ghi số cho quyết định đã được phê duyệt."))
    if decision.number is not None:
        raise DecisionError(Msg("Quyết định đã có số %(number)s.", number=decision.number_label))
    if number < 1:
        raise DecisionError(Msg("Số quyết định phải là số nguyên dương."))
    year = decision_date.year
    clash = session.scalar(
        sa.select(Decision).where(Decision.authority_id == decision.authority_id, Decision.year == year,
                                  Decision.number == number, Decision.id != decision.id)
    )
    if clash is not None:
        raise DecisionError(Msg(
            "Số %(number)s năm %(year)s đã được dùng cho quyết định "
            "«%(title)s». Vui lòng kiểm tra lại số trên hệ thống văn bản điện tử.",
            number=f"{number:02d}/{decision.authority.doc_symbol}", year=year, title=clash.title,
        ))
    _set_decision_date(session, decision, decision_date)
    _raise_counter_to(session, decision.authority_id, DECISION_REGISTER, year, number)
    decision.number = number
    decision.year = year
    decision.number_source = "e-office"
    decision.numbered_dt = utcnow()
    audit.record(session, "decision.numbered", actor=actor, obj=decision, unit_id=decision.authority.unit_id,
                 details={"number": number, "year": year, "source": "e-office",
                          "decision_date": decision_date.isoformat()})
    try:
        _flush(session)
    except sa.exc.IntegrityError:
        session.rollback()
        raise DecisionError(Msg("Số %(number)s năm %(year)s vừa được cấp cho quyết định khác.",
                                number=f"{number:02d}", year=year)) from None


# --------------------------------------------------------------------------------------- issue

def is_pdf(data: bytes) -> bool:
    return data[:5] == b"%PDF-"


def certificate_prefix(form: AwardForm) -> str:
    return form.code.split("-")[0].upper()


def authority_suffix(authority: Authority) -> str:
    return authority.code.rsplit("-", 1)[-1].upper()


def issue_certificates(session: Session, decision: Decision) -> list[Certificate]:
    """A serial per authority, form and year (BK-NB-2027-000123) and a verification code of
    128 random bits for every active award without a certificate."""
    prefix = certificate_prefix(decision.award_form)
    register = f"CERT-{prefix}"
    year = decision.decision_date.year
    out = []
    for a in decision.awards:
        if a.status != AwardStatus.active.value or a.certificate is not None:
            continue
        n = next_number(session, decision.authority_id, register, year)
        cert = Certificate(award=a, serial=f"{prefix}-{authority_suffix(decision.authority)}-{year}-{n:06d}",
                           verification_code=secrets.token_urlsafe(16))
        session.add(cert)
        out.append(cert)
    return out


def issue_decision(session: Session, decision: Decision, *, actor: User, scan_filename: str, scan_data: bytes,
                   decision_date: date | None = None, expected_version: int | None = None) -> None:
    """The signed scan is uploaded: the decision is issued, its awards enter the register, the
    dossiers fire ``issue`` and certificates get serials. Numbers the decision first if needed
    (in this same transaction)."""
    _check_version(decision, expected_version)
    if decision.state != DecisionState.approved.value:
        raise DecisionError(Msg("Chỉ ban hành quyết định đã được phê duyệt."))
    if not is_pdf(scan_data):
        raise DecisionError(Msg("Tệp bản ký phải là tệp PDF (nội dung bắt đầu bằng %%PDF-)."))
    if decision.number is None:
        allocate_number(session, decision, actor=actor, decision_date=decision_date or decision.decision_date)
    now = utcnow()
    path = decision_path(decision.award_form.workflow)
    assert path is not None
    _fire_all(session, decision, path.issue_transition, actor=actor, extra={"decision_numbered": True})
    decision.scan_filename = scan_filename[:255]
    decision.scan_data = scan_data
    decision.issued_dt = now
    for a in decision.awards:
        if a.status == AwardStatus.proposed.value:
            a.status = AwardStatus.active.value
    _set_state(session, decision, DecisionState.issued, actor=actor, action="decision.issued",
               details={"number": decision.number, "year": decision.year, "awards": len(decision.awards),
                        "total": decision.total_amount})
    _flush(session)
    issue_certificates(session, decision)
    _flush(session)


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


__all__ = [
    "DraftEdit", "update_draft", "draft_values", "UpwardProposal", "upward_proposal", "upward_proposal_states",
    "upward_recipients", "proposal_authority", "record_upward_download",
    "DecisionError", "StaleDecision", "DecisionPath", "decision_path", "ready_dossiers", "prepare_decision",
    "submit_decision", "approve_decision", "return_decision", "allocate_number", "record_external_number",
    "issue_decision", "revoke_decision", "revoke_award", "issue_certificates", "next_number", "apply_money",
    "datetime",
]
