"""Decisions: preparation, editing the draft, submission, the chairman's approval, numbering, issue,
documents. The province's tờ trình to the higher level is in routes_upward."""
from __future__ import annotations

import io
from datetime import date
from urllib.parse import quote
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user

from ..access import get_scoped_or_404, unit_in_scope_clause
from ..authz import fresh_required, role_required
from ..db import db
from ..models import (
    RECIPIENT_KIND_LABELS, Appraisal, Authority, Award, AwardForm, Decision, DecisionState, Dossier, Role, Signer,
    Unit,
)
from ..documents.pdf import soffice_path
from ..i18n import tr
from ..services import audit
from ..services import decisions as svc
from ..services.transitions import STALE_MESSAGE, StaleDossier
from . import bp
from .forms import (
    AwardRevokeForm, DraftForm, IssueForm, NumberForm, PrepareForm, ReasonForm, VersionForm, award_rows, choices,
)

VIEW_ROLES = (Role.board_specialist, Role.board_lead, Role.signer, Role.clerk, Role.admin)
PREPARE_ROLES = (Role.board_specialist, Role.board_lead)


def _today() -> date:
    from ..models import utcnow

    return utcnow().astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


def _roles_here(authority: Authority, *, acting: bool = False) -> frozenset[str]:
    """The user's roles for the authority's decisions: to see them, any scope over its unit; to act
    (prepare, approve, number, issue), a scope that is the authority's own level."""
    if current_user.is_admin:
        return frozenset(r.value for r in Role)
    return current_user.roles_at(authority.unit) if acting else current_user.roles_covering(authority.unit)


def _load(decision_id: int) -> Decision:
    """:raise 404: no such decision, or its authority lies outside every scope of the user."""
    d = db.session.get(Decision, decision_id)
    if d is None or not (_roles_here(d.authority) & {r.value for r in VIEW_ROLES}):
        abort(404)
    return d


def _require(decision: Decision, *roles: Role) -> None:
    if not (_roles_here(decision.authority, acting=True) & {r.value for r in roles}):
        abort(403)


def _signer_label(s: Signer) -> str:
    """"Lê Thị Hồng Vân — KT. CHỦ TỊCH / PHÓ CHỦ TỊCH": the signing capacity the choice gives."""
    from ..documents.context import signer_for

    return f"{s.full_name} — {' / '.join(signer_for(s.authority, s).lines)}"


def _forms_for_user() -> list[AwardForm]:
    forms = db.session.scalars(sa.select(AwardForm).where(AwardForm.authority_id.is_not(None),
                                                          AwardForm.active.is_(True))).all()
    return [f for f in forms if _roles_here(f.authority, acting=True) & {r.value for r in PREPARE_ROLES}
            and svc.decision_path(f.workflow) is not None]


@bp.route("/")
@role_required(*VIEW_ROLES)
def index():
    """Quyết định khen thưởng."""
    decisions = db.session.scalars(
        sa.select(Decision).join(Authority, Decision.authority_id == Authority.id)
        .where(unit_in_scope_clause(Authority.unit_id, current_user))
        .order_by(Decision.created_dt.desc()).limit(200)
    ).all()
    groups = []
    for f in _forms_for_user():
        ready = svc.ready_dossiers(db.session, f, unit_in_scope_clause(Dossier.unit_id, current_user))
        if ready:
            groups.append((f, ready, sum(len(svc.recipients_of(d, f)) for d in ready)))
    return render_template("decisions/index.html", decisions=decisions, groups=groups)


@bp.route("/new/<int:form_id>", methods=["GET", "POST"])
@role_required(*PREPARE_ROLES)
def new(form_id: int):
    """Lập dự thảo quyết định từ các đối tượng đủ điều kiện của một hình thức."""
    award_form = db.session.get(AwardForm, form_id)
    if award_form is None or award_form not in _forms_for_user():
        abort(404)
    ready = svc.ready_dossiers(db.session, award_form, unit_in_scope_clause(Dossier.unit_id, current_user))
    form = PrepareForm()
    signers = db.session.scalars(sa.select(Signer).where(Signer.authority_id == award_form.authority_id,
                                                         Signer.active.is_(True)).order_by(Signer.position_order)).all()
    form.signer_id.choices = choices([(0, "—")] + [(s.id, f"{s.full_name} ({s.position_title})") for s in signers])
    if request.method == "GET":
        form.decision_date.data = _today()
        form.fund_source.data = award_form.authority.fund_source
    if form.validate_on_submit():
        chosen = {int(x) for x in request.form.getlist("dossier") if x.isdigit()}
        dossiers = [d for d in ready if d.id in chosen]
        signer = db.session.get(Signer, form.signer_id.data) if form.signer_id.data else None
        try:
            decision = svc.prepare_decision(
                db.session, actor=current_user, form=award_form, dossiers=dossiers,
                decision_date=form.decision_date.data, title=form.title.data,
                achievement_phrase=form.achievement_phrase.data, fund_source=form.fund_source.data, signer=signer,
                proposal_number=form.proposal_number.data, proposal_date=form.proposal_date.data,
            )
        except svc.DecisionError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã lập dự thảo quyết định."), "success")
            return redirect(url_for("decisions.detail", decision_id=decision.id))
    return render_template("decisions/new.html", award_form=award_form, ready=ready, form=form,
                           recipients_of=svc.recipients_of)


