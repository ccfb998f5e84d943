"""Shared column types, enums and helpers for the models."""
from __future__ import annotations

import enum
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use aware UTC times")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def N_(text: str) -> str:
    """Marks a label for the translation catalogue; templates translate it where it is shown."""
    return text


class StrEnum(str, enum.Enum):
    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value

    @classmethod
    def values(cls) -> list[str]:
        return [m.value for m in cls]


def enum_check(column: str, enum_cls: type[StrEnum], name: str) -> sa.CheckConstraint:
    values = ", ".join(f"'{v}'" for v in enum_cls.values())
    return sa.CheckConstraint(f"{column} IN ({values})", name=name)


class RecipientKind(StrEnum):
    collective = "collective"
    individual = "individual"
    household = "household"


RECIPIENT_KIND_LABELS = {
    RecipientKind.collective: N_("Tập thể"),
    RecipientKind.individual: N_("Cá nhân"),
    RecipientKind.household: N_("Hộ gia đình"),
}


class Role(StrEnum):
    unit_clerk = "unit_clerk"
    unit_head = "unit_head"
    board_specialist = "board_specialist"
    board_lead = "board_lead"
    council_member = "council_member"
    council_secretary = "council_secretary"
    signer = "signer"
    clerk = "clerk"
    admin = "admin"


ROLE_LABELS = {
    Role.unit_clerk: N_("Chuyên viên đơn vị"),
    Role.unit_head: N_("Thủ trưởng đơn vị"),
    Role.board_specialist: N_("Chuyên viên Phòng Thi đua - Khen thưởng"),
    Role.board_lead: N_("Lãnh đạo Phòng Thi đua - Khen thưởng"),
    Role.council_member: N_("Thành viên Hội đồng"),
    Role.council_secretary: N_("Thư ký Hội đồng"),
    Role.signer: N_("Người ký quyết định"),
    Role.clerk: N_("Văn thư"),
    Role.admin: N_("Quản trị hệ thống"),
}
