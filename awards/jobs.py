"""Periodic jobs. Each job function takes the session, an explicit ``now`` (aware UTC) and, where
useful, ids to restrict it; it pushes no context and never commits: ``run_job`` wraps it in one
transaction (the scheduler and ``flask run-jobs-once`` call ``run_job`` inside an app context).

Exactly once, however many schedulers run: every effect first inserts a ``JobRun(job, slot)`` row
under UNIQUE(job, slot) with INSERT ... ON CONFLICT DO NOTHING (a second scheduler skips the slot
quietly: no IntegrityError, no error in the server log), in the transaction that performs the
effect. On PostgreSQL each job's transaction also waits for ``pg_advisory_xact_lock`` on the job's
key, so two schedulers never work on the same job at the same moment (the second one waits,
then finds the slots already claimed); on SQLite every write transaction starts with BEGIN IMMEDIATE and is serialised anyway."""
from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workflows.messages import Msg

from .db import db
from .models import (
    Authority, AwardForm, Dossier, JobRun, JobStatus, NotificationKind, Role, Round, RoundExtension, RoundQuota, RoundStatus, Unit, User,
    utcnow,
)
from .models.users import UNIT_SIDE_ROLES
from .rules.calendar import WorkingCalendar, local_date
from .services import audit
from .services import notifications as notif
from .workflow import get_workflows

log = logging.getLogger("awards.jobs")

NOT_SUBMITTED_STATES = ("draft", "returned", "withdrawn")


# --- exactly-once helpers ------------------------------------------------------------------------

def lock_key(name: str) -> int:
    """A stable signed 64-bit key for pg advisory locks."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


JOB_LOCK_WAIT_SECONDS = 120


def try_job_lock(session: Session, name: str, wait_seconds: float | None = None) -> bool:
    """PostgreSQL: take the job's advisory lock for this transaction, waiting while another
    scheduler runs the job (its slot claims then make this run a no-op for the slots it did, and
    the slots it did not reach are still run here). False only when the wait times out.
    Other databases: always True (SQLite serialises write transactions)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    wait = JOB_LOCK_WAIT_SECONDS if wait_seconds is None else wait_seconds
    try:
        with session.begin_nested():
            session.execute(sa.text(f"SET LOCAL lock_timeout = '{int(wait * 1000)}ms'"))
            session.execute(sa.select(sa.func.pg_advisory_xact_lock(lock_key(f"job:{name}"))))
            session.execute(sa.text("SET LOCAL lock_timeout = 0"))
    except sa.exc.OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) == "55P03":  # lock_not_available
            return False
        raise
    return True


def claim(session: Session, job: str, slot: str, *, now: datetime, runner: str | None = None) -> bool:
    """Insert JobRun(job, slot) in the current transaction; False when the slot is already taken."""
    values = {"job": job, "slot": slot[:160], "run_dt": now, "runner": runner or notif.worker_name()}
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        ins = (sqlite.insert if dialect == "sqlite" else postgresql.insert)(JobRun).values(**values)
        # RETURNING, not rowcount: psycopg reports -1 as the rowcount of an INSERT.
        res = session.execute(ins.on_conflict_do_nothing(index_elements=["job", "slot"]).returning(JobRun.id))
        return res.scalar_one_or_none() is not None
    try:  # pragma: no cover - other databases
        with session.begin_nested():
            session.add(JobRun(**values))
        return True
    except IntegrityError:  # pragma: no cover
        return False


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat(timespec="minutes")


# --- (a) round windows ---------------------------------------------------------------------------

def set_round_status(session: Session, rnd: Round, status: RoundStatus, *, now: datetime) -> None:
    """The scheduler opens or closes a round's submission window (audited)."""
    old = rnd.status
    rnd.status = status.value
    audit.record(session, f"round.{'open' if status is RoundStatus.open else 'close'}", obj=rnd,
                 old_state=old, new_state=status.value, details={"by": "scheduler", "at": now.isoformat()})


def round_windows(session: Session, *, now: datetime, round_id: int | None = None) -> str:
    """Open planned rounds whose window has begun; close open rounds whose window has ended."""
    q = sa.select(Round).where(Round.status.in_([RoundStatus.planned.value, RoundStatus.open.value]))
    if round_id is not None:
        q = q.where(Round.id == round_id)
    opened = closed = 0
    for rnd in session.scalars(q.order_by(Round.id)).unique():
        if rnd.status == RoundStatus.planned.value and rnd.opens_dt <= now < rnd.closes_dt:
            if claim(session, "round_windows", f"round:{rnd.id}:open:{iso(rnd.opens_dt)}", now=now):
                set_round_status(session, rnd, RoundStatus.open, now=now)
                opened += 1
        elif now >= rnd.closes_dt:
            if claim(session, "round_windows", f"round:{rnd.id}:close:{iso(rnd.closes_dt)}", now=now):
                set_round_status(session, rnd, RoundStatus.closed, now=now)
                closed += 1
    session.flush()
    return f"mở {opened} đợt, đóng {closed} đợt"


