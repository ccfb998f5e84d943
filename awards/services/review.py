"""The emulation board's work: the queue of dossiers waiting for a user, appraisal outcomes per
nominee, the appraisal opinion, earlier awards of each nominee, and bulk transitions."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from workflows.messages import Msg

from ..access import deciding_scope_clause, unit_in_scope_clause
from ..documents.vietnamese import fold
from ..models import (
    Appraisal, Award, AwardForm, AwardStatus, Decision, DecisionState, Dossier, Nominee, NomineeOutcome, Role,
    User, utcnow,
)
from ..workflow import get_workflows
from . import audit
from .transitions import StaleDossier, TransitionRejected, fire

# ------------------------------------------------------------------------------------- queue

SORTS = {
    "overdue": Msg("Quá hạn trước"),
    "oldest": Msg("Chờ lâu nhất"),
    "newest": Msg("Mới nhất"),
    "unit": Msg("Theo đơn vị"),
}


@dataclass
class QueueFilters:
    round_id: int | None = None
    unit_id: int | None = None
    form_id: int | None = None
    kind: str | None = None
    state: str | None = None
    q: str | None = None
    sort: str = "overdue"
    page: int = 1
    per_page: int = 20


@dataclass
class QueuePage:
    rows: list[tuple[Dossier, int]]
    total: int
    page: int
    per_page: int
    states: list[tuple[str, str]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def waiting_pairs(user: User) -> dict[str, list[tuple[str, str]]]:
    """For each role of the user: the (workflow, state) pairs that role is responsible for."""
    out: dict[str, list[tuple[str, str]]] = {}
    for wf in get_workflows().values():
        for s in wf.states.values():
            if s.final or s.responsible_role is None:
                continue
            if user.has_role(s.responsible_role) or user.has_role(Role.admin):
                out.setdefault(s.responsible_role if not user.has_role(Role.admin) else "admin", []).append(
                    (wf.name, s.name))
    return out


def waiting_clause(user: User):
    """Dossiers whose state a role of the user handles, in that role's scope."""
    parts = []
    for role, pairs in waiting_pairs(user).items():
        states = sa.or_(*[sa.and_(Dossier.workflow == w, Dossier.state == s) for w, s in pairs])
        roles = None if role == "admin" else {role}
        parts.append(sa.and_(states, unit_in_scope_clause(Dossier.unit_id, user, roles),
                             deciding_scope_clause(user, roles)))
    return sa.or_(*parts) if parts else sa.false()


def queue(session: Session, user: User, f: QueueFilters) -> QueuePage:
    """One page of the work queue: two queries whatever the page size."""
    nominee_count = (
        sa.select(sa.func.count(Nominee.id)).where(Nominee.dossier_id == Dossier.id).correlate(Dossier)
        .scalar_subquery()
    )
    conds = [waiting_clause(user)]
    if f.round_id:
        conds.append(Dossier.round_id == f.round_id)
    if f.unit_id:
        conds.append(Dossier.unit_id == f.unit_id)
    if f.form_id:
        conds.append(Dossier.award_form_id == f.form_id)
    if f.state:
        conds.append(Dossier.state == f.state)
    if f.kind:
        conds.append(Dossier.id.in_(sa.select(Nominee.dossier_id).where(Nominee.kind == f.kind)))
    if f.q:
        key = fold(f.q)
        if key:
            pattern = f"%{key}%"
            conds.append(Dossier.id.in_(
                sa.select(Nominee.dossier_id).where(Nominee.name_key.like(pattern))))
    where = sa.and_(*conds)
    total = session.scalar(sa.select(sa.func.count()).select_from(Dossier).where(where)) or 0
    order = {
        "overdue": [Dossier.overdue.desc(), Dossier.state_since_dt.asc()],
        "oldest": [Dossier.state_since_dt.asc()],
        "newest": [Dossier.state_since_dt.desc()],
        "unit": [Dossier.unit_id.asc(), Dossier.state_since_dt.asc()],
    }.get(f.sort, [Dossier.overdue.desc(), Dossier.state_since_dt.asc()])
    page = max(1, f.page)
    # Sort and cut the page on the dossier table alone; the eager joins then load only that page.
    page_ids = (
        sa.select(Dossier.id).where(where).order_by(*order, Dossier.id)
        .limit(f.per_page).offset((page - 1) * f.per_page).scalar_subquery()
    )
    # The rows show the unit's, form's and round's names only: join those three and nothing below
    # them (the models' default eager chains would pull authorities, movements and round forms).
    rows = session.execute(
        sa.select(Dossier, nominee_count.label("n")).where(Dossier.id.in_(page_ids)).order_by(*order, Dossier.id)
        .options(*(joinedload(rel).lazyload("*") for rel in (Dossier.unit, Dossier.award_form, Dossier.round)))
    ).unique().all()
    return QueuePage(rows=[(d, n) for d, n in rows], total=total, page=page, per_page=f.per_page)


# ---------------------------------------------------------------------------------- appraisal

OUTCOME_CHOICES = [NomineeOutcome.eligible.value, NomineeOutcome.ineligible.value, NomineeOutcome.other_form.value]


class AppraisalError(Exception):
    """A Vietnamese message saying what to fix (a Msg: translated where it is shown)."""


def can_appraise(user: User, dossier: Dossier) -> bool:
    return dossier.state == "appraising" and Role.board_specialist.value in user.roles_for_dossier(dossier)


