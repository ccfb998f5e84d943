"""Numbering and issue: the number from the authority's register (or the e-office system), the
signed scan that issues the decision, and the certificates' serials and verification codes."""
from __future__ import annotations

import secrets
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workflows.messages import Msg

from ...models import Authority, AwardForm, AwardStatus, Certificate, Decision, DecisionState, User, utcnow
from .. import audit
from ..numbering import next_number, reserve_number
from .candidates import decision_path
from .common import DecisionError, _check_version, _fire_all, _flush, _set_state
from .money import apply_money

DECISION_REGISTER = "QĐ"


# ----------------------------------------------------------------------------------- numbering

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
    reserve_number(session, decision.authority_id, DECISION_REGISTER, year, number)
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
