"""The register (sổ theo dõi khen thưởng), a recipient's history, public certificate verification and
the public comment page of the lists posted before a proposal upward."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from ..db import db
from ..extensions import limiter
from ..i18n import tr
from ..models import Award
from ..models.common import utcnow
from ..services import public_comments as comments
from ..services import registry
from . import bp
from .forms import PublicCommentForm, RegisterSearchForm, VerifyForm, normalise_contact


def _filters(form: RegisterSearchForm) -> registry.RegisterFilters:
    return registry.RegisterFilters(
        q=(form.q.data or "").strip(), citizen_id=(form.citizen_id.data or "").strip(),
        unit_id=form.unit_id.data, award_form_id=form.award_form_id.data, year=form.year.data,
        movement_id=form.movement_id.data, kind=form.kind.data or "", status=form.status.data or "",
    )


@bp.route("/")
@login_required
def search():
    """Sổ theo dõi khen thưởng: tìm theo tên (có dấu hoặc không dấu), số định danh, đơn vị, hình thức, năm,
    phong trào."""
    form = RegisterSearchForm(formdata=request.args)
    form.set_choices(registry.filter_choices(db.session, current_user))
    page = None
    if form.validate():
        page = registry.search_register(db.session, current_user, _filters(form),
                                        page=request.args.get("page", 1, type=int))
    args = {k: v for k, v in request.args.items() if k != "page" and v}

    def page_url(n: int) -> str:
        return url_for("registry.search", **args, page=n)

    return render_template("registry/search.html", form=form, page=page, page_url=page_url,
                           filtered=bool(args), status_of=registry.effective_status,
                           number_of=registry.decision_number)


@bp.route("/recipient/<int:award_id>")
@login_required
def recipient(award_id: int):
    """Quá trình khen thưởng của một người, tập thể hoặc hộ gia đình (mọi phong trào, mọi năm).

    :raise 404: the entry does not exist, is not in the register, or lies outside the user's scope.
    """
    award = registry.get_register_entry(db.session, current_user, award_id)
    if award is None:
        if db.session.get(Award, award_id) is not None:
            g.access_denied = {"object_type": "award", "object_id": award_id}
        abort(404)
    identity = registry.identity_of(award)
    awards = registry.recipient_awards(db.session, current_user, identity)
    return render_template("registry/recipient.html", identity=identity, awards=awards, current=award,
                           status_of=registry.effective_status, number_of=registry.decision_number,
                           revoked_at=registry.revoked_at)


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


@bp.route("/verify", defaults={"code": None})
@bp.route("/verify/<code>")
@limiter.limit(_verify_limit)
def verify(code: str | None):
    """Tra cứu, xác minh Bằng khen, Giấy khen theo mã xác minh (công khai, không cần đăng nhập)."""
    form = VerifyForm(formdata=request.args)
    if code is None:
        entered = registry.normalise_code(form.code.data)
        if entered and form.validate():
            return redirect(url_for("registry.verify", code=entered))
        return render_template("registry/verify.html", form=form, searched=False, result=None)
    result = registry.verify_certificate(db.session, code)
    form.code.data = None
    status = 200 if result is not None else 404
    return render_template("registry/verify.html", form=form, searched=True, result=result), status


def _contact(value: str | None) -> str | None:
    try:
        return normalise_contact(value)
    except ValueError:
        return None  # only reached when the window has closed: the service refuses before storing


def _comment_limit() -> str:
    return current_app.config["PUBLIC_COMMENT_RATE_LIMIT"]


def _comment_form(pl: comments.PostedList, formdata=None) -> PublicCommentForm:
    form = PublicCommentForm(formdata=formdata, prefix=f"d{pl.dossier.id}")
    form.set_nominees(pl.nominees)
    return form


def _public_page(now, *, failed: PublicCommentForm | None = None, failed_id: int | None = None,
                 refused: str | None = None, status: int = 200):
    lists = comments.open_lists(db.session, now=now)
    forms = {pl.dossier.id: _comment_form(pl) for pl in lists}
    if failed is not None and failed_id in forms:
        forms[failed_id] = failed
    return render_template("registry/public_comments.html", lists=lists, forms=forms, refused=refused,
                           failed_id=failed_id), status


@bp.route("/public-comments")
@limiter.limit(_verify_limit)
def public_comments():
    """Công khai lấy ý kiến: danh sách đề nghị khen thưởng cấp trên đang lấy ý kiến nhân dân
    (công khai, không cần đăng nhập)."""
    return _public_page(utcnow())


@bp.route("/public-comments/<int:dossier_id>", methods=["POST"])
@limiter.limit(_comment_limit)
def public_comment(dossier_id: int):
    """Gửi ý kiến về một danh sách đang lấy ý kiến (công khai; giới hạn số lần gửi theo địa chỉ).

    :raise 404: the dossier was never posted for comment.
    """
    pl = comments.posted_list(db.session, dossier_id)
    if pl is None:
        abort(404)
    now = utcnow()
    form = _comment_form(pl, request.form)
    if comments.is_open(pl.dossier, now) and not form.validate_on_submit():
        return _public_page(now, failed=form, failed_id=dossier_id, status=400)
    # A closed window is refused by the service whatever was typed.
    try:
        comments.add_comment(
            db.session, pl, nominee_id=form.nominee_id.data, commenter_name=form.commenter_name.data,
            contact=_contact(form.contact.data), body=form.body.data or "", ip=request.remote_addr, now=now,
            tz=ZoneInfo(current_app.config["TIMEZONE"]),
        )
    except comments.CommentRefused as exc:
        db.session.rollback()
        return _public_page(now, failed=form, failed_id=dossier_id, refused=tr(exc.message), status=409)
    db.session.commit()
    flash(gettext("Đã ghi nhận ý kiến của Quý vị. Xin cảm ơn."), "success")
    return redirect(url_for("registry.public_comments", _anchor=f"d{dossier_id}"))
