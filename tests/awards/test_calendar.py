"""Working days: weekends, Vietnamese public holidays (Tết 2027 from the holidays package) and the
administrator's exceptions (days off, make-up working days)."""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from awards.db import db
from awards.models import CalendarDay, CalendarDayKind
from awards.rules.calendar import WorkingCalendar, add_working_days, public_holiday_name

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(y, m, d, hh=0, mm=0) -> datetime:
    return datetime.combine(date(y, m, d), time(hh, mm), VN)


def test_tet_2027_is_known_to_the_holidays_package():
    """Tết Đinh Mùi: 29 Tết (Thu 4/2/2027) to mùng năm (Wed 10/2/2027) are public holidays."""
    cal = WorkingCalendar()
    for d in range(4, 11):
        assert not cal.is_working_day(date(2027, 2, d)), d
        assert public_holiday_name(date(2027, 2, d))
    assert "Tết" in public_holiday_name(date(2027, 2, 6))
    assert cal.is_working_day(date(2027, 2, 3))
    assert cal.is_working_day(date(2027, 2, 11))


def test_three_working_days_across_tet():
    """From Wed 3/2/2027 three working days run Thu 11, Fri 12, Mon 15 February."""
    cal = WorkingCalendar()
    assert cal.add_working_days(date(2027, 2, 3), 3) == date(2027, 2, 15)
    assert cal.working_days_between(date(2027, 2, 3), date(2027, 2, 15)) == 3
    # the limit is reached at local midnight after the third working day
    assert cal.due_dt(vn(2027, 2, 3, 10), 3) == vn(2027, 2, 16).astimezone(ZoneInfo("UTC"))


def test_ordinary_week():
    cal = WorkingCalendar()
    assert cal.add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)  # Fri → Mon
    assert cal.add_working_days(date(2026, 11, 20), 0) == date(2026, 11, 20)
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 11, 20), -1)
    # Ngày Văn hóa Việt Nam (24/11) is a public holiday from 2025 on
    assert cal.add_working_days(date(2026, 11, 23), 1) == date(2026, 11, 25)


def test_make_up_working_day_and_extra_day_off_from_the_database(session):
    session.add_all([
        CalendarDay(day=date(2027, 2, 13), kind=CalendarDayKind.working_day.value, note="Làm bù"),
        CalendarDay(day=date(2027, 2, 12), kind=CalendarDayKind.day_off.value, note="Nghỉ thêm"),
    ])
    session.commit()
    # 11 (Thu) working, 12 day off, 13 (Sat) make-up working day, 15 (Mon)
    due = add_working_days(db.session, vn(2027, 2, 3, 10), 3)
    assert due == vn(2027, 2, 16).astimezone(ZoneInfo("UTC"))
    due2 = add_working_days(db.session, vn(2027, 2, 3, 10), 2)
    assert due2 == vn(2027, 2, 14).astimezone(ZoneInfo("UTC"))  # end of Sat 13 (make-up day)


def test_exceptions_far_ahead_are_loaded(session):
    """A long count still sees an exception months later (no fixed look-ahead window)."""
    session.add(CalendarDay(day=date(2027, 6, 1), kind=CalendarDayKind.day_off.value, note="Nghỉ"))
    session.commit()
    cal = WorkingCalendar.load(db.session, date(2027, 1, 1))
    assert not cal.is_working_day(date(2027, 6, 1))
