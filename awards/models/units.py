"""The organisation tree: provinces, agencies, communes, enterprises, associations."""
from __future__ import annotations

from datetime import date
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .common import N_, StrEnum, enum_check


class UnitKind(StrEnum):
    province = "province"
    department = "department"
    office = "office"
    commune = "commune"
    ward = "ward"
    special_zone = "special_zone"
    enterprise = "enterprise"
    association = "association"
    other = "other"


UNIT_KIND_LABELS = {
    UnitKind.province: N_("Tỉnh / UBND tỉnh"),
    UnitKind.department: N_("Sở, ban, ngành"),
    UnitKind.office: N_("Phòng, đơn vị trực thuộc"),
    UnitKind.commune: N_("Xã"),
    UnitKind.ward: N_("Phường"),
    UnitKind.special_zone: N_("Đặc khu"),
    UnitKind.enterprise: N_("Doanh nghiệp"),
    UnitKind.association: N_("Hội, đoàn thể"),
    UnitKind.other: N_("Khác"),
}


class Unit(Base):
    """A node in the unit tree. ``path`` is the materialised path "/1/4/9/" used for subtree scope."""

    __tablename__ = "unit"
    __table_args__ = (
        enum_check("kind", UnitKind, "kind"),
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_range"),
        sa.CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    short_name: Mapped[Optional[str]] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(20))
    parent_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    path: Mapped[str] = mapped_column(sa.String(512), index=True, default="/")
    address: Mapped[Optional[str]] = mapped_column(sa.String(255))
    head_title: Mapped[Optional[str]] = mapped_column(sa.String(120))
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_to: Mapped[Optional[date]] = mapped_column(sa.Date)
    successor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("unit.id"))

    parent: Mapped[Optional["Unit"]] = relationship(remote_side=[id], foreign_keys=[parent_id])
    successor: Mapped[Optional["Unit"]] = relationship(remote_side=[id], foreign_keys=[successor_id])

    @property
    def kind_label(self) -> str:
        return UNIT_KIND_LABELS.get(UnitKind(self.kind), self.kind)

    @property
    def depth(self) -> int:
        return self.path.strip("/").count("/")

    def is_active_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    @staticmethod
    def root_path(path: str) -> str:
        """The materialised path of the top of the tree ``path`` lies in: "/1/" for "/1/4/9/"."""
        return "/" + path.strip("/").split("/", 1)[0] + "/"

    def contains(self, other: "Unit") -> bool:
        return other.path.startswith(self.path)

    def __repr__(self) -> str:  # pragma: no cover
        return f"<Unit {self.code} {self.name!r}>"
