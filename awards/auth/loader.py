"""Flask-Login user loader: the id carries the session version, so bumping it logs out everywhere."""
from __future__ import annotations

from ..db import db
from ..models import User


def load_user(token: str) -> User | None:
    try:
        raw_id, raw_version = token.split(":", 1)
        user_id, version = int(raw_id), int(raw_version)
    except (ValueError, AttributeError):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return user
