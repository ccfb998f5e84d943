"""The periodic jobs, with a controlled clock: round windows, reminders, stage time limits in
working days with escalation, the end of the public comment window, the daily digest; and the
JobRun slots that make every effect happen once."""
from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from awards import create_app, jobs
from awards.db import db
from awards.models import (
    AuditEvent, CalendarDay, CalendarDayKind, Dossier, JobRun, JobStatus, Notification, OutboxMessage, Round,
    RoundExtension, RoundStatus, WorkflowHistory,
)
from config import TestConfig
from tests import factories as f

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = ZoneInfo("UTC")


def vn(y, m, d, hh=8, mm=0) -> datetime:
    return datetime.combine(date(y, m, d), time(hh, mm), VN).astimezone(UTC)


@pytest.fixture
def demo(ctx):
    """The demo round opens 23/10/2026 and closes 22/11/2026 17:00 (today = 2/11/2026)."""
    f.load_demo(today=date(2026, 11, 2))


def notes(username: str, kind: str | None = None) -> list[Notification]:
    q = sa.select(Notification).where(Notification.user_id == f.user(username).id)
    if kind:
        q = q.where(Notification.kind == kind)
    return list(db.session.scalars(q.order_by(Notification.id)))


def audits(action: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == action))


# --- infrastructure -------------------------------------------------------------------------------

def test_create_app_never_starts_a_scheduler(database_url):
    before = {t.name for t in threading.enumerate()}
    cfg = TestConfig()
    cfg.DATABASE_URL = database_url
    create_app(cfg)
    after = {t.name for t in threading.enumerate()}
    assert after == before
    assert not any("APScheduler" in n for n in after)


def test_scheduler_defines_every_job_in_code_with_safe_options(app):
    from awards.scheduler import build_scheduler

    sched = build_scheduler(app)
    defined = {j.id: j for j in sched.get_jobs()}
    assert set(defined) == set(jobs.JOBS)
    for job in defined.values():
        assert job.coalesce is True
        assert job.max_instances == 1
        assert isinstance(job.misfire_grace_time, int) and job.misfire_grace_time > 0
    assert type(sched).__name__ == "BlockingScheduler"
    assert list(sched._jobstores) == ["default"] and type(sched._jobstores["default"]).__name__ == "MemoryJobStore"


def test_claim_takes_a_slot_once_without_errors(session):
    now = vn(2026, 11, 22)
    assert jobs.claim(session, "j", "2026-11-22T08:00", now=now) is True
    assert jobs.claim(session, "j", "2026-11-22T08:00", now=now) is False
    assert jobs.claim(session, "j", "2026-11-22T09:00", now=now) is True
    session.commit()
    assert session.scalar(sa.select(sa.func.count()).select_from(JobRun)) == 2


def test_run_job_records_status_and_errors(demo, monkeypatch):
    out = jobs.run_job("round_windows", now=vn(2026, 11, 10))
    assert out.ok and not out.error
    st = db.session.get(JobStatus, "round_windows")
    assert st.runs == 1 and st.last_success_dt == vn(2026, 11, 10) and st.last_error is None

    def boom(session, *, now):
        raise RuntimeError("hỏng")

    monkeypatch.setitem(jobs.JOBS, "round_windows", jobs.JobSpec("round_windows", "x", "x", boom))
    out = jobs.run_job("round_windows", now=vn(2026, 11, 11))
    assert not out.ok and "hỏng" in out.error
    db.session.expire_all()
    st = db.session.get(JobStatus, "round_windows")
    assert st.runs == 2 and st.failures == 1 and "RuntimeError: hỏng" in st.last_error
    assert st.last_error_dt == vn(2026, 11, 11)


# --- (a) round windows -----------------------------------------------------------------------------

def _planned_round(opens: datetime, closes: datetime) -> Round:
    demo_round = f.demo_round()
    r = Round(movement=demo_round.movement, name="Sơ kết năm 2027", kind="interim", opens_dt=opens,
              closes_dt=closes, status=RoundStatus.planned.value)
    db.session.add(r)
    db.session.commit()
    return r


