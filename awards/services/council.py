"""Council sessions: the agenda of appraised nominees, attendance and quorum, written opinions of
absent members, votes per nominee counted against the workflow definition's VoteRule, and the
results fed back into the workflow (``council_vote`` with the tally, or ``standing_agree``)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from workflows.engine import VoteResult, VoteRule, VoteTally, tally
from workflows.messages import Msg, message_of

from ..access import unit_in_scope_clause
from ..models import (
    AgendaItem, CouncilMember, CouncilSession, Dossier, Nominee, NomineeOutcome, Role, SessionKind, SessionStatus,
    Unit, User, Vote, VoteChoice, WrittenOpinion, utcnow,
)
from ..models.council import SESSION_KIND_WORKFLOW
from ..workflow import get_workflow
from . import audit
from .transitions import TransitionRejected, fire

STALE_SESSION = Msg("Đã có người khác cập nhật phiên họp này, vui lòng tải lại.")


class CouncilError(Exception):
    """A Vietnamese message saying what to fix (a Msg: translated where it is shown)."""


class StaleSession(CouncilError):
    def __init__(self) -> None:
        super().__init__(STALE_SESSION)


@dataclass(frozen=True)
class MemberSpec:
    full_name: str
    position_title: str | None = None
    is_standing: bool = False
    user_id: int | None = None


def vote_rule(kind: str) -> VoteRule | None:
    """The VoteRule of the workflow transition this kind of session feeds (None: standing review)."""
    if kind != SessionKind.council.value:
        return None
    workflow, _state = SESSION_KIND_WORKFLOW[SessionKind.council]
    return get_workflow(workflow).transition("council_vote").vote


def _check(cs: CouncilSession, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != cs.version:
        raise StaleSession()
    if not cs.is_open:
        raise CouncilError(Msg("Phiên họp đã kết thúc, không thể thay đổi."))


def _flush(session: Session) -> None:
    from sqlalchemy.orm.exc import StaleDataError

    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise StaleSession() from None


def _bump(cs: CouncilSession) -> None:
    """Changes to members or items count as a change of the session (optimistic lock)."""
    from sqlalchemy.orm.attributes import flag_modified

    flag_modified(cs, "status")


# --------------------------------------------------------------------------------- the agenda

def agenda_candidates(session: Session, user: User, kind: str) -> list[Dossier]:
    """Dossiers waiting for this kind of session in the user's scope, with nominees to consider
    (eligible or proposed another form) that are not on the agenda of an open session."""
    workflow, state = SESSION_KIND_WORKFLOW[SessionKind(kind)]
    on_open = (
        sa.select(AgendaItem.dossier_id).join(CouncilSession, AgendaItem.session_id == CouncilSession.id)
        .where(CouncilSession.status == SessionStatus.open.value)
    )
    return list(session.scalars(
        sa.select(Dossier)
        .where(Dossier.workflow == workflow, Dossier.state == state, Dossier.id.not_in(on_open),
               unit_in_scope_clause(Dossier.unit_id, user, {Role.council_secretary.value}))
        .options(selectinload(Dossier.nominees))
        .order_by(Dossier.unit_id, Dossier.id)
    ).unique())


def considered(dossier: Dossier) -> list[Nominee]:
    return [n for n in dossier.nominees
            if n.outcome in (NomineeOutcome.eligible.value, NomineeOutcome.other_form.value)]


def create_session(
    session: Session,
    *,
    actor: User,
    kind: str,
    unit: Unit,
    title: str,
    meeting_date: date,
    members: list[MemberSpec],
    dossiers: Iterable[Dossier],
    location: str | None = None,
    agenda_notes: str | None = None,
) -> CouncilSession:
    if kind not in SessionKind.values():
        raise CouncilError(Msg("Loại phiên họp không hợp lệ."))
    if not members:
        raise CouncilError(Msg("Vui lòng nhập danh sách thành viên Hội đồng."))
    dossiers = list(dossiers)
    if not dossiers:
        raise CouncilError(Msg("Không có hồ sơ nào để đưa vào chương trình họp."))
    workflow, state = SESSION_KIND_WORKFLOW[SessionKind(kind)]
    cs = CouncilSession(kind=kind, unit_id=unit.id, title=title.strip(), meeting_date=meeting_date,
                        location=(location or "").strip() or None, agenda_notes=(agenda_notes or "").strip() or None,
                        created_by_id=actor.id)
    for i, m in enumerate(members):
        cs.members.append(CouncilMember(full_name=m.full_name, position_title=m.position_title,
                                        is_standing=m.is_standing, user_id=m.user_id, position=i))
    pos = 0
    for d in dossiers:
        if d.workflow != workflow or d.state != state:
            raise CouncilError(Msg("Hồ sơ «%(title)s» không ở bước chờ xét tại %(session)s.",
                                   title=d.title, session=Msg(cs.kind_label).lower()))
        for n in considered(d):
            cs.items.append(AgendaItem(dossier_id=d.id, nominee_id=n.id, position=pos))
            pos += 1
    if not cs.items:
        raise CouncilError(Msg("Các hồ sơ đã chọn không có đối tượng nào đủ điều kiện để xét."))
    session.add(cs)
    session.flush()
    audit.record(session, "council.session_created", actor=actor, obj=cs, unit_id=unit.id,
                 details={"kind": kind, "members": len(members), "items": len(cs.items),
                          "dossiers": [d.id for d in dossiers]})
    session.flush()
    return cs


# ------------------------------------------------------------------------ attendance, opinions

def set_attendance(session: Session, cs: CouncilSession, *, actor: User, present_ids: set[int],
                   expected_version: int | None = None) -> None:
    _check(cs, expected_version)
    for m in cs.members:
        m.present = m.id in present_ids
    _bump(cs)
    audit.record(session, "council.attendance", actor=actor, obj=cs, unit_id=cs.unit_id,
                 details={"present": cs.present_count, "members": len(cs.members)})
    _flush(session)


def add_written_opinion(session: Session, cs: CouncilSession, *, actor: User, member: CouncilMember, content: str,
                        agrees: bool | None, expected_version: int | None = None) -> WrittenOpinion:
    _check(cs, expected_version)
    if member.session_id != cs.id:
        raise CouncilError(Msg("Thành viên không thuộc phiên họp này."))
    if member.present:
        raise CouncilError(Msg("%(name)s có mặt tại phiên họp; ý kiến bằng văn bản dành cho thành viên vắng mặt.",
                               name=member.full_name))
    content = (content or "").strip()
    if not content:
        raise CouncilError(Msg("Vui lòng nhập nội dung ý kiến."))
    op = session.scalar(sa.select(WrittenOpinion).where(WrittenOpinion.session_id == cs.id,
                                                        WrittenOpinion.member_id == member.id))
    if op is None:
        op = WrittenOpinion(member_id=member.id, content=content, agrees=agrees)
        cs.opinions.append(op)
    else:
        op.content, op.agrees = content, agrees
    _bump(cs)
    audit.record(session, "council.written_opinion", actor=actor, obj=cs, unit_id=cs.unit_id,
                 details={"member": member.full_name, "agrees": agrees})
    _flush(session)
    return op


# ------------------------------------------------------------------------------------- votes

def item_tally(cs: CouncilSession, item: AgendaItem) -> VoteTally:
    """The count of one item as the engine takes it (raises ValueError on impossible counts)."""
    return VoteTally(members=len(cs.members), present=cs.present_count, yes=item.yes, no=item.no,
                     abstain=item.abstain)


def item_result(cs: CouncilSession, item: AgendaItem) -> VoteResult | None:
    rule = vote_rule(cs.kind)
    if rule is None or not item.counted:
        return None
    return tally(rule, item_tally(cs, item))


def record_tally(session: Session, cs: CouncilSession, item: AgendaItem, *, actor: User, yes: int, no: int,
                 abstain: int, expected_version: int | None = None) -> VoteResult:
    """The counted result of a secret ballot on one nominee (biên bản kiểm phiếu)."""
    _check(cs, expected_version)
    rule = vote_rule(cs.kind)
    if rule is None:
        raise CouncilError(Msg("Phiên họp Thường trực không bỏ phiếu; vui lòng ghi ý kiến thống nhất."))
    try:
        t = VoteTally(members=len(cs.members), present=cs.present_count, yes=yes, no=no, abstain=abstain)
    except (TypeError, ValueError) as exc:
        raise CouncilError(message_of(exc)) from None
    item.yes, item.no, item.abstain, item.counted = yes, no, abstain, True
    result = tally(rule, t)
    item.passed = result.passed
    item.result = result.to_dict()
    _bump(cs)
    audit.record(session, "council.tally", actor=actor, obj=cs, unit_id=cs.unit_id,
                 details={"nominee_id": item.nominee_id, "yes": yes, "no": no, "abstain": abstain,
                          "passed": result.passed, "quorum_met": result.quorum_met})
    _flush(session)
    return result


def record_open_votes(session: Session, cs: CouncilSession, item: AgendaItem, *, actor: User,
                      choices: dict[int, str], expected_version: int | None = None) -> VoteResult:
    """Individual open votes of the members present; the item's counts follow from them."""
    _check(cs, expected_version)
    present = {m.id: m for m in cs.members if m.present}
    for member_id, choice in choices.items():
        if member_id not in present:
            raise CouncilError(Msg("Chỉ thành viên có mặt được biểu quyết."))
        if choice not in VoteChoice.values():
            raise CouncilError(Msg("Lựa chọn biểu quyết không hợp lệ."))
    existing = {v.member_id: v for v in item.votes}
    for member_id, choice in choices.items():
        if member_id in existing:
            existing[member_id].choice = choice
        else:
            item.votes.append(Vote(member_id=member_id, choice=choice))
    counts = {c: 0 for c in VoteChoice.values()}
    for v in item.votes:
        if v.member_id in present:
            counts[v.choice] += 1
    session.flush()
    return record_tally(session, cs, item, actor=actor, yes=counts["yes"], no=counts["no"],
                        abstain=counts["abstain"])


