from __future__ import annotations

from flask import render_template

from ..authz import role_required
from ..models import Role
from . import bp


@bp.route("/")
@role_required(Role.admin)
def index():
    """Trang quản trị."""
    return render_template("admin/index.html")
