"""Error pages in Vietnamese; denied access is audited (ASVS V7.2)."""
from __future__ import annotations

from flask import Blueprint, g, render_template, request
from flask_login import current_user

from ..db import db
from ..services import audit

bp = Blueprint("errors", __name__)


def _audit_denied(status: int) -> None:
    db.session.rollback()
    details = {"path": request.path[:500], "method": request.method, "status": status}
    details.update(g.get("access_denied") or {})
    user = current_user if current_user.is_authenticated else None
    audit.record(db.session, "access_denied", actor=user, details=details)
    db.session.commit()


@bp.app_errorhandler(403)
def forbidden(_err):
    _audit_denied(403)
    return render_template("errors/403.html"), 403


@bp.app_errorhandler(404)
def not_found(_err):
    if g.get("access_denied"):
        _audit_denied(404)
    return render_template("errors/404.html"), 404


@bp.app_errorhandler(405)
def method_not_allowed(_err):
    return render_template("errors/405.html"), 405


@bp.app_errorhandler(413)
def too_large(_err):
    return render_template("errors/413.html"), 413


@bp.app_errorhandler(429)
def too_many(err):
    return render_template("errors/429.html", limit=getattr(err, "description", "")), 429


@bp.app_errorhandler(500)
def server_error(_err):
    db.session.rollback()
    return render_template("errors/500.html"), 500
