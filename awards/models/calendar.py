"""Working-day calendar exceptions added by an administrator (days off, make-up working days)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from .common import StrEnum, enum_check


class CalendarDayKind(StrEnum):
    day_off = "day_off"
    working_day = "working_day"


class CalendarDay(Base):
    __tablename__ = "calendar_day"
    __table_args__ = (enum_check("kind", CalendarDayKind, "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.String(255))
