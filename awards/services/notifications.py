"""Notifying users: in-app notifications, e-mail queued in the outbox in the same transaction, and
the sender that delivers the outbox after commit.

Delivery is at most once: a sender claims a message by a conditional UPDATE (``status='queued'``
→ ``'sending'``, rowcount checked; on PostgreSQL the candidates are picked with
``FOR UPDATE SKIP LOCKED``) and commits the claim before talking to SMTP, so two senders never
send the same message. SMTP errors put it back in the queue with exponential backoff; a message
left in ``sending`` by a crashed sender is marked failed, never re-sent automatically (it may
already have gone out), and an administrator can queue it again from the jobs page."""
from __future__ import annotations

import logging
import os
import smtplib
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from ..db import is_sqlite
from ..models import (
    Dossier, Notification, NotificationKind, OutboxMessage, OutboxStatus, RoleAssignment, Role, Unit, User, utcnow,
)
from .transitions import on_after_commit

log = logging.getLogger("awards.notifications")

BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
MAX_ATTEMPTS = 8
CLAIM_BATCH = 20
# A message claimed longer ago than this was interrupted mid-send.
STALE_CLAIM = timedelta(minutes=15)


# --- who -----------------------------------------------------------------------------------------

def users_covering(session: Session, roles: Iterable[str | Role], unit: Unit) -> list[User]:
    """Active users holding one of ``roles`` with a scope that contains ``unit`` (roles_covering)."""
    names = [str(r) for r in roles]
    scope = aliased(Unit)
    q = (
        sa.select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .join(scope, scope.id == RoleAssignment.scope_unit_id)
        .where(RoleAssignment.role.in_(names), User.active.is_(True),
               sa.literal(unit.path).startswith(scope.path))
        .order_by(User.id)
        .distinct()
    )
    return list(session.scalars(q))


def users_for_dossier(session: Session, roles: Iterable[str | Role], dossier) -> list[User]:
    """Active users who may act on ``dossier`` in one of ``roles`` (User.roles_for_dossier): the
    deciding level's board for a province-level dossier, not the proposing commune's."""
    names = {str(r) for r in roles}
    return [u for u in users_covering(session, names, dossier.unit) if u.roles_for_dossier(dossier) & names]


# --- in-app + outbox -----------------------------------------------------------------------------

def dossier_link(dossier_id: int) -> str:
    return f"/dossiers/{dossier_id}"


def notify(
    session: Session,
    users: Iterable[User],
    *,
    kind: NotificationKind | str,
    title: str,
    body: str = "",
    link: str | None = None,
    dossier_id: int | None = None,
    email: bool = True,
    base_url: str | None = None,
    now: datetime | None = None,
) -> list[Notification]:
    """One in-app notification per user and, for users with an address, one queued e-mail, all in
    the caller's transaction. Nothing is sent here."""
    now = now or utcnow()
    recipients = _unique(users)
    out: list[Notification] = []
    for user in recipients:
        n = Notification(user_id=user.id, kind=str(kind), title=title[:255], body=body, link=link,
                         dossier_id=dossier_id, created_dt=now)
        session.add(n)
        out.append(n)
    session.flush()
    if email:
        for n, user in zip(out, recipients):
            if not user.email:
                continue
            text = body
            if link and base_url:
                text = f"{body}\n\nXem chi tiết: {base_url.rstrip('/')}{link}"
            text += "\n\n-- \nHệ thống quản lý thi đua, khen thưởng (thư tự động, vui lòng không trả lời)."
            session.add(OutboxMessage(notification_id=n.id, to_addr=user.email, subject=title[:255], body=text,
                                      status=OutboxStatus.queued.value, next_attempt_dt=now, created_dt=now))
        session.flush()
    return out


def _unique(users: Iterable[User]) -> list[User]:
    seen: set[int] = set()
    result = []
    for u in users:
        if u.id not in seen:
            seen.add(u.id)
            result.append(u)
    return result


def unread_count(session: Session, user: User) -> int:
    return session.scalar(
        sa.select(sa.func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_dt.is_(None))
    ) or 0


def mark_read(session: Session, notification: Notification, *, now: datetime | None = None) -> None:
    if notification.read_dt is None:
        notification.read_dt = now or utcnow()
    session.flush()


