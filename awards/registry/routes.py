"""The register (sổ theo dõi khen thưởng), a recipient's history and public certificate verification."""
from __future__ import annotations

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..db import db
from ..extensions import limiter
from ..models import Award
from ..services import registry
from . import bp
from .forms import RegisterSearchForm, VerifyForm


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
