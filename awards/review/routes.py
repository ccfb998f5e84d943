"""The work queue ("Việc cần xử lý") and the appraisal page of a dossier."""
from __future__ import annotations

import io
from urllib.parse import quote

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext, lazy_gettext as _l
from flask_login import current_user, login_required

from ..access import get_scoped_or_404, unit_in_scope_clause
from ..authz import role_required
from ..db import db
from ..i18n import label, tr
from ..pagecache import cached_page
from ..models import (
    OUTCOME_LABELS, RECIPIENT_KIND_LABELS, Appraisal, Attachment, AwardForm, Dossier, Nominee, NomineeOutcome,
    RecipientKind, Role, Round, Unit,
)
from ..rules.checks import completeness_problems, eligibility_problems, quota_problems
from ..services import review as svc
from ..services.public_comments import comments_for
from ..services.dossiers import record_download
from ..services.transitions import STALE_MESSAGE, StaleDossier, TransitionRejected, fire, options
from ..workflow import get_workflow, get_workflows
from . import bp
from .forms import BulkForm, FireForm, OpinionForm, OutcomeForm

BOARD_ROLES = (Role.board_specialist, Role.board_lead, Role.council_secretary, Role.council_member, Role.signer,
               Role.clerk, Role.admin)
# Transitions fired from other pages: the council session, the decision.
ELSEWHERE = {"council_vote", "standing_agree", "standing_disagree", "submit_to_chairman", "approve",
             "chairman_return", "issue", "submit", "resubmit", "withdraw"}
BULK_TRANSITIONS = {"receive": _l("Tiếp nhận hồ sơ")}
BULK_FROM_STATES = {"submitted"}  # where the bulk transitions start
BULK_ROLES = (Role.board_specialist, Role.board_lead, Role.admin)
PER_PAGE = (20, 50, 100)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _filters() -> svc.QueueFilters:
    per_page = _int_arg("per_page") or 20
    return svc.QueueFilters(
        round_id=_int_arg("round"), unit_id=_int_arg("unit"), form_id=_int_arg("form"),
        kind=request.args.get("kind") if request.args.get("kind") in RecipientKind.values() else None,
        state=(request.args.get("state") or None), q=(request.args.get("q") or "").strip()[:100] or None,
        sort=request.args.get("sort") if request.args.get("sort") in svc.SORTS else "overdue",
        page=_int_arg("page") or 1, per_page=per_page if per_page in PER_PAGE else 20,
    )


def _state_label(workflow: str, state: str) -> str:
    """The state's label in the reader's language (the state's name for an unknown state)."""
    try:
        return label(get_workflow(workflow).state(state).label)
    except KeyError:
        return state


@bp.route("/")
@login_required
@cached_page
def queue():
    """Việc cần xử lý: hồ sơ đang chờ tôi, quá hạn trước."""
    f = _filters()
    page = svc.queue(db.session, current_user, f)
    rounds = db.session.scalars(sa.select(Round).order_by(Round.opens_dt.desc())).all()
    units = db.session.scalars(
        sa.select(Unit).where(unit_in_scope_clause(Unit.id, current_user)).order_by(Unit.path)).all()
    forms = db.session.scalars(sa.select(AwardForm).order_by(AwardForm.rank.desc())).all()
    state_names: dict[str, str] = {}
    for pairs in svc.waiting_pairs(current_user).values():
        for w, s in pairs:
            state_names.setdefault(s, label(get_workflows()[w].state(s).label))
    args = {k: v for k, v in request.args.items() if k != "page"}

    def page_url(n: int) -> str:
        return url_for("review.queue", page=n, **args)

    # Rows the bulk bar can act on (a pure read: the page is served through the page cache).
    may_bulk = any(current_user.has_role(r) for r in BULK_ROLES)
    selectable = {d.id for d, _ in page.rows if may_bulk and d.state in BULK_FROM_STATES}
    return render_template(
        "review/queue.html", page=page, f=f, selectable=selectable, rounds=rounds, units=units, forms=forms, states=state_names,
        kinds=RECIPIENT_KIND_LABELS, sorts=svc.SORTS, per_page_choices=PER_PAGE, page_url=page_url,
        state_label=_state_label, bulk=BULK_TRANSITIONS, form=BulkForm(),
    )


def _selected() -> list[tuple[Dossier, int]]:
    items = []
    for raw in request.form.getlist("dossier"):
        did, _, ver = raw.partition(":")
        if not (did.isdigit() and ver.isdigit()):
            abort(400)
        items.append((get_scoped_or_404(Dossier, int(did)), int(ver)))
    return items


