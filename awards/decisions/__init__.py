"""Decisions: preparation, chairman approval, numbering, issue, documents; the province's tờ trình
to the higher level (routes_upward)."""
from flask import Blueprint

bp = Blueprint("decisions", __name__, url_prefix="/decisions")
from . import routes  # noqa
from . import routes_upward  # noqa: E402,F401
