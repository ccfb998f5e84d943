"""Decisions: preparation, chairman approval, numbering, issue, documents."""
from flask import Blueprint

bp = Blueprint("decisions", __name__, url_prefix="/decisions")
from . import routes  # noqa
