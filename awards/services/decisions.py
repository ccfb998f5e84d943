"""Decisions (Quyết định khen thưởng): preparation from approved nominees, the chairman's approval,
numbering in the authority's register, issue, certificates and revocation.

Every function mutates, writes its audit row and flushes; the caller commits. Dossier transitions
go through :func:`awards.services.transitions.fire`."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session, selectinload

from ..models import (
    Authority, Award, AwardForm, AwardStatus, Certificate, Decision, DecisionState, Dossier, Nominee,
    NomineeOutcome, NumberCounter, RecipientKind, Signer, User, utcnow,
)
from ..rules.money import NoRuleSet, amount_for, rule_set_on
from ..workflow import get_workflow
from . import audit
from .transitions import TransitionRejected, fire

STALE_DECISION = "Đã có người khác thay đổi quyết định này, vui lòng tải lại."
DECISION_REGISTER = "QĐ"


class DecisionError(Exception):
    """A decision operation refused, with a Vietnamese message saying what to fix."""


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


# --------------------------------------------------------------------------------------- money

KIND_ORDER = {RecipientKind.collective.value: 0, RecipientKind.individual.value: 1, RecipientKind.household.value: 2}


def apply_money(session: Session, decision: Decision, day: date) -> None:
    """Amounts from the rule set in force on ``day``; the values used are kept on the decision."""
    try:
        rs = rule_set_on(session, day)
    except NoRuleSet as exc:
        raise DecisionError(str(exc)) from None
    form = decision.award_form
    amounts: dict[str, Any] = {}
    try:
        for kind in {a.kind for a in decision.awards} | set(form.allowed_kinds):
            amounts[kind] = amount_for(rs, form, kind)
    except LookupError as exc:
        raise DecisionError(str(exc)) from None
    total = 0
    for a in decision.awards:
        a.amount = amounts[a.kind].amount
        total += a.amount
    decision.rule_set = rs
    decision.rule_set_id = rs.id
    decision.total_amount = total
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
        raise DecisionError(f"Hình thức «{form.name}» không do cấp tỉnh/xã ra quyết định.")
    if not dossiers:
        raise DecisionError("Vui lòng chọn ít nhất một hồ sơ.")
    taken = set(session.scalars(_already_awarded()))
    recipients: list[Nominee] = []
    for d in dossiers:
        if d.workflow != form.workflow or d.state not in path.ready_states:
            raise DecisionError(f"Hồ sơ «{d.title}» ({d.unit.name}) chưa sẵn sàng để lập quyết định.")
        found = recipients_of(d, form, taken)
        if not found:
            raise DecisionError(f"Hồ sơ «{d.title}» không có đối tượng đủ điều kiện nhận «{form.name}».")
        recipients.extend(found)
    if signer is not None and signer.authority_id != form.authority_id:
        raise DecisionError("Người ký không thuộc cơ quan ban hành quyết định.")
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
            raise DecisionError(f"Hồ sơ «{d.title}» ({d.unit.name}): {exc}") from None
    return dossiers


def update_draft(session: Session, decision: Decision, *, actor: User, expected_version: int | None,
                 **values: Any) -> None:
    _check_version(decision, expected_version)
    if decision.state != DecisionState.draft.value:
        raise DecisionError("Chỉ sửa được quyết định ở trạng thái dự thảo.")
    changes = audit.diff(decision, list(values), values)
    for k, v in values.items():
        setattr(decision, k, v)
    if "decision_date" in values or "fund_source" in values:
        apply_money(session, decision, decision.decision_date)
    audit.record(session, "decision.updated", actor=actor, obj=decision, unit_id=decision.authority.unit_id,
                 details=changes)
    _flush(session)


def discard_draft(session: Session, decision: Decision, *, actor: User, expected_version: int | None) -> None:
    _check_version(decision, expected_version)
    if decision.state != DecisionState.draft.value:
        raise DecisionError("Chỉ hủy được dự thảo chưa trình.")
    audit.record(session, "decision.discarded", actor=actor, obj=decision, unit_id=decision.authority.unit_id,
                 details={"title": decision.title})
    session.delete(decision)
    session.flush()


def submit_decision(session: Session, decision: Decision, *, actor: User, expected_version: int | None) -> None:
    """The board submits the draft and its tờ trình to the chairman."""
    _check_version(decision, expected_version)
    if decision.state != DecisionState.draft.value:
        raise DecisionError("Quyết định không ở trạng thái dự thảo.")
    if not decision.awards:
        raise DecisionError("Dự thảo quyết định chưa có người nhận khen thưởng.")
    path = decision_path(decision.award_form.workflow)
    assert path is not None
    if path.submit_transition:
        _fire_all(session, decision, path.submit_transition, actor=actor)
    else:
        roles = submit_roles(decision.award_form.workflow)
        if not (actor.roles_covering(decision.authority.unit) & roles):
            raise DecisionError("Bạn không có quyền trình quyết định này.")
        for d in decision_dossiers(session, decision):
            if d.state not in path.ready_states:
                raise DecisionError(f"Hồ sơ «{d.title}» không còn ở bước chờ trình.")
    decision.submitted_dt = utcnow()
    decision.return_reason = None
    _set_state(session, decision, DecisionState.submitted, actor=actor, action="decision.submitted")
    _flush(session)


def approve_decision(session: Session, decision: Decision, *, actor: User, expected_version: int | None) -> None:
    """The chairman approves: every included dossier fires ``approve``."""
    _check_version(decision, expected_version)
    if decision.state != DecisionState.submitted.value:
        raise DecisionError("Quyết định chưa được trình hoặc đã được xử lý.")
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
        raise DecisionError("Vui lòng nhập lý do trả lại.")
    if decision.state != DecisionState.submitted.value:
        raise DecisionError("Quyết định chưa được trình hoặc đã được xử lý.")
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
        raise DecisionError("Chỉ cấp số cho quyết định đã được phê duyệt.")
    if decision.number is not None:
        raise DecisionError(f"Quyết định đã có số {decision.number_label}.")
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
        raise DecisionError("Chỉ ghi số cho quyết định đã được phê duyệt.")
    if decision.number is not None:
        raise DecisionError(f"Quyết định đã có số {decision.number_label}.")
    if number < 1:
        raise DecisionError("Số quyết định phải là số nguyên dương.")
    year = decision_date.year
    clash = session.scalar(
        sa.select(Decision).where(Decision.authority_id == decision.authority_id, Decision.year == year,
                                  Decision.number == number, Decision.id != decision.id)
    )
    if clash is not None:
        raise DecisionError(
            f"Số {number:02d}/{decision.authority.doc_symbol} năm {year} đã được dùng cho quyết định "
            f"«{clash.title}». Vui lòng kiểm tra lại số trên hệ thống văn bản điện tử."
        )
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
        raise DecisionError(f"Số {number:02d} năm {year} vừa được cấp cho quyết định khác.") from None


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
        raise DecisionError("Chỉ ban hành quyết định đã được phê duyệt.")
    if not is_pdf(scan_data):
        raise DecisionError("Tệp bản ký phải là tệp PDF (nội dung bắt đầu bằng %PDF-).")
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
        raise DecisionError("Vui lòng nhập lý do hủy quyết định.")
    if decision.state != DecisionState.issued.value:
        raise DecisionError("Chỉ hủy được quyết định đã ban hành.")
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
        raise DecisionError("Vui lòng nhập lý do thu hồi.")
    if award.status != AwardStatus.active.value:
        raise DecisionError("Chỉ thu hồi được khen thưởng đang có hiệu lực.")
    award.status = AwardStatus.revoked.value
    award.revoked_reason = reason
    award.revoked_dt = utcnow()
    audit.record(session, "award.revoked", actor=actor, obj=award, old_state=AwardStatus.active.value,
                 new_state=AwardStatus.revoked.value, details={"reason": reason, "decision_id": award.decision_id})
    session.flush()


__all__ = [
    "DecisionError", "StaleDecision", "DecisionPath", "decision_path", "ready_dossiers", "prepare_decision",
    "submit_decision", "approve_decision", "return_decision", "allocate_number", "record_external_number",
    "issue_decision", "revoke_decision", "revoke_award", "issue_certificates", "next_number", "apply_money",
    "datetime",
]