@bp.route("/<int:decision_id>")
@role_required(*VIEW_ROLES)
def detail(decision_id: int):
    """Quyết định: người nhận, tiền thưởng, trình, phê duyệt, cấp số, ban hành."""
    d = _load(decision_id)
    roles = _roles_here(d.authority, acting=True)  # the buttons: acting needs the authority's own level
    by_kind: dict[str, dict[str, int]] = {}
    for a in d.awards:
        row = by_kind.setdefault(a.kind, {"count": 0, "amount": a.amount, "total": 0})
        row["count"] += 1
        row["total"] += a.amount
    nf = NumberForm(version=d.version, decision_date=d.decision_date or _today())
    approver = svc.approver_of(d)
    may_approve = "signer" in roles and approver is not None and approver.id == current_user.id
    return render_template(
        "decisions/detail.html", d=d, roles=roles, by_kind=by_kind, kind_labels=RECIPIENT_KIND_LABELS,
        approver=approver, may_approve=may_approve, may_return=may_approve or ("signer" in roles and d.signer is None),
        dossiers=svc.decision_dossiers(db.session, d),
        can_submit=bool(roles & (svc.submit_roles(d.award_form.workflow) | {Role.admin.value})),
        number_form=nf, issue_form=IssueForm(version=d.version, decision_date=d.decision_date),
        reason_form=ReasonForm(version=d.version), States=DecisionState,
        pdf_available=soffice_path() is not None,
    )


def _back(d: Decision):
    return redirect(url_for("decisions.detail", decision_id=d.id))


def _run(d: Decision, fn, ok: str, **kwargs):
    try:
        fn(db.session, d, actor=current_user, **kwargs)
    except (svc.StaleDecision, StaleDossier) as exc:
        db.session.rollback()
        flash(tr(svc.STALE_DECISION if isinstance(exc, svc.StaleDecision) else STALE_MESSAGE), "warning")
    except svc.DecisionError as exc:
        db.session.rollback()
        flash(tr(exc), "danger")
    else:
        db.session.commit()
        flash(ok, "success")
    return _back(d)


@bp.route("/<int:decision_id>/submit", methods=["POST"])
@role_required(Role.board_lead, Role.board_specialist, Role.admin)
def submit(decision_id: int):
    """Trình Chủ tịch phê duyệt."""
    d = _load(decision_id)
    _require(d, *[Role(r) for r in svc.submit_roles(d.award_form.workflow)], Role.admin)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    return _run(d, svc.submit_decision, gettext("Đã trình Chủ tịch phê duyệt."), expected_version=form.version.data)


@bp.route("/<int:decision_id>/discard", methods=["POST"])
@role_required(*PREPARE_ROLES)
def discard(decision_id: int):
    """Hủy dự thảo chưa trình."""
    d = _load(decision_id)
    _require(d, *PREPARE_ROLES)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        svc.discard_draft(db.session, d, actor=current_user, expected_version=form.version.data)
    except svc.DecisionError as exc:
        db.session.rollback()
        flash(tr(exc), "danger")
        return _back(d)
    db.session.commit()
    flash(gettext("Đã hủy dự thảo quyết định."), "success")
    return redirect(url_for("decisions.index"))


# ------------------------------------------------------------------------------ editing a draft

EDIT_FIELDS = ("title", "decision_date", "legal_basis", "proposer", "proposal_number", "proposal_date",
               "achievement_phrase", "fund_source", "signer_id", "copy_to")


