"""Users and their roles, each role scoped to a unit subtree."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .common import ROLE_LABELS, Role, UTCDateTime, enum_check, utcnow
from .units import Unit

if TYPE_CHECKING:
    from .dossiers import Dossier

# Roles that act for the unit that proposes; every other role acts for the level that decides.
UNIT_SIDE_ROLES = frozenset({Role.unit_clerk.value, Role.unit_head.value})


class User(UserMixin, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[Optional[str]] = mapped_column(sa.String(254))
    position: Mapped[Optional[str]] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on password change and "log out everywhere": old session cookies stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_dt: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    password_changed_dt: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship(lazy="joined")
    roles: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin",
        order_by="RoleAssignment.id",
    )

    # Unread notifications, filled in by the request's user loader (not a column).
    unread_count = None

    # Flask-Login: the id carries the session version (alternative-token pattern).
    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def effective_roles(self) -> list["RoleAssignment"]:
        """The assignments that count. Administration is province-wide (users, units, rules,
        templates): an admin assignment counts only with the top of the unit tree as its scope, so
        a commune-scoped one (which the services refuse to create) never grants it."""
        return [r for r in self.roles if r.role != Role.admin.value or r.scope_unit.parent_id is None]

    def role_names(self) -> set[str]:
        return {r.role for r in self.effective_roles()}

    def has_role(self, role: str | Role) -> bool:
        return str(role) in self.role_names()

    def scopes(self, role: str | Role) -> list[Unit]:
        return [r.scope_unit for r in self.effective_roles() if r.role == str(role)]

    def roles_covering(self, unit: Unit) -> frozenset[str]:
        """The roles this user holds over ``unit`` (its scope contains the unit)."""
        return frozenset(r.role for r in self.effective_roles() if r.scope_unit.contains(unit))

    def roles_at(self, unit: Unit) -> frozenset[str]:
        """The roles this user holds for exactly ``unit``'s level (scope == unit)."""
        return frozenset(r.role for r in self.effective_roles() if r.scope_unit_id == unit.id)

    def roles_for_dossier(self, dossier: "Dossier") -> frozenset[str]:
        """The roles this user may act in on ``dossier``.

        The unit's own roles (clerk, head) need a scope over the dossier's unit. Every other role
        (board, council, signer, clerk of decisions) acts for the level that decides the dossier,
        so its scope must be that level (``Dossier.deciding_path``): a commune's office, board or
        chairman never appraise, vote on or sign what the province decides, and the province's
        never do the commune's own Giấy khen work."""
        deciding = dossier.deciding_path
        out = set()
        for r in self.effective_roles():
            if not r.scope_unit.contains(dossier.unit):
                continue
            if r.role in UNIT_SIDE_ROLES or r.scope_unit.path == deciding:
                out.add(r.role)
        return frozenset(out)

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.admin)

    def __repr__(self) -> str:  # pragma: no cover
        return f"<User {self.username}>"


class RoleAssignment(Base):
    __tablename__ = "role_assignment"
    __table_args__ = (
        enum_check("role", Role, "role"),
        sa.UniqueConstraint("user_id", "role", "scope_unit_id", name="uq_role_assignment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(32))
    scope_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)

    user: Mapped[User] = relationship(back_populates="roles")
    scope_unit: Mapped[Unit] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        return ROLE_LABELS[Role(self.role)]