# --- (b) reminders before the deadline -----------------------------------------------------------

def round_reminders(session: Session, *, now: datetime, round_id: int | None = None) -> str:
    """Remind the clerks and heads of units that have not submitted, ``reminder_offsets`` days
    (local calendar days) before their deadline (the unit's extension counts)."""
    today = local_date(now)
    has_live_extension = sa.exists().where(RoundExtension.round_id == Round.id, RoundExtension.closes_dt > now)
    q = sa.select(Round).where(Round.opens_dt <= now, sa.or_(Round.status == RoundStatus.open.value,
                                                            has_live_extension))
    if round_id is not None:
        q = q.where(Round.id == round_id)
    sent = 0
    base_url = current_app.config.get("PUBLIC_BASE_URL")
    for rnd in session.scalars(q.order_by(Round.id)).unique():
        offsets = set(rnd.reminder_offsets)
        if not offsets:
            continue
        expected = set(session.scalars(sa.select(RoundQuota.unit_id).where(RoundQuota.round_id == rnd.id)))
        expected |= set(session.scalars(sa.select(Dossier.unit_id).where(Dossier.round_id == rnd.id)))
        submitted = set(session.scalars(
            sa.select(Dossier.unit_id).where(Dossier.round_id == rnd.id, Dossier.submitted_dt.is_not(None),
                                             Dossier.state.not_in(NOT_SUBMITTED_STATES))
        ))
        extensions = dict(session.execute(
            sa.select(RoundExtension.unit_id, RoundExtension.closes_dt).where(RoundExtension.round_id == rnd.id)
        ).all())
        waiting = sorted(expected - submitted)
        if not waiting:
            continue
        units = {u.id: u for u in session.scalars(sa.select(Unit).where(Unit.id.in_(waiting)))}
        for unit_id in waiting:
            deadline = extensions.get(unit_id, rnd.closes_dt)
            if deadline <= now:
                continue
            days_left = (local_date(deadline) - today).days
            if days_left not in offsets:
                continue
            slot = f"round:{rnd.id}:unit:{unit_id}:d{days_left}:{local_date(deadline).isoformat()}"
            if not claim(session, "round_reminders", slot, now=now):
                continue
            unit = units[unit_id]
            users = notif.users_covering(session, [Role.unit_clerk, Role.unit_head], unit)
            if not users:
                continue
            title = f"Còn {days_left} ngày: hạn nộp hồ sơ đợt «{rnd.name}»"
            body = (f"Đơn vị {unit.name} chưa trình hồ sơ đề nghị khen thưởng trong đợt «{rnd.name}» "
                    f"({rnd.movement.title}).\nHạn nộp: {_local(deadline)}.")
            notif.notify(session, users, kind=NotificationKind.reminder, title=title, body=body,
                         link="/dossiers/", base_url=base_url, now=now)
            sent += 1
    return f"nhắc {sent} đơn vị"


def _local(dt: datetime) -> str:
    from .rules.calendar import VN_TZ

    return dt.astimezone(VN_TZ).strftime("%H:%M ngày %d/%m/%Y")


# --- (c) stage time limits in working days --------------------------------------------------------

