"""User administration use cases."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workflows.messages import Msg

from ..models import Role, RoleAssignment, Unit, User, utcnow
from . import audit
from .passwords import hash_password, password_problems


class UserError(ValueError):
    """A Vietnamese message saying what to fix (a Msg: translated where it is shown)."""


def check_scope(role: str, scope: Unit) -> None:
    """Administration is province-wide: the admin role takes the top of the unit tree as its scope."""
    if role == Role.admin.value and scope.parent_id is not None:
        raise UserError(Msg("Vai trò quản trị chỉ gán với phạm vi là đơn vị cấp cao nhất (toàn tỉnh), vì người "
                            "quản trị quản lý người dùng, danh mục và quy định chung; «%(unit)s» là đơn vị cấp "
                            "dưới.", unit=scope.name))


def parse_roles(session: Session, specs: list[str], default_unit: Unit) -> list[tuple[str, Unit]]:
    out = []
    for spec in specs:
        role, _, code = spec.partition(":")
        if role not in Role.values():
            raise UserError(Msg("Vai trò «%(role)s» không tồn tại. Các vai trò: %(roles)s.",
                                role=role, roles=", ".join(Role.values())))
        unit = default_unit
        if code:
            unit = session.scalar(sa.select(Unit).where(Unit.code == code))
            if unit is None:
                raise UserError(Msg("Không có đơn vị mã «%(code)s».", code=code))
        check_scope(role, unit)
        out.append((role, unit))
    return out


def create_user(session: Session, *, actor: User | None, username: str, full_name: str, unit_code: str,
                roles: list[str], password: str, min_length: int, email: str | None = None,
                position: str | None = None) -> User:
    username = username.strip().lower()
    if session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise UserError(Msg("Tên đăng nhập «%(username)s» đã tồn tại.", username=username))
    unit = session.scalar(sa.select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise UserError(Msg("Không có đơn vị mã «%(code)s».", code=unit_code))
    problems = password_problems(password, min_length=min_length, username=username)
    if problems:
        raise UserError(Msg.joined(problems))
    user = User(username=username, full_name=full_name.strip(), unit=unit, email=email, position=position,
                password_hash=hash_password(password))
    for role, scope in parse_roles(session, roles, unit):
        user.roles.append(RoleAssignment(role=role, scope_unit=scope))
    session.add(user)
    session.flush()
    audit.record(session, "user.create", actor=actor, obj=user, unit_id=unit.id,
                 details={"username": username, "roles": roles})
    return user


EDITABLE_FIELDS = ("full_name", "email", "position", "unit_id", "active")


def update_user(session: Session, user: User, *, actor: User | None, full_name: str, email: str | None,
                position: str | None, unit: Unit, active: bool) -> User:
    """Edit a user's name, e-mail, position, unit and active flag. Deactivating ends its sessions."""
    if actor is not None and actor.id == user.id and not active:
        raise UserError(Msg("Bạn không thể tự khóa tài khoản của chính mình."))
    if unit.valid_to is not None and unit.id != user.unit_id:
        raise UserError(Msg("Đơn vị «%(unit)s» đã ngừng hoạt động; hãy chọn đơn vị khác.", unit=unit.name))
    values = {"full_name": full_name, "email": email, "position": position, "unit_id": unit.id, "active": active}
    changes = audit.diff(user, list(EDITABLE_FIELDS), values)
    if not changes:
        return user
    was_active = user.active
    user.full_name, user.email, user.position, user.active = full_name, email, position, active
    user.unit = unit
    if was_active and not active:
        user.session_version += 1
    audit.record(session, "user.update", actor=actor, obj=user, unit_id=unit.id, details=changes)
    session.flush()
    return user


def assign_role(session: Session, user: User, *, actor: User | None, role: str, scope: Unit) -> RoleAssignment:
    if role not in Role.values():
        raise UserError(Msg("Vai trò «%(role)s» không tồn tại.", role=role))
    if scope.valid_to is not None:
        raise UserError(Msg("Đơn vị «%(unit)s» đã ngừng hoạt động; không thể dùng làm phạm vi.", unit=scope.name))
    check_scope(role, scope)
    if any(r.role == role and r.scope_unit_id == scope.id for r in user.roles):
        raise UserError(Msg("Người dùng đã có vai trò này với phạm vi «%(unit)s».", unit=scope.name))
    ra = RoleAssignment(role=role, scope_unit=scope)
    user.roles.append(ra)
    session.flush()
    audit.record(session, "user.role_add", actor=actor, obj=user, unit_id=user.unit_id,
                 details={"role": role, "scope_unit_id": scope.id})
    return ra


def remove_role(session: Session, user: User, assignment: RoleAssignment, *, actor: User | None) -> None:
    if assignment.user_id != user.id:
        raise UserError(Msg("Vai trò này không thuộc người dùng đã chọn."))
    if actor is not None and actor.id == user.id and assignment.role == Role.admin.value \
            and sum(r.role == Role.admin.value for r in user.roles) == 1:
        raise UserError(Msg("Bạn không thể tự gỡ vai trò quản trị cuối cùng của chính mình."))
    details = {"role": assignment.role, "scope_unit_id": assignment.scope_unit_id}
    user.roles.remove(assignment)
    # A change of rights ends the user's open sessions, so they log in again with the new rights.
    user.session_version += 1
    audit.record(session, "user.role_remove", actor=actor, obj=user, unit_id=user.unit_id, details=details)
    session.flush()


def reset_password(session: Session, user: User, *, actor: User | None, password: str, min_length: int) -> None:
    """Set a new password; the user's open sessions end (session_version is bumped)."""
    problems = password_problems(password, min_length=min_length, username=user.username)
    if problems:
        raise UserError(Msg.joined(problems))
    user.password_hash = hash_password(password)
    user.password_changed_dt = utcnow()
    user.session_version += 1
    audit.record(session, "user.password_reset", actor=actor, obj=user, unit_id=user.unit_id)
    session.flush()
