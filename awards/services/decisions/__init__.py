"""Decisions (Quyết định khen thưởng): preparation from approved nominees, the chairman's approval,
numbering in the authority's register, issue, certificates and revocation.

Every function mutates, writes its audit row and flushes; the caller commits. Dossier transitions
go through :func:`awards.services.transitions.fire`.

The code is split by step, and every name is re-exported here: callers write
``from awards.services import decisions as svc`` and use ``svc.<name>``.

* :mod:`.common`: the error (a Vietnamese message), the version check, the state change with its
  audit row and notice, firing a transition on every dossier of the decision;
* :mod:`.candidates`: how a workflow hands its dossiers to a decision, and the nominees waiting;
* :mod:`.money`: the amounts and the snapshot of the rule set used;
* :mod:`.drafts`: preparing a draft from approved nominees, the board's edits, discarding it;
* :mod:`.approval`: submitting the draft to the chairman, approval and return;
* :mod:`.issuing`: numbering in the authority's register, issue and certificates;
* :mod:`.revocation`: revoking an issued decision or one award;
* :mod:`.upward`: the province's tờ trình proposing nominees to the higher level;
* :mod:`.upward_numbering`: the văn thư's number and date of that tờ trình, once signed.
"""
from __future__ import annotations

from datetime import datetime  # listed in __all__ since the first version: kept

from .approval import approve_decision, approver_of, return_decision, submit_decision
from .candidates import (
    DecisionPath, decision_dossiers, decision_path, ready_dossiers, recipient_clause, recipients_of, submit_roles,
)
from .common import NEXT_ROLES, NOTIFY_TITLES, STALE_DECISION, DecisionError, StaleDecision
from .drafts import DraftEdit, discard_draft, draft_values, prepare_decision, update_draft
from .issuing import (
    DECISION_REGISTER, allocate_number, authority_suffix, certificate_prefix, is_pdf, issue_certificates,
    issue_decision, next_number, record_external_number,
)
from .money import EDITED_TEXT_KEYS, KIND_ORDER, apply_money
from .revocation import revoke_award, revoke_decision
from .upward import (
    SIGN_PROPOSAL_TRANSITION, UPWARD_PROPOSAL_TRANSITION, UpwardProposal, proposal_authority, record_upward_download,
    signed_proposal_states, upward_number, upward_proposal, upward_proposal_states, upward_recipients, upward_signer,
)
from .upward_numbering import PROPOSAL_REGISTER, can_number_upward, number_upward_proposal, upward_numbers

__all__ = [
    "DraftEdit", "update_draft", "draft_values", "UpwardProposal", "upward_proposal", "upward_proposal_states",
    "upward_recipients", "proposal_authority", "record_upward_download",
    "DecisionError", "StaleDecision", "DecisionPath", "decision_path", "ready_dossiers", "prepare_decision",
    "submit_decision", "approve_decision", "approver_of", "return_decision", "allocate_number", "record_external_number",
    "issue_decision", "revoke_decision", "revoke_award", "issue_certificates", "next_number", "apply_money",
    "datetime",
    # used through the module as well (svc.<name>)
    "STALE_DECISION", "NEXT_ROLES", "NOTIFY_TITLES", "submit_roles", "recipient_clause", "recipients_of",
    "decision_dossiers", "discard_draft", "KIND_ORDER", "EDITED_TEXT_KEYS", "DECISION_REGISTER", "is_pdf",
    "certificate_prefix", "authority_suffix", "UPWARD_PROPOSAL_TRANSITION", "SIGN_PROPOSAL_TRANSITION",
    "upward_signer", "signed_proposal_states", "upward_number", "upward_numbers", "can_number_upward",
    "number_upward_proposal", "PROPOSAL_REGISTER",
]
