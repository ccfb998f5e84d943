"""Administration of issuing authorities and their signers, award forms and dated rule sets."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext
from sqlalchemy.orm import selectinload

from ..db import db
from ..i18n import label, tr
from ..models import (
    RECIPIENT_KIND_LABELS, Authority, AwardForm, Decision, RecipientKind, RuleSet, Signer, utcnow,
)
from ..rules.money import amount_for
from ..services import admin as svc
from ..services.admin import AdminError
from ..services.units import unit_choices
from ..workflow import get_workflows
from . import bp
from .forms import (
    AuthorityForm,
    AwardFormForm,
    ConfirmForm,
    SignerForm,
    coefficient_errors,
    rule_set_form,
)
from .routes import actor, admin_required, get_or_404

# -- authorities ------------------------------------------------------------------------------------


@bp.route("/authorities")
@admin_required
def authorities():
    """Cơ quan có thẩm quyền khen thưởng và người ký."""
    rows = db.session.scalars(
        sa.select(Authority).options(selectinload(Authority.signers)).order_by(Authority.name)
    ).unique().all()
    return render_template("admin/authorities.html", authorities=rows)


def _authority_form(obj: Authority | None = None) -> AuthorityForm:
    form = AuthorityForm(obj=obj)
    form.unit_id.choices = [("", gettext("— Chọn đơn vị —"))] + unit_choices(db.session)
    if obj is not None and obj.unit_id not in {c.value for c in form.unit_id.choices}:
        form.unit_id.choices.append((obj.unit_id, gettext("%(name)s (đã ngừng)", name=obj.unit.name)))
    return form


def _authority_values(form: AuthorityForm) -> dict:
    return {name: form[name].data for name in svc.AUTHORITY_FIELDS}


@bp.route("/authorities/new", methods=["GET", "POST"])
@admin_required
def authority_new():
    """Thêm cơ quan có thẩm quyền."""
    form = _authority_form()
    if form.validate_on_submit():
        try:
            authority = svc.create_authority(db.session, actor=actor(), **_authority_values(form))
        except AdminError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã thêm «%(name)s».", name=authority.name), "success")
            return redirect(url_for("admin.authority_edit", authority_id=authority.id))
    return render_template("admin/form.html", form=form, title=gettext("Thêm cơ quan có thẩm quyền"),
                           back=url_for("admin.authorities")), (400 if form.is_submitted() else 200)


@bp.route("/authorities/<int:authority_id>", methods=["GET", "POST"])
@admin_required
def authority_edit(authority_id: int):
    """Sửa cơ quan có thẩm quyền; danh sách người ký."""
    authority = get_or_404(Authority, authority_id)
    form = _authority_form(authority)
    if form.validate_on_submit():
        try:
            svc.update_authority(db.session, authority, actor=actor(), **_authority_values(form))
        except AdminError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã lưu «%(name)s».", name=authority.name), "success")
            return redirect(url_for("admin.authority_edit", authority_id=authority.id))
    return render_template("admin/authority.html", form=form, authority=authority), \
        (400 if form.is_submitted() else 200)


def _signer_form(authority: Authority, obj: Signer | None = None) -> SignerForm:
    """The account choices: active users with the signer role at the authority's own unit (only the
    linked account approves the decisions this signer signs), plus the one linked now, if it no
    longer qualifies, so that the page shows it."""
    form = SignerForm(obj=obj)
    pairs = [("", gettext("— Không liên kết —"))] + [
        (u.id, f"{u.full_name} ({u.username})") for u in svc.signer_accounts(db.session, authority)]
    if obj is not None and obj.user is not None and obj.user_id not in {p[0] for p in pairs}:
        pairs.append((obj.user_id, gettext("%(name)s (%(username)s) — không còn vai trò người ký tại đơn vị này",
                                           name=obj.user.full_name, username=obj.user.username)))
    form.user_id.choices = pairs
    form.user_id.description = gettext(
        "Chỉ tài khoản được liên kết mới phê duyệt hoặc trả lại được quyết định do người này ký. Danh sách gồm "
        "các tài khoản đang hoạt động có vai trò người ký tại %(unit)s.", unit=authority.unit.name)
    return form


def _signer_values(form: SignerForm) -> dict:
    values = {name: form[name].data for name in svc.SIGNER_FIELDS}
    values["position_order"] = values["position_order"] or 0
    return values


@bp.route("/authorities/<int:authority_id>/signers/new", methods=["GET", "POST"])
@admin_required
def signer_new(authority_id: int):
    """Thêm người ký."""
    authority = get_or_404(Authority, authority_id)
    form = _signer_form(authority)
    if form.validate_on_submit():
        try:
            svc.create_signer(db.session, authority, actor=actor(), **_signer_values(form))
        except AdminError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã thêm người ký."), "success")
            return redirect(url_for("admin.authority_edit", authority_id=authority.id))
    return render_template("admin/form.html", form=form, title=gettext("Thêm người ký — %(name)s", name=authority.name),
                           back=url_for("admin.authority_edit", authority_id=authority.id)), \
        (400 if form.is_submitted() else 200)


@bp.route("/signers/<int:signer_id>/edit", methods=["GET", "POST"])
@admin_required
def signer_edit(signer_id: int):
    """Sửa người ký."""
    signer = get_or_404(Signer, signer_id)
    form = _signer_form(signer.authority, signer)
    back = url_for("admin.authority_edit", authority_id=signer.authority_id)
    if form.validate_on_submit():
        try:
            svc.update_signer(db.session, signer, actor=actor(), **_signer_values(form))
        except AdminError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã lưu người ký."), "success")
            return redirect(back)
    return render_template("admin/form.html", form=form, title=gettext("Sửa người ký: %(full_name)s", full_name=signer.full_name), back=back), \
        (400 if form.is_submitted() else 200)


# -- award forms ------------------------------------------------------------------------------------


@bp.route("/award-forms")
@admin_required
def award_forms():
    """Hình thức khen thưởng."""
    rows = db.session.scalars(sa.select(AwardForm).order_by(AwardForm.rank.desc(), AwardForm.name)).all()
    wfs = get_workflows()
    return render_template("admin/award_forms.html", forms=rows, workflows=wfs, kind_labels=RECIPIENT_KIND_LABELS,
                           RecipientKind=RecipientKind)


def _award_form_form(obj: AwardForm | None = None) -> AwardFormForm:
    form = AwardFormForm(obj=obj)
    if obj is not None and not form.is_submitted():
        form.kinds.data = obj.allowed_kinds
    authorities = db.session.execute(sa.select(Authority.id, Authority.name).order_by(Authority.name)).all()
    form.authority_id.choices = [("", gettext("— Không (đề nghị cấp trên) —"))] + [(a.id, a.name) for a in authorities]
    form.workflow.choices = [("", gettext("— Chọn quy trình —"))] + [
        (name, f"{label(wf.label)} ({name})") for name, wf in sorted(get_workflows().items())
    ]
    return form


def _award_form_values(form: AwardFormForm) -> dict:
    names = ("code", "name", "certificate_title", "authority_id", "proposed_upward", "upward_authority_name",
             "workflow", "kinds", "rank", "criteria", "active")
    values = {n: form[n].data for n in names}
    values["rank"] = values["rank"] or 0
    return values


@bp.route("/award-forms/new", methods=["GET", "POST"])
@admin_required
def award_form_new():
    """Thêm hình thức khen thưởng."""
    form = _award_form_form()
    if form.validate_on_submit():
        try:
            af = svc.create_award_form(db.session, actor=actor(), workflows=get_workflows().keys(),
                                       **_award_form_values(form))
        except AdminError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã thêm «%(name)s».", name=af.name), "success")
            return redirect(url_for("admin.award_forms"))
    return render_template("admin/form.html", form=form, title=gettext("Thêm hình thức khen thưởng"),
                           back=url_for("admin.award_forms")), (400 if form.is_submitted() else 200)


@bp.route("/award-forms/<int:form_id>/edit", methods=["GET", "POST"])
@admin_required
def award_form_edit(form_id: int):
    """Sửa hình thức khen thưởng."""
    af = get_or_404(AwardForm, form_id)
    form = _award_form_form(af)
    if form.validate_on_submit():
        try:
            svc.update_award_form(db.session, af, actor=actor(), workflows=get_workflows().keys(),
                                  **_award_form_values(form))
        except AdminError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã lưu «%(name)s».", name=af.name), "success")
            return redirect(url_for("admin.award_forms"))
    return render_template("admin/form.html", form=form, title=gettext("Sửa hình thức: %(name)s", name=af.name),
                           back=url_for("admin.award_forms")), (400 if form.is_submitted() else 200)


# -- rule sets --------------------------------------------------------------------------------------


def _today() -> date:
    from zoneinfo import ZoneInfo

    from flask import current_app

    return utcnow().astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


@bp.route("/rule-sets")
@admin_required
def rule_sets():
    """Các giai đoạn quy định (lương cơ sở, hệ số, căn cứ), kèm nguồn và ghi chú cần kiểm tra."""
    rows = db.session.scalars(sa.select(RuleSet).order_by(RuleSet.valid_from.desc())).all()
    used = dict(db.session.execute(
        sa.select(Decision.rule_set_id, sa.func.count(Decision.id))
        .where(Decision.rule_set_id.is_not(None)).group_by(Decision.rule_set_id)
    ).all())
    in_force = svc.rule_set_in_force(db.session, _today())
    return render_template("admin/rule_sets.html", rule_sets=rows, used=used,
                           in_force_id=in_force.id if in_force else None)


def _award_forms_for(rule_set: RuleSet | None) -> list[AwardForm]:
    ids = {c.award_form_id for c in rule_set.coefficients} if rule_set else set()
    return list(db.session.scalars(
        sa.select(AwardForm).where(sa.or_(AwardForm.active.is_(True), AwardForm.id.in_(ids)))
        .order_by(AwardForm.rank.desc(), AwardForm.name)
    ).all())


@bp.route("/rule-sets/<int:rule_set_id>")
@admin_required
def rule_set_view(rule_set_id: int):
    """Một giai đoạn quy định: hệ số theo hình thức và đối tượng, số tiền tính ra."""
    rs = get_or_404(RuleSet, rule_set_id)
    rows = []
    for f in _award_forms_for(rs):
        cells = {}
        for kind in RecipientKind:
            coef = rs.coefficient_for(f.id, kind.value) if kind != RecipientKind.household else None
            try:
                amount = amount_for(rs, f, kind.value)
            except LookupError:
                amount = None
            cells[kind.value] = (coef, amount)
        rows.append((f, cells))
    return render_template("admin/rule_set.html", rs=rs, rows=rows, kinds=list(RecipientKind),
                           kind_labels=RECIPIENT_KIND_LABELS, refusal=svc.rule_set_edit_refusal(db.session, rs),
                           decisions=svc.rule_set_decision_count(db.session, rs), confirm=ConfirmForm())


def _valid(form) -> bool:
    """Validate a submitted rule set form, including "every coefficient has a source"."""
    if not form.is_submitted():
        return False
    ok = form.validate()
    return coefficient_errors(form) and ok


def _prefill(form, rs: RuleSet, forms: list[AwardForm]) -> None:
    for name in svc.RULE_SET_VALUE_FIELDS:
        form[name].data = getattr(rs, name)
    for f in forms:
        for kind in ("individual", "collective"):
            c = rs.coefficient_for(f.id, kind)
            if c is not None:
                form[f"coef_{f.id}_{kind}"].data = Decimal(c.coefficient)
                form[f"src_{f.id}_{kind}"].data = c.source


def _rule_values(form) -> tuple[dict, dict]:
    values = {name: form[name].data for name in svc.RULE_SET_VALUE_FIELDS}
    coefficients = {}
    for f, kind, coef, src in form.coefficient_fields:
        coefficients[(f.id, kind)] = None if coef.data is None else (coef.data, src.data)
    return values, coefficients


@bp.route("/rule-sets/new", methods=["GET", "POST"])
@admin_required
def rule_set_new():
    """Thêm giai đoạn quy định mới (điền sẵn từ giai đoạn đang áp dụng)."""
    base = svc.rule_set_in_force(db.session, _today()) or db.session.scalar(
        sa.select(RuleSet).order_by(RuleSet.valid_from.desc()).limit(1))
    last = db.session.scalar(sa.select(RuleSet).order_by(RuleSet.valid_from.desc()).limit(1))
    forms = _award_forms_for(base)
    form = rule_set_form(forms)
    if not form.is_submitted() and base is not None:
        _prefill(form, base, forms)
        form.name.data = ""
        form.valid_from.data = max(_today(), last.valid_from + timedelta(days=1)) if last else _today()
    if _valid(form):
        values, coefficients = _rule_values(form)
        try:
            rs = svc.add_rule_set(db.session, actor=actor(), valid_from=form.valid_from.data, values=values,
                                  coefficients=coefficients)
        except AdminError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã thêm giai đoạn «%(name)s» áp dụng từ %(date)s.", name=rs.name, date=f"{rs.valid_from:%d/%m/%Y}"), "success")
            return redirect(url_for("admin.rule_set_view", rule_set_id=rs.id))
    return render_template("admin/rule_set_form.html", form=form, base=base, last=last, rs=None,
                           title=gettext("Thêm giai đoạn quy định")), (400 if form.is_submitted() else 200)


@bp.route("/rule-sets/<int:rule_set_id>/edit", methods=["GET", "POST"])
@admin_required
def rule_set_edit(rule_set_id: int):
    """Sửa giá trị của một giai đoạn chưa khóa và chưa có quyết định nào dùng."""
    rs = get_or_404(RuleSet, rule_set_id)
    refusal = svc.rule_set_edit_refusal(db.session, rs)
    if refusal:
        flash(tr(refusal), "warning")
        return redirect(url_for("admin.rule_set_view", rule_set_id=rs.id), 303)
    forms = _award_forms_for(rs)
    form = rule_set_form(forms, with_dates=False)
    if not form.is_submitted():
        _prefill(form, rs, forms)
    if _valid(form):
        values, coefficients = _rule_values(form)
        try:
            svc.update_rule_set(db.session, rs, actor=actor(), values=values, coefficients=coefficients)
        except AdminError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã lưu giai đoạn «%(name)s».", name=rs.name), "success")
            return redirect(url_for("admin.rule_set_view", rule_set_id=rs.id))
    return render_template("admin/rule_set_form.html", form=form, base=None, last=None, rs=rs,
                           title=gettext("Sửa giai đoạn: %(name)s", name=rs.name)), (400 if form.is_submitted() else 200)


@bp.route("/rule-sets/<int:rule_set_id>/lock", methods=["POST"])
@admin_required
def rule_set_lock(rule_set_id: int):
    """Khóa giai đoạn: từ đó chỉ thêm giai đoạn mới, không sửa."""
    rs = get_or_404(RuleSet, rule_set_id)
    if ConfirmForm().validate_on_submit():
        try:
            svc.lock_rule_set(db.session, rs, actor=actor())
        except AdminError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã khóa giai đoạn «%(name)s».", name=rs.name), "success")
    return redirect(url_for("admin.rule_set_view", rule_set_id=rs.id))
