"""The award register, recipient history and public certificate verification."""
from flask import Blueprint

bp = Blueprint("registry", __name__, url_prefix="/registry")

from . import routes  # noqa: E402,F401
