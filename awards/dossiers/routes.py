"""The unit's pages: rounds open to it, its dossiers, the dossier editor, files, Excel import and
export, the tờ trình, the checklist and the unit's transitions (submit, resubmit, withdraw).

Every dossier, nominee and file is loaded through access.get_scoped_or_404 (another unit: 404);
changes need a unit role over the dossier's unit (can_edit) and carry the dossier's version."""
from __future__ import annotations

import io
import time
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_decimal, gettext
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from ..access import dossier_visible_clause, get_scoped_or_404, unit_in_scope_clause
from ..db import db
from ..i18n import label, tr
from ..pagecache import cached_page
from ..models import (
    ATTACHMENT_KIND_LABELS, RECIPIENT_KIND_LABELS, Attachment, AwardForm, Dossier, Nominee, RecipientKind,
    WorkflowHistory, utcnow,
)
from ..rules import checks
from ..rules.duplicates import dossier_flags
from ..services import dossiers as svc
from ..services import transitions
from ..services.uploads import UploadRejected, check_upload
from ..workflow import get_workflow
from . import bp
from .forms import (
    LABELS_BY_KIND, AttachmentForm, DossierCreateForm, DossierEditForm, ImportForm, NomineeForm, TransitionForm,
    VersionForm,
    choices,
)
from .imports import build_template, parse_workbook

UNIT_TRANSITIONS = ("submit", "resubmit", "withdraw")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _load(dossier_id: int) -> Dossier:
    return get_scoped_or_404(Dossier, dossier_id)


def _load_nominee(dossier: Dossier, nominee_id: int) -> Nominee:
    n = get_scoped_or_404(Nominee, nominee_id)
    if n.dossier_id != dossier.id:
        abort(404)
    return n


def _require_unit_role(dossier: Dossier) -> None:
    """:raise 403: the user has no unit role over the dossier's unit (e.g. a board user)."""
    if not svc.can_edit(current_user, dossier, check_state=False):
        abort(403)


def _back(dossier: Dossier, anchor: str = ""):
    return redirect(url_for("dossiers.detail", dossier_id=dossier.id) + (f"#{anchor}" if anchor else ""))


def _guarded(dossier: Dossier, fn, *, anchor: str = ""):
    """Run a service call; a stale version or a closed dossier flashes and goes back."""
    try:
        fn()
    except transitions.StaleDossier:
        db.session.rollback()
        flash(tr(transitions.STALE_MESSAGE), "danger")
        return _back(dossier)
    except svc.NotEditable as exc:
        db.session.rollback()
        flash(tr(exc), "danger")
        return _back(dossier)
    return None


def _stale(form: VersionForm, dossier: Dossier) -> bool:
    return form.version.data is None or form.version.data != dossier.version


# ------------------------------------------------------------------------------ list


