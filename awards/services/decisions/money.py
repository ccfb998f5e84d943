"""Money: the amounts of the rule set in force on the decision date, kept on the decision with
the values used (its snapshot), and the board's edited wording kept when they are computed again."""
from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from sqlalchemy.orm import Session

from workflows.messages import message_of

from ...models import Decision, RecipientKind
from ...rules.money import NoRuleSet, amount_for, rule_set_on
from .common import DecisionError


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
