"""Role checks for views: ``role_required`` and ``fresh_required``."""
from __future__ import annotations

from datetime import timedelta
from functools import wraps

from flask import abort, current_app, redirect, request, session, url_for
from flask_login import current_user, login_required, login_fresh

from .models import Role, utcnow


def role_required(*roles: Role | str):
    """The user must be logged in and hold one of ``roles`` (in any scope).

    :raise 403: the user holds none of the roles.
    """
    names = {str(r) for r in roles}

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not (current_user.role_names() & names):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def fresh_required(view):
    """Approve, sign and number need a password entered in the last FRESH_LOGIN_MINUTES."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        stamp = session.get("fresh_at")
        limit = timedelta(minutes=current_app.config["FRESH_LOGIN_MINUTES"])
        fresh = login_fresh() and stamp is not None and utcnow().timestamp() - stamp < limit.total_seconds()
        if not fresh:
            return redirect(url_for("auth.reauthenticate", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def mark_fresh() -> None:
    session["fresh_at"] = utcnow().timestamp()
