"""Where an award form's certificates are printed on pre-printed blanks (phôi in sẵn).

An administrator keeps, per award form (and so per issuing authority), dated layouts: from
``valid_from`` on, the clerk's "in lên phôi" download places each field where the layout says
(awards.documents.overlay). The layout used is the one in force on the day of printing, since it
describes the blanks in the printer. Every change is validated as a whole before anything is
written (``LayoutRejected`` lists every reason, in Vietnamese) and audited; the caller commits."""
from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from workflows.messages import Msg, message_of

from ..documents import context
from ..documents.data import CertificateItem
from ..documents.docx_render import TemplateError
from ..documents.overlay import OVERLAY_FIELDS, FieldPlacement, OverlayLayout, validate_layout
from ..documents.samples import SAMPLE_DATE, sample_certificates
from ..documents.vietnamese import place_date_line
from ..models import AwardForm, CertificateLayout, CertificateLayoutField, Signer, User, utcnow
from ..rules.calendar import local_date
from . import audit

_NUMBERS = ("x_mm", "y_mm", "width_mm", "font_size_pt")


class LayoutRejected(ValueError):
    """The layout cannot be saved or previewed; ``messages`` are every reason (Msg)."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__(Msg.joined(self.messages))


def _date_taken(valid_from: date) -> Msg:
    return Msg("Hình thức này đã có bố cục áp dụng từ ngày %(day)s; hãy sửa bố cục đó hoặc chọn ngày khác.",
               day=valid_from.strftime("%d/%m/%Y"))


def printing_day() -> date:
    """Today in the province: which layout is in force is decided by the day of printing."""
    return local_date(utcnow())


def layouts_of(session: Session, award_form_id: int) -> list[CertificateLayout]:
    """The form's layouts, the latest ``valid_from`` first."""
    return list(session.scalars(
        sa.select(CertificateLayout).where(CertificateLayout.award_form_id == award_form_id)
        .options(selectinload(CertificateLayout.updated_by))
        .order_by(CertificateLayout.valid_from.desc())
    ).all())


def layout_in_force(session: Session, award_form_id: int, day: date) -> CertificateLayout | None:
    """The layout with the latest ``valid_from`` on or before ``day``; None: the template's own."""
    return session.scalar(
        sa.select(CertificateLayout)
        .where(CertificateLayout.award_form_id == award_form_id, CertificateLayout.valid_from <= day)
        .order_by(CertificateLayout.valid_from.desc()).limit(1)
    )


def overlay_of(row: CertificateLayout) -> OverlayLayout:
    fields = {
        f.field: FieldPlacement(f.printed, f.x_mm, f.y_mm, f.width_mm, f.font_size_pt, f.align) for f in row.fields
    }
    return OverlayLayout(row.page_size, row.orientation, fields)


def overlay_layout_for(session: Session, award_form_id: int | None, day: date) -> OverlayLayout | None:
    """What the clerk's download uses on ``day`` (None: the overlay template as it stands)."""
    row = layout_in_force(session, award_form_id, day) if award_form_id is not None else None
    return overlay_of(row) if row is not None else None


def _flat(layout: OverlayLayout) -> dict[str, Any]:
    """The layout as flat audit values: page_size, orientation, "<field>.<attribute>"."""
    out: dict[str, Any] = {"page_size": layout.page_size, "orientation": layout.orientation}
    for name in OVERLAY_FIELDS:
        p = layout.placement(name)
        out[f"{name}.printed"] = p.printed
        for attr in _NUMBERS:
            value = getattr(p, attr)
            out[f"{name}.{attr}"] = None if value is None else format(Decimal(value).normalize(), "f")
        out[f"{name}.align"] = p.align
    return out


def _check(session: Session, award_form: AwardForm, valid_from: date | None, layout: OverlayLayout,
           existing: CertificateLayout | None) -> None:
    errors: list[str] = []
    if award_form.authority_id is None:
        errors.append(Msg("Hình thức «%(name)s» do cấp trên quyết định; tỉnh không in bằng của hình thức này.",
                          name=award_form.name))
    if valid_from is None:
        errors.append(Msg("Vui lòng nhập ngày bắt đầu áp dụng bố cục."))
    else:
        clash = session.scalar(sa.select(CertificateLayout.id).where(
            CertificateLayout.award_form_id == award_form.id, CertificateLayout.valid_from == valid_from,
            CertificateLayout.id != (existing.id if existing is not None else -1)))
        if clash is not None:
            errors.append(_date_taken(valid_from))
    errors += validate_layout(layout)
    if errors:
        raise LayoutRejected(errors)


