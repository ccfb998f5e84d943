"""User administration use cases."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import Role, RoleAssignment, Unit, User
from . import audit
from .passwords import hash_password, password_problems


class UserError(ValueError):
    pass


def parse_roles(session: Session, specs: list[str], default_unit: Unit) -> list[tuple[str, Unit]]:
    out = []
    for spec in specs:
        role, _, code = spec.partition(":")
        if role not in Role.values():
            raise UserError(f"Vai trò «{role}» không tồn tại. Các vai trò: {', '.join(Role.values())}.")
        unit = default_unit
        if code:
            unit = session.scalar(sa.select(Unit).where(Unit.code == code))
            if unit is None:
                raise UserError(f"Không có đơn vị mã «{code}».")
        out.append((role, unit))
    return out


def create_user(session: Session, *, actor: User | None, username: str, full_name: str, unit_code: str,
                roles: list[str], password: str, min_length: int, email: str | None = None,
                position: str | None = None) -> User:
    username = username.strip().lower()
    if session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise UserError(f"Tên đăng nhập «{username}» đã tồn tại.")
    unit = session.scalar(sa.select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise UserError(f"Không có đơn vị mã «{unit_code}».")
    problems = password_problems(password, min_length=min_length, username=username)
    if problems:
        raise UserError(" ".join(problems))
    user = User(username=username, full_name=full_name.strip(), unit=unit, email=email, position=position,
                password_hash=hash_password(password))
    for role, scope in parse_roles(session, roles, unit):
        user.roles.append(RoleAssignment(role=role, scope_unit=scope))
    session.add(user)
    session.flush()
    audit.record(session, "user.create", actor=actor, obj=user, unit_id=unit.id,
                 details={"username": username, "roles": roles})
    return user
