"""Administration: units, users and roles, authorities and signers, award forms, rule sets,
movements and rounds, workflow definitions. Admin role only; every change audited."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import routes  # noqa: E402,F401
from . import routes_movements, routes_setup, routes_units  # noqa: E402,F401
from . import routes_eligibility  # noqa: E402,F401
from . import routes_templates  # noqa: E402,F401
from . import routes_layouts  # noqa: E402,F401
