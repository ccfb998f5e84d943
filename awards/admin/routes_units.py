"""Administration of the unit tree and of users and their roles."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..access import get_scoped_or_404
from ..db import db
from ..i18n import tr
from ..models import RoleAssignment, Unit, User
from ..services import units as unit_service
from ..services import users as user_service
from ..services.units import UnitError
from ..services.users import UserError
from . import bp
from .forms import (
    ConfirmForm,
    PasswordResetForm,
    RoleAssignForm,
    UnitForm,
    UnitMergeForm,
    UnitRetireForm,
    UserCreateForm,
    UserEditForm,
)
from .routes import actor, admin_required, get_or_404

NO_PARENT = [("", _l("— Không có (cấp cao nhất) —"))]

# -- units ------------------------------------------------------------------------------------------


@bp.route("/units")
@admin_required
def units():
    """Cây đơn vị: đơn vị đã ngừng hoạt động in mờ, kèm đơn vị kế thừa."""
    tree = unit_service.unit_tree(db.session)
    by_id = {u.id: u for u in tree}
    children: dict[int | None, list[Unit]] = {}
    for u in tree:
        children.setdefault(u.parent_id, []).append(u)
    return render_template("admin/units.html", tree=tree, by_id=by_id, children=children)


def _unit_values(form: UnitForm) -> dict:
    return {k: form[k].data for k in ("code", "name", "short_name", "kind", "address", "head_title", "valid_from")}


def _parent_from(form: UnitForm) -> Unit | None:
    if form.parent_id.data is None:
        return None
    parent = db.session.get(Unit, form.parent_id.data)
    if parent is None:
        raise UnitError(gettext("Đơn vị cấp trên đã chọn không tồn tại."))
    return parent


@bp.route("/units/new", methods=["GET", "POST"])
@admin_required
def unit_new():
    """Thêm đơn vị."""
    form = UnitForm()
    form.parent_id.choices = NO_PARENT + unit_service.unit_choices(db.session)
    if form.validate_on_submit():
        try:
            values = _unit_values(form)
            unit = unit_service.create_unit(db.session, actor=actor(), parent=_parent_from(form), **values)
        except UnitError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã thêm đơn vị «%(name)s».", name=unit.name), "success")
            return redirect(url_for("admin.units"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/form.html", form=form, title=gettext("Thêm đơn vị"), back=url_for("admin.units")), status


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@admin_required
def unit_edit(unit_id: int):
    """Sửa đơn vị, kể cả chuyển sang đơn vị cấp trên khác."""
    unit = get_scoped_or_404(Unit, unit_id)
    form = UnitForm(obj=unit)
    form.parent_id.choices = NO_PARENT + [
        c for c in unit_service.unit_choices(db.session, include_retired=False)
    ]
    if unit.parent_id is not None and unit.parent_id not in {c.value for c in form.parent_id.choices}:
        form.parent_id.choices.append((unit.parent_id, gettext("%(name)s (đã ngừng)", name=unit.parent.name)))
    if form.validate_on_submit():
        try:
            unit_service.update_unit(db.session, unit, actor=actor(), parent=_parent_from(form), **_unit_values(form))
        except UnitError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã lưu đơn vị «%(name)s».", name=unit.name), "success")
            return redirect(url_for("admin.units"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/form.html", form=form, title=gettext("Sửa đơn vị: %(name)s", name=unit.name),
                           back=url_for("admin.units")), status


@bp.route("/units/<int:unit_id>/retire", methods=["GET", "POST"])
@admin_required
def unit_retire(unit_id: int):
    """Cho đơn vị ngừng hoạt động (không có đơn vị kế thừa)."""
    unit = get_scoped_or_404(Unit, unit_id)
    form = UnitRetireForm()
    if form.validate_on_submit():
        try:
            unit_service.retire_unit(db.session, unit, actor=actor(), valid_to=form.valid_to.data)
        except UnitError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đơn vị «%(name)s» ngừng hoạt động từ %(date)s.", name=unit.name, date=f"{form.valid_to.data:%d/%m/%Y}"), "success")
            return redirect(url_for("admin.units"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/form.html", form=form, title=gettext("Ngừng hoạt động: %(name)s", name=unit.name),
                           back=url_for("admin.units"),
                           intro=gettext("Đơn vị vẫn giữ nguyên lịch sử hồ sơ và khen thưởng; "
                                 "đơn vị còn đơn vị trực thuộc đang hoạt động thì hãy dùng «Sáp nhập».")), status


@bp.route("/units/<int:unit_id>/merge", methods=["GET", "POST"])
@admin_required
def unit_merge(unit_id: int):
    """Sáp nhập đơn vị vào đơn vị kế thừa (lịch sử được giữ)."""
    unit = get_scoped_or_404(Unit, unit_id)
    form = UnitMergeForm()
    form.successor_id.choices = [("", gettext("— Chọn đơn vị kế thừa —"))] + [
        c for c in unit_service.unit_choices(db.session) if c[0] != unit.id
    ]
    if form.validate_on_submit():
        successor = db.session.get(Unit, form.successor_id.data)
        try:
            if successor is None:
                raise UnitError(gettext("Đơn vị kế thừa đã chọn không tồn tại."))
            unit_service.merge_unit(db.session, unit, successor, actor=actor(), valid_to=form.valid_to.data)
        except UnitError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã sáp nhập «%(unit)s» vào «%(successor)s».", unit=unit.name,
                          successor=successor.name), "success")
            return redirect(url_for("admin.units"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/form.html", form=form, title=gettext("Sáp nhập: %(name)s", name=unit.name), back=url_for("admin.units"),
                           intro=gettext("Các đơn vị trực thuộc và người dùng chuyển sang đơn vị kế thừa; hồ sơ và "
                                 "khen thưởng cũ vẫn thuộc đơn vị này.")), status


# -- users ------------------------------------------------------------------------------------------


@bp.route("/users")
@admin_required
def users():
    """Danh sách người dùng, đơn vị, vai trò và phạm vi."""
    rows = db.session.scalars(
        sa.select(User).options(selectinload(User.roles)).order_by(User.username)
    ).unique().all()
    return render_template("admin/users.html", users=rows)


def _unit_or_error(unit_id: int | None, message: str | None = None) -> Unit:
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    if unit is None:
        raise UserError(message or gettext("Đơn vị đã chọn không tồn tại."))
    return unit


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    """Thêm người dùng."""
    form = UserCreateForm()
    choices = unit_service.unit_choices(db.session)
    form.unit_id.choices = [("", gettext("— Chọn đơn vị —"))] + choices
    form.scope_unit_id.choices = [("", gettext("— Đơn vị của người dùng —"))] + choices
    if form.validate_on_submit():
        try:
            unit = _unit_or_error(form.unit_id.data)
            roles = []
            if form.role.data:
                scope = _unit_or_error(form.scope_unit_id.data, gettext("Đơn vị phạm vi đã chọn không tồn tại.")) if form.scope_unit_id.data else unit
                roles = [f"{form.role.data}:{scope.code}"]
            user = user_service.create_user(
                db.session, actor=actor(), username=form.username.data, full_name=form.full_name.data,
                unit_code=unit.code, roles=roles, password=form.password.data,
                min_length=current_app.config["PASSWORD_MIN_LENGTH"], email=form.email.data,
                position=form.position.data)
            if not form.active.data:
                user_service.update_user(db.session, user, actor=actor(), full_name=user.full_name, email=user.email,
                                         position=user.position, unit=unit, active=False)
        except UserError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã tạo tài khoản «%(username)s».", username=user.username), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/form.html", form=form, title=gettext("Thêm người dùng"), back=url_for("admin.users"),
                           intro=gettext("Mật khẩu ít nhất %(n)s ký tự, không chứa tên đăng nhập.",
                                         n=current_app.config["PASSWORD_MIN_LENGTH"])), status


def _user_page(user: User, form: UserEditForm, role_form: RoleAssignForm, pw_form: PasswordResetForm, status=200):
    return render_template("admin/user.html", user=user, form=form, role_form=role_form, pw_form=pw_form,
                           confirm=ConfirmForm()), status


def _user_forms(user: User, edit_data: bool = True):
    choices = unit_service.unit_choices(db.session)
    form = UserEditForm(obj=user) if edit_data else UserEditForm(obj=user, formdata=None)
    form.unit_id.choices = choices
    if user.unit_id not in {c[0] for c in choices}:
        form.unit_id.choices = choices + [(user.unit_id, gettext("%(name)s (đã ngừng)", name=user.unit.name))]
    role_form = RoleAssignForm(formdata=None)
    role_form.scope_unit_id.choices = [("", gettext("— Chọn đơn vị —"))] + choices
    pw_form = PasswordResetForm(formdata=None)
    return form, role_form, pw_form


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    """Sửa người dùng; gán, gỡ vai trò; đặt lại mật khẩu."""
    user = get_or_404(User, user_id)
    form, role_form, pw_form = _user_forms(user)
    if form.validate_on_submit():
        try:
            unit = _unit_or_error(form.unit_id.data)
            user_service.update_user(db.session, user, actor=actor(), full_name=form.full_name.data,
                                     email=form.email.data, position=form.position.data, unit=unit,
                                     active=form.active.data)
        except UserError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã lưu tài khoản «%(username)s».", username=user.username), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return _user_page(user, form, role_form, pw_form, 400 if form.is_submitted() else 200)


@bp.route("/users/<int:user_id>/roles", methods=["POST"])
@admin_required
def user_role_add(user_id: int):
    """Gán vai trò với phạm vi một đơn vị."""
    user = get_or_404(User, user_id)
    form, _, pw_form = _user_forms(user, edit_data=False)
    role_form = RoleAssignForm()
    role_form.scope_unit_id.choices = [("", gettext("— Chọn đơn vị —"))] + unit_service.unit_choices(db.session)
    if role_form.validate_on_submit():
        try:
            scope = _unit_or_error(role_form.scope_unit_id.data,
                                   gettext("Đơn vị phạm vi đã chọn không tồn tại."))
            user_service.assign_role(db.session, user, actor=actor(), role=role_form.role.data, scope=scope)
        except UserError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã gán vai trò."), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return _user_page(user, form, role_form, pw_form, 400)


@bp.route("/users/<int:user_id>/roles/<int:assignment_id>/remove", methods=["POST"])
@admin_required
def user_role_remove(user_id: int, assignment_id: int):
    """Gỡ một vai trò."""
    user = get_or_404(User, user_id)
    assignment = get_or_404(RoleAssignment, assignment_id)
    if assignment.user_id != user.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            user_service.remove_role(db.session, user, assignment, actor=actor())
        except UserError as exc:
            db.session.rollback()
            flash(tr(exc), "danger")
        else:
            db.session.commit()
            flash(gettext("Đã gỡ vai trò."), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@admin_required
def user_password(user_id: int):
    """Đặt lại mật khẩu (các phiên đăng nhập của người đó kết thúc)."""
    user = get_or_404(User, user_id)
    form, role_form, _ = _user_forms(user, edit_data=False)
    pw_form = PasswordResetForm()
    if pw_form.validate_on_submit():
        try:
            user_service.reset_password(db.session, user, actor=actor(), password=pw_form.password.data,
                                        min_length=current_app.config["PASSWORD_MIN_LENGTH"])
        except UserError as exc:
            db.session.rollback()
            pw_form.password.errors = [str(exc)]
        else:
            db.session.commit()
            flash(gettext("Đã đặt lại mật khẩu cho «%(username)s»; các phiên đăng nhập của người này đã kết thúc.", username=user.username),
                  "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return _user_page(user, form, role_form, pw_form, 400)