def set_outcome(
    session: Session,
    nominee: Nominee,
    *,
    actor: User,
    outcome: str,
    reason: str | None = None,
    other_form: AwardForm | None = None,
    return_reason: str | None = None,
    expected_version: int | None = None,
) -> None:
    """Record the appraisal result of one nominee."""
    if expected_version is not None and expected_version != nominee.version:
        raise StaleDossier()
    dossier = nominee.dossier
    if not can_appraise(actor, dossier):
        raise AppraisalError(Msg("Chỉ chuyên viên thẩm định được ghi kết quả khi hồ sơ đang ở bước thẩm định."))
    reason = (reason or "").strip() or None
    return_reason = (return_reason or "").strip() or None
    if outcome not in OUTCOME_CHOICES:
        raise AppraisalError(Msg("Vui lòng chọn kết quả thẩm định."))
    if outcome == NomineeOutcome.ineligible.value and not reason:
        raise AppraisalError(Msg("«%(name)s»: vui lòng nhập lý do không đủ điều kiện.", name=nominee.name))
    if outcome == NomineeOutcome.other_form.value:
        if other_form is None:
            raise AppraisalError(Msg("«%(name)s»: vui lòng chọn hình thức khen thưởng đề nghị thay thế.",
                                     name=nominee.name))
        if other_form.id == nominee.award_form_id:
            raise AppraisalError(Msg("«%(name)s»: hình thức thay thế phải khác hình thức đơn vị đề nghị.",
                                     name=nominee.name))
        if not other_form.allows(nominee.kind):
            raise AppraisalError(Msg("«%(name)s»: hình thức «%(form)s» không áp dụng cho %(kind)s.",
                                     name=nominee.name, form=other_form.name,
                                     kind=Msg(nominee.kind_label).lower()))
    old = nominee.outcome
    nominee.outcome = outcome
    nominee.outcome_reason = reason
    nominee.outcome_form_id = other_form.id if outcome == NomineeOutcome.other_form.value and other_form else None
    nominee.return_reason = return_reason
    audit.record(session, "nominee.appraised", actor=actor, obj=nominee, unit_id=dossier.unit_id,
                 old_state=old, new_state=outcome,
                 details={"reason": reason, "other_form_id": nominee.outcome_form_id, "dossier_id": dossier.id})
    _flush(session)


def save_opinion(session: Session, dossier: Dossier, *, actor: User, opinion: str,
                 expected_version: int | None = None) -> Appraisal:
    if expected_version is not None and expected_version != dossier.version:
        raise StaleDossier()
    if not can_appraise(actor, dossier):
        raise AppraisalError(Msg("Chỉ chuyên viên thẩm định được ghi ý kiến khi hồ sơ đang ở bước thẩm định."))
    opinion = (opinion or "").strip()
    if not opinion:
        raise AppraisalError(Msg("Vui lòng nhập ý kiến thẩm định."))
    a = session.scalar(sa.select(Appraisal).where(Appraisal.dossier_id == dossier.id))
    if a is None:
        a = Appraisal(dossier_id=dossier.id, opinion=opinion, appraiser_id=actor.id)
        session.add(a)
    else:
        a.opinion = opinion
        a.appraiser_id = actor.id
        a.updated_dt = utcnow()
    audit.record(session, "dossier.appraisal_opinion", actor=actor, obj=dossier, details={"length": len(opinion)})
    session.flush()
    return a


def _flush(session: Session) -> None:
    from sqlalchemy.orm.exc import StaleDataError

    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise StaleDossier() from None


def earlier_awards(session: Session, nominees: Iterable[Nominee]) -> dict[int, list[Award]]:
    """Active register entries matching each nominee by citizen ID, or by name key and birth year.
    One query for all nominees."""
    nominees = list(nominees)
    if not nominees:
        return {}
    ids = {n.citizen_id for n in nominees if n.citizen_id}
    pairs = {(n.name_key, n.birth_year) for n in nominees if n.name_key}
    conds = []
    if ids:
        conds.append(Award.citizen_id.in_(ids))
    for key, year in pairs:
        conds.append(sa.and_(Award.name_key == key,
                             Award.birth_year == year if year is not None else Award.birth_year.is_(None)))
    if not conds:
        return {}
    rows = session.scalars(
        sa.select(Award).join(Decision, Award.decision_id == Decision.id)
        .where(Award.status == AwardStatus.active.value, Decision.state == DecisionState.issued.value,
               sa.or_(*conds))
        .options(sa.orm.contains_eager(Award.decision))
        .order_by(Decision.decision_date.desc())
    ).all()
    out: dict[int, list[Award]] = {n.id: [] for n in nominees}
    for n in nominees:
        for a in rows:
            if a.nominee_id == n.id:
                continue
            if (n.citizen_id and a.citizen_id == n.citizen_id) or (
                a.name_key == n.name_key and a.birth_year == n.birth_year and a.kind == n.kind
            ):
                out[n.id].append(a)
    return out


def duplicate_flags(session: Session, dossier: Dossier) -> dict[int, list[Any]]:
    """Possible duplicates of each nominee in the round (awards.rules.duplicates)."""
    from ..rules.duplicates import dossier_flags

    return dossier_flags(session, dossier)


# ------------------------------------------------------------------------------------ bulk

@dataclass
class BulkResult:
    done: list[Dossier]


def bulk_fire(session: Session, items: list[tuple[Dossier, int]], transition: str, *, actor: User,
              comment: str | None = None) -> BulkResult:
    """Fire the same transition on several dossiers: all or nothing."""
    done = []
    for dossier, version in items:
        try:
            fire(session, dossier, transition, actor=actor, comment=comment, expected_version=version)
        except TransitionRejected as exc:
            raise TransitionRejected([Msg("«%(title)s» (%(unit)s): %(reason)s", title=dossier.title,
                                          unit=dossier.unit.name, reason=r) for r in exc.reasons]) from None
        done.append(dossier)
    return BulkResult(done=done)