@bp.route("/")
@login_required
def index():
    """Hồ sơ đề nghị: các đợt đang mở cho đơn vị và các hồ sơ của đơn vị."""
    session = db.session
    unit = current_user.unit
    now = utcnow()
    rounds = svc.open_rounds(session, unit, now) if svc.can_create(current_user) else []
    usage = checks.quota_usage(session, [r.id for r, _ in rounds], unit.id)
    dossiers = session.scalars(
        sa.select(Dossier).where(unit_in_scope_clause(Dossier.unit_id, current_user),
                                  dossier_visible_clause(current_user))
        .order_by(Dossier.created_dt.desc()).limit(200)
    ).unique().all()
    counts = dict(session.execute(
        sa.select(Nominee.dossier_id, sa.func.count()).where(Nominee.dossier_id.in_([d.id for d in dossiers]))
        .group_by(Nominee.dossier_id)
    ).all()) if dossiers else {}
    return render_template("dossiers/index.html", rounds=rounds, usage=usage, dossiers=dossiers, counts=counts,
                           now=now, state_label=svc.state_label, can_create=svc.can_create(current_user))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """Lập hồ sơ mới trong một đợt đang mở."""
    if not svc.can_create(current_user):
        abort(403)
    unit = current_user.unit
    rounds = svc.open_rounds(db.session, unit)
    form = DossierCreateForm()
    form.round_id.choices = choices([(r.id, f"{r.movement.name} — {r.name}") for r, _ in rounds])
    by_round = {r.id: r for r, _ in rounds}
    if request.method == "GET" and request.args.get("round_id", type=int) in by_round:
        form.round_id.data = request.args.get("round_id", type=int)
    rnd = by_round.get(form.round_id.data) or (rounds[0][0] if rounds else None)
    form.award_form_id.choices = choices([(f.id, f.name) for r, _ in rounds for f in r.award_forms if r is rnd] or [(0, "—")])
    if request.method == "GET" and request.args.get("form_id", type=int):
        form.award_form_id.data = request.args.get("form_id", type=int)
    if rnd is not None and form.award_form_id.data in {f.id for f in rnd.award_forms} and not form.title.data:
        f = db.session.get(AwardForm, form.award_form_id.data)
        form.title.data = f"Hồ sơ đề nghị {f.name} — {rnd.name}"
    if not rounds:
        flash(gettext("Hiện không có đợt khen thưởng nào đang nhận hồ sơ của đơn vị."), "warning")
        return redirect(url_for("dossiers.index"))
    if form.validate_on_submit():
        form_obj = db.session.get(AwardForm, form.award_form_id.data)
        try:
            d = svc.create_dossier(db.session, rnd=by_round[form.round_id.data], award_form=form_obj, unit=unit,
                                   title=form.title.data, summary=form.summary.data, actor=current_user)
        except svc.InvalidInput as exc:
            db.session.rollback()
            for key, msg in exc.errors.items():
                (form[key].errors if key in form else form.title.errors).append(tr(msg))
        else:
            db.session.commit()
            flash(gettext("Đã lập hồ sơ. Hãy thêm đối tượng đề nghị và tài liệu kèm theo."), "success")
            return redirect(url_for("dossiers.detail", dossier_id=d.id))
    return render_template("dossiers/new.html", form=form)


# ------------------------------------------------------------------------------ detail


@bp.route("/<int:dossier_id>")
@login_required
@cached_page
def detail(dossier_id: int):
    """Hồ sơ: đối tượng, tài liệu, bảng kiểm trước khi trình, lịch sử và thay đổi giữa hai lần trình."""
    d = _load(dossier_id)
    session = db.session
    nominees = session.scalars(
        sa.select(Nominee).where(Nominee.dossier_id == d.id)
        .options(selectinload(Nominee.indicator_values)).order_by(Nominee.position, Nominee.id)
    ).unique().all()
    now = utcnow()
    editable = svc.can_edit(current_user, d)
    unit_user = svc.can_edit(current_user, d, check_state=False)
    options = [o for o in transitions.options(session, d, current_user, now=now)
               if o.transition.name in UNIT_TRANSITIONS] if unit_user else []
    guards: tuple[str, ...] = ()
    for o in options:
        if o.transition.name in ("submit", "resubmit"):
            guards = o.transition.guards
    checklist = checks.submission_checklist(session, d, now, guards) if editable else []
    flags = dossier_flags(session, d) if nominees else {}
    deadline = checks.unit_deadline(session, d)
    diff = svc.last_submissions_diff(session, d)
    pending = svc.changes_since_last_submission(session, d) if d.state == "returned" else None
    upload_form = AttachmentForm(version=d.version)
    upload_form.nominee_id.choices = choices([(0, gettext("— Không gắn với đối tượng —"))] + [(n.id, n.name) for n in nominees])
    forms_by_id = {f.id: f for f in d.round.award_forms}
    return render_template(
        "dossiers/detail.html", d=d, nominees=nominees, editable=editable, unit_user=unit_user, options=options,
        checklist=checklist, flags=flags, deadline=deadline, now=now, diff=diff, pending=pending,
        state_label=svc.state_label(d), wf=get_workflow(d.workflow), upload_form=upload_form,
        edit_form=DossierEditForm(obj=d, version=d.version), version_form=VersionForm(version=d.version),
        transition_form=TransitionForm(version=d.version), kinds=RECIPIENT_KIND_LABELS,
        attachment_kinds=ATTACHMENT_KIND_LABELS, last_return=svc.last_return(d), forms_by_id=forms_by_id,
        report_sections=svc.REPORT_SECTIONS,
        indicators=d.round.movement.indicators,
        allowed_kinds=[k for k in RecipientKind if any(f.allows(k) for f in d.round.award_forms)],
    )


