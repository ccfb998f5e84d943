"""Nomination dossiers (hồ sơ đề nghị), their nominees of three kinds, files and workflow history."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..db import Base
from .common import N_, RECIPIENT_KIND_LABELS, RecipientKind, StrEnum, UTCDateTime, enum_check, utcnow
from .forms import AwardForm
from .movements import MovementIndicator, Round
from .units import Unit
from .users import User


# States a dossier can be in before it was ever submitted (``Dossier.submitted_dt`` is set by the
# submit transition's snapshot and never cleared): a draft, or withdrawn before submitting. Such a
# dossier is its unit's business only (awards/access.py, awards/rules/duplicates.py).
PRE_SUBMISSION_STATES = ("draft", "withdrawn")


class Dossier(Base):
    """One unit's submission in a round for one award form; its state is the workflow's."""

    __tablename__ = "dossier"
    __table_args__ = (
        # The work queue: dossiers waiting in given (workflow, state)s, overdue first, oldest first.
        sa.Index("ix_dossier_queue", "workflow", "state", "overdue", "state_since_dt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("award_round.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    award_form_id: Mapped[int] = mapped_column(sa.ForeignKey("award_form.id"), index=True)
    workflow: Mapped[str] = mapped_column(sa.String(64))
    state: Mapped[str] = mapped_column(sa.String(40), index=True)
    state_since_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    title: Mapped[str] = mapped_column(sa.String(255))
    summary: Mapped[Optional[str]] = mapped_column(sa.Text)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_dt: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    overdue: Mapped[bool] = mapped_column(default=False)
    # Public comment window (upward proposals): set by the start_posting_window effect.
    posting_closes_dt: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    round: Mapped[Round] = relationship(lazy="joined")
    unit: Mapped[Unit] = relationship(lazy="joined")
    award_form: Mapped[AwardForm] = relationship(lazy="joined")
    created_by: Mapped[Optional[User]] = relationship()
    nominees: Mapped[list["Nominee"]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", order_by="Nominee.position"
    )
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    history: Mapped[list["WorkflowHistory"]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", order_by="WorkflowHistory.id"
    )

    @property
    def deciding_path(self) -> str:
        """The unit path of the level that decides the dossier: the award form's authority (the
        province for its Bằng khen, the commune for its Giấy khen), or for a proposal upward the
        top of the unit tree, whose chairman signs the province's tờ trình."""
        authority = self.award_form.authority
        if authority is not None:
            return authority.unit.path
        return Unit.root_path(self.unit.path)


class Gender(StrEnum):
    male = "male"
    female = "female"


GENDER_LABELS = {Gender.male: N_("Nam"), Gender.female: N_("Nữ")}


class NomineeOutcome(StrEnum):
    pending = "pending"
    eligible = "eligible"
    ineligible = "ineligible"
    other_form = "other_form"


OUTCOME_LABELS = {
    NomineeOutcome.pending: N_("Chưa thẩm định"),
    NomineeOutcome.eligible: N_("Đủ điều kiện"),
    NomineeOutcome.ineligible: N_("Không đủ điều kiện"),
    NomineeOutcome.other_form: N_("Đề nghị hình thức khác"),
}


