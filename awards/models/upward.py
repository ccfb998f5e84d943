"""The number and date of the province's tờ trình proposing a dossier's nominees to the higher
level: one tờ trình per dossier and upward award form, numbered once by the văn thư."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .authorities import Authority
from .common import UTCDateTime, utcnow
from .dossiers import Dossier
from .forms import AwardForm
from .users import User

UPWARD_NUMBER_SOURCES = ("register", "e-office")


class UpwardProposalNumber(Base):
    """"Số: 12/TTr-UBND", dated, in the authority's TTr register of the year: taken from the
    register or recorded from the e-office system. Never changed once given (the service refuses,
    and the first UNIQUE constraint backs it); the second is the register's backstop."""

    __tablename__ = "upward_proposal_number"
    __table_args__ = (
        sa.UniqueConstraint("dossier_id", "award_form_id", name="uq_upward_proposal_number_form"),
        sa.UniqueConstraint("authority_id", "year", "number", name="uq_upward_proposal_number_number"),
        sa.CheckConstraint("number > 0", name="number_positive"),
        sa.CheckConstraint("source IN ('register', 'e-office')", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossier.id"))
    award_form_id: Mapped[int] = mapped_column(sa.ForeignKey("award_form.id"))
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id"))
    number: Mapped[int]
    year: Mapped[int]
    # The ký hiệu printed with the number ("TTr-UBND"), kept as it was when the number was given.
    symbol: Mapped[str] = mapped_column(sa.String(40))
    proposal_date: Mapped[date] = mapped_column(sa.Date)
    source: Mapped[str] = mapped_column(sa.String(20))
    numbered_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    numbered_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship()
    authority: Mapped[Authority] = relationship()
    award_form: Mapped[AwardForm] = relationship()
    numbered_by: Mapped[Optional[User]] = relationship()

    @property
    def number_label(self) -> str:
        """"12/TTr-UBND" (numbers below 10 take a leading zero, NĐ 30/2020)."""
        return f"{self.number:02d}/{self.symbol}"
