"""Award decisions (Quyết định khen thưởng), the awards they grant (the register) and certificates."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..db import Base
from .authorities import Authority, Signer
from .common import N_, RECIPIENT_KIND_LABELS, RecipientKind, StrEnum, UTCDateTime, enum_check, utcnow
from .forms import AwardForm
from .movements import Round
from .rules import RuleSet
from .units import Unit


class DecisionState(StrEnum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    issued = "issued"
    revoked = "revoked"


DECISION_STATE_LABELS = {
    DecisionState.draft: N_("Dự thảo"),
    DecisionState.submitted: N_("Đã trình, chờ phê duyệt"),
    DecisionState.approved: N_("Đã phê duyệt, chờ cấp số"),
    DecisionState.issued: N_("Đã ban hành"),
    DecisionState.revoked: N_("Đã hủy"),
}
# The stored state stays 'approved' from the chairman's approval until the signed scan issues the
# decision; once the clerk has given it its number, "awaiting a number" no longer describes it.
DECISION_NUMBERED_LABEL = N_("Đã cấp số, chờ ban hành")


class Decision(Base):
    __tablename__ = "decision"
    __table_args__ = (
        enum_check("state", DecisionState, "state"),
        sa.UniqueConstraint("authority_id", "year", "number", name="uq_decision_number"),
        sa.CheckConstraint("state NOT IN ('issued', 'revoked') OR (number IS NOT NULL AND decision_date IS NOT NULL)",
                           name="issued_numbered"),
        sa.CheckConstraint("state <> 'revoked' OR revoked_reason IS NOT NULL", name="revoked_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id"), index=True)
    award_form_id: Mapped[int] = mapped_column(sa.ForeignKey("award_form.id"))
    round_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("award_round.id"))
    state: Mapped[str] = mapped_column(sa.String(20), default=DecisionState.draft.value)
    title: Mapped[str] = mapped_column(sa.String(500))
    achievement_phrase: Mapped[Optional[str]] = mapped_column(sa.Text)
    number: Mapped[Optional[int]]
    year: Mapped[Optional[int]]
    number_source: Mapped[Optional[str]] = mapped_column(sa.String(20))  # "register" or "e-office"
    decision_date: Mapped[Optional[date]] = mapped_column(sa.Date)
    signer_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("signer.id"))
    proposal_number: Mapped[Optional[str]] = mapped_column(sa.String(40))
    proposal_date: Mapped[Optional[date]] = mapped_column(sa.Date)
    rule_set_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("rule_set.id"))
    # The legal values used (base salary, coefficients, amounts, căn cứ): an old decision renders the same.
    snapshot: Mapped[Optional[dict[str, Any]]] = mapped_column(sa.JSON)
    total_amount: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    fund_source: Mapped[Optional[str]] = mapped_column(sa.String(255))
    return_reason: Mapped[Optional[str]] = mapped_column(sa.Text)
    scan_filename: Mapped[Optional[str]] = mapped_column(sa.String(255))
    scan_data: Mapped[Optional[bytes]] = deferred(mapped_column(sa.LargeBinary))
    revoked_reason: Mapped[Optional[str]] = mapped_column(sa.Text)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_dt: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    submitted_dt: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    approved_dt: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    numbered_dt: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    revoked_dt: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    authority: Mapped[Authority] = relationship(lazy="joined")
    award_form: Mapped[AwardForm] = relationship(lazy="joined")
    round: Mapped[Optional[Round]] = relationship()
    signer: Mapped[Optional[Signer]] = relationship()
    rule_set: Mapped[Optional[RuleSet]] = relationship()
    awards: Mapped[list["Award"]] = relationship(back_populates="decision", order_by="Award.position",
                                                 cascade="all, delete-orphan")

    @property
    def state_label(self) -> str:
        """The state as people read it (a message id): an approved decision that has its number is
        "numbered, awaiting issue"."""
        if self.state == DecisionState.approved.value and self.number is not None:
            return DECISION_NUMBERED_LABEL
        return DECISION_STATE_LABELS[DecisionState(self.state)]

    @property
    def number_label(self) -> str:
        """"15/QĐ-UBND" once numbered, else an empty string."""
        if self.number is None:
            return ""
        return f"{self.number:02d}/{self.authority.doc_symbol}"

    def counts_by_kind(self) -> dict[str, int]:
        counts = {k.value: 0 for k in RecipientKind}
        for a in self.awards:
            counts[a.kind] += 1
        return counts


class AwardStatus(StrEnum):
    proposed = "proposed"
    active = "active"
    revoked = "revoked"


AWARD_STATUS_LABELS = {
    AwardStatus.proposed: N_("Đề nghị"),
    AwardStatus.active: N_("Có hiệu lực"),
    AwardStatus.revoked: N_("Đã thu hồi"),
}


class Award(Base):
    """One recipient of a decision. Once the decision is issued, this row is the register entry
    (sổ theo dõi khen thưởng); the recipient's identity is copied so the register stands alone."""

    __tablename__ = "award"
    __table_args__ = (
        enum_check("kind", RecipientKind, "kind"),
        enum_check("status", AwardStatus, "status"),
        sa.CheckConstraint("amount >= 0", name="amount_nonnegative"),
        sa.CheckConstraint("status <> 'revoked' OR revoked_reason IS NOT NULL", name="revoked_reason"),
        sa.UniqueConstraint("decision_id", "nominee_id", name="uq_award_nominee"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decision.id", ondelete="CASCADE"), index=True)
    nominee_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("nominee.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(255))
    canonical_name: Mapped[str] = mapped_column(sa.String(255))
    name_key: Mapped[str] = mapped_column(sa.String(255), index=True)
    gender: Mapped[Optional[str]] = mapped_column(sa.String(10))
    birth_year: Mapped[Optional[int]]
    citizen_id: Mapped[Optional[str]] = mapped_column(sa.String(12), index=True)
    position_title: Mapped[Optional[str]] = mapped_column(sa.String(255))
    workplace: Mapped[Optional[str]] = mapped_column(sa.String(255))
    address: Mapped[Optional[str]] = mapped_column(sa.String(255))
    amount: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    status: Mapped[str] = mapped_column(sa.String(20), default=AwardStatus.proposed.value)
    revoked_reason: Mapped[Optional[str]] = mapped_column(sa.Text)
    revoked_dt: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    decision: Mapped[Decision] = relationship(back_populates="awards")
    unit: Mapped[Unit] = relationship(lazy="joined")
    certificate: Mapped[Optional["Certificate"]] = relationship(back_populates="award", uselist=False)

    @property
    def kind_label(self) -> str:
        return RECIPIENT_KIND_LABELS[RecipientKind(self.kind)]

    @property
    def status_label(self) -> str:
        return AWARD_STATUS_LABELS[AwardStatus(self.status)]


class Certificate(Base):
    """The printed Bằng khen / Giấy khen: a serial number and an unguessable verification code."""

    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(sa.ForeignKey("award.id", ondelete="CASCADE"), unique=True)
    serial: Mapped[str] = mapped_column(sa.String(40), unique=True)
    verification_code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    issued_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    award: Mapped[Award] = relationship(back_populates="certificate")
