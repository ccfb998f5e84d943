"""Several scheduler processes against one database: every effect happens exactly once (SQLite
file and PostgreSQL); the real ``flask scheduler`` process runs its jobs, records their status,
stops cleanly on SIGTERM, and a second one waits for the first."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date, datetime, time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from awards import jobs
from awards.db import db
from awards.models import (
    AuditEvent, Dossier, JobRun, JobStatus, Notification, OutboxMessage, Round, RoundStatus, WorkflowHistory,
)
from tests import factories as f
from tests.conftest import postgres_only

ROOT = Path(__file__).resolve().parents[2]
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(y, m, d, hh=8, mm=0) -> datetime:
    return datetime.combine(date(y, m, d), dtime(hh, mm), VN)


def env_for(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, SECRET_KEY="s" * 40, AWARDS_ENV="development", SMTP_HOST="",
               PYTHONUNBUFFERED="1")
    env.pop("TEST_DATABASE_URL", None)
    return env


def flask(*args: str, database_url: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                            env=env_for(database_url), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, **kw)


@pytest.fixture
def scenario(ctx):
    """Demo round closes 22/11/2026 17:00; a planned round opens 10/11; a dossier waits in
    'submitted' since 2/11 (3 working days); an upward proposal's comment window ends 16/11."""
    f.load_demo(today=date(2026, 11, 2))
    demo_round = f.demo_round()
    db.session.add(Round(movement=demo_round.movement, name="Đợt chuyên đề", kind="special",
                         opens_dt=vn(2026, 11, 10, 7, 30), closes_dt=vn(2026, 11, 30, 17),
                         status=RoundStatus.planned.value))
    f.make_dossier("X-GIAVIEN", state="submitted", state_since_dt=vn(2026, 11, 2, 9))
    f.make_dossier("SYT", "BK-TTG", state="public_comment", posting_closes_dt=vn(2026, 11, 16, 0, 0))
    db.session.commit()
    db.session.rollback()


TIMES = ["2026-11-15T08:00", "2026-11-16T08:00", "2026-11-19T08:00", "2026-11-21T08:00", "2026-11-23T08:00"]


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def kinds_by_user(kind: str) -> Counter:
    return Counter(db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == kind)))


def run_three_schedulers(database_url: str) -> None:
    args = ["run-jobs-once"] + [a for t in TIMES for a in ("--at", t)]
    procs = [flask(*args, database_url=database_url) for _ in range(3)]
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), "\n\n".join(outs)
    assert not any("Traceback" in o or "LỖI" in o for o in outs), "\n\n".join(outs)


def assert_each_effect_once() -> None:
    db.session.expire_all()
    # (a) windows: the planned round opened once, the demo round closed once
    assert count(AuditEvent, AuditEvent.action == "round.open") == 1
    assert count(AuditEvent, AuditEvent.action == "round.close") == 1
    assert {r.status for r in db.session.scalars(sa.select(Round))} == {"open", "closed"}
    # (b) reminders on 15, 19, 21/11 to the clerk and head of X-GIAVIEN and of SYT
    reminders = kinds_by_user("reminder")
    assert sorted(reminders.values()) == [3, 3, 3, 3], reminders
    # (c) overdue once (the province's board specialist, not the commune's), escalation once
    # (the board lead)
    assert count(AuditEvent, AuditEvent.action == "dossier.overdue") == 1
    assert sorted(kinds_by_user("overdue").values()) == [1]
    assert list(kinds_by_user("escalation").values()) == [1]
    # (d) the comment window closed once, notified once (after commit)
    assert count(WorkflowHistory, WorkflowHistory.transition == "close_comment") == 1
    assert db.session.scalar(sa.select(Dossier.state).where(Dossier.workflow == "de_nghi_cap_tren")) == \
        "proposal_submission"
    assert count(Notification, Notification.kind == "workflow") == 1
    # (e) one digest per user per day, on each of the five days
    titles = [f"{u}:{t}" for u, t in db.session.execute(
        sa.select(Notification.user_id, Notification.title).where(Notification.kind == "digest"))]
    assert len(titles) == len(set(titles)) > 0
    days = {t.split("ngày ")[1].split(":")[0] for t in titles}
    assert days == {"15/11/2026", "16/11/2026", "19/11/2026", "21/11/2026", "23/11/2026"}
    # one e-mail per notification (every demo user has an address)
    assert count(OutboxMessage) == count(Notification)
    assert count(JobRun, JobRun.job == "daily_digest") == 5


def test_three_scheduler_processes_make_each_effect_once(scenario, database_url):
    run_three_schedulers(database_url)
    assert_each_effect_once()
    runners = set(db.session.scalars(sa.select(JobRun.runner)))
    assert len(runners) >= 1
    st = db.session.get(JobStatus, "stage_deadlines")
    assert st.failures == 0
    if db.engine.dialect.name == "sqlite":  # serialised: every process ran every slot (as a no-op or not)
        assert st.runs == 3 * len(TIMES)
    else:  # PostgreSQL: a process that finds the job's advisory lock taken skips the run
        assert 1 <= st.runs <= 3 * len(TIMES)


@postgres_only
def test_three_scheduler_processes_on_postgresql(scenario, database_url):
    assert database_url.startswith("postgresql")
    run_three_schedulers(database_url)
    assert_each_effect_once()


@postgres_only
def test_advisory_lock_makes_a_second_scheduler_skip_the_run(scenario, app, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_LOCK_WAIT_SECONDS", 1)  # it waits this long, then skips
    key = jobs.lock_key("job:round_windows")
    holder = db.engine.connect()
    try:
        holder.exec_driver_sql(f"SELECT pg_advisory_lock({key})")
        out = jobs.run_job("round_windows", now=vn(2026, 11, 23))
        assert out.skipped and out.ok and not out.error
        assert count(AuditEvent, AuditEvent.action.like("round.%")) == 0
    finally:
        holder.exec_driver_sql(f"SELECT pg_advisory_unlock({key})")
        holder.close()
    out = jobs.run_job("round_windows", now=vn(2026, 11, 23))
    assert not out.skipped
    assert count(AuditEvent, AuditEvent.action.like("round.%")) == 2


def _wait_for(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def test_scheduler_process_runs_jobs_and_a_second_one_waits(ctx, database_url):
    f.load_demo()
    db.session.rollback()
    first = flask("scheduler", database_url=database_url)
    second = None
    try:
        def started() -> bool:
            db.session.rollback()
            st = db.session.get(JobStatus, "round_windows")
            ok = st is not None and st.last_run_dt is not None and st.next_run_dt is not None
            db.session.rollback()
            return ok

        assert _wait_for(started, 60), "the scheduler did not run round_windows"
        st = db.session.get(JobStatus, "daily_digest")
        assert st is not None and st.next_run_dt is not None  # announced before its first run
        db.session.rollback()
        second = flask("scheduler", database_url=database_url)
        lines = []
        for _ in range(3):  # a log line may come first
            lines.append(second.stdout.readline())
            if "đang chờ" in lines[-1]:
                break
        assert "đang chờ" in lines[-1], lines
    finally:
        for p in (second, first):
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGTERM)
        out_first = first.communicate(timeout=30)[0]
        if second is not None:
            second.communicate(timeout=30)
    assert first.returncode == 0, out_first
    assert "Bộ lập lịch đã dừng." in out_first