def _write_fields(row: CertificateLayout, layout: OverlayLayout) -> None:
    by_name = {f.field: f for f in row.fields}
    for name in OVERLAY_FIELDS:
        p = layout.placement(name)
        f = by_name.get(name)
        if f is None:
            f = CertificateLayoutField(field=name)
            row.fields.append(f)
        f.printed, f.x_mm, f.y_mm, f.width_mm = p.printed, p.x_mm, p.y_mm, p.width_mm
        f.font_size_pt, f.align = (None, None) if name == "qr" else (p.font_size_pt, p.align)


def save_layout(session: Session, *, actor: User, award_form: AwardForm, valid_from: date | None,
                layout: OverlayLayout, existing: CertificateLayout | None = None) -> CertificateLayout:
    """Add a dated layout to ``award_form``, or change ``existing``; nothing is written on error."""
    if existing is not None and existing.award_form_id != award_form.id:
        raise ValueError("the layout belongs to another award form")
    _check(session, award_form, valid_from, layout, existing)
    new_values = {"valid_from": valid_from.isoformat(), **_flat(layout)}
    if existing is None:
        row = CertificateLayout(award_form_id=award_form.id, valid_from=valid_from, page_size=layout.page_size,
                                orientation=layout.orientation)
        session.add(row)
        action, details = "certificate_layout.create", {"values": new_values}
    else:
        row = existing
        old_values = {"valid_from": row.valid_from.isoformat(), **_flat(overlay_of(row))}
        changes = {k: [old_values.get(k), v] for k, v in new_values.items() if old_values.get(k) != v}
        if not changes:
            return row
        row.valid_from, row.page_size, row.orientation = valid_from, layout.page_size, layout.orientation
        action, details = "certificate_layout.update", {"changes": changes}
    _write_fields(row, layout)
    row.updated_by_id = actor.id if actor is not None else None
    row.updated_dt = utcnow()
    try:
        with session.begin_nested():  # two administrators saving the same date at the same moment
            session.flush()
    except sa.exc.IntegrityError:
        raise LayoutRejected([_date_taken(valid_from)]) from None
    audit.record(session, action, actor=actor, obj=row, unit_id=award_form.authority.unit_id,
                 details={"award_form_id": award_form.id, "valid_from": valid_from.isoformat(), **details})
    session.flush()
    return row


def delete_layout(session: Session, row: CertificateLayout, *, actor: User) -> None:
    """Remove a dated layout (printing falls back to the one before it, or to the template)."""
    form = row.award_form
    audit.record(session, "certificate_layout.delete", actor=actor, obj=row,
                 unit_id=form.authority.unit_id if form.authority else None,
                 details={"award_form_id": form.id, "valid_from": row.valid_from.isoformat(),
                          "values": _flat(overlay_of(row))})
    session.delete(row)
    session.flush()


def preview_items(session: Session, award_form: AwardForm) -> list[CertificateItem]:
    """Two sample certificates (a collective and an individual) as the form's authority prints them."""
    auth = award_form.authority
    signer = session.scalar(
        sa.select(Signer).where(Signer.authority_id == auth.id, Signer.active.is_(True))
        .order_by(Signer.is_head.desc(), Signer.position_order, Signer.id).limit(1)
    )
    block = context.signer_for(auth, signer)
    return [
        dataclasses.replace(
            item, issuer=auth.authority_title, form_title=award_form.certificate_title,
            verify_url=context.verify_url(item.verification_code),
            decision_line=context.decision_ref_line(5, auth.doc_symbol, SAMPLE_DATE),
            place_date=place_date_line(auth.place_name, SAMPLE_DATE),
            signer_title=tuple(block.lines), signer_name=block.name or item.signer_name,
        )
        for item in sample_certificates(2)
    ]


def preview_docx(session: Session, award_form: AwardForm, layout: OverlayLayout | None) -> bytes:
    """Sample certificates of ``award_form`` placed by ``layout``, through the clerk's code path."""
    if layout is not None:
        errors = validate_layout(layout)
        if errors:
            raise LayoutRejected(errors)
    try:
        return context.overlay_docx(session, award_form.authority_id, preview_items(session, award_form), layout)
    except TemplateError as exc:
        raise LayoutRejected([message_of(exc)]) from None