def _signer_choices(d: Decision):
    """The authority's active signers (and the draft's own, if since deactivated), each with the
    capacity it signs in."""
    pairs = [(0, gettext("— Chưa chọn —"))]
    for s in d.authority.signers:
        if s.active:
            pairs.append((s.id, _signer_label(s)))
        elif s.id == d.signer_id:
            pairs.append((s.id, gettext("%(signer)s (đã ngừng ký)", signer=_signer_label(s))))
    return choices(pairs)


def _draft_form(d: Decision, values: dict | None = None) -> DraftForm:
    form = DraftForm(formdata=None, data=values) if values is not None else DraftForm()
    form.signer_id.choices = _signer_choices(d)
    if values is not None:
        form.version.data = d.version
    return form


def _normalised(value) -> str:
    return "\n".join(" ".join(line.split()) for line in str(value or "").splitlines() if line.strip())


def _same(a, b) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return _normalised(a) == _normalised(b)
    return (a or None) == (b or None)


def _unsaved(form: DraftForm, fresh: dict, d: Decision, removed: set[int]) -> list[tuple[str, str]]:
    """What a stale form typed that differs from what is stored now, to copy from."""
    labels = {c.value: c.label for c in _signer_choices(d)}
    out = []
    for name in EDIT_FIELDS:
        typed = form[name].data
        if _same(typed, fresh.get(name)):
            continue
        if name == "signer_id":
            shown = labels.get(typed, "—")
        elif hasattr(typed, "strftime"):
            shown = typed.strftime("%d/%m/%Y")
        else:
            shown = typed or "—"
        out.append((form[name].label.text, shown))
    names = [a.name for a in d.awards if a.id in removed]
    if names:
        out.append((gettext("Bỏ khỏi quyết định"), "; ".join(names)))
    return out


def _render_edit(d: Decision, form: DraftForm, rows: dict[int, tuple[str, bool]] | None = None,
                 unsaved: list[tuple[str, str]] | None = None, status: int = 200):
    groups: dict[str, list[Award]] = {}
    for a in d.awards:
        groups.setdefault(a.kind, []).append(a)
    if rows is None:
        rows = {a.id: (str(i), False) for members in groups.values() for i, a in enumerate(members, 1)}
    return render_template("decisions/edit.html", d=d, form=form, groups=groups, rows=rows,
                           kind_labels=RECIPIENT_KIND_LABELS, unsaved=unsaved or []), status


@bp.route("/<int:decision_id>/edit", methods=["GET", "POST"])
@role_required(*PREPARE_ROLES)
def edit(decision_id: int):
    """Sửa dự thảo quyết định chưa trình: trích yếu, căn cứ, người đề nghị, người ký, nơi nhận,
    danh sách người nhận (bỏ bớt, sắp xếp lại)."""
    d = _load(decision_id)
    _require(d, *PREPARE_ROLES)
    if d.state != DecisionState.draft.value or d.number is not None:
        flash(gettext("Chỉ sửa được dự thảo chưa trình Chủ tịch; quyết định này đang ở bước «%(state)s».",
                      state=gettext(d.state_label)), "warning")
        return _back(d)
    if request.method == "GET":
        return _render_edit(d, _draft_form(d, svc.draft_values(d)))
    form = _draft_form(d)
    award_ids = [a.id for a in d.awards]
    order, remove, row_errors = award_rows(request.form, award_ids)
    rows = {i: (request.form.get(f"order-{i}", ""), i in remove) for i in award_ids}
    if not form.validate_on_submit() or row_errors:
        for e in row_errors:
            flash(e, "danger")
        return _render_edit(d, form, rows)
    edit_ = svc.DraftEdit(
        title=form.title.data, decision_date=form.decision_date.data, achievement_phrase=form.achievement_phrase.data,
        fund_source=form.fund_source.data, signer_id=form.signer_id.data or None, proposer=form.proposer.data,
        proposal_number=form.proposal_number.data, proposal_date=form.proposal_date.data,
        legal_basis=(form.legal_basis.data or "").splitlines(), copy_to=(form.copy_to.data or "").splitlines(),
        order=order, remove=remove,
    )
    try:
        details = svc.update_draft(db.session, d, edit_, actor=current_user, expected_version=form.version.data)
    except svc.StaleDecision:
        db.session.rollback()
        d = db.session.get(Decision, decision_id)
        if d is None:
            flash(gettext("Dự thảo này đã bị hủy."), "warning")
            return redirect(url_for("decisions.index"))
        if d.state != DecisionState.draft.value:
            flash(tr(svc.STALE_DECISION), "warning")
            return _back(d)
        fresh = svc.draft_values(d)
        flash(gettext("Đã có người khác sửa dự thảo này trong lúc bạn sửa, nên chưa lưu gì. Trang hiện nội dung "
                      "mới nhất; phần bạn vừa nhập được liệt kê bên dưới để đối chiếu và nhập lại."), "warning")
        return _render_edit(d, _draft_form(d, fresh), unsaved=_unsaved(form, fresh, d, remove), status=409)
    except svc.DecisionError as exc:
        db.session.rollback()
        flash(tr(exc), "danger")
        return _render_edit(d, form, rows)
    if not details:
        db.session.rollback()
        flash(gettext("Không có thay đổi nào để lưu."), "info")
        return _back(d)
    db.session.commit()
    flash(gettext("Đã lưu dự thảo quyết định."), "success")
    return _back(d)


