"""Administration of eligibility rules (điều kiện xét khen thưởng): dated, per award form, optionally
narrowed to one round. The rules are read by awards.rules.checks for the submission checklist and
the workflow guards."""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext

from ..db import db
from ..i18n import tr
from ..models import AwardForm, EligibilityRule, Round, utcnow
from ..services import admin as svc
from ..services.admin import AdminError
from . import bp
from .forms import EligibilityRuleEndForm, EligibilityRuleForm
from .routes import actor, admin_required, get_or_404


def _today() -> date:
    return utcnow().astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


@bp.route("/eligibility-rules")
@admin_required
def eligibility_rules():
    """Điều kiện xét khen thưởng theo hình thức (và đợt), có thời hạn áp dụng."""
    rules = db.session.scalars(
        sa.select(EligibilityRule).join(EligibilityRule.award_form)
        .order_by(AwardForm.rank.desc(), AwardForm.name, EligibilityRule.round_id.is_not(None),
                  EligibilityRule.valid_from.desc())
    ).all()
    round_ids = {r.round_id for r in rules if r.round_id is not None}
    rounds = {rnd.id: rnd for rnd in db.session.scalars(
        sa.select(Round).where(Round.id.in_(round_ids)))} if round_ids else {}
    return render_template("admin/eligibility.html", rules=rules, rounds=rounds, today=_today())


def _rule_form(obj: EligibilityRule | None = None) -> EligibilityRuleForm:
    form = EligibilityRuleForm(obj=obj)
    keep = obj.award_form_id if obj is not None else 0
    forms = db.session.execute(
        sa.select(AwardForm.id, AwardForm.name).where(sa.or_(AwardForm.active.is_(True), AwardForm.id == keep))
        .order_by(AwardForm.rank.desc(), AwardForm.name)
    ).all()
    form.award_form_id.choices = [("", gettext("— Chọn hình thức —"))] + [(f.id, f.name) for f in forms]
    rounds = db.session.execute(sa.select(Round.id, Round.name).order_by(Round.opens_dt.desc())).all()
    form.round_id.choices = [("", gettext("Mọi đợt"))] + [(r.id, r.name) for r in rounds]
    if obj is None and not form.is_submitted():
        form.valid_from.data = _today()
    return form


def _rule_values(form: EligibilityRuleForm) -> dict:
    return {name: form[name].data for name in svc.ELIGIBILITY_RULE_FIELDS}


@bp.route("/eligibility-rules/new", methods=["GET", "POST"])
@admin_required
def eligibility_rule_new():
    """Thêm điều kiện xét khen thưởng."""
    form = _rule_form()
    if form.validate_on_submit():
        try:
            svc.create_eligibility_rule(db.session, actor=actor(), **_rule_values(form))
        except AdminError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã thêm điều kiện xét khen thưởng."), "success")
            return redirect(url_for("admin.eligibility_rules"))
    return render_template("admin/form.html", form=form, title=gettext("Thêm điều kiện xét khen thưởng"),
                           intro=gettext("Quy định cho một đợt được ưu tiên hơn quy định cho mọi đợt của cùng hình thức."),
                           back=url_for("admin.eligibility_rules")), (400 if form.is_submitted() else 200)


@bp.route("/eligibility-rules/<int:rule_id>/edit", methods=["GET", "POST"])
@admin_required
def eligibility_rule_edit(rule_id: int):
    """Sửa điều kiện xét khen thưởng."""
    rule = get_or_404(EligibilityRule, rule_id)
    form = _rule_form(rule)
    if form.validate_on_submit():
        try:
            svc.update_eligibility_rule(db.session, rule, actor=actor(), **_rule_values(form))
        except AdminError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã lưu điều kiện xét khen thưởng."), "success")
            return redirect(url_for("admin.eligibility_rules"))
    return render_template("admin/form.html", form=form, title=gettext("Sửa điều kiện: %(name)s", name=rule.award_form.name),
                           back=url_for("admin.eligibility_rules")), (400 if form.is_submitted() else 200)


@bp.route("/eligibility-rules/<int:rule_id>/end", methods=["GET", "POST"])
@admin_required
def eligibility_rule_end(rule_id: int):
    """Kết thúc điều kiện: đặt ngày cuối cùng áp dụng."""
    rule = get_or_404(EligibilityRule, rule_id)
    form = EligibilityRuleEndForm()
    if not form.is_submitted():
        form.valid_to.data = rule.valid_to or max(_today(), rule.valid_from)
    if form.validate_on_submit():
        try:
            svc.end_eligibility_rule(db.session, rule, actor=actor(), valid_to=form.valid_to.data)
        except AdminError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Điều kiện áp dụng đến hết ngày %(date)s.", date=f"{form.valid_to.data:%d/%m/%Y}"), "success")
            return redirect(url_for("admin.eligibility_rules"))
    return render_template("admin/form.html", form=form, title=gettext("Kết thúc điều kiện: %(name)s", name=rule.award_form.name),
                           intro=gettext("Đang áp dụng từ ngày %(date)s.", date=f"{rule.valid_from:%d/%m/%Y}"),
                           back=url_for("admin.eligibility_rules")), (400 if form.is_submitted() else 200)
