"""Which dossiers and nominees a decision takes: how a workflow hands its dossiers to a decision
(read from its definition), the dossiers waiting for one and the recipients they still have."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ...models import Award, AwardForm, Decision, DecisionState, Dossier, Nominee, NomineeOutcome
from ...workflow import get_workflow


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


def decision_dossiers(session: Session, decision: Decision) -> list[Dossier]:
    return list(session.scalars(
        sa.select(Dossier).where(Dossier.id.in_(
            sa.select(Nominee.dossier_id).join(Award, Award.nominee_id == Nominee.id)
            .where(Award.decision_id == decision.id)))
        .order_by(Dossier.id)
    ))
