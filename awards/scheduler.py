"""The one scheduler process: ``flask --app wsgi scheduler`` (never started by create_app).

APScheduler 3.x BlockingScheduler with its default in-memory job store: the jobs are defined here
in code (replace_existing, coalesce, max_instances=1, an explicit misfire grace time), nothing is
shared between processes (APScheduler cannot share a job store, engineering.md §3).

A second scheduler (a deploy overlap, a second host) waits: on PostgreSQL for a session-level
advisory lock, on a SQLite file for an flock beside the database. Even if two did run, every job
effect is claimed by a unique JobRun row (see awards.jobs), so nothing happens twice."""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import time
from datetime import datetime, timezone
from typing import Any, Iterator

from apscheduler.events import (
    EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, EVENT_SCHEDULER_STARTED, JobExecutionEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy.engine import make_url

from . import jobs
from .db import db
from .rules.calendar import VN_TZ

log = logging.getLogger("awards.scheduler")

LEADER_KEY = "awards-scheduler"
LEADER_POLL_SECONDS = 5.0


def triggers() -> dict[str, tuple[Any, int, bool]]:
    """job name → (trigger, misfire_grace_time in seconds, run once at start)."""
    return {
        "round_windows": (IntervalTrigger(minutes=1), 300, True),
        "send_outbox": (IntervalTrigger(minutes=1), 300, True),
        "posting_windows": (IntervalTrigger(minutes=5), 600, True),
        "stage_deadlines": (IntervalTrigger(minutes=15), 1800, True),
        # Hourly in office hours: the first run of the day sends; the JobRun slots stop repeats.
        "round_reminders": (CronTrigger(hour="8-17", minute=0, timezone=VN_TZ), 3 * 3600, False),
        "daily_digest": (CronTrigger(hour=7, minute=30, timezone=VN_TZ), 6 * 3600, False),
    }


def build_scheduler(app: Flask) -> BlockingScheduler:
    scheduler = BlockingScheduler(
        # In memory, on purpose: a job store cannot be shared between processes (APScheduler FAQ).
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(max_workers=4)},
        job_defaults={"coalesce": True, "max_instances": 1},
        timezone=timezone.utc,
    )
    now = datetime.now(timezone.utc)
    for name, (trigger, grace, at_start) in triggers().items():
        kwargs: dict[str, Any] = {}
        if at_start:
            kwargs["next_run_time"] = now
        scheduler.add_job(
            _tick, trigger, args=(app, name), id=name, name=jobs.JOBS[name].label,
            replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=grace, **kwargs,
        )

    def _after(event: JobExecutionEvent) -> None:
        job = scheduler.get_job(event.job_id)
        with app.app_context():
            jobs.record_next_run(event.job_id, job.next_run_time if job else None)
        if event.code == EVENT_JOB_MISSED:
            log.warning("job %s missed its run at %s", event.job_id, event.scheduled_run_time)

    def _started(_event) -> None:
        with app.app_context():
            for job in scheduler.get_jobs():
                jobs.record_next_run(job.id, job.next_run_time)

    scheduler.add_listener(_after, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    scheduler.add_listener(_started, EVENT_SCHEDULER_STARTED)
    return scheduler


def _tick(app: Flask, name: str) -> None:
    with app.app_context():
        outcome = jobs.run_job(name, now=datetime.now(timezone.utc))
    if outcome.error:
        log.error("job %s: %s", name, outcome.error)
    elif not outcome.skipped:
        log.info("job %s: %s", name, outcome.result)


@contextlib.contextmanager
def leadership(app: Flask) -> Iterator[None]:
    """Hold the one-scheduler lock for the life of the process; wait while another holds it."""
    url = make_url(app.config["DATABASE_URL"])
    if url.get_backend_name() == "postgresql":
        with app.app_context():
            engine = db.engine
        conn = engine.connect()
        try:
            key = jobs.lock_key(LEADER_KEY)
            warned = False
            while not conn.exec_driver_sql(f"SELECT pg_try_advisory_lock({key})").scalar():
                conn.rollback()
                if not warned:
                    log.warning("another scheduler holds the lock; waiting")
                    print("Một bộ lập lịch khác đang chạy; đang chờ đến lượt...", flush=True)
                    warned = True
                time.sleep(LEADER_POLL_SECONDS)
            conn.commit()
            yield
        finally:
            conn.close()  # ends the session, which releases the advisory lock
        return
    if url.database in (None, "", ":memory:"):
        yield
        return
    import fcntl

    path = f"{url.database}.scheduler.lock"
    with open(path, "a+") as fh:
        warned = False
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not warned:
                    print("Một bộ lập lịch khác đang chạy; đang chờ đến lượt...", flush=True)
                    warned = True
                time.sleep(LEADER_POLL_SECONDS)
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(str(os.getpid()))
            fh.flush()
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def run(app: Flask) -> None:
    """Block: take the lock, then run the jobs until SIGTERM/SIGINT."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

    def _stop(signum, _frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _stop)
    with leadership(app):
        scheduler = build_scheduler(app)
        print(f"Bộ lập lịch đã chạy (pid {os.getpid()}), {len(scheduler.get_jobs())} việc.", flush=True)
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            if scheduler.running:
                scheduler.shutdown(wait=True)
            print("Bộ lập lịch đã dừng.", flush=True)