def record_standing(session: Session, cs: CouncilSession, item: AgendaItem, *, actor: User, agreed: bool,
                    expected_version: int | None = None) -> None:
    _check(cs, expected_version)
    if cs.kind != SessionKind.standing.value:
        raise CouncilError(Msg("Chỉ phiên họp Thường trực ghi ý kiến thống nhất."))
    item.agreed = agreed
    item.passed = agreed
    _bump(cs)
    audit.record(session, "council.standing_opinion", actor=actor, obj=cs, unit_id=cs.unit_id,
                 details={"nominee_id": item.nominee_id, "agreed": agreed})
    _flush(session)


def standing_quorum_problem(cs: CouncilSession) -> str | None:
    """More than half of the standing members present (all members when none is marked)."""
    standing = [m for m in cs.members if m.is_standing] or cs.members
    present = sum(1 for m in standing if m.present)
    need = len(standing) // 2 + 1
    if present < need:
        return Msg("Không đủ thành viên Thường trực dự họp: cần ít nhất %(need)s trên %(members)s, "
                   "chỉ có %(present)s.", need=need, members=len(standing), present=present)
    return None


# ------------------------------------------------------------------------------- closing

def close_session(session: Session, cs: CouncilSession, *, actor: User, conclusion: str | None = None,
                  expected_version: int | None = None) -> dict[int, str]:
    """Feed the results into the workflow and close the session. Returns {dossier_id: new state}.

    Nominees that did not pass become ineligible with the reason; a dossier passes when at least
    one of its nominees passed (partial approval): ``council_vote`` is fired with the tally of
    its best nominee, so a dossier none of whose nominees reached the threshold is rejected."""
    _check(cs, expected_version)
    by_dossier: dict[int, list[AgendaItem]] = {}
    for item in cs.items:
        by_dossier.setdefault(item.dossier_id, []).append(item)
    out: dict[int, str] = {}
    if cs.kind == SessionKind.council.value:
        missing = [i.nominee.name for i in cs.items if not i.counted]
        if missing:
            raise CouncilError(Msg("Chưa nhập kết quả biểu quyết của: %(names)s.", names=", ".join(missing[:5])))
        rule = vote_rule(cs.kind)
        assert rule is not None
        for dossier_id, items in by_dossier.items():
            dossier = items[0].dossier
            results = [(item, tally(rule, item_tally(cs, item))) for item in items]
            quorum = results[0][1]
            if not quorum.quorum_met:
                raise CouncilError(Msg.joined(quorum.reasons))
            for item, r in results:
                item.passed = r.passed
                item.result = r.to_dict()
                if not r.passed:
                    _not_passed(item, "Hội đồng Thi đua - Khen thưởng không thông qua: " + " ".join(r.reasons))
            best = max(results, key=lambda ir: (ir[1].passed, ir[0].yes))[0]
            try:
                res = fire(session, dossier, "council_vote", actor=actor, tally=item_tally(cs, best),
                           comment=(conclusion or "").strip() or None)
            except TransitionRejected as exc:
                raise CouncilError(Msg("Hồ sơ «%(title)s»: %(reason)s", title=dossier.title, reason=exc)) from None
            out[dossier_id] = res.to_state
    else:
        problem = standing_quorum_problem(cs)
        if problem:
            raise CouncilError(problem)
        undecided = [i.nominee.name for i in cs.items if i.agreed is None]
        if undecided:
            raise CouncilError(Msg("Chưa ghi ý kiến của Thường trực đối với: %(names)s.",
                                   names=", ".join(undecided[:5])))
        for dossier_id, items in by_dossier.items():
            dossier = items[0].dossier
            for item in items:
                if not item.agreed:
                    _not_passed(item, "Thường trực Hội đồng Thi đua - Khen thưởng không thống nhất đề nghị.")
            agreed = [i for i in items if i.agreed]
            try:
                if agreed:
                    res = fire(session, dossier, "standing_agree", actor=actor,
                               comment=(conclusion or "").strip() or None)
                else:
                    res = fire(session, dossier, "standing_disagree", actor=actor,
                               comment=(conclusion or "").strip()
                               or "Thường trực Hội đồng không thống nhất đề nghị khen thưởng.")
            except TransitionRejected as exc:
                raise CouncilError(Msg("Hồ sơ «%(title)s»: %(reason)s", title=dossier.title, reason=exc)) from None
            out[dossier_id] = res.to_state
    cs.status = SessionStatus.closed.value
    cs.closed_dt = utcnow()
    cs.conclusion = (conclusion or "").strip() or None
    audit.record(session, "council.session_closed", actor=actor, obj=cs, unit_id=cs.unit_id,
                 old_state=SessionStatus.open.value, new_state=SessionStatus.closed.value,
                 details={"results": {str(k): v for k, v in out.items()}})
    _flush(session)
    return out


def _not_passed(item: AgendaItem, reason: str) -> None:
    n = item.nominee
    n.outcome = NomineeOutcome.ineligible.value
    n.outcome_reason = reason
    n.outcome_form_id = None