class Nominee(Base):
    """A collective, an individual or a household proposed for an award.

    ``name`` is the collective's name, the person's full name or the household head's name."""

    __tablename__ = "nominee"
    __table_args__ = (
        enum_check("kind", RecipientKind, "kind"),
        enum_check("outcome", NomineeOutcome, "outcome"),
        sa.CheckConstraint("gender IS NULL OR gender IN ('male', 'female')", name="gender"),
        sa.CheckConstraint(
            "kind <> 'individual' OR (gender IS NOT NULL AND birth_year IS NOT NULL)",
            name="individual_fields",
        ),
        sa.CheckConstraint("kind <> 'household' OR (address IS NOT NULL AND gender IS NOT NULL)",
                           name="household_fields"),
        sa.CheckConstraint("citizen_id IS NULL OR length(citizen_id) = 12", name="citizen_id_length"),
        sa.CheckConstraint("birth_year IS NULL OR (birth_year >= 1900 AND birth_year <= 2100)",
                           name="birth_year_range"),
        sa.CheckConstraint("contribution_value IS NULL OR contribution_value >= 0", name="contribution_value"),
        sa.CheckConstraint("outcome <> 'ineligible' OR outcome_reason IS NOT NULL", name="ineligible_reason"),
        sa.Index("ix_nominee_name_key", "name_key"),
        sa.Index("ix_nominee_canonical_name", "canonical_name"),
        sa.Index("ix_nominee_birth_year_name_key", "birth_year", "name_key"),
        # Covers the quota count (nominees of a unit's dossiers for one form) without table reads.
        sa.Index("ix_nominee_dossier_form", "dossier_id", "award_form_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(255))
    # NFC + canonical tone placement, for exact identity; folded ASCII for search and fuzzy flags.
    canonical_name: Mapped[str] = mapped_column(sa.String(255), default="")
    name_key: Mapped[str] = mapped_column(sa.String(255), default="")
    gender: Mapped[Optional[str]] = mapped_column(sa.String(10))
    birth_year: Mapped[Optional[int]]
    position_title: Mapped[Optional[str]] = mapped_column(sa.String(255))
    workplace: Mapped[Optional[str]] = mapped_column(sa.String(255))
    citizen_id: Mapped[Optional[str]] = mapped_column(sa.String(12), index=True)
    ethnicity: Mapped[Optional[str]] = mapped_column(sa.String(60))
    is_leader: Mapped[bool] = mapped_column(default=False)
    posthumous: Mapped[bool] = mapped_column(default=False)
    address: Mapped[Optional[str]] = mapped_column(sa.String(255))
    hamlet: Mapped[Optional[str]] = mapped_column(sa.String(120))
    contribution: Mapped[Optional[str]] = mapped_column(sa.Text)
    contribution_value: Mapped[Optional[int]] = mapped_column(sa.BigInteger)
    award_form_id: Mapped[int] = mapped_column(sa.ForeignKey("award_form.id"))
    achievements: Mapped[Optional[str]] = mapped_column(sa.Text)
    report: Mapped[Optional[dict[str, Any]]] = mapped_column(sa.JSON)
    outcome: Mapped[str] = mapped_column(sa.String(20), default=NomineeOutcome.pending.value)
    outcome_reason: Mapped[Optional[str]] = mapped_column(sa.Text)
    outcome_form_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("award_form.id"))
    return_reason: Mapped[Optional[str]] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    dossier: Mapped[Dossier] = relationship(back_populates="nominees")
    award_form: Mapped[AwardForm] = relationship(foreign_keys=[award_form_id], lazy="joined")
    outcome_form: Mapped[Optional[AwardForm]] = relationship(foreign_keys=[outcome_form_id])
    indicator_values: Mapped[list["NomineeIndicatorValue"]] = relationship(
        back_populates="nominee", cascade="all, delete-orphan"
    )

    @property
    def kind_label(self) -> str:
        return RECIPIENT_KIND_LABELS[RecipientKind(self.kind)]

    @property
    def gender_label(self) -> str:
        return GENDER_LABELS[Gender(self.gender)] if self.gender else ""

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[NomineeOutcome(self.outcome)]


class NomineeIndicatorValue(Base):
    __tablename__ = "nominee_indicator_value"
    __table_args__ = (sa.UniqueConstraint("nominee_id", "indicator_id", name="uq_nominee_indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nominee_id: Mapped[int] = mapped_column(sa.ForeignKey("nominee.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("movement_indicator.id"))
    value: Mapped[Decimal] = mapped_column(sa.Numeric(18, 2))

    nominee: Mapped[Nominee] = relationship(back_populates="indicator_values")
    indicator: Mapped[MovementIndicator] = relationship(lazy="joined")


class AttachmentKind(StrEnum):
    proposal = "proposal"
    minutes = "minutes"
    report = "report"
    other = "other"


ATTACHMENT_KIND_LABELS = {
    AttachmentKind.proposal: N_("Tờ trình"),
    AttachmentKind.minutes: N_("Biên bản họp Hội đồng TĐKT đơn vị"),
    AttachmentKind.report: N_("Báo cáo thành tích"),
    AttachmentKind.other: N_("Tài liệu khác"),
}


class Attachment(Base):
    """A file of a dossier, stored in the database (content checked on upload)."""

    __tablename__ = "attachment"
    __table_args__ = (enum_check("kind", AttachmentKind, "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    nominee_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("nominee.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    uploaded_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="attachments")

    @property
    def kind_label(self) -> str:
        return ATTACHMENT_KIND_LABELS[AttachmentKind(self.kind)]


class WorkflowHistory(Base):
    """One fired transition of a dossier's workflow."""

    __tablename__ = "workflow_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    transition: Mapped[str] = mapped_column(sa.String(64))
    from_state: Mapped[str] = mapped_column(sa.String(40))
    to_state: Mapped[str] = mapped_column(sa.String(40))
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    comment: Mapped[Optional[str]] = mapped_column(sa.Text)
    # A snapshot of the dossier at submission, to show what changed between two submissions.
    snapshot: Mapped[Optional[dict[str, Any]]] = mapped_column(sa.JSON)
    occurred_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="history")
    actor: Mapped[Optional[User]] = relationship(lazy="joined")