def stage_deadlines(session: Session, *, now: datetime, dossier_id: int | None = None) -> str:
    """Flag dossiers past their stage's time limit (working days) and notify the responsible users;
    one more limit later, escalate to the board lead."""
    limits: dict[tuple[str, str], tuple[int, str | None, str]] = {}
    for wf in get_workflows().values():
        for s in wf.states.values():
            if s.time_limit_days and not s.final:
                limits[(wf.name, s.name)] = (s.time_limit_days, s.responsible_role, s.label)
    if not limits:
        return "không có bước nào có thời hạn"
    cond = sa.or_(*[sa.and_(Dossier.workflow == w, Dossier.state == s) for w, s in limits])
    q = sa.select(Dossier).where(cond)
    if dossier_id is not None:
        q = q.where(Dossier.id == dossier_id)
    dossiers = list(session.scalars(q.order_by(Dossier.id)).unique())
    if not dossiers:
        return "không có hồ sơ quá hạn"
    cal = WorkingCalendar.load(session, min(local_date(d.state_since_dt) for d in dossiers))
    keys = {d.id: f"dossier:{d.id}:{d.state}:{iso(d.state_since_dt)}" for d in dossiers}
    escalated = set(session.scalars(
        sa.select(JobRun.slot).where(JobRun.job == "stage_escalation", JobRun.slot.in_(list(keys.values())))
    ))
    base_url = current_app.config.get("PUBLIC_BASE_URL")
    flagged = escalations = 0
    for d in dossiers:
        limit, role, label = limits[(d.workflow, d.state)]
        due = cal.due_dt(d.state_since_dt, limit)
        if now < due:
            continue
        key = keys[d.id]
        if not d.overdue and claim(session, "stage_overdue", key, now=now):
            # A plain UPDATE: the flag must not bump the version a user's open form carries.
            res = session.execute(
                sa.update(Dossier).where(Dossier.id == d.id, Dossier.state == d.state, Dossier.overdue.is_(False))
                .values(overdue=True).execution_options(synchronize_session=False)
            )
            if res.rowcount == 1:
                audit.record(session, "dossier.overdue", obj=d, old_state=d.state, new_state=d.state,
                             details={"limit_days": limit, "due": due.isoformat(), "by": "scheduler"})
                if role:
                    users = notif.users_for_dossier(session, [role], d)
                    notif.notify(
                        session, users, kind=NotificationKind.overdue,
                        title=f"Quá hạn xử lý: hồ sơ «{d.title}»",
                        body=(f"Hồ sơ của {d.unit.name} ở bước «{label}» từ {_local(d.state_since_dt)}, "
                              f"đã quá thời hạn {limit} ngày làm việc (hạn: {_local(due)})."),
                        link=notif.dossier_link(d.id), dossier_id=d.id, base_url=base_url, now=now,
                    )
                flagged += 1
        if key in escalated:
            continue
        due2 = cal.due_dt(d.state_since_dt, 2 * limit)
        if now >= due2 and claim(session, "stage_escalation", key, now=now):
            leads = notif.users_for_dossier(session, [Role.board_lead], d)
            notif.notify(
                session, leads, kind=NotificationKind.escalation,
                title=f"Chậm xử lý kéo dài: hồ sơ «{d.title}»",
                body=(f"Hồ sơ của {d.unit.name} ở bước «{label}» từ {_local(d.state_since_dt)}, "
                      f"đã quá hai lần thời hạn {limit} ngày làm việc (hạn lần hai: {_local(due2)}). "
                      "Đề nghị Lãnh đạo Phòng đôn đốc xử lý."),
                link=notif.dossier_link(d.id), dossier_id=d.id, base_url=base_url, now=now,
            )
            escalations += 1
    return f"gắn cờ quá hạn {flagged}, báo lãnh đạo {escalations}"


# --- (d) end of the public comment window ---------------------------------------------------------

def posting_windows(session: Session, *, now: datetime, dossier_id: int | None = None) -> str:
    """Fire ``close_comment`` (as the system) on dossiers whose comment window has ended."""
    from .services.transitions import TransitionRejected, actor_for, fire
    from .workflow import DossierContext, get_workflow

    pairs = []
    for wf in get_workflows().values():
        t = next((x for x in wf.transitions if x.name == "close_comment"), None)
        if t is not None:
            pairs += [(wf.name, s) for s in t.sources]
    if not pairs:
        return "không có quy trình lấy ý kiến"
    q = sa.select(Dossier).where(
        Dossier.posting_closes_dt.is_not(None), Dossier.posting_closes_dt <= now,
        sa.or_(*[sa.and_(Dossier.workflow == w, Dossier.state == s) for w, s in pairs]),
    )
    if dossier_id is not None:
        q = q.where(Dossier.id == dossier_id)
    moved, refused = 0, []
    for d in session.scalars(q.order_by(Dossier.id)).unique():
        # Ask first (no savepoint: the after-commit runner would fire on a savepoint's release),
        # then claim the slot, then fire; the engine rejects before anything changes.
        ctx = DossierContext(session=session, dossier=d, now=now, actor=None)
        option = next(o for o in get_workflow(d.workflow).available(d.state, actor_for(None, d, system=True), ctx)
                      if o.transition.name == "close_comment")
        if not option.allowed:
            refused.append(f"hồ sơ {d.id}: {' '.join(option.reasons)}")
            continue
        slot = f"dossier:{d.id}:close_comment:{iso(d.posting_closes_dt)}"  # type: ignore[arg-type]
        if not claim(session, "posting_windows", slot, now=now):
            continue
        try:
            fire(session, d, "close_comment", actor=None, system=True, now=now)
        except TransitionRejected as e:  # pragma: no cover - checked just above
            raise JobPartlyFailed(f"hồ sơ {d.id}: {e}") from e
        moved += 1
    if refused:
        raise JobPartlyFailed(f"chuyển {moved}; không chuyển được: " + "; ".join(refused))
    return f"kết thúc lấy ý kiến {moved} hồ sơ"


