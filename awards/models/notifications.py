"""In-app notifications, the e-mail outbox, and the scheduler's bookkeeping (job runs, job status)."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .common import N_, StrEnum, UTCDateTime, enum_check, utcnow
from .users import User


class NotificationKind(StrEnum):
    workflow = "workflow"
    reminder = "reminder"
    overdue = "overdue"
    escalation = "escalation"
    round = "round"
    digest = "digest"


class Notification(Base):
    """One message to one user, shown in the app (badge + list); ``read_dt`` set when read."""

    __tablename__ = "notification"
    __table_args__ = (
        enum_check("kind", NotificationKind, "kind"),
        sa.Index("ix_notification_user_unread", "user_id", "read_dt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(255))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    # A local path ("/dossiers/12"), never an outside address.
    link: Mapped[Optional[str]] = mapped_column(sa.String(255))
    dossier_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("dossier.id", ondelete="SET NULL"), index=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_dt: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def is_read(self) -> bool:
        return self.read_dt is not None


class OutboxStatus(StrEnum):
    queued = "queued"      # waiting for its next attempt
    sending = "sending"    # claimed by one sender; no other sender touches it
    sent = "sent"
    failed = "failed"      # gave up (permanent error, too many attempts, or interrupted mid-send)


OUTBOX_STATUS_LABELS = {
    OutboxStatus.queued: N_("Chờ gửi"),
    OutboxStatus.sending: N_("Đang gửi"),
    OutboxStatus.sent: N_("Đã gửi"),
    OutboxStatus.failed: N_("Gửi không thành công"),
}


class OutboxMessage(Base):
    """An e-mail written in the same transaction as its notification and sent only after commit."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        enum_check("status", OutboxStatus, "status"),
        sa.CheckConstraint("attempts >= 0", name="attempts_nonnegative"),
        sa.Index("ix_outbox_message_due", "status", "next_attempt_dt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("notification.id", ondelete="SET NULL"), index=True
    )
    to_addr: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(255))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20), default=OutboxStatus.queued.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[Optional[str]] = mapped_column(sa.Text)
    claimed_by: Mapped[Optional[str]] = mapped_column(sa.String(120))
    claimed_dt: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_dt: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    @property
    def status_label(self) -> str:
        return OUTBOX_STATUS_LABELS[OutboxStatus(self.status)]


class JobRun(Base):
    """A job's effect for one slot ("2026-11-22", "round:3:open:...", "dossier:9:overdue:..."):
    inserted first, in the transaction that performs the effect, so that it happens exactly once
    however many schedulers run."""

    __tablename__ = "job_run"
    __table_args__ = (sa.UniqueConstraint("job", "slot", name="uq_job_run_job_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(sa.String(64))
    slot: Mapped[str] = mapped_column(sa.String(160))
    run_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    runner: Mapped[Optional[str]] = mapped_column(sa.String(120))


class JobStatus(Base):
    """What the scheduler process last did with each job (the web process cannot see its memory)."""

    __tablename__ = "job_status"

    job: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    last_run_dt: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    last_success_dt: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    last_duration_ms: Mapped[Optional[int]]
    last_result: Mapped[Optional[str]] = mapped_column(sa.String(255))
    last_error: Mapped[Optional[str]] = mapped_column(sa.Text)
    last_error_dt: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    next_run_dt: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    runner: Mapped[Optional[str]] = mapped_column(sa.String(120))
    runs: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)