@bp.route("/<int:dossier_id>/edit", methods=["POST"])
@login_required
def edit(dossier_id: int):
    """Sửa tên và ghi chú của hồ sơ."""
    d = _load(dossier_id)
    _require_unit_role(d)
    form = DossierEditForm()
    if not form.validate_on_submit():
        if form.version.errors:
            flash(tr(transitions.STALE_MESSAGE), "danger")
        for field, errs in form.errors.items():
            if field != "version":
                flash(f"{form[field].label.text}: {' '.join(str(e) for e in errs)}", "danger")
        return _back(d)

    def run():
        svc.update_dossier(db.session, d, title=form.title.data, summary=form.summary.data, actor=current_user,
                           expected_version=form.version.data)

    try:
        resp = _guarded(d, run)
    except svc.InvalidInput as exc:
        db.session.rollback()
        flash(tr(exc), "danger")
        return _back(d)
    if resp is not None:
        return resp
    db.session.commit()
    flash(gettext("Đã lưu thông tin hồ sơ."), "success")
    return _back(d)


# ------------------------------------------------------------------------------ nominees


def _nominee_form(d: Dossier, kind: str, form: NomineeForm) -> NomineeForm:
    form.award_form_id.choices = choices([(f.id, f.name) for f in d.round.award_forms if f.allows(kind)])
    for name, text in LABELS_BY_KIND[kind].items():
        form[name].label.text = text
    return form


def _indicator_input() -> dict[int, Any]:
    out = {}
    for key, value in request.form.items():
        if key.startswith("indicator_") and key[10:].isdigit():
            out[int(key[10:])] = value.strip()
    return out


def _render_nominee(d: Dossier, kind: str, form: NomineeForm, nominee: Nominee | None, status: int = 200,
                    indicator_values: dict[int, Any] | None = None, extra_errors: dict[str, str] | None = None):
    if indicator_values is None:
        indicator_values = {v.indicator_id: v.value for v in nominee.indicator_values} if nominee else {}
    attachments = [a for a in d.attachments if nominee is not None and a.nominee_id == nominee.id]
    return render_template(
        "dossiers/nominee_form.html", d=d, kind=kind, kind_label=RECIPIENT_KIND_LABELS[RecipientKind(kind)],
        form=form, nominee=nominee, fields=[k for k in NomineeForm.NOMINEE_KEYS if k in svc.KIND_FIELDS[kind]],
        labels=LABELS_BY_KIND[kind], required=set(svc.REQUIRED[kind]), report_sections=svc.REPORT_SECTIONS[kind],
        indicators=d.round.movement.indicators, indicator_values=indicator_values, extra_errors=extra_errors or {},
        report_files=attachments, editable=svc.can_edit(current_user, d),
    ), status


def _save_nominee(d: Dossier, kind: str, form: NomineeForm, nominee: Nominee | None):
    if not form.validate_on_submit():
        if form.version.errors:
            flash(tr(transitions.STALE_MESSAGE), "danger")
            return _back(d)
        return _render_nominee(d, kind, form, nominee, 422, _indicator_input())
    if _stale(form, d):
        flash(tr(transitions.STALE_MESSAGE), "danger")
        return _back(d)
    indicators = _indicator_input()
    data = form.nominee_data()
    data["kind"] = kind
    saved: list[Nominee] = []

    def run():
        if nominee is None:
            saved.append(svc.add_nominee(db.session, d, data, actor=current_user, expected_version=form.version.data,
                                         report=form.report_data(), indicators=indicators))
        else:
            svc.update_nominee(db.session, nominee, data, actor=current_user, expected_version=form.version.data,
                               report=form.report_data(), indicators=indicators)
            saved.append(nominee)

    try:
        resp = _guarded(d, run)
    except svc.InvalidInput as exc:
        db.session.rollback()
        extra = {}
        for key, msg in exc.errors.items():
            if key in form and key != "version":
                form[key].errors = list(form[key].errors) + [tr(msg)]
            else:
                extra[key] = tr(msg)
        return _render_nominee(d, kind, form, nominee, 422, indicators, extra)
    if resp is not None:
        return resp
    db.session.commit()
    flash(gettext("Đã lưu «%(name)s».", name=saved[0].name), "success")
    return _back(d, "nominees")


