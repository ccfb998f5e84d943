"""Upward proposals: the province's tờ trình proposing its nominees for an award of the higher
level (such a workflow ends without a decision of ours)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, tzinfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workflows.messages import Msg, message_of
from workflows.runtime import Workflow

from ...models import (
    AgendaItem, Authority, AwardForm, CouncilSession, Dossier, Nominee, NomineeOutcome, SessionKind, SessionStatus,
    Signer, UpwardProposalNumber, User, WorkflowHistory,
)
from ...rules.money import NoRuleSet, rule_set_on
from ...workflow import get_workflow
from .. import audit
from .common import DecisionError


UPWARD_PROPOSAL_TRANSITION = "submit_proposal"
SIGN_PROPOSAL_TRANSITION = "sign_proposal"


def upward_proposal_states(workflow_name: str) -> frozenset[str]:
    """The states in which the province's tờ trình to the higher level exists: from the one where
    it is prepared (the source of ``submit_proposal``, after the council and the public comment)
    to the central result. Empty for a workflow without that step."""
    wf = get_workflow(workflow_name)
    try:
        return reachable_states(wf, wf.transition(UPWARD_PROPOSAL_TRANSITION).sources)
    except KeyError:
        return frozenset()


def signed_proposal_states(workflow_name: str) -> frozenset[str]:
    """The states in which the chairman has signed the tờ trình (from the target of
    ``sign_proposal`` on): the văn thư may number it. Empty for a workflow without that step."""
    wf = get_workflow(workflow_name)
    try:
        return reachable_states(wf, [wf.transition(SIGN_PROPOSAL_TRANSITION).target])
    except KeyError:
        return frozenset()


def reachable_states(wf: Workflow, start: Iterable[str]) -> frozenset[str]:
    """``start`` and every state reachable from it through the workflow's transitions."""
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
    # The văn thư's number and date, once given (awards.services.decisions.upward_numbering).
    number: UpwardProposalNumber | None = None


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
        from ...documents.vietnamese import format_date

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
        number=upward_number(session, dossier, form.id),
    )


def upward_number(session: Session, dossier: Dossier, form_id: int) -> UpwardProposalNumber | None:
    """The number the văn thư gave the dossier's tờ trình for the upward form, if any."""
    return session.scalar(sa.select(UpwardProposalNumber).where(
        UpwardProposalNumber.dossier_id == dossier.id, UpwardProposalNumber.award_form_id == form_id))


def record_upward_download(session: Session, up: UpwardProposal, *, actor: User, filename: str) -> None:
    """Every download of the tờ trình leaves an audit row on the dossier, like the other documents."""
    audit.record(session, "dossier.download", actor=actor, obj=up.dossier,
                 details={"file": filename, "document": "upward_proposal", "award_form_id": up.award_form.id,
                          "nominees": len(up.nominees)})
    session.flush()
