"""Access by unit: every unit-owned object is loaded through these helpers.

A user sees an object when one of its role scopes (a unit subtree) contains the object's unit.
Anything else is a 404, so that ids of other units cannot be probed."""
from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user

from .db import db
from .models import Attachment, Award, Dossier, Nominee, Role, Unit, User

T = TypeVar("T")


def scope_paths(user: User, roles: set[str] | None = None) -> list[str]:
    return [r.scope_unit.path for r in user.roles if roles is None or r.role in roles]


def unit_in_scope_clause(unit_column, user: User, roles: set[str] | None = None):
    """A SQL condition: ``unit_column`` lies in one of the user's scopes (admin: everything)."""
    if user.has_role(Role.admin):
        return sa.true()
    paths = scope_paths(user, roles)
    if not paths:
        return sa.false()
    conditions = [Unit.path.startswith(p, autoescape=True) for p in paths]
    return unit_column.in_(sa.select(Unit.id).where(sa.or_(*conditions)))


def user_can_see_unit(user: User, unit: Unit) -> bool:
    return user.has_role(Role.admin) or any(unit.path.startswith(p) for p in scope_paths(user))


def _owner_unit(obj) -> Unit:
    if isinstance(obj, Dossier):
        return obj.unit
    if isinstance(obj, Nominee):
        return obj.dossier.unit
    if isinstance(obj, Attachment):
        return obj.dossier.unit
    if isinstance(obj, Award):
        return obj.unit
    if isinstance(obj, Unit):
        return obj
    raise TypeError(f"no unit scope rule for {type(obj).__name__}")


def get_scoped_or_404(model: type[T], object_id: int, user: User | None = None) -> T:
    """Load ``model`` by id if the user's scope covers its unit.

    :raise 404: the object does not exist or lies outside the user's scope.
    """
    user = user or current_user
    obj = db.session.get(model, object_id)
    if obj is None or not user.is_authenticated:
        abort(404)
    if not user_can_see_unit(user, _owner_unit(obj)):
        g.access_denied = {"object_type": model.__tablename__, "object_id": object_id}
        abort(404)
    return obj
