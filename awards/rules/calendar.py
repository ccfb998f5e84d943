"""Working days in Viet Nam: weekends and public holidays (the ``holidays`` package, which knows
Tết), adjusted by the days off and make-up working days an administrator records."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models.calendar import CalendarDay, CalendarDayKind

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@lru_cache(maxsize=32)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year).keys())


class WorkingCalendar:
    def __init__(self, exceptions: dict[date, str] | None = None) -> None:
        self.exceptions = exceptions or {}

    @classmethod
    def load(cls, session: Session, start: date, end: date) -> "WorkingCalendar":
        rows = session.execute(
            sa.select(CalendarDay.day, CalendarDay.kind).where(CalendarDay.day.between(start, end))
        ).all()
        return cls({d: k for d, k in rows})

    def is_working_day(self, day: date) -> bool:
        kind = self.exceptions.get(day)
        if kind == CalendarDayKind.working_day.value:
            return True
        if kind == CalendarDayKind.day_off.value:
            return False
        return day.weekday() < 5 and day not in _public_holidays(day.year)

    def add_working_days(self, start: date, days: int) -> date:
        """The date on which ``days`` full working days after ``start`` have passed."""
        d, left = start, days
        while left > 0:
            d += timedelta(days=1)
            if self.is_working_day(d):
                left -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        n, d = 0, start
        while d < end:
            d += timedelta(days=1)
            if self.is_working_day(d):
                n += 1
        return n


def add_working_days(session: Session, when: datetime, days: int) -> datetime:
    """End of the local working day ``days`` working days after ``when`` (aware UTC)."""
    local = when.astimezone(VN_TZ).date()
    cal = WorkingCalendar.load(session, local, local + timedelta(days=days * 3 + 30))
    end_day = cal.add_working_days(local, days)
    return datetime.combine(end_day + timedelta(days=1), time(0, 0), VN_TZ).astimezone(ZoneInfo("UTC"))