@bp.route("/bulk", methods=["POST"])
@role_required(*BULK_ROLES)
def bulk():
    """Thao tác hàng loạt: hiện số lượng và tên hồ sơ đã chọn, hỏi xác nhận rồi mới thực hiện."""
    form = BulkForm()
    if not form.validate_on_submit() or form.transition.data not in BULK_TRANSITIONS:
        flash(gettext("Thao tác không hợp lệ."), "danger")
        return redirect(url_for("review.queue"))
    items = _selected()
    if not items:
        flash(gettext("Vui lòng chọn ít nhất một hồ sơ."), "warning")
        return redirect(url_for("review.queue"))
    if form.confirm.data != "yes":
        return render_template("review/bulk_confirm.html", form=form, items=items,
                               label=BULK_TRANSITIONS[form.transition.data], state_label=_state_label)
    try:
        result = svc.bulk_fire(db.session, items, form.transition.data, actor=current_user, comment=form.comment.data)
    except StaleDossier:
        db.session.rollback()
        flash(tr(STALE_MESSAGE), "warning")
        return redirect(url_for("review.queue"))
    except TransitionRejected as exc:
        db.session.rollback()
        flash(gettext("Không thực hiện được, chưa hồ sơ nào thay đổi: %(reasons)s", reasons=tr(exc)), "danger")
        return redirect(url_for("review.queue"))
    db.session.commit()
    flash(gettext("Đã %(action)s %(count)s hồ sơ.", action=BULK_TRANSITIONS[form.transition.data].lower(),
                  count=len(result.done)), "success")
    return redirect(url_for("review.queue"))


@bp.route("/<int:dossier_id>")
@role_required(*BOARD_ROLES)
@cached_page
def detail(dossier_id: int):
    """Thẩm định hồ sơ: tài liệu, kiểm tra, kết quả từng đối tượng, thao tác."""
    dossier = get_scoped_or_404(Dossier, dossier_id)
    session = db.session
    nominees = list(dossier.nominees)
    opts = [o for o in options(session, dossier, current_user) if o.transition.name not in ELSEWHERE]
    forms = session.scalars(sa.select(AwardForm).where(AwardForm.active.is_(True)).order_by(AwardForm.rank.desc())).all()
    appraisal = session.scalar(sa.select(Appraisal).where(Appraisal.dossier_id == dossier.id))
    opinion_form = OpinionForm(version=dossier.version, opinion=appraisal.opinion if appraisal else "")
    return render_template(
        "review/detail.html", dossier=dossier, nominees=nominees, options=opts,
        workflow=get_workflow(dossier.workflow),
        completeness=completeness_problems(dossier), quota=quota_problems(session, dossier),
        eligibility=eligibility_problems(session, dossier, dossier.submitted_dt.date() if dossier.submitted_dt
                                         else dossier.created_dt.date()),
        duplicates=svc.duplicate_flags(session, dossier), earlier=svc.earlier_awards(session, nominees),
        can_appraise=svc.can_appraise(current_user, dossier), forms=forms, outcome_labels=OUTCOME_LABELS,
        appraisal=appraisal, opinion_form=opinion_form, fire_form=FireForm(), outcome_form=OutcomeForm(),
        public_comments=comments_for(session, dossier),
    )


@bp.route("/<int:dossier_id>/files/<int:attachment_id>")
@role_required(*BOARD_ROLES)
def attachment(dossier_id: int, attachment_id: int):
    """Tài liệu của hồ sơ: PDF xem trước trong trình duyệt (khung cách ly), tệp khác tải về.

    Every fetch is audited, so the appraisal page never loads a file by itself: a preview is
    fetched when the reader opens it. No range or conditional answers and no caching: one
    opening is one request and one audit row."""
    dossier = get_scoped_or_404(Dossier, dossier_id)
    att = get_scoped_or_404(Attachment, attachment_id)
    if att.dossier_id != dossier.id:
        abort(404)
    data = att.data
    is_pdf = data[:5] == b"%PDF-"
    inline = is_pdf and request.args.get("download") != "1"
    record_download(db.session, att, actor=current_user, preview=inline)
    db.session.commit()
    mimetype = "application/pdf" if is_pdf else (att.content_type or "application/octet-stream")
    resp = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=not inline, download_name=att.filename,
                     conditional=False)
    resp.headers["Cache-Control"] = "no-store"
    if inline:
        resp.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(att.filename)}"
        resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'self'"
        resp.headers["X-Frame-Options"] = "SAMEORIGIN"
    else:
        resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@bp.route("/<int:dossier_id>/nominees/<int:nominee_id>", methods=["POST"])