@bp.route("/<int:decision_id>/approve", methods=["POST"])
@role_required(Role.signer)
@fresh_required
def approve(decision_id: int):
    """Chủ tịch phê duyệt (cần xác nhận lại mật khẩu)."""
    d = _load(decision_id)
    _require(d, Role.signer)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    return _run(d, svc.approve_decision, gettext("Đã phê duyệt quyết định khen thưởng."),
                expected_version=form.version.data)


@bp.route("/<int:decision_id>/return", methods=["POST"])
@role_required(Role.signer)
@fresh_required
def return_(decision_id: int):
    """Chủ tịch trả lại, nêu lý do."""
    d = _load(decision_id)
    _require(d, Role.signer)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(gettext("Vui lòng nhập lý do trả lại."), "danger")
        return _back(d)
    return _run(d, svc.return_decision, gettext("Đã trả lại dự thảo quyết định."), reason=form.reason.data,
                expected_version=form.version.data)


@bp.route("/<int:decision_id>/number", methods=["POST"])
@role_required(Role.clerk)
@fresh_required
def number(decision_id: int):
    """Văn thư cấp số (sổ đăng ký của cơ quan theo năm) hoặc ghi số của hệ thống văn bản điện tử."""
    d = _load(decision_id)
    _require(d, Role.clerk)
    form = NumberForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errs in form.errors.values() for e in errs) or gettext("Dữ liệu không hợp lệ."),
              "danger")
        return _back(d)
    if form.source.data == "e-office":
        if not form.number.data:
            flash(gettext("Vui lòng nhập số do hệ thống văn bản điện tử cấp."), "danger")
            return _back(d)
        return _run(d, svc.record_external_number, gettext("Đã ghi số %(number)s.", number=f"{form.number.data:02d}"),
                    number=form.number.data, decision_date=form.decision_date.data,
                    expected_version=form.version.data)
    return _run(d, svc.allocate_number, gettext("Đã cấp số quyết định."), decision_date=form.decision_date.data,
                expected_version=form.version.data)


@bp.route("/<int:decision_id>/issue", methods=["POST"])
@role_required(Role.clerk)
@fresh_required
def issue(decision_id: int):
    """Tải lên bản đã ký (PDF) và ban hành."""
    d = _load(decision_id)
    _require(d, Role.clerk)
    form = IssueForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errs in form.errors.values() for e in errs), "danger")
        return _back(d)
    data = form.scan.data.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
    if len(data) > current_app.config["UPLOAD_MAX_BYTES"]:
        flash(gettext("Tệp quá lớn."), "danger")
        return _back(d)
    return _run(d, svc.issue_decision, gettext("Đã ban hành quyết định; khen thưởng đã vào sổ."),
                scan_filename=form.scan.data.filename or "quyet-dinh.pdf", scan_data=data,
                decision_date=form.decision_date.data, expected_version=form.version.data)


@bp.route("/<int:decision_id>/revoke", methods=["POST"])
@role_required(Role.signer, Role.admin)
@fresh_required
def revoke(decision_id: int):
    """Hủy quyết định đã ban hành (giữ nguyên số)."""
    d = _load(decision_id)
    _require(d, Role.signer, Role.admin)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(gettext("Vui lòng nhập lý do hủy quyết định."), "danger")
        return _back(d)
    return _run(d, svc.revoke_decision, gettext("Đã hủy quyết định."), reason=form.reason.data,
                expected_version=form.version.data)


