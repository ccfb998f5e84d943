"""Where an award form's certificates are printed on pre-printed blanks: dated layouts, each field's
position, width, font size and alignment, the paper; a preview through the clerk's code path."""
from __future__ import annotations

import io
from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext

from ..db import db
from ..documents.overlay import (
    ALIGNMENT_LABELS, FIELD_LABELS, OVERLAY_FIELDS, ORIENTATION_LABELS, PAGE_SIZE_LABELS, default_layout,
)
from ..documents.pdf import PdfConversionError, docx_to_pdf, soffice_path
from ..i18n import tr
from ..models import AwardForm, CertificateLayout
from ..services import certificate_layouts as svc
from . import bp
from .forms import ConfirmForm
from .forms_layouts import CertificateLayoutForm, layout_data, layout_of
from .routes import actor, admin_required, get_or_404
from .routes_templates import _docx


def _award_form(form_id: int) -> AwardForm:
    """:raise 404: no such award form, or one decided upward (the province prints no certificate)."""
    af = get_or_404(AwardForm, form_id)
    if af.authority is None:
        abort(404)
    return af


def _editing(af: AwardForm) -> CertificateLayout | None:
    """The layout named by ``?layout=``; None for a new one. :raise 404: not one of the form's."""
    layout_id = request.args.get("layout", type=int)
    if layout_id is None:
        return None
    row = db.session.get(CertificateLayout, layout_id)
    if row is None or row.award_form_id != af.id:
        abort(404)
    return row


def _form(af: AwardForm, editing: CertificateLayout | None) -> CertificateLayoutForm:
    """The form, filled from the layout being edited; for a new one from the layout in force (or
    the template's own geometry), starting today or the day after the latest layout."""
    if editing is not None:
        return CertificateLayoutForm(data={"valid_from": editing.valid_from, **layout_data(svc.overlay_of(editing))})
    today = svc.printing_day()
    base = svc.layout_in_force(db.session, af.id, today)
    rows = svc.layouts_of(db.session, af.id)
    start = max(today, rows[0].valid_from + timedelta(days=1)) if rows else today
    layout = svc.overlay_of(base) if base is not None else default_layout()
    return CertificateLayoutForm(data={"valid_from": start, **layout_data(layout)})


def _page(af: AwardForm, form: CertificateLayoutForm, editing: CertificateLayout | None,
          errors: list[str] | None = None, status: int = 200):
    in_force = svc.layout_in_force(db.session, af.id, svc.printing_day())
    return render_template(
        "admin/certificate_layout.html", af=af, authority=af.authority, form=form, editing=editing,
        layouts=svc.layouts_of(db.session, af.id), in_force_id=in_force.id if in_force else None,
        errors=[tr(e) for e in errors or []], fields=OVERLAY_FIELDS, field_labels=FIELD_LABELS,
        page_labels=PAGE_SIZE_LABELS, orientation_labels=ORIENTATION_LABELS, align_labels=ALIGNMENT_LABELS,
        pdf=soffice_path() is not None, confirm=ConfirmForm(),
    ), status


@bp.route("/award-forms/<int:form_id>/certificate-layout", methods=["GET", "POST"])
@admin_required
def certificate_layout(form_id: int):
    """Vị trí in trên phôi của một hình thức: các bố cục theo ngày áp dụng; sửa (?layout=) hoặc thêm."""
    af = _award_form(form_id)
    editing = _editing(af)
    form = _form(af, editing)
    if not form.validate_on_submit():
        return _page(af, form, editing, status=400 if form.is_submitted() else 200)
    try:
        row = svc.save_layout(db.session, actor=actor(), award_form=af, valid_from=form.valid_from.data,
                              layout=layout_of(form), existing=editing)
    except svc.LayoutRejected as exc:
        db.session.rollback()
        return _page(af, form, editing, errors=exc.messages, status=400)
    db.session.commit()
    flash(gettext("Đã lưu vị trí in trên phôi của «%(name)s», áp dụng cho các lần in từ ngày %(day)s.",
                  name=af.name, day=f"{row.valid_from:%d/%m/%Y}"), "success")
    return redirect(url_for("admin.certificate_layout", form_id=af.id, layout=row.id))


@bp.route("/award-forms/<int:form_id>/certificate-layout/preview", methods=["GET", "POST"])
@admin_required
def certificate_layout_preview(form_id: int):
    """Bản xem thử: hai bằng mẫu in theo các vị trí đang nhập (POST) hoặc đã lưu (GET), tạo đúng như
    khi văn thư tải «In lên phôi in sẵn»; DOCX, hoặc PDF (fmt=pdf) khi máy chủ có LibreOffice."""
    af = _award_form(form_id)
    editing = _editing(af)
    as_pdf = request.values.get("fmt") == "pdf"
    if as_pdf and soffice_path() is None:
        abort(404)
    form = None
    if request.method == "POST":
        form = _form(af, editing)
        if not form.validate_on_submit():
            return _page(af, form, editing, status=400)
        layout = layout_of(form)
    else:
        row = editing or svc.layout_in_force(db.session, af.id, svc.printing_day())
        layout = svc.overlay_of(row) if row is not None else None
    try:
        data = svc.preview_docx(db.session, af, layout)
    except svc.LayoutRejected as exc:
        if form is not None:
            return _page(af, form, editing, errors=exc.messages, status=400)
        flash(gettext("Không tạo được bản xem thử: %(reasons)s", reasons=tr(exc)), "danger")
        return redirect(url_for("admin.certificate_layout", form_id=af.id))
    name = f"xem-thu-in-phoi-{af.code}"
    if not as_pdf:
        return _docx(data, f"{name}.docx")
    try:
        pdf = docx_to_pdf(data, timeout=current_app.config.get("PDF_TIMEOUT_SECONDS", 120))
    except PdfConversionError:
        flash(gettext("Không chuyển được bản xem thử sang PDF; vui lòng tải bản DOCX."), "warning")
        return redirect(url_for("admin.certificate_layout", form_id=af.id))
    resp = send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True, download_name=f"{name}.pdf",
                     max_age=0)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@bp.route("/certificate-layouts/<int:layout_id>/delete", methods=["POST"])
@admin_required
def certificate_layout_delete(layout_id: int):
    """Xóa một bố cục: các lần in sau dùng bố cục trước đó, hoặc vị trí của mẫu."""
    row = get_or_404(CertificateLayout, layout_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    form_id, day = row.award_form_id, row.valid_from
    svc.delete_layout(db.session, row, actor=actor())
    db.session.commit()
    flash(gettext("Đã xóa bố cục áp dụng từ ngày %(day)s.", day=f"{day:%d/%m/%Y}"), "success")
    return redirect(url_for("admin.certificate_layout", form_id=form_id))
