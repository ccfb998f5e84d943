"""Reward money (Nghị định 152/2025 Điều 49): coefficient × mức lương cơ sở in force on the
decision date, rounded up to the next 10.000 đ; households get 1,5 × the individual amount."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workflows.messages import Msg

from ..models import AwardForm, RecipientKind, RuleSet


class NoRuleSet(LookupError):
    pass


def rule_set_on(session: Session, day: date) -> RuleSet:
    """The rule set in force on ``day``."""
    rs = session.scalar(
        sa.select(RuleSet)
        .where(_in_force(day))
        .order_by(RuleSet.valid_from.desc())
        .limit(1)
    )
    if rs is None:
        raise NoRuleSet(Msg("Chưa có bộ quy định nào áp dụng cho ngày %(date)s.", date=f"{day:%d/%m/%Y}"))
    return rs


def _in_force(day: date):
    return sa.and_(RuleSet.valid_from <= day, sa.or_(RuleSet.valid_to.is_(None), RuleSet.valid_to >= day))


def min_household_contribution_on(day: date):
    """A scalar subquery: the optional minimum household contribution of the rule set in force."""
    return (
        sa.select(RuleSet.min_household_contribution).where(_in_force(day))
        .order_by(RuleSet.valid_from.desc()).limit(1).scalar_subquery()
    )


def round_up(amount: Decimal, unit: int) -> int:
    return int((amount / unit).to_integral_value(rounding=ROUND_CEILING) * unit)


@dataclass(frozen=True)
class Amount:
    kind: str
    coefficient: Decimal
    base_salary: int
    amount: int
    explanation: str


def amount_for(rule_set: RuleSet, form: AwardForm, kind: str) -> Amount:
    """The money for one recipient of ``kind`` receiving ``form`` under ``rule_set``."""
    base = rule_set.base_salary
    if kind == RecipientKind.household.value:
        c = rule_set.coefficient_for(form.id, RecipientKind.individual.value)
        if c is None:
            raise LookupError(Msg("Bộ quy định «%(rule_set)s» chưa có hệ số cá nhân cho «%(form)s».",
                                  rule_set=rule_set.name, form=form.name))
        coefficient = Decimal(c.coefficient) * Decimal(rule_set.household_multiplier)
        explanation = (
            f"{rule_set.household_multiplier} × {c.coefficient} × {base:,} đ ({rule_set.household_source}; {c.source})"
        )
    else:
        c = rule_set.coefficient_for(form.id, kind)
        if c is None:
            raise LookupError(Msg("Bộ quy định «%(rule_set)s» chưa có hệ số cho «%(form)s» (%(kind)s).",
                                  rule_set=rule_set.name, form=form.name, kind=kind))
        coefficient = Decimal(c.coefficient)
        explanation = f"{c.coefficient} × {base:,} đ ({c.source})"
    value = round_up(coefficient * base, rule_set.rounding_unit)
    return Amount(kind=kind, coefficient=coefficient, base_salary=base, amount=value, explanation=explanation)


def amounts_on(session: Session, form: AwardForm, day: date) -> dict[str, Amount]:
    rs = rule_set_on(session, day)
    return {k: amount_for(rs, form, k) for k in form.allowed_kinds}