def test_round_opens_and_closes_at_its_times(demo):
    r = _planned_round(vn(2027, 3, 1, 7, 30), vn(2027, 3, 31, 17, 0))
    rid = r.id
    jobs.run_job("round_windows", now=vn(2027, 3, 1, 7, 29))
    assert db.session.get(Round, rid).status == "planned"
    jobs.run_job("round_windows", now=vn(2027, 3, 1, 7, 30))
    db.session.expire_all()
    assert db.session.get(Round, rid).status == "open"
    jobs.run_job("round_windows", now=vn(2027, 3, 1, 7, 31))
    assert audits("round.open") == 1
    jobs.run_job("round_windows", now=vn(2027, 3, 31, 16, 59))
    db.session.expire_all()
    assert db.session.get(Round, rid).status == "open"
    jobs.run_job("round_windows", now=vn(2027, 3, 31, 17, 0))
    db.session.expire_all()
    assert db.session.get(Round, rid).status == "closed"
    ev = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "round.close",
                                                       AuditEvent.object_id == rid)).one()
    assert (ev.old_state, ev.new_state, ev.object_type) == ("open", "closed", "award_round")


def test_round_windows_follow_the_real_clock(demo):
    r = _planned_round(vn(2027, 3, 1, 7, 30), vn(2027, 3, 31, 17, 0))
    with time_machine.travel(vn(2027, 3, 1, 7, 45), tick=False):
        jobs.run_job("round_windows")
    db.session.expire_all()
    assert db.session.get(Round, r.id).status == "open"
    assert db.session.get(JobStatus, "round_windows").last_run_dt == vn(2027, 3, 1, 7, 45)


# --- (b) reminders ---------------------------------------------------------------------------------

def _days_with_reminders(username: str, start: date, end: date) -> list[int]:
    days = []
    d = start
    while d <= end:
        before = len(notes(username, "reminder"))
        jobs.run_job("round_reminders", now=vn(d.year, d.month, d.day, 8, 0))
        jobs.run_job("round_reminders", now=vn(d.year, d.month, d.day, 9, 0))  # hourly: no repeat
        if len(notes(username, "reminder")) > before:
            days.append(d.day)
        d += timedelta(days=1)
    return days


def test_reminders_7_3_1_days_before_and_not_for_units_that_submitted(demo):
    f.make_dossier("SYT", state="submitted", submitted_dt=vn(2026, 11, 3))
    f.make_dossier("X-GIAVIEN", state="draft")  # a draft is not a submission
    db.session.commit()
    assert _days_with_reminders("xa.chuyenvien", date(2026, 11, 2), date(2026, 11, 23)) == [15, 19, 21]
    # the head of the unit gets them too, and each is e-mailed once
    assert len(notes("xa.chutich", "reminder")) == 3
    first = notes("xa.chuyenvien", "reminder")[0]
    assert "Còn 7 ngày" in first.title and "17:00 ngày 22/11/2026" in first.body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.to_addr == "xa.chuyenvien@ninhbinh.example.vn")) == 3
    # SYT submitted: nothing
    assert notes("syt.chuyenvien", "reminder") == [] and notes("syt.giamdoc", "reminder") == []
    # other roles are not reminded
    assert notes("tdkt.chuyenvien", "reminder") == []


def test_a_returned_dossier_counts_as_not_submitted(demo):
    f.make_dossier("SYT", state="returned", submitted_dt=vn(2026, 11, 3))
    db.session.commit()
    jobs.run_job("round_reminders", now=vn(2026, 11, 15, 8))
    assert len(notes("syt.chuyenvien", "reminder")) == 1


