"""Comments from the public on a list posted for comment (công khai lấy ý kiến) before the
province proposes its nominees upward."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .common import UTCDateTime, utcnow
from .dossiers import Dossier, Nominee

COMMENT_NAME_MAX = 120
COMMENT_CONTACT_MAX = 120
COMMENT_BODY_MAX = 2000


class PublicComment(Base):
    """One comment left on the public page while the dossier's window was open: on one nominee,
    or on the dossier's whole list when ``nominee_id`` is empty. Stored as typed (escaped where
    shown), with the time and the client address."""

    __tablename__ = "public_comment"
    __table_args__ = (
        sa.CheckConstraint(f"length(body) <= {COMMENT_BODY_MAX}", name="body_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    nominee_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("nominee.id", ondelete="SET NULL"))
    commenter_name: Mapped[str] = mapped_column(sa.String(COMMENT_NAME_MAX))
    contact: Mapped[Optional[str]] = mapped_column(sa.String(COMMENT_CONTACT_MAX))
    body: Mapped[str] = mapped_column(sa.Text)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[Optional[str]] = mapped_column(sa.String(45))

    dossier: Mapped[Dossier] = relationship()
    nominee: Mapped[Optional[Nominee]] = relationship()
