"""Award forms (hình thức khen thưởng) and which recipients and workflow each takes."""
from __future__ import annotations

from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .authorities import Authority
from .common import RecipientKind


class AwardForm(Base):
    __tablename__ = "award_form"
    __table_args__ = (
        sa.CheckConstraint("allow_collective OR allow_individual OR allow_household", name="some_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    # "Bằng khen" / "Giấy khen": the word printed on the certificate.
    certificate_title: Mapped[str] = mapped_column(sa.String(80))
    authority_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("authority.id"))
    # Proposed upward: decided by a higher authority (Thủ tướng, Chủ tịch nước).
    proposed_upward: Mapped[bool] = mapped_column(default=False)
    upward_authority_name: Mapped[Optional[str]] = mapped_column(sa.String(255))
    workflow: Mapped[str] = mapped_column(sa.String(64))
    allow_collective: Mapped[bool] = mapped_column(default=True)
    allow_individual: Mapped[bool] = mapped_column(default=True)
    allow_household: Mapped[bool] = mapped_column(default=False)
    rank: Mapped[int] = mapped_column(default=0)
    criteria: Mapped[Optional[str]] = mapped_column(sa.Text)
    decision_template: Mapped[str] = mapped_column(sa.String(64), default="decision")
    certificate_template: Mapped[str] = mapped_column(sa.String(64), default="certificate")
    active: Mapped[bool] = mapped_column(default=True)

    authority: Mapped[Optional[Authority]] = relationship(lazy="joined")

    def allows(self, kind: str | RecipientKind) -> bool:
        return {
            RecipientKind.collective.value: self.allow_collective,
            RecipientKind.individual.value: self.allow_individual,
            RecipientKind.household.value: self.allow_household,
        }[str(kind)]

    @property
    def allowed_kinds(self) -> list[str]:
        return [k.value for k in RecipientKind if self.allows(k)]
