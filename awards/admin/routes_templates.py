"""Word templates of an authority: placeholders, download of the template in use, upload (validated,
stored inactive), preview with sample data, explicit activation and return to the built-in one."""
from __future__ import annotations

import io

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext
from sqlalchemy.orm import selectinload

from ..db import db
from ..documents.docx_render import TEMPLATE_PLACEHOLDERS, TEMPLATE_SPECS
from ..i18n import tr
from ..models import Authority, AwardForm, DocumentTemplate
from ..models.templates import TEMPLATE_KINDS
from ..services import templates as svc
from . import bp
from .forms import ConfirmForm, DocTemplateUploadForm
from .routes import actor, admin_required, get_or_404

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: Uploads listed per kind (the newest); older ones stay in the database and the audit log.
RECENT_UPLOADS = 5


def _kind_or_404(kind: str) -> str:
    if kind not in TEMPLATE_KINDS:
        abort(404)
    return kind


def _docx(data: bytes, filename: str):
    resp = send_file(io.BytesIO(data), mimetype=DOCX, as_attachment=True, download_name=filename, max_age=0)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


def _page(authority: Authority, forms: dict[str, DocTemplateUploadForm] | None = None,
          errors: dict[str, list[str]] | None = None, status: int = 200):
    rows = db.session.scalars(
        sa.select(DocumentTemplate)
        .where(DocumentTemplate.authority_id == authority.id)
        .options(selectinload(DocumentTemplate.uploaded_by))
        .order_by(DocumentTemplate.uploaded_dt.desc(), DocumentTemplate.id.desc())
    ).all()
    by_kind: dict[str, list[DocumentTemplate]] = {k: [] for k in TEMPLATE_KINDS}
    active: dict[str, DocumentTemplate] = {}
    for t in rows:
        if t.active:
            active[t.kind] = t
        if len(by_kind[t.kind]) < RECENT_UPLOADS or t.active:
            by_kind[t.kind].append(t)
    forms = forms or {}
    kinds = [
        {
            "kind": k, "label": tr(TEMPLATE_SPECS[k].label), "placeholders": [tr(p) for p in TEMPLATE_PLACEHOLDERS[k]],
            "active": active.get(k), "uploads": by_kind[k],
            "form": forms.get(k) or DocTemplateUploadForm(prefix=k),
            "errors": (errors or {}).get(k, []),
        }
        for k in TEMPLATE_KINDS
    ]
    overlay_forms = db.session.scalars(
        sa.select(AwardForm).where(AwardForm.authority_id == authority.id)
        .order_by(AwardForm.rank.desc(), AwardForm.name)
    ).all()
    return render_template("admin/doc_templates.html", authority=authority, kinds=kinds, overlay_forms=overlay_forms,
                           confirm=ConfirmForm()), status


@bp.route("/doc-templates")
@admin_required
def doc_templates_index():
    """Mẫu văn bản Word: chọn cơ quan; số loại văn bản đang dùng mẫu riêng."""
    authorities = db.session.scalars(sa.select(Authority).order_by(Authority.name)).all()
    counts = dict(db.session.execute(
        sa.select(DocumentTemplate.authority_id, sa.func.count(DocumentTemplate.id))
        .where(DocumentTemplate.active.is_(True)).group_by(DocumentTemplate.authority_id)
    ).all())
    return render_template("admin/doc_templates_index.html", authorities=authorities, counts=counts,
                           total=len(TEMPLATE_KINDS))


@bp.route("/authorities/<int:authority_id>/templates")
@admin_required
def doc_templates(authority_id: int):
    """Mẫu văn bản Word của cơ quan: trường dữ liệu, tải mẫu đang dùng, tải lên mẫu mới."""
    return _page(get_or_404(Authority, authority_id))


@bp.route("/authorities/<int:authority_id>/templates/<kind>/current.docx")
@admin_required
def doc_template_current(authority_id: int, kind: str):
    """Tải về mẫu đang dùng (mẫu đã tải lên, hoặc mẫu có sẵn)."""
    authority = get_or_404(Authority, authority_id)
    data, uploaded = svc.current_template(db.session, authority.id, _kind_or_404(kind))
    suffix = f"-{authority.code}" if uploaded else "-mau-co-san"
    return _docx(data, f"{kind}{suffix}.docx")


