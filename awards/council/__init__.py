"""Council sessions: attendance, quorum, votes, minutes."""
from flask import Blueprint

bp = Blueprint("council", __name__, url_prefix="/council")
from . import routes  # noqa
