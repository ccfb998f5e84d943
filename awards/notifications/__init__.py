"""In-app notifications and the e-mail outbox."""
from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

from . import routes  # noqa: E402,F401  (also registers the "notify" workflow effect)