def test_the_units_extension_moves_its_reminders(demo):
    rnd = f.demo_round()
    db.session.add(RoundExtension(round_id=rnd.id, unit=f.unit("X-GIAVIEN"), closes_dt=vn(2026, 11, 30, 17, 0),
                                  reason="Bão số 3"))
    db.session.commit()
    days = _days_with_reminders("xa.chuyenvien", date(2026, 11, 14), date(2026, 11, 30))
    assert days == [23, 27, 29]
    # SYT keeps the round's own dates
    assert len(notes("syt.chuyenvien", "reminder")) == 3


def test_reminders_continue_for_an_extension_after_the_round_closed(demo):
    rnd = f.demo_round()
    db.session.add(RoundExtension(round_id=rnd.id, unit=f.unit("X-GIAVIEN"), closes_dt=vn(2026, 11, 30, 17, 0),
                                  reason="Bão số 3"))
    db.session.commit()
    jobs.run_job("round_windows", now=vn(2026, 11, 23, 8))
    db.session.expire_all()
    assert f.demo_round().status == "closed"
    jobs.run_job("round_reminders", now=vn(2026, 11, 29, 8))
    assert [n.title[:9] for n in notes("xa.chuyenvien", "reminder")] == ["Còn 1 ngà"]


def test_custom_reminder_days(demo):
    rnd = f.demo_round()
    rnd.reminder_days = "10, 2"
    db.session.commit()
    days = _days_with_reminders("xa.chuyenvien", date(2026, 11, 10), date(2026, 11, 22))
    assert days == [12, 20]


# --- (c) stage time limits in working days ----------------------------------------------------------

def test_overdue_across_tet_2027_then_escalation(demo):
    """'submitted' allows 3 working days. Entered Wed 3/2/2027: Tết closes 4–10/2, so the limit
    ends with Mon 15/2; one more limit (6 working days) ends with Thu 18/2."""
    d = f.make_dossier("X-GIAVIEN", state="submitted", state_since_dt=vn(2027, 2, 3, 10))
    db.session.commit()
    did, version = d.id, d.version
    jobs.run_job("stage_deadlines", now=vn(2027, 2, 15, 23, 59))
    db.session.expire_all()
    assert db.session.get(Dossier, did).overdue is False
    jobs.run_job("stage_deadlines", now=vn(2027, 2, 16, 0, 0))
    db.session.expire_all()
    d = db.session.get(Dossier, did)
    assert d.overdue is True
    assert d.version == version  # the flag does not invalidate a form a user has open
    assert audits("dossier.overdue") == 1
    # the responsible role (board_specialist) of the deciding level: the provincial specialist only
    assert len(notes("tdkt.chuyenvien", "overdue")) == 1
    assert notes("xa.vanphong", "overdue") == []  # the commune's office does not handle the province's dossier
    assert notes("syt.chuyenvien") == []
    assert "3 ngày làm việc" in notes("tdkt.chuyenvien", "overdue")[0].body
    assert notes("tdkt.truongphong", "escalation") == []
    jobs.run_job("stage_deadlines", now=vn(2027, 2, 18, 23, 0))
    assert notes("tdkt.truongphong", "escalation") == []
    jobs.run_job("stage_deadlines", now=vn(2027, 2, 19, 0, 5))
    jobs.run_job("stage_deadlines", now=vn(2027, 2, 19, 1, 5))
    assert len(notes("tdkt.truongphong", "escalation")) == 1
    assert len(notes("tdkt.chuyenvien", "overdue")) == 1 and audits("dossier.overdue") == 1


def test_make_up_working_day_shortens_the_count(demo):
    db.session.add(CalendarDay(day=date(2027, 2, 13), kind=CalendarDayKind.working_day.value,
                               note="Làm bù cho ngày nghỉ Tết"))
    d = f.make_dossier("X-GIAVIEN", state="submitted", state_since_dt=vn(2027, 2, 3, 10))
    db.session.commit()
    jobs.run_job("stage_deadlines", now=vn(2027, 2, 13, 23, 59))
    db.session.expire_all()
    assert db.session.get(Dossier, d.id).overdue is False
    jobs.run_job("stage_deadlines", now=vn(2027, 2, 14, 0, 1))  # Sun, after the make-up Saturday
    db.session.expire_all()
    assert db.session.get(Dossier, d.id).overdue is True