@bp.route("/<int:dossier_id>/nominees/new", methods=["GET", "POST"])
@login_required
def nominee_new(dossier_id: int):
    """Thêm đối tượng đề nghị (tập thể, cá nhân, hộ gia đình)."""
    d = _load(dossier_id)
    _require_unit_role(d)
    kind = request.args.get("kind", "individual")
    if kind not in svc.REQUIRED:
        abort(404)
    if d.state not in svc.EDITABLE_STATES:
        flash(tr(svc.NotEditable()), "warning")
        return _back(d)
    form = _nominee_form(d, kind, NomineeForm())
    if request.method == "GET":
        form.version.data = d.version
        if d.award_form.allows(kind):
            form.award_form_id.data = d.award_form_id
        return _render_nominee(d, kind, form, None)
    return _save_nominee(d, kind, form, None)


@bp.route("/<int:dossier_id>/nominees/<int:nominee_id>", methods=["GET", "POST"])
@login_required
def nominee_edit(dossier_id: int, nominee_id: int):
    """Sửa đối tượng, báo cáo thành tích và các chỉ tiêu của phong trào."""
    d = _load(dossier_id)
    n = _load_nominee(d, nominee_id)
    if request.method == "POST":
        _require_unit_role(d)
    form = _nominee_form(d, n.kind, NomineeForm(obj=n) if request.method == "GET" else NomineeForm())
    if request.method == "GET":
        form.version.data = d.version
        form.contribution_value.data = "" if n.contribution_value is None else str(n.contribution_value)
        form.birth_year.data = "" if n.birth_year is None else str(n.birth_year)
        for key, value in (n.report or {}).items():
            if f"report_{key}" in form:
                form[f"report_{key}"].data = value
        return _render_nominee(d, n.kind, form, n)
    return _save_nominee(d, n.kind, form, n)


@bp.route("/<int:dossier_id>/nominees/<int:nominee_id>/delete", methods=["POST"])
@login_required
def nominee_delete(dossier_id: int, nominee_id: int):
    """Xóa đối tượng khỏi hồ sơ."""
    d = _load(dossier_id)
    n = _load_nominee(d, nominee_id)
    _require_unit_role(d)
    form = VersionForm()
    if not form.validate_on_submit() or _stale(form, d):
        flash(tr(transitions.STALE_MESSAGE), "danger")
        return _back(d)
    name = n.name
    resp = _guarded(d, lambda: svc.remove_nominee(db.session, n, actor=current_user,
                                                  expected_version=form.version.data))
    if resp is not None:
        return resp
    db.session.commit()
    flash(gettext("Đã xóa «%(name)s» khỏi hồ sơ.", name=name), "success")
    return _back(d, "nominees")


# ------------------------------------------------------------------------------ attachments


