"""Units prepare and submit nomination dossiers."""
from flask import Blueprint

bp = Blueprint("dossiers", __name__, url_prefix="/dossiers")
from . import routes  # noqa: E402,F401
