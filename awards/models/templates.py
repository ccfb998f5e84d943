"""Word templates uploaded by an authority's office, replacing the built-in ones in templates/docx/."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..db import Base
from .authorities import Authority
from .common import UTCDateTime, utcnow

#: The kinds of document an authority may replace (the keys of documents.docx_render.TEMPLATE_SPECS;
#: a test keeps the two in step, so the models need not import the document engine).
TEMPLATE_KINDS: tuple[str, ...] = ("decision", "proposal", "minutes", "certificate", "certificate_overlay")


class DocumentTemplate(Base):
    """One uploaded .docx template of an authority. Uploads are stored inactive; at most one per
    (authority, kind) is active (a partial unique index on SQLite and PostgreSQL, and the service)."""

    __tablename__ = "document_template"
    __table_args__ = (
        sa.CheckConstraint(
            "kind IN (" + ", ".join(f"'{k}'" for k in TEMPLATE_KINDS) + ")", name="ck_document_template_kind"
        ),
        sa.Index(
            "uq_document_template_active",
            "authority_id",
            "kind",
            unique=True,
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    filename: Mapped[str] = mapped_column(sa.String(255))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    uploaded_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(default=False)
    activated_dt: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    authority: Mapped[Authority] = relationship()
    uploaded_by: Mapped[Optional["User"]] = relationship()  # noqa: F821