def mark_all_read(session: Session, user: User, *, now: datetime | None = None) -> int:
    result = session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_dt.is_(None))
        .values(read_dt=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def requeue_failed(session: Session, *, actor: User, now: datetime | None = None) -> int:
    """An administrator queues the failed messages again (they may be sent a second time)."""
    from . import audit

    now = now or utcnow()
    result = session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.failed.value)
        .values(status=OutboxStatus.queued.value, next_attempt_dt=now, attempts=0, claimed_by=None, claimed_dt=None)
        .execution_options(synchronize_session=False)
    )
    audit.record(session, "outbox.requeue", actor=actor, details={"count": result.rowcount})
    session.flush()
    return result.rowcount


# --- the workflow effect "notify" ----------------------------------------------------------------

@on_after_commit("notify")
def notify_transition(session: Session, payload: Mapping[str, Any]) -> None:
    """After a transition commits: tell the users responsible for the new state (on a return, the
    unit's clerks; on an outcome, the unit's clerks and head). Runs in its own session; a failure here is logged, never raised into the
    request whose transition already committed."""
    try:
        _notify_transition(session, payload)
    except Exception:  # noqa: BLE001 - the transition stands; log and drop the notification
        log.exception("notify effect failed for %s", dict(payload))
        session.rollback()


def _notify_transition(session: Session, payload: Mapping[str, Any]) -> None:
    from ..workflow import get_workflow

    dossier = session.get(Dossier, payload["dossier_id"])
    if dossier is None:
        return
    wf = get_workflow(dossier.workflow)
    state = wf.state(payload["to_state"])
    transition = wf.transition(payload["transition"])
    roles: set[str] = set()
    if state.responsible_role:
        roles.add(state.responsible_role)
    if payload["to_state"] == "returned":
        roles.add(Role.unit_clerk.value)
    if state.final:  # the outcome (issued, rejected, awarded, not awarded): the unit that proposed
        roles |= {Role.unit_clerk.value, Role.unit_head.value}
    if not roles:
        return
    actor_id = payload.get("actor_id")
    users = [u for u in users_for_dossier(session, roles, dossier) if u.id != actor_id]
    if not users:
        return
    title = f"Hồ sơ «{dossier.title}» — {state.label}"
    lines = [f"Đơn vị: {dossier.unit.name}", f"Thao tác: {transition.label}", f"Bước hiện tại: {state.label}"]
    if payload["transition"] == "close_comment":
        from .public_comments import comment_count

        lines.append(f"Ý kiến góp ý công khai nhận được: {comment_count(session, dossier.id)}")
    if payload.get("comment"):
        label = "Lý do trả lại" if payload["to_state"] == "returned" else "Lý do" if state.final else "Ý kiến"
        lines.append(f"{label}: {payload['comment']}")
    notify(session, users, kind=NotificationKind.workflow, title=title, body="\n".join(lines),
           link=dossier_link(dossier.id), dossier_id=dossier.id, base_url=_base_url())


def _base_url() -> str | None:
    from flask import current_app, has_app_context

    return current_app.config.get("PUBLIC_BASE_URL") if has_app_context() else None


# --- the sender ----------------------------------------------------------------------------------

@dataclass
class SmtpSettings:
    host: str
    port: int = 25
    user: str = ""
    password: str = ""
    starttls: bool = False
    mail_from: str = "thiduakhenthuong@localhost"
    timeout: float = 30.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "SmtpSettings | None":
        host = (config.get("SMTP_HOST") or "").strip()
        if not host:
            return None
        return cls(host=host, port=int(config.get("SMTP_PORT") or 25), user=config.get("SMTP_USER") or "",
                   password=config.get("SMTP_PASSWORD") or "", starttls=bool(config.get("SMTP_STARTTLS")),
                   mail_from=config.get("MAIL_FROM") or "thiduakhenthuong@localhost")


@dataclass
class SendResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    interrupted: int = 0
    not_configured: bool = False
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.not_configured:
            return "Chưa cấu hình SMTP: thư được giữ trong hàng đợi."
        return (f"đã gửi {self.sent}, gửi lại sau {self.retried}, thất bại {self.failed}"
                + (f", gián đoạn {self.interrupted}" if self.interrupted else ""))


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after the n-th failed attempt, at most 6 hours."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def send_outbox(session: Session, settings: SmtpSettings | None, *, now: datetime | None = None,
                limit: int = 200, worker: str | None = None) -> SendResult:
    """Send the due messages. Commits: one claim transaction per batch, one per message sent.
    With no SMTP settings nothing is claimed and every message stays queued."""
    result = SendResult()
    if settings is None:
        result.not_configured = True
        return result
    worker = worker or worker_name()
    now = now or utcnow()
    result.interrupted = _fail_interrupted(session, now)
    session.commit()
    while limit > 0:
        claimed = _claim(session, now, min(CLAIM_BATCH, limit), worker)
        session.commit()
        if not claimed:
            break
        limit -= len(claimed)
        _deliver(session, settings, claimed, now, result)
    return result


