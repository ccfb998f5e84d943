"""The append-only audit log, written in the same transaction as the change it records."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..db import Base
from .common import UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(sa.Integer, index=True)
    actor_name: Mapped[Optional[str]] = mapped_column(sa.String(120))
    unit_id: Mapped[Optional[int]] = mapped_column(sa.Integer)
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[Optional[str]] = mapped_column(sa.String(40))
    object_id: Mapped[Optional[int]]
    old_state: Mapped[Optional[str]] = mapped_column(sa.String(40))
    new_state: Mapped[Optional[str]] = mapped_column(sa.String(40))
    details: Mapped[Optional[dict[str, Any]]] = mapped_column(sa.JSON)
    ip: Mapped[Optional[str]] = mapped_column(sa.String(45))


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _ctx, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise AuditLogIsAppendOnly("audit events are never changed or deleted")
