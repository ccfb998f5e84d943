"""Account use cases: login, password change, log out everywhere, user administration."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session
import sqlalchemy as sa

from workflows.messages import Msg

from ..models import AuditEvent, User, utcnow
from . import audit
from .passwords import hash_password, needs_rehash, password_problems, verify_password

# Verified against when the username is unknown, so both paths take the same time.
_DUMMY_HASH: str | None = None


@dataclass
class LoginResult:
    user: User | None
    message: str | None = None
    must_change_password: bool = False


def authenticate(session: Session, username: str, password: str) -> LoginResult:
    global _DUMMY_HASH
    user = session.scalar(sa.select(User).where(User.username == username.strip().lower()))
    if user is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password("dummy password for timing")
        verify_password(_DUMMY_HASH, password)
        audit.record(session, "login_failed", details={"username": username[:64], "reason": "unknown_user"})
        return LoginResult(None, Msg("Tên đăng nhập hoặc mật khẩu không đúng."))
    if not verify_password(user.password_hash, password):
        audit.record(session, "login_failed", obj=user, details={"username": user.username, "reason": "password"})
        return LoginResult(None, Msg("Tên đăng nhập hoặc mật khẩu không đúng."))
    if not user.active:
        audit.record(session, "login_failed", obj=user, details={"username": user.username, "reason": "inactive"})
        return LoginResult(None, Msg("Tài khoản đã bị khóa. Vui lòng liên hệ quản trị hệ thống."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        audit.record(session, "password_rehashed", actor=user, obj=user)
    user.last_login_dt = utcnow()
    audit.record(session, "login", actor=user, obj=user)
    session.flush()
    return LoginResult(user, must_change_password=must_change_password(session, user))


# The audit actions that set a user's password: the user's own change, an administrator's reset.
PASSWORD_SET_ACTIONS = ("password_changed", "user.password_reset")


def must_change_password(session: Session, user: User) -> bool:
    """The password in use was set by someone else (an administrator's reset), so the user must
    choose their own before working. No column records this: the append-only audit log does (the
    latest of the two actions above; ``password_changed_dt`` is stamped by both)."""
    if user.password_changed_dt is None:
        return False
    last = session.execute(
        sa.select(AuditEvent.action, AuditEvent.actor_id)
        .where(AuditEvent.object_type == User.__tablename__, AuditEvent.object_id == user.id,
               AuditEvent.action.in_(PASSWORD_SET_ACTIONS))
        .order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return last is not None and last.action == "user.password_reset" and last.actor_id != user.id


def change_password(session: Session, user: User, current: str, new: str, *, min_length: int) -> list[str]:
    """Returns Vietnamese problems (Msg); on success the session version is bumped (other sessions end)."""
    if not verify_password(user.password_hash, current):
        return [Msg("Mật khẩu hiện tại không đúng.")]
    problems = password_problems(new, min_length=min_length, username=user.username)
    if current == new:
        problems.append(Msg("Mật khẩu mới phải khác mật khẩu hiện tại."))
    if problems:
        return problems
    user.password_hash = hash_password(new)
    user.password_changed_dt = utcnow()
    user.session_version += 1
    audit.record(session, "password_changed", actor=user, obj=user)
    session.flush()
    return []


def logout_everywhere(session: Session, user: User) -> None:
    user.session_version += 1
    audit.record(session, "logout_everywhere", actor=user, obj=user)
    session.flush()
