"""Flask-Login user loader: the id carries the session version, so bumping it logs out everywhere.

One query per request loads the user, its roles with their scope units, the unread
notification count for the navbar badge, and the data generation the page cache keys on."""
from __future__ import annotations

import functools

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..db import db
from ..pagecache import generation_columns, remember_generation
from ..models import Notification, RoleAssignment, User


@functools.cache
def _statement() -> sa.Select:
    """Built once: the statement runs on every request, and building it costs more than running it."""
    unread = (
        sa.select(sa.func.count()).select_from(Notification)
        .where(Notification.user_id == User.id, Notification.read_dt.is_(None))
        .correlate(User).scalar_subquery()
    )
    return (
        sa.select(User, unread, *generation_columns())
        .options(joinedload(User.roles).joinedload(RoleAssignment.scope_unit))
        .where(User.id == sa.bindparam("user_id"))
    )


def load_user(token: str) -> User | None:
    try:
        raw_id, raw_version = token.split(":", 1)
        user_id, version = int(raw_id), int(raw_version)
    except (ValueError, AttributeError):
        return None
    row = db.session.execute(_statement(), {"user_id": user_id}).unique().first()
    if row is None:
        return None
    user, count, epoch, counter = row
    remember_generation(epoch, counter)
    if not user.active or user.session_version != version:
        return None
    user.unread_count = count
    return user
