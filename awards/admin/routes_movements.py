"""Administration of movements, their rounds, quotas per unit and form, deadline extensions, and the
working-day calendar."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy.orm import selectinload

from ..db import db
from ..i18n import tr
from ..models import Authority, AwardForm, CalendarDay, Movement, Round, RoundExtension, Unit
from ..models.movements import ROUND_STATUS_LABELS
from ..services import admin as svc
from ..services.admin import AdminError
from ..services.units import unit_choices, unit_tree
from . import bp
from .forms import CalendarDayForm, ConfirmForm, ExtensionForm, MovementForm, RoundFormForm, nfc
from .routes import actor, admin_required, get_or_404

BLANK_INDICATOR_ROWS = 2

# -- movements --------------------------------------------------------------------------------------


@bp.route("/movements")
@admin_required
def movements():
    """Phong trào thi đua và các đợt khen thưởng."""
    rows = db.session.scalars(
        sa.select(Movement).options(selectinload(Movement.rounds), selectinload(Movement.indicators))
        .order_by(Movement.start_year.desc(), Movement.name)
    ).unique().all()
    return render_template("admin/movements.html", movements=rows)


def _movement_form(obj: Movement | None = None) -> MovementForm:
    form = MovementForm(obj=obj)
    authorities = db.session.execute(sa.select(Authority.id, Authority.name).order_by(Authority.name)).all()
    form.authority_id.choices = [("", gettext("— Chọn cơ quan —"))] + [(a.id, a.name) for a in authorities]
    if not form.is_submitted():
        for _ in range(BLANK_INDICATOR_ROWS + (1 if obj is None else 0)):
            form.indicators.append_entry()
    return form


def _movement_values(form: MovementForm) -> tuple[dict, list[dict]]:
    names = ("name", "period_label", "start_year", "end_year", "plan_number", "plan_date", "authority_id",
             "description", "active")
    indicators = [{k: entry[k].data for k in ("id", "code", "label", "unit_label", "remove")}
                  for entry in form.indicators]
    return {n: form[n].data for n in names}, indicators


@bp.route("/movements/new", methods=["GET", "POST"])
@admin_required
def movement_new():
    """Thêm phong trào thi đua."""
    form = _movement_form()
    if form.validate_on_submit():
        values, indicators = _movement_values(form)
        try:
            mv = svc.create_movement(db.session, actor=actor(), indicators=indicators, **values)
        except AdminError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã thêm phong trào «%(name)s».", name=mv.name), "success")
            return redirect(url_for("admin.movement_view", movement_id=mv.id))
    return render_template("admin/movement_form.html", form=form, movement=None, title=gettext("Thêm phong trào thi đua")), \
        (400 if form.is_submitted() else 200)


@bp.route("/movements/<int:movement_id>")
@admin_required
def movement_view(movement_id: int):
    """Một phong trào: chỉ tiêu và các đợt."""
    mv = get_or_404(Movement, movement_id)
    return render_template("admin/movement.html", movement=mv)


@bp.route("/movements/<int:movement_id>/edit", methods=["GET", "POST"])
@admin_required
def movement_edit(movement_id: int):
    """Sửa phong trào; thêm, sửa, xóa chỉ tiêu."""
    mv = get_or_404(Movement, movement_id)
    form = _movement_form(mv)
    if form.validate_on_submit():
        values, indicators = _movement_values(form)
        try:
            svc.update_movement(db.session, mv, actor=actor(), indicators=indicators, **values)
        except AdminError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã lưu phong trào «%(name)s».", name=mv.name), "success")
            return redirect(url_for("admin.movement_view", movement_id=mv.id))
    return render_template("admin/movement_form.html", form=form, movement=mv, title=gettext("Sửa phong trào: %(name)s", name=mv.name)), \
        (400 if form.is_submitted() else 200)


# -- rounds -----------------------------------------------------------------------------------------


def _round_form(obj: Round | None = None) -> RoundFormForm:
    form = RoundFormForm(obj=obj)
    forms = db.session.scalars(sa.select(AwardForm).order_by(AwardForm.rank.desc(), AwardForm.name)).all()
    form.forms.choices = [(f.id, f.name) for f in forms if f.active or (obj and f in obj.award_forms)]
    if obj is not None and not form.is_submitted():
        form.forms.data = [rf.award_form_id for rf in obj.forms]
    return form


def _round_values(form: RoundFormForm) -> dict:
    return {n: form[n].data for n in svc.ROUND_FIELDS}


@bp.route("/movements/<int:movement_id>/rounds/new", methods=["GET", "POST"])
@admin_required
def round_new(movement_id: int):
    """Mở đợt khen thưởng mới trong phong trào."""
    mv = get_or_404(Movement, movement_id)
    form = _round_form()
    if form.validate_on_submit():
        try:
            rnd = svc.create_round(db.session, mv, actor=actor(), form_ids=form.forms.data, **_round_values(form))
        except AdminError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã thêm đợt «%(name)s».", name=rnd.name), "success")
            return redirect(url_for("admin.round_view", round_id=rnd.id))
    return render_template("admin/form.html", form=form, title=gettext("Thêm đợt — %(name)s", name=mv.name),
                           back=url_for("admin.movement_view", movement_id=mv.id),
                           intro=gettext("Thời điểm nhập theo giờ Việt Nam (Asia/Ho_Chi_Minh).")), \
        (400 if form.is_submitted() else 200)


@bp.route("/rounds/<int:round_id>")
@admin_required
def round_view(round_id: int):
    """Một đợt: hình thức, chỉ tiêu theo đơn vị, gia hạn theo đơn vị."""
    rnd = get_or_404(Round, round_id)
    extensions = db.session.scalars(
        sa.select(RoundExtension).where(RoundExtension.round_id == rnd.id).order_by(RoundExtension.closes_dt)
    ).all()
    ext_form = ExtensionForm(formdata=None)
    ext_form.unit_id.choices = [("", gettext("— Chọn đơn vị —"))] + unit_choices(db.session)
    return render_template("admin/round.html", rnd=rnd, extensions=extensions, ext_form=ext_form,
                           confirm=ConfirmForm(), status_labels=ROUND_STATUS_LABELS)


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@admin_required
def round_edit(round_id: int):
    """Sửa đợt khen thưởng."""
    rnd = get_or_404(Round, round_id)
    form = _round_form(rnd)
    if form.validate_on_submit():
        try:
            svc.update_round(db.session, rnd, actor=actor(), form_ids=form.forms.data, **_round_values(form))
        except AdminError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã lưu đợt «%(name)s».", name=rnd.name), "success")
            return redirect(url_for("admin.round_view", round_id=rnd.id))
    return render_template("admin/form.html", form=form, title=gettext("Sửa đợt: %(name)s", name=rnd.name),
                           back=url_for("admin.round_view", round_id=rnd.id),
                           intro=gettext("Thời điểm nhập theo giờ Việt Nam (Asia/Ho_Chi_Minh).")), \
        (400 if form.is_submitted() else 200)


QUOTA_FIELD = re.compile(r"^q-(\d+)-(\d+)$")


@bp.route("/rounds/<int:round_id>/quotas", methods=["GET", "POST"])
@admin_required
def round_quotas(round_id: int):
    """Bảng chỉ tiêu: số lượng tối đa theo đơn vị và hình thức (để trống = không giới hạn)."""
    rnd = get_or_404(Round, round_id)
    forms = rnd.award_forms
    units = [u for u in unit_tree(db.session) if u.valid_to is None and u.parent_id is not None]
    current = {(q.unit_id, q.award_form_id): q.max_count for q in rnd.quotas}
    values = {k: str(v) for k, v in current.items()}
    errors: dict[tuple[int, int], str] = {}
    confirm = ConfirmForm()
    if confirm.validate_on_submit():
        cells: dict[tuple[int, int], int | None] = {}
        for name, raw in request.form.items():
            m = QUOTA_FIELD.match(name)
            if not m:
                continue
            key = (int(m.group(1)), int(m.group(2)))
            text = (nfc(raw) or "").replace(".", "")
            values[key] = text
            if not text:
                cells[key] = None
            elif not text.isdigit() or int(text) > 100_000:
                errors[key] = gettext("Nhập số nguyên từ 0 đến 100000, hoặc để trống.")
            else:
                cells[key] = int(text)
        if errors:
            flash(gettext("Có %(count)s ô không hợp lệ; chưa lưu gì. Hãy sửa các ô được đánh dấu.", count=len(errors)), "danger")
        else:
            try:
                changes = svc.set_quotas(db.session, rnd, cells, actor=actor())
            except AdminError as exc:
                db.session.rollback()
                flash(tr(exc), "danger")
            else:
                db.session.commit()
                flash(gettext("Đã lưu bảng chỉ tiêu (%(count)s ô thay đổi).", count=len(changes)), "success")
                return redirect(url_for("admin.round_view", round_id=rnd.id))
    return render_template("admin/quotas.html", rnd=rnd, forms=forms, units=units, values=values, errors=errors,
                           confirm=confirm), (400 if confirm.is_submitted() else 200)


@bp.route("/rounds/<int:round_id>/extensions", methods=["POST"])
@admin_required
def round_extension_add(round_id: int):
    """Gia hạn nộp hồ sơ cho một đơn vị, có lý do."""
    rnd = get_or_404(Round, round_id)
    form = ExtensionForm()
    form.unit_id.choices = [("", gettext("— Chọn đơn vị —"))] + unit_choices(db.session)
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data)
        try:
            if unit is None:
                raise AdminError(gettext("Đơn vị đã chọn không tồn tại."))
            svc.set_extension(db.session, rnd, unit, actor=actor(), closes_dt=form.closes_dt.data,
                              reason=form.reason.data)
        except AdminError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã gia hạn cho «%(name)s».", name=unit.name), "success")
            return redirect(url_for("admin.round_view", round_id=rnd.id))
    extensions = db.session.scalars(sa.select(RoundExtension).where(RoundExtension.round_id == rnd.id)).all()
    return render_template("admin/round.html", rnd=rnd, extensions=extensions, ext_form=form,
                           confirm=ConfirmForm(), status_labels=ROUND_STATUS_LABELS), 400


@bp.route("/extensions/<int:extension_id>/remove", methods=["POST"])
@admin_required
def round_extension_remove(extension_id: int):
    """Bỏ gia hạn của một đơn vị."""
    ext = get_or_404(RoundExtension, extension_id)
    round_id = ext.round_id
    if ConfirmForm().validate_on_submit():
        svc.remove_extension(db.session, ext, actor=actor())
        db.session.commit()
        flash(gettext("Đã bỏ gia hạn."), "success")
    return redirect(url_for("admin.round_view", round_id=round_id))


# -- calendar ---------------------------------------------------------------------------------------


@bp.route("/calendar", methods=["GET", "POST"])
@admin_required
def calendar():
    """Ngày nghỉ và ngày làm việc bù (dùng khi tính thời hạn theo ngày làm việc)."""
    form = CalendarDayForm()
    if form.validate_on_submit():
        try:
            svc.add_calendar_day(db.session, actor=actor(), day=form.day.data, kind=form.kind.data,
                                 note=form.note.data)
        except AdminError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã thêm ngày %(date)s.", date=f"{form.day.data:%d/%m/%Y}"), "success")
            return redirect(url_for("admin.calendar"))
    days = db.session.scalars(sa.select(CalendarDay).order_by(CalendarDay.day.desc())).all()
    return render_template("admin/calendar.html", form=form, days=days, confirm=ConfirmForm()), \
        (400 if form.is_submitted() else 200)


@bp.route("/calendar/<int:day_id>/remove", methods=["POST"])
@admin_required
def calendar_remove(day_id: int):
    """Xóa một ngày khỏi lịch."""
    cd = get_or_404(CalendarDay, day_id)
    if ConfirmForm().validate_on_submit():
        svc.remove_calendar_day(db.session, cd, actor=actor())
        db.session.commit()
        flash(gettext("Đã xóa ngày %(date)s khỏi lịch.", date=f"{cd.day:%d/%m/%Y}"), "success")
    return redirect(url_for("admin.calendar"))