@bp.route("/<int:decision_id>/awards/<int:award_id>/revoke", methods=["POST"])
@role_required(Role.signer, Role.admin)
@fresh_required
def revoke_award(decision_id: int, award_id: int):
    """Thu hồi khen thưởng của một người nhận."""
    d = _load(decision_id)
    _require(d, Role.signer, Role.admin)
    award = db.session.get(Award, award_id)
    if award is None or award.decision_id != d.id:
        abort(404)
    form = AwardRevokeForm()
    if not form.validate_on_submit():
        flash(gettext("Vui lòng nhập lý do thu hồi."), "danger")
        return _back(d)
    try:
        svc.revoke_award(db.session, award, actor=current_user, reason=form.reason.data)
    except svc.DecisionError as exc:
        db.session.rollback()
        flash(tr(exc), "danger")
        return _back(d)
    db.session.commit()
    flash(gettext("Đã thu hồi khen thưởng của «%(name)s».", name=award.name), "success")
    return _back(d)


# ------------------------------------------------------------------------------ documents

def _docx(builder, *args):
    from ..documents import context

    try:
        data, filename = builder(*args)
    except context.RendererMissing as exc:
        flash(tr(exc), "warning")
        return None
    decision = args[-1]
    audit.record(db.session, "decision.download", actor=current_user, obj=decision,
                 details={"file": filename})
    db.session.commit()
    return context.docx_response(data, filename)


@bp.route("/<int:decision_id>/decision.docx")
@role_required(*VIEW_ROLES)
def decision_docx(decision_id: int):
    """Dự thảo / bản quyết định (DOCX) để trình ký."""
    from ..documents import context

    d = _load(decision_id)
    return _docx(context.decision_docx, d) or _back(d)


@bp.route("/<int:decision_id>/decision.pdf")
@role_required(*VIEW_ROLES)
def decision_pdf(decision_id: int):
    """Quyết định (PDF, chuyển từ DOCX bằng LibreOffice; chỉ có khi máy chủ cài LibreOffice)."""
    from ..documents import context
    from ..documents.pdf import PdfConversionError, docx_to_pdf

    d = _load(decision_id)
    if soffice_path() is None:
        abort(404)
    try:
        data, filename = context.decision_docx(d)
        pdf = docx_to_pdf(data, timeout=current_app.config.get("PDF_TIMEOUT_SECONDS", 120))
    except (context.RendererMissing, PdfConversionError):
        flash(gettext("Không chuyển được quyết định sang PDF; vui lòng tải bản DOCX."), "warning")
        return _back(d)
    audit.record(db.session, "decision.download_pdf", actor=current_user, obj=d)
    db.session.commit()
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=filename.removesuffix(".docx") + ".pdf")


@bp.route("/<int:decision_id>/proposal.docx")
@role_required(*VIEW_ROLES)
def proposal_docx(decision_id: int):
    """Tờ trình của Phòng Thi đua - Khen thưởng trình Chủ tịch (DOCX)."""
    from ..documents import context

    d = _load(decision_id)
    return _docx(context.proposal_docx, db.session, d) or _back(d)


@bp.route("/<int:decision_id>/certificates.docx")
@role_required(*VIEW_ROLES)
def certificates_docx(decision_id: int):
    """Bằng khen / Giấy khen để in (DOCX, mỗi người một trang)."""
    from ..documents import context

    d = _load(decision_id)
    mode = "overlay" if request.args.get("mode") == "overlay" else "full"
    return _docx(lambda dec: context.certificates_docx(dec, mode), d) or _back(d)


@bp.route("/<int:decision_id>/annex.xlsx")
@role_required(*VIEW_ROLES)
def annex_xlsx(decision_id: int):
    """Danh sách kèm theo quyết định (XLSX)."""
    from ..documents import context

    d = _load(decision_id)
    data, filename = context.annex_xlsx(d)
    audit.record(db.session, "decision.download", actor=current_user, obj=d, details={"file": filename})
    db.session.commit()
    return send_file(io.BytesIO(data), as_attachment=True, download_name=filename,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/<int:decision_id>/scan.pdf")
@role_required(*VIEW_ROLES)
def scan(decision_id: int):
    """Bản quyết định đã ký (PDF)."""
    d = _load(decision_id)
    if not d.scan_data:
        abort(404)
    resp = send_file(io.BytesIO(d.scan_data), mimetype="application/pdf", as_attachment=False,
                     download_name=d.scan_filename or "quyet-dinh.pdf")
    resp.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(d.scan_filename or 'quyet-dinh.pdf')}"
    resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'self'"
    resp.headers["X-Frame-Options"] = "SAMEORIGIN"
    return resp


__all__ = ["Appraisal", "Unit", "get_scoped_or_404"]
