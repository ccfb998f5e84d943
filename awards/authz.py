"""Role checks for views: ``role_required`` and ``fresh_required``."""
from __future__ import annotations

from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

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
            # After the password, come back to a page that can be shown: the form's page for a
            # POST (the person presses the button again), the page itself for a GET.
            target = request.full_path.rstrip("?") if request.method == "GET" else _same_site_referrer()
            return redirect(url_for("auth.reauthenticate", next=target))
        return view(*args, **kwargs)

    return wrapped


def _same_site_referrer() -> str | None:
    ref = request.referrer
    if not ref:
        return None
    parts = urlsplit(ref)
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def mark_fresh() -> None:
    session["fresh_at"] = utcnow().timestamp()