def _fail_interrupted(session: Session, now: datetime) -> int:
    res = session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.sending.value, OutboxMessage.claimed_dt < now - STALE_CLAIM)
        .values(status=OutboxStatus.failed.value,
                last_error="Bị gián đoạn khi đang gửi; không rõ thư đã đi hay chưa nên không tự gửi lại.")
        .execution_options(synchronize_session=False)
    )
    return res.rowcount


def _claim(session: Session, now: datetime, n: int, worker: str) -> list[OutboxMessage]:
    q = (
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.queued.value, OutboxMessage.next_attempt_dt <= now)
        .order_by(OutboxMessage.next_attempt_dt, OutboxMessage.id)
        .limit(n)
    )
    if not is_sqlite(session):
        q = q.with_for_update(skip_locked=True)
    ids = list(session.scalars(q))
    mine: list[int] = []
    for mid in ids:
        res = session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == mid, OutboxMessage.status == OutboxStatus.queued.value)
            .values(status=OutboxStatus.sending.value, attempts=OutboxMessage.attempts + 1,
                    claimed_by=worker, claimed_dt=now)
            .execution_options(synchronize_session=False)
        )
        if res.rowcount == 1:
            mine.append(mid)
    if not mine:
        return []
    return list(session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.id.in_(mine)).order_by(OutboxMessage.id)
        .execution_options(populate_existing=True)
    ))


def _build(settings: SmtpSettings, msg: OutboxMessage) -> EmailMessage:
    em = EmailMessage()
    em["From"] = settings.mail_from
    em["To"] = msg.to_addr
    em["Subject"] = msg.subject
    domain = settings.mail_from.rpartition("@")[2] or "localhost"
    em["Message-ID"] = make_msgid(idstring=f"outbox{msg.id}", domain=domain)
    em["X-Awards-Outbox-Id"] = str(msg.id)
    em.set_content(msg.body)
    return em


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _deliver(session: Session, settings: SmtpSettings, claimed: list[OutboxMessage], now: datetime,
             result: SendResult) -> None:
    smtp: smtplib.SMTP | None = None
    try:
        for msg in claimed:
            try:
                if smtp is None:
                    smtp = _connect(settings)
                smtp.send_message(_build(settings, msg))
            except (smtplib.SMTPException, OSError) as exc:
                _mark_failed_attempt(session, msg, exc, now, result)
                if not isinstance(exc, (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                                        smtplib.SMTPSenderRefused)) and smtp is not None:
                    # The connection itself is in doubt: open a fresh one for the next message.
                    _quit(smtp)
                    smtp = None
            else:
                _mark(session, msg, status=OutboxStatus.sent.value, sent_dt=utcnow(), last_error=None)
                result.sent += 1
            session.commit()
    finally:
        if smtp is not None:
            _quit(smtp)


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _permanent(exc: BaseException) -> bool:
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _ in exc.recipients.values()]
        return bool(codes) and all(500 <= c < 600 for c in codes)
    return isinstance(code, int) and 500 <= code < 600


def _mark_failed_attempt(session: Session, msg: OutboxMessage, exc: BaseException, now: datetime,
                         result: SendResult) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    result.errors.append(error)
    log.warning("outbox message %s: %s", msg.id, error)
    if _permanent(exc) or msg.attempts >= MAX_ATTEMPTS:
        _mark(session, msg, status=OutboxStatus.failed.value, last_error=error)
        result.failed += 1
    else:
        _mark(session, msg, status=OutboxStatus.queued.value, last_error=error,
              next_attempt_dt=now + backoff(msg.attempts))
        result.retried += 1


def _mark(session: Session, msg: OutboxMessage, **values: Any) -> None:
    # Only the claimant (status 'sending', same worker) may settle the message.
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == msg.id, OutboxMessage.status == OutboxStatus.sending.value,
               OutboxMessage.claimed_by == msg.claimed_by)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def outbox_counts(session: Session) -> dict[str, int]:
    rows = session.execute(sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)).all()
    counts = {s.value: 0 for s in OutboxStatus}
    counts.update({s: c for s, c in rows})
    return counts
