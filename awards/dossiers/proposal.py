"""The unit's tờ trình (TTr) for a dossier, built from the database into the document
engineer's ProposalData and rendered by awards.documents.proposal.render_proposal."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..documents import vietnamese as vn
from ..documents.context import nominee_recipients, unit_head_name
from ..documents.data import ProposalData, Signer
from ..documents.proposal import render_proposal
from ..models import AttachmentKind, Authority, Dossier, Unit, UnitKind, utcnow

LOCAL_UNITS = {UnitKind.commune.value, UnitKind.ward.value, UnitKind.special_zone.value}
UBND = "Ủy ban nhân dân"


def _header(unit: Unit) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(authority_parent, authority_lines) of the unit's document header."""
    name = vn.collapse_spaces(unit.name)
    if name.lower().startswith(UBND.lower() + " "):
        return (), (UBND.upper(), name[len(UBND) + 1:].upper())
    parent = unit.parent
    parent_line = ()
    if parent is not None:
        pname = vn.collapse_spaces(parent.name)
        if pname.lower().startswith(UBND.lower()):
            pname = "UBND" + pname[len(UBND):]
        parent_line = (pname.upper(),)
    return parent_line, (name.upper(),)


def _symbol(unit: Unit) -> str:
    if unit.kind in LOCAL_UNITS:
        return "TTr-UBND"
    words = vn.fold(unit.short_name or unit.name).upper().split()
    return "TTr-" + ("".join(w[0] for w in words if w[0].isalpha()) or "DV")


def proposal_data(session: Session, d: Dossier) -> ProposalData:
    unit = d.unit
    form = d.award_form
    movement = d.round.movement
    own = session.scalar(sa.select(Authority).where(Authority.unit_id == unit.id).limit(1))
    place = own.place_name if own is not None else movement.authority.place_name
    if form.proposed_upward:
        decider = form.upward_authority_name or form.name
    else:
        decider = form.authority.name if form.authority is not None else movement.authority.name
    addressee = decider if form.authority is not None and form.authority.unit_id == unit.id else (
        f"{decider} (qua Sở Nội vụ)")
    basis = ["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
             "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định về phân cấp, "
             "phân quyền trong lĩnh vực thi đua, khen thưởng; quy định chi tiết và hướng dẫn thi hành một số điều "
             "của Luật Thi đua, khen thưởng"]
    if movement.plan_number:
        when = f" {vn.format_date(movement.plan_date)}" if movement.plan_date else ""
        basis.append(f"Căn cứ Kế hoạch số {movement.plan_number}{when} của {movement.authority.unit.name} "
                     f"thực hiện Phong trào thi đua {movement.title}")
    if any(a.kind == AttachmentKind.minutes.value for a in d.attachments):
        basis.append("Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng của đơn vị")
    rec = nominee_recipients(sorted(d.nominees, key=lambda x: (x.position, x.id)))
    head = unit_head_name(session, unit)
    if unit.kind in LOCAL_UNITS:
        signer = Signer.on_behalf(UBND, (unit.head_title or "Chủ tịch"), head)
    else:
        signer = Signer.head(unit.head_title or "Thủ trưởng", head)
    parent, lines = _header(unit)
    return ProposalData(
        recipients=rec, variant="unit", authority_lines=lines, authority_parent=parent, place=place,
        symbol=_symbol(unit), number=None, date=None, year=utcnow().astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).year,
        award_name=form.name, addressee=addressee, proposer=unit.name, decider=decider, basis=basis,
        achievement=f"đã có thành tích xuất sắc trong thực hiện Phong trào thi đua {movement.title}",
        copy_to=["Như trên", "Sở Nội vụ (Phòng Thi đua, khen thưởng)"] if "Sở Nội vụ" not in addressee else ["Như trên"],
        archive_line="Lưu: VT.", signer=signer,
    )


def proposal_docx(session: Session, d: Dossier) -> tuple[bytes, str]:
    """(DOCX bytes, file name) of the unit's tờ trình for dossier ``d`` (a draft without number/date)."""
    return render_proposal(proposal_data(session, d)), f"to-trinh-ho-so-{d.id}.docx"