@role_required(Role.board_specialist, Role.admin)
def outcome(dossier_id: int, nominee_id: int):
    """Ghi kết quả thẩm định một đối tượng."""
    dossier = get_scoped_or_404(Dossier, dossier_id)
    nominee = get_scoped_or_404(Nominee, nominee_id)
    if nominee.dossier_id != dossier.id:
        abort(404)
    form = OutcomeForm()
    if not form.validate_on_submit():
        for errs in form.errors.values():
            for e in errs:
                flash(f"«{nominee.name}»: {e}", "danger")
        return redirect(url_for("review.detail", dossier_id=dossier.id) + f"#n{nominee.id}")
    other = db.session.get(AwardForm, form.other_form_id.data) if form.other_form_id.data else None
    try:
        svc.set_outcome(db.session, nominee, actor=current_user, outcome=form.outcome.data, reason=form.reason.data,
                        other_form=other, return_reason=form.return_reason.data, expected_version=form.version.data)
    except StaleDossier:
        db.session.rollback()
        flash(tr(STALE_MESSAGE), "warning")
    except svc.AppraisalError as exc:
        db.session.rollback()
        flash(tr(exc), "danger")
    else:
        db.session.commit()
        flash(gettext("Đã ghi kết quả thẩm định của «%(name)s».", name=nominee.name), "success")
    return redirect(url_for("review.detail", dossier_id=dossier.id) + f"#n{nominee.id}")


@bp.route("/<int:dossier_id>/opinion", methods=["POST"])
@role_required(Role.board_specialist, Role.admin)
def opinion(dossier_id: int):
    """Ghi ý kiến thẩm định của hồ sơ."""
    dossier = get_scoped_or_404(Dossier, dossier_id)
    form = OpinionForm()
    if not form.validate_on_submit():
        flash(gettext("Vui lòng nhập ý kiến thẩm định."), "danger")
        return redirect(url_for("review.detail", dossier_id=dossier.id))
    try:
        svc.save_opinion(db.session, dossier, actor=current_user, opinion=form.opinion.data,
                         expected_version=form.version.data)
    except StaleDossier:
        db.session.rollback()
        flash(tr(STALE_MESSAGE), "warning")
    except svc.AppraisalError as exc:
        db.session.rollback()
        flash(tr(exc), "danger")
    else:
        db.session.commit()
        flash(gettext("Đã lưu ý kiến thẩm định."), "success")
    return redirect(url_for("review.detail", dossier_id=dossier.id))


@bp.route("/<int:dossier_id>/fire", methods=["POST"])
@role_required(*BOARD_ROLES)
def fire_transition(dossier_id: int):
    """Thực hiện một bước của quy trình (tiếp nhận, trả lại, hoàn thành thẩm định, ...)."""
    dossier = get_scoped_or_404(Dossier, dossier_id)
    form = FireForm()
    if not form.validate_on_submit() or form.transition.data in ELSEWHERE:
        flash(gettext("Thao tác không hợp lệ."), "danger")
        return redirect(url_for("review.detail", dossier_id=dossier.id))
    extra = {}
    if form.central_result.data:
        extra["central_result"] = form.central_result.data.strip()
    try:
        result = fire(db.session, dossier, form.transition.data, actor=current_user, comment=form.comment.data,
                      expected_version=form.version.data, extra=extra)
    except StaleDossier:
        db.session.rollback()
        flash(tr(STALE_MESSAGE), "warning")
        return redirect(url_for("review.detail", dossier_id=dossier.id))
    except TransitionRejected as exc:
        db.session.rollback()
        for reason in exc.reasons:
            flash(tr(reason), "danger")
        return redirect(url_for("review.detail", dossier_id=dossier.id))
    except KeyError:
        abort(400)
    db.session.commit()
    flash(gettext("Hồ sơ chuyển sang bước «%(state)s».", state=_state_label(dossier.workflow, result.to_state)),
          "success")
    if result.to_state in ("returned", "rejected", "withdrawn"):
        return redirect(url_for("review.queue"))
    return redirect(url_for("review.detail", dossier_id=dossier.id))


__all__ = ["NomineeOutcome"]
