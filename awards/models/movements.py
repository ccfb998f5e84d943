"""Emulation movements (phong trào thi đua) and the award rounds they open."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .authorities import Authority
from .common import N_, StrEnum, UTCDateTime, enum_check
from .forms import AwardForm
from .units import Unit


class Movement(Base):
    __tablename__ = "movement"
    __table_args__ = (sa.CheckConstraint("end_year >= start_year", name="years"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    period_label: Mapped[Optional[str]] = mapped_column(sa.String(80))
    start_year: Mapped[int]
    end_year: Mapped[int]
    plan_number: Mapped[Optional[str]] = mapped_column(sa.String(40))
    plan_date: Mapped[Optional[date]] = mapped_column(sa.Date)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id"))
    description: Mapped[Optional[str]] = mapped_column(sa.Text)
    active: Mapped[bool] = mapped_column(default=True)

    authority: Mapped[Authority] = relationship(lazy="joined")
    indicators: Mapped[list["MovementIndicator"]] = relationship(
        back_populates="movement", cascade="all, delete-orphan", order_by="MovementIndicator.position"
    )
    rounds: Mapped[list["Round"]] = relationship(back_populates="movement", order_by="Round.opens_dt")

    @property
    def title(self) -> str:
        """“Vì người nghèo - Không để ai bị bỏ lại phía sau” giai đoạn 2021 - 2025."""
        period = f" {self.period_label}" if self.period_label else ""
        return f"“{self.name}”{period}"


class MovementIndicator(Base):
    """A quantity nominations report for the movement (money donated, houses built, ...)."""

    __tablename__ = "movement_indicator"
    __table_args__ = (sa.UniqueConstraint("movement_id", "code", name="uq_movement_indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    movement_id: Mapped[int] = mapped_column(sa.ForeignKey("movement.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    label: Mapped[str] = mapped_column(sa.String(255))
    unit_label: Mapped[str] = mapped_column(sa.String(40))
    position: Mapped[int] = mapped_column(default=0)

    movement: Mapped[Movement] = relationship(back_populates="indicators")


class RoundKind(StrEnum):
    interim = "interim"
    final = "final"
    annual = "annual"
    special = "special"


ROUND_KIND_LABELS = {
    RoundKind.interim: N_("Sơ kết"),
    RoundKind.final: N_("Tổng kết"),
    RoundKind.annual: N_("Hằng năm"),
    RoundKind.special: N_("Chuyên đề / đột xuất"),
}


class RoundStatus(StrEnum):
    planned = "planned"
    open = "open"
    closed = "closed"


ROUND_STATUS_LABELS = {
    RoundStatus.planned: N_("Chưa mở"),
    RoundStatus.open: N_("Đang nhận hồ sơ"),
    RoundStatus.closed: N_("Đã đóng"),
}


class Round(Base):
    __tablename__ = "award_round"
    __table_args__ = (
        enum_check("kind", RoundKind, "kind"),
        enum_check("status", RoundStatus, "status"),
        sa.CheckConstraint("closes_dt > opens_dt", name="window"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    movement_id: Mapped[int] = mapped_column(sa.ForeignKey("movement.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    kind: Mapped[str] = mapped_column(sa.String(20), default=RoundKind.final.value)
    opens_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(20), default=RoundStatus.planned.value)
    # Days before the deadline on which units that have not submitted are reminded.
    reminder_days: Mapped[str] = mapped_column(sa.String(40), default="7,3,1")
    criteria: Mapped[Optional[str]] = mapped_column(sa.Text)

    movement: Mapped[Movement] = relationship(back_populates="rounds", lazy="joined")
    forms: Mapped[list["RoundForm"]] = relationship(
        back_populates="round", cascade="all, delete-orphan", lazy="selectin"
    )
    quotas: Mapped[list["RoundQuota"]] = relationship(back_populates="round", cascade="all, delete-orphan")

    @property
    def kind_label(self) -> str:
        return ROUND_KIND_LABELS[RoundKind(self.kind)]

    @property
    def status_label(self) -> str:
        return ROUND_STATUS_LABELS[RoundStatus(self.status)]

    @property
    def reminder_offsets(self) -> list[int]:
        return sorted({int(x) for x in self.reminder_days.split(",") if x.strip()}, reverse=True)

    def is_open_at(self, when: datetime) -> bool:
        return self.opens_dt <= when < self.closes_dt

    @property
    def award_forms(self) -> list[AwardForm]:
        return [rf.award_form for rf in self.forms]


class RoundForm(Base):
    __tablename__ = "round_form"
    __table_args__ = (sa.UniqueConstraint("round_id", "award_form_id", name="uq_round_form"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("award_round.id", ondelete="CASCADE"), index=True)
    award_form_id: Mapped[int] = mapped_column(sa.ForeignKey("award_form.id"))

    round: Mapped[Round] = relationship(back_populates="forms")
    award_form: Mapped[AwardForm] = relationship(lazy="joined")


class RoundQuota(Base):
    """At most ``max_count`` nominees of ``award_form`` from ``unit`` in the round."""

    __tablename__ = "round_quota"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "unit_id", "award_form_id", name="uq_round_quota"),
        sa.CheckConstraint("max_count >= 0", name="max_count_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("award_round.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"))
    award_form_id: Mapped[int] = mapped_column(sa.ForeignKey("award_form.id"))
    max_count: Mapped[int]

    round: Mapped[Round] = relationship(back_populates="quotas")
    unit: Mapped[Unit] = relationship(lazy="joined")
    award_form: Mapped[AwardForm] = relationship(lazy="joined")


class RoundExtension(Base):
    """An administrator extends one unit's deadline in a round."""

    __tablename__ = "round_extension"
    __table_args__ = (sa.UniqueConstraint("round_id", "unit_id", name="uq_round_extension"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("award_round.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"))
    closes_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(sa.String(500))

    unit: Mapped[Unit] = relationship(lazy="joined")