@bp.route("/<int:dossier_id>/attachments", methods=["POST"])
@login_required
def upload(dossier_id: int):
    """Tải tài liệu lên (tờ trình, biên bản, báo cáo thành tích, tài liệu khác)."""
    d = _load(dossier_id)
    _require_unit_role(d)
    form = AttachmentForm()
    form.nominee_id.choices = choices([(0, "")] + [(n.id, n.name) for n in d.nominees])
    if not form.validate_on_submit():
        if form.version.errors:
            flash(tr(transitions.STALE_MESSAGE), "danger")
        for field, errs in form.errors.items():
            if field != "version":
                flash(" ".join(str(e) for e in errs), "danger")
        return _back(d, "files")
    if _stale(form, d):
        flash(tr(transitions.STALE_MESSAGE), "danger")
        return _back(d, "files")
    data = form.file.data.read()
    nominee_id = form.nominee_id.data or None

    def run():
        svc.add_attachment(db.session, d, kind=form.kind.data, filename=form.file.data.filename, data=data,
                           nominee_id=nominee_id, actor=current_user, expected_version=form.version.data,
                           max_bytes=current_app.config.get("UPLOAD_MAX_BYTES", 20 * 1024 * 1024))

    try:
        resp = _guarded(d, run)
    except (UploadRejected, svc.InvalidInput) as exc:
        db.session.rollback()
        flash(tr(exc), "danger")
        return _back(d, "files")
    if resp is not None:
        return resp
    db.session.commit()
    flash(gettext("Đã tải tệp lên."), "success")
    return _back(d, "files")


@bp.route("/<int:dossier_id>/attachments/<int:attachment_id>")
@login_required
def download(dossier_id: int, attachment_id: int):
    """Tải tệp đính kèm về (ghi nhật ký mỗi lần tải)."""
    d = _load(dossier_id)
    a = get_scoped_or_404(Attachment, attachment_id)
    if a.dossier_id != d.id:
        abort(404)
    svc.record_download(db.session, a, actor=current_user)
    db.session.commit()
    return send_file(io.BytesIO(a.data), mimetype=a.content_type, as_attachment=True, download_name=a.filename,
                     max_age=0)


