"""Login, logout, password change, log out everywhere, fresh login, language."""
from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from . import routes  # noqa: E402,F401