def test_a_new_stage_starts_a_new_clock(demo):
    from awards.services.transitions import fire

    d = f.make_dossier("X-GIAVIEN", state="submitted", state_since_dt=vn(2026, 11, 2, 9))
    db.session.commit()
    jobs.run_job("stage_deadlines", now=vn(2026, 11, 6, 9))
    db.session.expire_all()
    d = db.session.get(Dossier, d.id)
    assert d.overdue
    fire(db.session, d, "receive", actor=f.user("tdkt.chuyenvien"), now=vn(2026, 11, 6, 10))
    db.session.commit()
    assert d.overdue is False and d.state == "appraising"
    jobs.run_job("stage_deadlines", now=vn(2026, 11, 9, 9))
    db.session.expire_all()
    assert db.session.get(Dossier, d.id).overdue is False


def test_states_without_limit_are_never_overdue(demo):
    f.make_dossier("X-GIAVIEN", state="draft", state_since_dt=vn(2026, 1, 2))
    db.session.commit()
    jobs.run_job("stage_deadlines", now=vn(2026, 11, 20))
    assert audits("dossier.overdue") == 0


# --- (d) public comment window -----------------------------------------------------------------------

def test_end_of_comment_window_fires_close_comment_as_the_system(demo):
    d = f.make_dossier("X-GIAVIEN", "BK-TTG", state="public_comment", posting_closes_dt=vn(2026, 11, 20, 0, 0))
    db.session.commit()
    did = d.id
    jobs.run_job("posting_windows", now=vn(2026, 11, 19, 23, 55))
    db.session.expire_all()
    assert db.session.get(Dossier, did).state == "public_comment"
    out = jobs.run_job("posting_windows", now=vn(2026, 11, 20, 0, 5))
    assert out.ok, out.error
    db.session.expire_all()
    d = db.session.get(Dossier, did)
    assert d.state == "proposal_submission" and d.state_since_dt == vn(2026, 11, 20, 0, 5)
    h = db.session.scalars(sa.select(WorkflowHistory).where(WorkflowHistory.dossier_id == did)).one()
    assert (h.transition, h.actor_id) == ("close_comment", None)
    # the "notify" effect ran after commit: the board lead prepares the proposal
    assert [n.kind for n in notes("tdkt.truongphong")] == ["workflow"]
    jobs.run_job("posting_windows", now=vn(2026, 11, 20, 0, 10))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkflowHistory)) == 1


# --- (e) daily digest ----------------------------------------------------------------------------------

def test_daily_digest_once_per_user_per_day(demo):
    f.make_dossier("X-GIAVIEN", state="submitted", overdue=True)
    f.make_dossier("SYT", state="submitted")
    f.make_dossier("X-GIAVIEN", state="draft")
    f.make_dossier("X-GIAVIEN", "GK-XA", state="submitted")
    db.session.commit()
    jobs.run_job("daily_digest", now=vn(2026, 11, 20, 7, 30))
    jobs.run_job("daily_digest", now=vn(2026, 11, 20, 12, 0))
    [prov] = notes("tdkt.chuyenvien", "digest")  # the two Bằng khen tỉnh, not the commune's Giấy khen
    assert "2 hồ sơ" in prov.title and "20/11/2026" in prov.title and "(1 quá hạn)" in prov.body
    [commune] = notes("xa.vanphong", "digest")  # its own Giấy khen only, not the province's dossier
    assert "1 hồ sơ" in commune.title
    assert len(notes("xa.chuyenvien", "digest")) == 1  # the draft waits for the unit clerk
    assert notes("syt.giamdoc", "digest") == []  # nothing waits for a unit head
    jobs.run_job("daily_digest", now=vn(2026, 11, 21, 7, 30))
    assert len(notes("tdkt.chuyenvien", "digest")) == 2
