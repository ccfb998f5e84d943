"""Figures of a movement's round (or of every round of a movement): what was proposed, what was
awarded, what was returned or refused, money, priority groups and the movement's indicators.

Read-only. The nominees counted are those of dossiers that reached the board (not drafts, not
withdrawn) in the user's scope; a nominee is *awarded* when an issued decision holds an active
award for it. Everything is computed from five queries, whatever the size of the round.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from workflows.messages import Msg

from ..access import unit_in_scope_clause
from ..documents.vietnamese import fold
from ..models import (
    RECIPIENT_KIND_LABELS, Award, AwardForm, AwardStatus, Decision, DecisionState, Dossier, Gender, Movement,
    MovementIndicator, Nominee, NomineeIndicatorValue, NomineeOutcome, RecipientKind, Round, Unit, User,
    WorkflowHistory,
)

#: Dossier states that never reached the board.
NOT_SUBMITTED = ("draft", "withdrawn")
#: Dossier states that end without an award.
REFUSED_STATES = ("rejected", "not_awarded")
RETURN_TRANSITION = "return_to_unit"
#: Roles that read reports; their scopes bound what a report counts.
REPORT_ROLES = {"board_specialist", "board_lead", "signer", "admin"}
KINDS = [k.value for k in RecipientKind]


@dataclass
class Breakdown:
    """One line of a table by unit, form or recipient kind."""

    key: int | str
    label: str
    proposed: int = 0
    awarded: int = 0
    collective: int = 0
    individual: int = 0
    household: int = 0
    amount: int = 0

    def add_award(self, kind: str, amount: int) -> None:
        self.awarded += 1
        setattr(self, kind, getattr(self, kind) + 1)
        self.amount += amount


@dataclass
class Outcome:
    code: str
    label: str
    dossiers: int
    nominees: int


@dataclass
class Share:
    """A priority group among individuals (Luật TĐKT: non-leaders, women, ethnic minorities)."""

    code: str
    label: str
    awarded: int
    awarded_total: int
    proposed: int
    proposed_total: int

    @staticmethod
    def _pct(n: int, total: int) -> float:
        return round(100.0 * n / total, 1) if total else 0.0

    @property
    def awarded_percent(self) -> float:
        return self._pct(self.awarded, self.awarded_total)

    @property
    def proposed_percent(self) -> float:
        return self._pct(self.proposed, self.proposed_total)


@dataclass
class IndicatorTotal:
    code: str
    label: str
    unit_label: str
    proposed: Decimal = Decimal(0)
    awarded: Decimal = Decimal(0)


@dataclass
class RoundReport:
    movement: Movement
    round: Round | None
    units_count: int = 0
    dossiers_total: int = 0
    nominees_total: int = 0
    awarded_total: int = 0
    amount_total: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    by_unit: list[Breakdown] = field(default_factory=list)
    by_form: list[Breakdown] = field(default_factory=list)
    by_kind: list[Breakdown] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)
    indicators: list[IndicatorTotal] = field(default_factory=list)

    @property
    def scope_label(self) -> str:
        return self.round.name if self.round is not None else Msg("Tất cả các đợt")

    def outcome(self, code: str) -> Outcome:
        return next(o for o in self.outcomes if o.code == code)


def is_ethnic_minority(ethnicity: str | None) -> bool:
    folded = fold(ethnicity)
    return bool(folded) and folded not in ("kinh", "dan toc kinh")


def round_report(session: Session, user: User, movement: Movement, round_: Round | None = None) -> RoundReport:
    """The figures of ``round_`` (or of every round of ``movement``) within the user's scope."""
    report = RoundReport(movement=movement, round=round_)
    if round_ is not None:
        round_ids = sa.select(sa.literal(round_.id))
        round_filter = Dossier.round_id == round_.id
    else:
        round_ids = sa.select(Round.id).where(Round.movement_id == movement.id)
        round_filter = Dossier.round_id.in_(round_ids)
    dossier_ids = sa.select(Dossier.id).where(
        round_filter, Dossier.state.not_in(NOT_SUBMITTED),
        unit_in_scope_clause(Dossier.unit_id, user, REPORT_ROLES),
    )

    # 1. Dossiers (unit, form, state) and whether each was ever returned to its unit.
    returned = sa.exists().where(WorkflowHistory.dossier_id == Dossier.id,
                                 WorkflowHistory.transition == RETURN_TRANSITION)
    dossiers = session.execute(
        sa.select(Dossier.id, Dossier.unit_id, Dossier.award_form_id, Dossier.state, returned.label("returned"))
        .where(Dossier.id.in_(dossier_ids))
    ).all()

    # 2. Nominees with their award (issued decision), if any.
    awarded_award = (
        sa.select(Award.nominee_id, Award.amount, Award.status, Award.kind, Award.unit_id,
                  Decision.award_form_id.label("decision_form_id"), Decision.state.label("decision_state"))
        .join(Award.decision)
        .where(Decision.state.in_((DecisionState.issued.value, DecisionState.revoked.value)),
               Award.nominee_id.is_not(None))
        .subquery()
    )
    nominees = session.execute(
        sa.select(Nominee.id, Nominee.dossier_id, Nominee.kind, Nominee.gender, Nominee.is_leader,
                  Nominee.ethnicity, Nominee.outcome, awarded_award.c.amount, awarded_award.c.status,
                  awarded_award.c.decision_form_id, awarded_award.c.decision_state, awarded_award.c.unit_id)
        .outerjoin(awarded_award, awarded_award.c.nominee_id == Nominee.id)
        .where(Nominee.dossier_id.in_(dossier_ids))
        .order_by(Nominee.id)
    ).all()

    # 3. Indicator values reported in those nominations.
    indicators = session.scalars(
        sa.select(MovementIndicator).where(MovementIndicator.movement_id == movement.id)
        .order_by(MovementIndicator.position, MovementIndicator.id)
    ).all()
    values = session.execute(
        sa.select(NomineeIndicatorValue.nominee_id, NomineeIndicatorValue.indicator_id, NomineeIndicatorValue.value)
        .where(NomineeIndicatorValue.nominee_id.in_(sa.select(Nominee.id).where(Nominee.dossier_id.in_(dossier_ids))))
    ).all()

    # 4. Names of the units and forms that appear.
    unit_ids = {d.unit_id for d in dossiers} | {n.unit_id for n in nominees if n.unit_id}
    form_ids = {d.award_form_id for d in dossiers} | {n.decision_form_id for n in nominees if n.decision_form_id}
    unit_names = dict(session.execute(sa.select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids))).all()) \
        if unit_ids else {}
    form_rows = session.execute(sa.select(AwardForm.id, AwardForm.name, AwardForm.rank)
                                .where(AwardForm.id.in_(form_ids))).all() if form_ids else []

    dossier_by_id = {d.id: d for d in dossiers}
    by_unit: dict[int, Breakdown] = {}
    by_form = {f.id: Breakdown(f.id, f.name) for f in sorted(form_rows, key=lambda f: (-f.rank, f.name))}
    by_kind = {k: Breakdown(k, RECIPIENT_KIND_LABELS[RecipientKind(k)]) for k in KINDS}

    def unit_row(unit_id: int) -> Breakdown:
        if unit_id not in by_unit:
            by_unit[unit_id] = Breakdown(unit_id, unit_names.get(unit_id, str(unit_id)))
        return by_unit[unit_id]

    for d in dossiers:
        unit_row(d.unit_id)

    counted: set[int] = set()
    awarded_ids: set[int] = set()
    revoked_ids: set[int] = set()
    refused_ids: set[int] = set()
    awarded_dossiers: set[int] = set()
    individuals_proposed: list = []
    individuals_awarded: list = []
    for n in nominees:
        d = dossier_by_id[n.dossier_id]
        first = n.id not in counted
        if first:
            counted.add(n.id)
            unit_row(d.unit_id).proposed += 1
            by_form[d.award_form_id].proposed += 1
            by_kind[n.kind].proposed += 1
            if n.kind == RecipientKind.individual.value:
                individuals_proposed.append(n)
        if n.status is not None:
            if n.status == AwardStatus.active.value and n.decision_state == DecisionState.issued.value:
                if n.id in awarded_ids:
                    continue
                awarded_ids.add(n.id)
                awarded_dossiers.add(d.id)
                amount = int(n.amount or 0)
                unit_row(n.unit_id or d.unit_id).add_award(n.kind, amount)
                by_form[n.decision_form_id].add_award(n.kind, amount)
                by_kind[n.kind].add_award(n.kind, amount)
                report.amount_total += amount
                if n.kind == RecipientKind.individual.value:
                    individuals_awarded.append(n)
            else:
                revoked_ids.add(n.id)
        if d.state in REFUSED_STATES or n.outcome == NomineeOutcome.ineligible.value:
            refused_ids.add(n.id)
    revoked_ids -= awarded_ids
    refused_ids -= awarded_ids | revoked_ids

    nominees_by_dossier: dict[int, int] = defaultdict(int)
    for nid_dossier in {(n.id, n.dossier_id) for n in nominees}:
        nominees_by_dossier[nid_dossier[1]] += 1
    returned_dossiers = [d for d in dossiers if d.returned]
    refused_dossiers = [d for d in dossiers if d.state in REFUSED_STATES]
    in_progress = len(counted) - len(awarded_ids) - len(revoked_ids) - len(refused_ids)
    in_progress_dossiers = [d for d in dossiers if d.id not in awarded_dossiers and d.state not in REFUSED_STATES]

    report.units_count = len({d.unit_id for d in dossiers})
    report.dossiers_total = len(dossiers)
    report.nominees_total = len(counted)
    report.awarded_total = len(awarded_ids)
    report.outcomes = [
        Outcome("proposed", Msg("Đề nghị khen thưởng"), len(dossiers), len(counted)),
        Outcome("awarded", Msg("Được khen thưởng"), len(awarded_dossiers), len(awarded_ids)),
        Outcome("returned", Msg("Bị trả lại đơn vị (ít nhất một lần)"), len(returned_dossiers),
                sum(nominees_by_dossier[d.id] for d in returned_dossiers)),
        Outcome("rejected", Msg("Không được khen thưởng"), len(refused_dossiers), len(refused_ids)),
        Outcome("revoked", Msg("Đã khen thưởng nhưng bị thu hồi, hủy"), 0, len(revoked_ids)),
        Outcome("in_progress", Msg("Đang xem xét"), len(in_progress_dossiers), in_progress),
    ]
    report.by_unit = sorted(by_unit.values(), key=lambda r: (-r.awarded, -r.proposed, r.label))
    report.by_form = [r for r in by_form.values() if r.proposed or r.awarded]
    report.by_kind = list(by_kind.values())

    def share(code: str, label: str, test) -> Share:
        return Share(code, label, sum(1 for n in individuals_awarded if test(n)), len(individuals_awarded),
                     sum(1 for n in individuals_proposed if test(n)), len(individuals_proposed))

    report.shares = [
        share("non_leader", Msg("Cá nhân không giữ chức vụ lãnh đạo, quản lý"), lambda n: not n.is_leader),
        share("women", Msg("Nữ"), lambda n: n.gender == Gender.female.value),
        share("ethnic_minority", Msg("Người dân tộc thiểu số"), lambda n: is_ethnic_minority(n.ethnicity)),
    ]

    totals = {i.id: IndicatorTotal(i.code, i.label, i.unit_label) for i in indicators}
    for nominee_id, indicator_id, value in values:
        t = totals.get(indicator_id)
        if t is None:
            continue
        t.proposed += Decimal(value)
        if nominee_id in awarded_ids:
            t.awarded += Decimal(value)
    report.indicators = list(totals.values())
    return report


def format_quantity(value: Decimal | int) -> str:
    """Vietnamese number format: '1.250.000', '12,5'."""
    d = Decimal(value)
    whole = int(d)
    text = f"{abs(whole):,}".replace(",", ".")
    frac = abs(d - whole)
    if frac:
        text += "," + format(frac.normalize(), "f").split(".")[1]
    return f"-{text}" if d < 0 else text


def report_choices(session: Session) -> list[Movement]:
    """Movements with their rounds, for the report's selector."""
    return list(session.scalars(
        sa.select(Movement).options(selectinload(Movement.rounds)).order_by(Movement.start_year.desc(), Movement.id)
    ).all())