@bp.route("/authorities/<int:authority_id>/templates/<kind>/upload", methods=["POST"])
@admin_required
def doc_template_upload(authority_id: int, kind: str):
    """Tải lên mẫu đã sửa: kiểm tra, lưu ở trạng thái chưa dùng, rồi chuyển tới trang xem thử."""
    authority = get_or_404(Authority, authority_id)
    _kind_or_404(kind)
    form = DocTemplateUploadForm(prefix=kind)
    if not form.validate_on_submit():
        return _page(authority, forms={kind: form}, status=400)
    upload = form.file.data
    try:
        tmpl = svc.upload_template(db.session, actor=actor(), authority=authority, kind=kind,
                                   filename=upload.filename, data=upload.read())
    except svc.TemplateRejected as exc:
        db.session.rollback()
        return _page(authority, forms={kind: form}, errors={kind: exc.messages}, status=400)
    db.session.commit()
    flash(gettext("Mẫu «%(filename)s» hợp lệ và đã được lưu (chưa sử dụng). Hãy tải bản xem thử, kiểm tra rồi bấm «Sử dụng mẫu này».", filename=tmpl.filename), "success")
    return redirect(url_for("admin.doc_template_detail", template_id=tmpl.id))


@bp.route("/doc-templates/<int:template_id>")
@admin_required
def doc_template_detail(template_id: int):
    """Một mẫu đã tải lên: xem thử với dữ liệu mẫu, sử dụng hoặc thôi sử dụng."""
    tmpl = get_or_404(DocumentTemplate, template_id)
    return render_template("admin/doc_templates_detail.html", t=tmpl, authority=tmpl.authority,
                           label=tr(TEMPLATE_SPECS[tmpl.kind].label), confirm=ConfirmForm())


@bp.route("/doc-templates/<int:template_id>/file.docx")
@admin_required
def doc_template_file(template_id: int):
    """Tải về đúng tệp mẫu đã tải lên."""
    tmpl = get_or_404(DocumentTemplate, template_id)
    return _docx(tmpl.data, tmpl.filename)


@bp.route("/doc-templates/<int:template_id>/preview.docx")
@admin_required
def doc_template_preview(template_id: int):
    """Bản xem thử: dữ liệu mẫu dựng qua đúng hàm tạo văn bản thật, với mẫu đã tải lên."""
    tmpl = get_or_404(DocumentTemplate, template_id)
    try:
        data = svc.preview(db.session, tmpl.authority, tmpl.kind, tmpl.data)
    except svc.TemplateRejected as exc:
        flash(gettext("Không tạo được bản xem thử: %(reasons)s", reasons=tr(exc)), "danger")
        return redirect(url_for("admin.doc_template_detail", template_id=tmpl.id))
    return _docx(data, f"xem-thu-{tmpl.kind}-{tmpl.id}.docx")


@bp.route("/doc-templates/<int:template_id>/activate", methods=["POST"])
@admin_required
def doc_template_activate(template_id: int):
    """Sử dụng mẫu này cho các văn bản của cơ quan."""
    tmpl = get_or_404(DocumentTemplate, template_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        svc.activate_template(db.session, tmpl, actor=actor())
    except svc.TemplateRejected as exc:
        db.session.rollback()
        flash(gettext("Không thể sử dụng mẫu này: %(reasons)s", reasons=tr(exc)), "danger")
        return redirect(url_for("admin.doc_template_detail", template_id=template_id))
    db.session.commit()
    flash(gettext("Từ nay «%(label)s» dùng mẫu «%(filename)s».", label=tr(TEMPLATE_SPECS[tmpl.kind].label),
                  filename=tmpl.filename), "success")
    return redirect(url_for("admin.doc_templates", authority_id=tmpl.authority_id))


@bp.route("/authorities/<int:authority_id>/templates/<kind>/deactivate", methods=["POST"])
@admin_required
def doc_template_deactivate(authority_id: int, kind: str):
    """Thôi dùng mẫu đã tải lên, trở lại mẫu có sẵn."""
    authority = get_or_404(Authority, authority_id)
    _kind_or_404(kind)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    retired = svc.deactivate_template(db.session, actor=actor(), authority=authority, kind=kind)
    db.session.commit()
    if retired is None:
        flash(gettext("Loại văn bản này đang dùng mẫu có sẵn."), "info")
    else:
        flash(gettext("«%(label)s» đã trở lại dùng mẫu có sẵn.", label=tr(TEMPLATE_SPECS[kind].label)), "success")
    return redirect(url_for("admin.doc_templates", authority_id=authority.id))
