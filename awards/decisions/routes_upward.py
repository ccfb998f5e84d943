"""The province's tờ trình proposing a dossier's nominees to the higher level: the DOCX for each
upward award form, and the văn thư's number and date once the chairman has signed it."""
from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user

from ..access import get_scoped_or_404
from ..authz import fresh_required, role_required
from ..db import db
from ..i18n import tr
from ..models import Authority, Dossier, Role, UpwardProposalNumber
from ..services import decisions as svc
from . import bp
from .forms import UpwardNumberForm, upward_number_prefix
from .routes import VIEW_ROLES, _roles_here, _today

UPWARD_ROLES = VIEW_ROLES


def _may_read_upward(authority: Authority) -> bool:
    return bool(_roles_here(authority) & {r.value for r in UPWARD_ROLES})


@dataclass
class UpwardLink:
    """One upward form's tờ trình on the dossier's page: its DOCX, its number once given, and
    the văn thư's numbering form while it may be numbered."""

    name: str
    url: str
    number: UpwardProposalNumber | None
    form: UpwardNumberForm | None
    action: str | None


def upward_proposal_links(dossier: Dossier) -> list[UpwardLink]:
    """The province's tờ trình for each upward form of the dossier, once the dossier has reached
    that step and if the user may read it (the dossier's review page)."""
    if not current_user.is_authenticated or dossier.state not in svc.upward_proposal_states(dossier.workflow):
        return []
    authority = svc.proposal_authority(db.session, dossier)
    if authority is None or not _may_read_upward(authority):
        return []
    numbers = svc.upward_numbers(db.session, dossier)
    may_number = svc.can_number_upward(current_user, dossier, check_state=True)
    out = []
    for f, _ in svc.upward_recipients(dossier):
        numbered = numbers.get(f.id)
        form = action = None
        if may_number and numbered is None:
            form = UpwardNumberForm(formdata=None, prefix=upward_number_prefix(f.id), proposal_date=_today())
            action = url_for("decisions.upward_proposal_number", dossier_id=dossier.id, form_id=f.id)
        out.append(UpwardLink(f.name, url_for("decisions.upward_proposal_docx", dossier_id=dossier.id, form_id=f.id),
                              numbered, form, action))
    return out


@bp.app_context_processor
def _upward_proposal_links():
    return {"upward_proposal_links": upward_proposal_links}


@bp.route("/upward/<int:dossier_id>/<int:form_id>/to-trinh.docx")
@role_required(*UPWARD_ROLES)
def upward_proposal_docx(dossier_id: int, form_id: int):
    """Tờ trình của tỉnh đề nghị cấp trên khen thưởng (DOCX theo NĐ 30/2020) kèm danh sách đối tượng."""
    from ..documents import context

    dossier = get_scoped_or_404(Dossier, dossier_id)
    authority = svc.proposal_authority(db.session, dossier)
    if authority is None or not _may_read_upward(authority) or not svc.upward_proposal_states(dossier.workflow):
        abort(404)
    try:
        up = svc.upward_proposal(db.session, dossier, form_id, today=_today(),
                                 tz=ZoneInfo(current_app.config["TIMEZONE"]))
        data, filename = context.upward_proposal_docx(db.session, up)
    except (svc.DecisionError, context.RendererMissing) as exc:
        db.session.rollback()
        flash(tr(exc), "warning")
        return redirect(url_for("review.detail", dossier_id=dossier.id))
    svc.record_upward_download(db.session, up, actor=current_user, filename=filename)
    db.session.commit()
    return context.docx_response(data, filename)


@bp.route("/upward/<int:dossier_id>/<int:form_id>/number", methods=["POST"])
@role_required(Role.clerk)
@fresh_required
def upward_proposal_number(dossier_id: int, form_id: int):
    """Văn thư cấp số, ngày cho tờ trình đề nghị cấp trên đã ký: số tiếp theo trong sổ đăng ký tờ
    trình của cơ quan theo năm, hoặc số do hệ thống văn bản điện tử cấp. Số đã cấp không đổi được."""
    dossier = get_scoped_or_404(Dossier, dossier_id)
    if not svc.can_number_upward(current_user, dossier):
        abort(403)
    back = redirect(url_for("review.detail", dossier_id=dossier.id))
    form = UpwardNumberForm(prefix=upward_number_prefix(form_id))
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errs in form.errors.values() for e in errs) or gettext("Dữ liệu không hợp lệ."),
              "danger")
        return back
    try:
        row = svc.number_upward_proposal(
            db.session, dossier, form_id, actor=current_user, proposal_date=form.proposal_date.data, today=_today(),
            number=form.number.data if form.source.data == "e-office" else None,
        )
    except svc.DecisionError as exc:
        db.session.rollback()
        flash(tr(exc), "danger")
        return back
    message = gettext("Đã cấp số %(number)s ngày %(date)s cho tờ trình đề nghị tặng %(form)s.",
                      number=row.number_label, date=row.proposal_date.strftime("%d/%m/%Y"), form=row.award_form.name)
    db.session.commit()
    flash(message, "success")
    return back
