"""Working days in Viet Nam: weekends and public holidays (the ``holidays`` package, which knows
Tết), adjusted by the days off and make-up working days an administrator records (CalendarDay).

A stage time limit of N working days counts the working days *after* the day the dossier entered
the stage; the limit is reached at the end (local midnight) of the N-th of them."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models.calendar import CalendarDay, CalendarDayKind

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("VN", years=year, language="vi").items())


def public_holiday_name(day: date) -> str | None:
    """The name of the public holiday on ``day`` (Vietnamese), or None."""
    return _public_holidays(day.year).get(day)


def local_date(when: datetime) -> date:
    return when.astimezone(VN_TZ).date()


def end_of_local_day(day: date) -> datetime:
    """Local midnight after ``day``, as aware UTC."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), VN_TZ).astimezone(timezone.utc)


class WorkingCalendar:
    """Answers "is this a working day" from public holidays plus the administrator's exceptions."""

    def __init__(self, exceptions: dict[date, str] | None = None) -> None:
        self.exceptions = dict(exceptions or {})

    @classmethod
    def load(cls, session: Session, start: date, end: date | None = None) -> "WorkingCalendar":
        """The exceptions from ``start`` on (up to ``end`` when given). The table holds a few rows a
        year, so loading every later row keeps long counts (a Tết plus extra days off) exact."""
        q = sa.select(CalendarDay.day, CalendarDay.kind).where(CalendarDay.day >= start)
        if end is not None:
            q = q.where(CalendarDay.day <= end)
        return cls({d: k for d, k in session.execute(q).all()})

    def is_working_day(self, day: date) -> bool:
        kind = self.exceptions.get(day)
        if kind == CalendarDayKind.working_day.value:
            return True
        if kind == CalendarDayKind.day_off.value:
            return False
        return day.weekday() < 5 and day not in _public_holidays(day.year)

    def add_working_days(self, start: date, days: int) -> date:
        """The date on which ``days`` full working days after ``start`` have passed."""
        if days < 0:
            raise ValueError("days must not be negative")
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

    def due_dt(self, when: datetime, days: int) -> datetime:
        """End of the local working day ``days`` working days after ``when`` (aware UTC)."""
        return end_of_local_day(self.add_working_days(local_date(when), days))


def add_working_days(session: Session, when: datetime, days: int) -> datetime:
    """End of the local working day ``days`` working days after ``when`` (aware UTC)."""
    return WorkingCalendar.load(session, local_date(when)).due_dt(when, days)
