"""The emulation board's work queue and appraisal."""
from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review")
from . import routes  # noqa