class JobPartlyFailed(Exception):
    """Some items could not be handled; the others were (the transaction still commits)."""


# --- (e) daily digest ------------------------------------------------------------------------------

def daily_digest(session: Session, *, now: datetime) -> str:
    """One notification per user listing what waits for them (dossiers in states whose responsible
    role the user holds, in the user's scope)."""
    day = local_date(now)
    if not claim(session, "daily_digest", day.isoformat(), now=now):
        return "đã gửi bản tin hôm nay"
    workflows = get_workflows()
    role_of: dict[tuple[str, str], str] = {}
    for wf in workflows.values():
        for s in wf.states.values():
            if s.responsible_role and not s.final:
                role_of[(wf.name, s.name)] = s.responsible_role
    if not role_of:
        return "không có việc"
    cond = sa.or_(*[sa.and_(Dossier.workflow == w, Dossier.state == s) for w, s in role_of])
    rows = session.execute(
        sa.select(Dossier.unit_id, Dossier.award_form_id, Dossier.workflow, Dossier.state, sa.func.count(),
                  sa.func.sum(sa.case((Dossier.overdue.is_(True), 1), else_=0)))
        .where(cond).group_by(Dossier.unit_id, Dossier.award_form_id, Dossier.workflow, Dossier.state)
    ).all()
    if not rows:
        return "không có việc"
    paths = dict(session.execute(
        sa.select(Unit.id, Unit.path).where(Unit.id.in_({r[0] for r in rows}))
    ).all())
    # The level that decides each form's dossiers (Dossier.deciding_path): its authority's unit, or
    # for proposals upward (no authority) the top of the dossier unit's tree.
    authority_path = dict(session.execute(
        sa.select(AwardForm.id, Unit.path).join(Authority, AwardForm.authority_id == Authority.id)
        .join(Unit, Authority.unit_id == Unit.id)
    ).all())

    def deciding(unit_id: int, form_id: int) -> str:
        return authority_path.get(form_id) or Unit.root_path(paths[unit_id])

    base_url = current_app.config.get("PUBLIC_BASE_URL")
    users = session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.id)).unique().all()
    sent = 0
    for user in users:
        scopes: dict[str, list[str]] = {}
        for ra in user.effective_roles():
            scopes.setdefault(ra.role, []).append(ra.scope_unit.path)
        totals: dict[tuple[str, str], list[int]] = {}
        for unit_id, form_id, wf_name, state, count, overdue in rows:
            role = role_of[(wf_name, state)]
            if any(paths[unit_id].startswith(p)
                   and (role in UNIT_SIDE_ROLES or deciding(unit_id, form_id) == p)
                   for p in scopes.get(role, ())):
                t = totals.setdefault((wf_name, state), [0, 0])
                t[0] += count
                t[1] += int(overdue or 0)
        if not totals:
            continue
        total = sum(c for c, _ in totals.values())
        lines = []
        for (wf_name, state), (c, o) in sorted(totals.items()):
            wf = workflows[wf_name]
            extra = f" ({o} quá hạn)" if o else ""
            lines.append(f"- {wf.label} · {wf.state(state).label}: {c} hồ sơ{extra}")
        notif.notify(session, [user], kind=NotificationKind.digest,
                     title=f"Việc chờ xử lý ngày {day:%d/%m/%Y}: {total} hồ sơ", body="\n".join(lines),
                     link="/", base_url=base_url, now=now)
        sent += 1
    return f"gửi bản tin cho {sent} người"


# --- the outbox sender -----------------------------------------------------------------------------

def send_outbox_job(session: Session, *, now: datetime) -> str:
    """Deliver due e-mail (commits per claim and per message; see services.notifications)."""
    settings = notif.SmtpSettings.from_config(current_app.config)
    return notif.send_outbox(session, settings, now=now).summary()


