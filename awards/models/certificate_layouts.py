"""Where the text of a certificate lands on an award form's pre-printed blanks (phôi in sẵn).

A layout is dated data an administrator edits: it applies to certificates printed from
``valid_from`` on (a new stock of blanks with another design is a new dated layout), and has one
row per printed field: printed or not, position and width in mm from the blank's top-left corner,
font size and alignment. With no layout in force, the overlay template prints where it stands."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .common import UTCDateTime, utcnow
from .forms import AwardForm

#: The fields of the overlay template (documents.overlay.OVERLAY_FIELDS; a test keeps the two in
#: step, so the models need not import the document engine).
LAYOUT_FIELDS: tuple[str, ...] = (
    "recipient", "recipient_detail", "achievement", "decision_line", "serial", "verification_code", "qr",
    "place_date", "signer_title", "signer_name",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class CertificateLayout(Base):
    __tablename__ = "certificate_layout"
    __table_args__ = (
        sa.UniqueConstraint("award_form_id", "valid_from", name="uq_certificate_layout_form_date"),
        sa.CheckConstraint(_in("page_size", ("A4", "A3")), name="page_size"),
        sa.CheckConstraint(_in("orientation", ("landscape", "portrait")), name="orientation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_form_id: Mapped[int] = mapped_column(sa.ForeignKey("award_form.id", ondelete="CASCADE"))
    valid_from: Mapped[date] = mapped_column(sa.Date)
    page_size: Mapped[str] = mapped_column(sa.String(8), default="A4")
    orientation: Mapped[str] = mapped_column(sa.String(12), default="landscape")
    updated_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    award_form: Mapped[AwardForm] = relationship()
    updated_by: Mapped[Optional["User"]] = relationship()  # noqa: F821
    fields: Mapped[list["CertificateLayoutField"]] = relationship(
        back_populates="layout", cascade="all, delete-orphan", lazy="selectin", order_by="CertificateLayoutField.id",
    )


class CertificateLayoutField(Base):
    """One printed field of a layout; ``qr`` has a side (``width_mm``) but no font size or alignment."""

    __tablename__ = "certificate_layout_field"
    __table_args__ = (
        sa.UniqueConstraint("layout_id", "field", name="uq_certificate_layout_field"),
        sa.CheckConstraint(_in("field", LAYOUT_FIELDS), name="field"),
        sa.CheckConstraint("x_mm >= 0 AND y_mm >= 0 AND width_mm > 0", name="geometry"),
        sa.CheckConstraint("font_size_pt IS NULL OR font_size_pt > 0", name="font_size"),
        sa.CheckConstraint("align IS NULL OR " + _in("align", ("left", "center", "right")), name="align"),
        sa.CheckConstraint("field = 'qr' OR (font_size_pt IS NOT NULL AND align IS NOT NULL)", name="text_style"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    layout_id: Mapped[int] = mapped_column(sa.ForeignKey("certificate_layout.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(sa.String(32))
    printed: Mapped[bool] = mapped_column(default=True)
    x_mm: Mapped[Decimal] = mapped_column(sa.Numeric(6, 1))
    y_mm: Mapped[Decimal] = mapped_column(sa.Numeric(6, 1))
    width_mm: Mapped[Decimal] = mapped_column(sa.Numeric(6, 1))
    font_size_pt: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(4, 1))
    align: Mapped[Optional[str]] = mapped_column(sa.String(8))

    layout: Mapped[CertificateLayout] = relationship(back_populates="fields")