@bp.route("/<int:dossier_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def attachment_delete(dossier_id: int, attachment_id: int):
    """Xóa tệp đính kèm."""
    d = _load(dossier_id)
    a = get_scoped_or_404(Attachment, attachment_id)
    if a.dossier_id != d.id:
        abort(404)
    _require_unit_role(d)
    form = VersionForm()
    if not form.validate_on_submit() or _stale(form, d):
        flash(tr(transitions.STALE_MESSAGE), "danger")
        return _back(d, "files")
    resp = _guarded(d, lambda: svc.remove_attachment(db.session, a, actor=current_user,
                                                     expected_version=form.version.data))
    if resp is not None:
        return resp
    db.session.commit()
    flash(gettext("Đã xóa tệp."), "success")
    return _back(d, "files")


# ------------------------------------------------------------------------------ documents


@bp.route("/<int:dossier_id>/proposal.docx")
@login_required
def proposal(dossier_id: int):
    """Tờ trình của đơn vị (DOCX theo NĐ 30/2020) để ký rồi tải lên lại."""
    d = _load(dossier_id)
    _require_unit_role(d)
    from .proposal import proposal_docx

    data, filename = proposal_docx(db.session, d)
    return send_file(io.BytesIO(data), mimetype=DOCX, as_attachment=True, download_name=filename, max_age=0)


@bp.route("/<int:dossier_id>/import/template.xlsx")
@login_required
def import_template(dossier_id: int):
    """Mẫu Excel để nhập danh sách đối tượng."""
    d = _load(dossier_id)
    return send_file(io.BytesIO(build_template(d)), mimetype=XLSX, as_attachment=True,
                     download_name=f"mau-danh-sach-ho-so-{d.id}.xlsx", max_age=0)


@bp.route("/<int:dossier_id>/export.xlsx")
@login_required
def export(dossier_id: int):
    """Xuất danh sách đối tượng của hồ sơ ra Excel (cùng mẫu với tệp nhập)."""
    d = _load(dossier_id)
    nominees = db.session.scalars(
        sa.select(Nominee).where(Nominee.dossier_id == d.id)
        .options(selectinload(Nominee.indicator_values)).order_by(Nominee.position, Nominee.id)
    ).unique().all()
    return send_file(io.BytesIO(build_template(d, nominees)), mimetype=XLSX, as_attachment=True,
                     download_name=f"danh-sach-ho-so-{d.id}.xlsx", max_age=0)


@bp.route("/<int:dossier_id>/import", methods=["GET", "POST"])
@login_required
def import_rows(dossier_id: int):
    """Nhập danh sách đối tượng từ Excel: một lỗi bất kỳ thì không nhập dòng nào."""
    d = _load(dossier_id)
    _require_unit_role(d)
    if d.state not in svc.EDITABLE_STATES:
        flash(tr(svc.NotEditable()), "warning")
        return _back(d)
    form = ImportForm()
    if request.method == "GET":
        form.version.data = d.version
        return render_template("dossiers/import.html", d=d, form=form, result=None)
    if not form.validate_on_submit():
        if form.version.errors:
            flash(tr(transitions.STALE_MESSAGE), "danger")
            return _back(d)
        return render_template("dossiers/import.html", d=d, form=form, result=None), 422
    if _stale(form, d):
        flash(tr(transitions.STALE_MESSAGE), "danger")
        return _back(d)
    started = time.perf_counter()
    data = form.file.data.read()
    try:
        check_upload(data, form.file.data.filename, only=("xlsx",),
                     max_bytes=current_app.config.get("UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
    except UploadRejected as exc:
        form.file.errors = [tr(exc)]
        return render_template("dossiers/import.html", d=d, form=form, result=None), 422
    result = parse_workbook(data, d)
    if not result.ok:
        form.version.data = d.version
        return render_template("dossiers/import.html", d=d, form=form, result=result), 422
    added: list[int] = []
    resp = _guarded(d, lambda: added.append(svc.import_nominees(
        db.session, d, result.rows, actor=current_user, expected_version=form.version.data,
        filename=form.file.data.filename)))
    if resp is not None:
        return resp
    db.session.commit()
    seconds = time.perf_counter() - started
    flash(gettext("Đã nhập %(count)s đối tượng từ tệp Excel (%(seconds)s giây).", count=added[0],
                  seconds=format_decimal(round(seconds, 1), format="0.0")), "success")
    return _back(d, "nominees")


# ------------------------------------------------------------------------------ transitions


@bp.route("/<int:dossier_id>/fire/<transition>", methods=["POST"])
@login_required
def fire(dossier_id: int, transition: str):
    """Trình, trình lại hoặc rút hồ sơ qua quy trình (chỉ Thủ trưởng đơn vị được trình)."""
    d = _load(dossier_id)
    if transition not in UNIT_TRANSITIONS:
        abort(404)
    form = TransitionForm()
    if not form.validate_on_submit():
        flash(tr(transitions.STALE_MESSAGE), "danger")
        return _back(d)
    try:
        transitions.fire(db.session, d, transition, actor=current_user, comment=form.comment.data,
                         expected_version=form.version.data)
    except transitions.StaleDossier:
        db.session.rollback()
        flash(tr(transitions.STALE_MESSAGE), "danger")
        return _back(d)
    except transitions.TransitionRejected as exc:
        db.session.rollback()
        for reason in exc.reasons:
            flash(tr(reason), "danger")
        return _back(d)
    db.session.commit()
    action = get_workflow(d.workflow).transition(transition).label
    flash(gettext("%(action)s: thành công. Trạng thái hiện tại: %(state)s.", action=label(action),
                  state=label(svc.state_label(d))), "success")
    return _back(d)


@bp.route("/<int:dossier_id>/history")
@login_required
def history(dossier_id: int):
    """Lịch sử xử lý của hồ sơ và thay đổi giữa hai lần trình gần nhất."""
    d = _load(dossier_id)
    entries = db.session.scalars(
        sa.select(WorkflowHistory).where(WorkflowHistory.dossier_id == d.id).order_by(WorkflowHistory.id)
    ).all()
    wf = get_workflow(d.workflow)
    return render_template("dossiers/history.html", d=d, entries=entries, wf=wf,
                           transition_labels={t.name: t.label for t in wf.transitions},
                           diff=svc.last_submissions_diff(db.session, d), state_label=svc.state_label(d))