# --- registry and runner ----------------------------------------------------------------------------

@dataclass(frozen=True)
class JobSpec:
    name: str
    label: str  # label and schedule are Msg: translated on the admin page
    schedule: str
    fn: Callable[..., str]
    # False: the function manages its own transactions (the sender must commit claims before SMTP).
    transactional: bool = True


JOBS: dict[str, JobSpec] = {j.name: j for j in [
    JobSpec("round_windows", Msg("Mở, đóng đợt nhận hồ sơ"), Msg("mỗi phút"), round_windows),
    JobSpec("round_reminders", Msg("Nhắc đơn vị chưa nộp hồ sơ"), Msg("mỗi giờ từ 8:00 đến 17:00"), round_reminders),
    JobSpec("stage_deadlines", Msg("Thời hạn xử lý từng bước (ngày làm việc)"), Msg("mỗi 15 phút"), stage_deadlines),
    JobSpec("posting_windows", Msg("Kết thúc thời gian lấy ý kiến công khai"), Msg("mỗi 5 phút"), posting_windows),
    JobSpec("daily_digest", Msg("Bản tin việc chờ xử lý hằng ngày"), Msg("7:30 hằng ngày"), daily_digest),
    JobSpec("send_outbox", Msg("Gửi thư điện tử trong hàng đợi"), Msg("mỗi phút"), send_outbox_job, transactional=False),
]}


@dataclass
class JobOutcome:
    job: str
    ok: bool
    skipped: bool = False
    result: str = ""
    error: str | None = None


def run_job(name: str, *, now: datetime | None = None, record: bool = True) -> JobOutcome:
    """Run one job in the current app context: one transaction (lock, claims, effects), then
    its status row. Never raises: an error is logged and recorded for the admin page."""
    spec = JOBS[name]
    now = now or utcnow()
    started = time.monotonic()
    outcome = JobOutcome(job=name, ok=True)
    try:
        if spec.transactional:
            with db.transaction() as s:
                if not try_job_lock(s, name, current_app.config.get("JOB_LOCK_WAIT_SECONDS")):
                    outcome.skipped = True
                    outcome.result = "bỏ qua: một bộ lập lịch khác đang chạy việc này"
                    return outcome
                try:
                    outcome.result = spec.fn(s, now=now)
                except JobPartlyFailed as e:  # commit what was done, report the rest
                    outcome.ok, outcome.error = False, str(e)
        else:
            outcome.result = spec.fn(db.session, now=now)
            db.session.commit()
    except Exception as exc:  # noqa: BLE001 - recorded and shown on the jobs page
        log.exception("job %s failed", name)
        outcome.ok, outcome.error = False, f"{type(exc).__name__}: {exc}"
        db.session.rollback()
    if record:
        _record_status(outcome, now=now, duration_ms=int((time.monotonic() - started) * 1000))
    return outcome


def _record_status(outcome: JobOutcome, *, now: datetime, duration_ms: int) -> None:
    t = JobStatus.__table__
    values = {
        "job": outcome.job, "last_run_dt": now, "last_duration_ms": duration_ms,
        "last_result": (outcome.result or "")[:255], "runner": notif.worker_name(), "runs": 1,
        "failures": 0 if outcome.ok else 1,
    }
    update: dict = {"last_run_dt": now, "last_duration_ms": duration_ms, "last_result": values["last_result"],
                    "runner": values["runner"], "runs": t.c.runs + 1}
    if outcome.ok:
        values["last_success_dt"] = now
        update["last_success_dt"] = now
    else:
        values.update(last_error=outcome.error, last_error_dt=now)
        update.update(last_error=outcome.error, last_error_dt=now, failures=t.c.failures + 1)
    try:
        with db.transaction() as s:
            dialect = s.get_bind().dialect.name
            ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(JobStatus).values(**values)
            s.execute(ins.on_conflict_do_update(index_elements=["job"], set_=update))
    except Exception:  # noqa: BLE001 - status is best effort
        log.exception("could not record the status of job %s", outcome.job)


def record_next_run(name: str, next_run: datetime | None) -> None:
    """The scheduler tells the web process when a job runs next."""
    try:
        with db.transaction() as s:
            dialect = s.get_bind().dialect.name
            ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(JobStatus).values(
                job=name, next_run_dt=next_run, runs=0, failures=0)
            s.execute(ins.on_conflict_do_update(index_elements=["job"], set_={"next_run_dt": next_run}))
    except Exception:  # noqa: BLE001
        log.exception("could not record the next run of job %s", name)
