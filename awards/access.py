"""Access by unit: every unit-owned object is loaded through these helpers.

A user sees an object when one of its role scopes (a unit subtree) contains the object's unit.
Anything else is a 404, so that ids of other units cannot be probed."""
from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user

from .db import db
from .models import Attachment, Authority, Award, AwardForm, Dossier, Nominee, Role, Unit, User
from .models.dossiers import PRE_SUBMISSION_STATES
from .models.users import UNIT_SIDE_ROLES

T = TypeVar("T")


def scope_paths(user: User, roles: set[str] | None = None) -> list[str]:
    return [r.scope_unit.path for r in user.effective_roles() if roles is None or r.role in roles]


def unit_in_scope_clause(unit_column, user: User, roles: set[str] | None = None):
    """A SQL condition: ``unit_column`` lies in one of the user's scopes (admin: everything)."""
    if user.has_role(Role.admin):
        return sa.true()
    paths = scope_paths(user, roles)
    if not paths:
        return sa.false()
    conditions = [Unit.path.startswith(p, autoescape=True) for p in paths]
    return unit_column.in_(sa.select(Unit.id).where(sa.or_(*conditions)))


def deciding_scope_clause(user: User, roles: set[str] | None):
    """A SQL condition on Dossier: for a role that acts for the deciding level (not a unit's clerk
    or head), that level is one of the user's scopes for the role: the award form's authority unit,
    or for proposals upward (no authority) the top of the tree (``Dossier.deciding_path``;
    ``User.roles_for_dossier`` is the same rule in Python)."""
    if user.has_role(Role.admin) or (roles is not None and roles <= UNIT_SIDE_ROLES):
        return sa.true()
    wanted = None if roles is None else roles - UNIT_SIDE_ROLES
    scopes = [r.scope_unit for r in user.effective_roles() if wanted is None or r.role in wanted]
    if not scopes:
        return sa.false()
    by_authority = Dossier.award_form_id.in_(
        sa.select(AwardForm.id).join(Authority, AwardForm.authority_id == Authority.id)
        .where(Authority.unit_id.in_({u.id for u in scopes})))
    roots = [u for u in scopes if u.parent_id is None]
    upward = Dossier.award_form_id.in_(sa.select(AwardForm.id).where(AwardForm.authority_id.is_(None)))
    return sa.or_(by_authority, upward) if roots else by_authority


def never_submitted(dossier: Dossier) -> bool:
    return dossier.submitted_dt is None and dossier.state in PRE_SUBMISSION_STATES


def user_can_see_dossier(user: User, dossier: Dossier) -> bool:
    """An unsubmitted dossier is its unit's business: only the unit's own roles (clerk, head with a
    scope over its unit) and the administrator see it. Once submitted, the unit scope rule applies.
    Depends on database state only, so a page cached per user stays right (any write changes the
    cache key)."""
    if not never_submitted(dossier) or user.has_role(Role.admin):
        return True
    return bool(user.roles_for_dossier(dossier) & UNIT_SIDE_ROLES)


def dossier_visible_clause(user: User):
    """A SQL condition on Dossier: ``user_can_see_dossier`` for lists (the unit scope is separate)."""
    if user.has_role(Role.admin):
        return sa.true()
    submitted = sa.or_(Dossier.submitted_dt.is_not(None), Dossier.state.not_in(PRE_SUBMISSION_STATES))
    return sa.or_(submitted, unit_in_scope_clause(Dossier.unit_id, user, set(UNIT_SIDE_ROLES)))


def _owner_dossier(obj) -> Dossier | None:
    if isinstance(obj, Dossier):
        return obj
    if isinstance(obj, (Nominee, Attachment)):
        return obj.dossier
    return None


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

    :raise 404: the object does not exist or lies outside the user's scope, or it is (part of) a
        dossier never submitted and the user holds no role of its unit (``user_can_see_dossier``).
    """
    user = user or current_user
    obj = db.session.get(model, object_id)
    if obj is None or not user.is_authenticated:
        abort(404)
    dossier = _owner_dossier(obj)
    if not user_can_see_unit(user, _owner_unit(obj)) or (
            dossier is not None and not user_can_see_dossier(user, dossier)):
        g.access_denied = {"object_type": model.__tablename__, "object_id": object_id}
        abort(404)
    return obj
