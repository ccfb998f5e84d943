"""Numbering the province's tờ trình to the higher level. Once the chairman has signed it
(``sign_proposal``), the văn thư of the province gives each upward form's tờ trình the next number
of the authority's TTr register for the year, or records the number the e-office system gave, with
its date. A number once given is never changed."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workflows.messages import Msg

from ...models import Dossier, Role, UpwardProposalNumber, User
from .. import audit
from ..numbering import next_number, reserve_number
from .common import DecisionError
from .upward import proposal_authority, signed_proposal_states, upward_number, upward_recipients

PROPOSAL_REGISTER = "TTr"


def can_number_upward(user: User, dossier: Dossier, check_state: bool = False) -> bool:
    """The văn thư of the level that decides the dossier (the province for a proposal upward):
    a commune's clerk never numbers the province's tờ trình (User.roles_for_dossier)."""
    if Role.clerk.value not in user.roles_for_dossier(dossier):
        return False
    return not check_state or dossier.state in signed_proposal_states(dossier.workflow)


def upward_numbers(session: Session, dossier: Dossier) -> dict[int, UpwardProposalNumber]:
    """The numbers given to the dossier's tờ trình, by upward award form id."""
    rows = session.scalars(sa.select(UpwardProposalNumber).where(UpwardProposalNumber.dossier_id == dossier.id))
    return {row.award_form_id: row for row in rows}


def _short(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def number_upward_proposal(session: Session, dossier: Dossier, form_id: int, *, actor: User | None,
                           proposal_date: date, today: date, number: int | None = None) -> UpwardProposalNumber:
    """Number the dossier's signed tờ trình for the upward form ``form_id``, dated ``proposal_date``:
    the next number of the authority's TTr register for that year, or (``number``) the one the
    e-office system gave, which must be unused in the register and is never handed out by it."""
    if dossier.state not in signed_proposal_states(dossier.workflow):
        raise DecisionError(Msg("Chỉ cấp số cho tờ trình đã được Chủ tịch UBND tỉnh ký; hồ sơ này chưa qua "
                                "bước ký tờ trình."))
    forms = {f.id: f for f, _ in upward_recipients(dossier)}
    if form_id not in forms:
        raise DecisionError(Msg("Hồ sơ không có đối tượng nào được đề nghị hình thức này lên cấp trên."))
    form = forms[form_id]
    existing = upward_number(session, dossier, form_id)
    if existing is not None:
        raise DecisionError(Msg("Tờ trình đề nghị tặng %(form)s đã có số %(number)s ngày %(date)s; số đã cấp "
                                "không thay đổi được.", form=form.name, number=existing.number_label,
                                date=_short(existing.proposal_date)))
    if proposal_date > today:
        raise DecisionError(Msg("Ngày tờ trình không được sau ngày hôm nay (%(today)s).", today=_short(today)))
    authority = proposal_authority(session, dossier)
    if authority is None:
        raise DecisionError(Msg("Chưa khai báo cơ quan ban hành (Chủ tịch UBND tỉnh) cho đơn vị của hồ sơ."))
    from ...documents.context import upward_symbol

    year, symbol = proposal_date.year, upward_symbol(authority)
    if number is None:
        source, number = "register", next_number(session, authority.id, PROPOSAL_REGISTER, year)
    else:
        if number < 1:
            raise DecisionError(Msg("Số tờ trình phải là số nguyên dương."))
        clash = session.scalar(sa.select(UpwardProposalNumber).where(
            UpwardProposalNumber.authority_id == authority.id, UpwardProposalNumber.year == year,
            UpwardProposalNumber.number == number))
        if clash is not None:
            raise DecisionError(Msg(
                "Số %(number)s năm %(year)s đã được dùng cho tờ trình đề nghị tặng %(form)s của hồ sơ «%(title)s». "
                "Vui lòng kiểm tra lại số trên hệ thống văn bản điện tử.",
                number=clash.number_label, year=year, form=clash.award_form.name, title=clash.dossier.title,
            ))
        source = "e-office"
        reserve_number(session, authority.id, PROPOSAL_REGISTER, year, number)
    row = UpwardProposalNumber(dossier_id=dossier.id, award_form_id=form_id, authority_id=authority.id, number=number,
                               year=year, symbol=symbol, proposal_date=proposal_date, source=source,
                               numbered_by_id=actor.id if actor is not None else None)
    session.add(row)
    audit.record(session, "upward_proposal.numbered", actor=actor, obj=dossier, unit_id=authority.unit_id,
                 details={"award_form_id": form_id, "number": number, "year": year, "label": row.number_label,
                          "source": source, "proposal_date": proposal_date.isoformat()})
    try:
        session.flush()
    except sa.exc.IntegrityError:
        session.rollback()
        raise DecisionError(Msg("Tờ trình này vừa được cấp số, hoặc số đó vừa được dùng cho tờ trình khác; chưa "
                                "lưu gì. Vui lòng tải lại trang để xem số hiện có.")) from None
    return row

