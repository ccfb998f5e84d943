"""Administration: the index with counts and the workflow diagrams. The other pages live in
routes_units.py (units, users), routes_setup.py (authorities, award forms, rule sets) and
routes_movements.py (movements, rounds, quotas, extensions, calendar)."""
from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa
from flask import Response, abort, render_template
from flask_login import current_user

from workflows.diagram import render_svg

from ..authz import role_required
from ..db import db
from ..i18n import label
from ..models import (
    Authority, AwardForm, CalendarDay, Movement, Role, Round, RuleSet, Signer, Unit, User,
)
from ..workflow import get_workflows
from . import bp

T = TypeVar("T")

admin_required = role_required(Role.admin)


def get_or_404(model: type[T], object_id: int) -> T:
    """Load a province-wide configuration object by id (admin sees all of them).

    :raise 404: no such object.
    """
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def actor() -> User:
    return current_user._get_current_object()


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


@bp.route("/")
@admin_required
def index():
    """Trang quản trị: liên kết tới mọi mục, kèm số lượng."""
    active_units = db.session.scalar(sa.select(sa.func.count(Unit.id)).where(Unit.valid_to.is_(None))) or 0
    needs_check = db.session.scalar(
        sa.select(sa.func.count(RuleSet.id)).where(RuleSet.needs_check.is_not(None), RuleSet.needs_check != "")
    ) or 0
    counts = {
        "units": _count(Unit), "active_units": active_units, "users": _count(User),
        "authorities": _count(Authority), "signers": _count(Signer), "award_forms": _count(AwardForm),
        "rule_sets": _count(RuleSet), "needs_check": needs_check, "movements": _count(Movement),
        "rounds": _count(Round), "calendar_days": _count(CalendarDay), "workflows": len(get_workflows()),
    }
    return render_template("admin/index.html", counts=counts)


@bp.route("/workflows")
@admin_required
def workflows():
    """Các quy trình xử lý hồ sơ: sơ đồ, bảng trạng thái và bảng bước chuyển."""
    items = sorted(get_workflows().values(), key=lambda w: w.name)
    return render_template("admin/workflows.html", workflows=items)


@bp.route("/workflows/<name>.svg")
@admin_required
def workflow_svg(name: str):
    """Sơ đồ quy trình, vẽ trên máy chủ (SVG, không dùng dịch vụ ngoài)."""
    wf = get_workflows().get(name)
    if wf is None:
        abort(404)
    resp = Response(render_svg(wf, translate=label), mimetype="image/svg+xml")
    # The drawing carries its own <style>; nothing else may load or run inside it.
    resp.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    resp.headers["Cache-Control"] = "private, max-age=300"
    resp.headers["Vary"] = "Cookie"  # the drawing is in the session's language
    return resp
