"""Board appraisal of a dossier and council sessions (Hội đồng TĐKT): members, attendance,
written opinions of absent members, the agenda (one item per nominee) and the votes."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .common import N_, StrEnum, UTCDateTime, enum_check, utcnow
from .dossiers import Dossier, Nominee
from .users import User


class Appraisal(Base):
    """The board's appraisal opinion (ý kiến thẩm định) of one dossier."""

    __tablename__ = "appraisal"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossier.id", ondelete="CASCADE"), unique=True)
    opinion: Mapped[str] = mapped_column(sa.Text)
    appraiser_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    dossier: Mapped[Dossier] = relationship()
    appraiser: Mapped[Optional[User]] = relationship(lazy="joined")


class SessionKind(StrEnum):
    council = "council"      # full council, votes per nominee (de_nghi_cap_tren)
    standing = "standing"    # standing members give an opinion (bang_khen_tinh)


SESSION_KIND_LABELS = {
    SessionKind.council: N_("Phiên họp Hội đồng Thi đua - Khen thưởng"),
    SessionKind.standing: N_("Phiên họp Thường trực Hội đồng"),
}

SESSION_KIND_WORKFLOW = {
    SessionKind.council: ("de_nghi_cap_tren", "council"),
    SessionKind.standing: ("bang_khen_tinh", "standing_review"),
}


class SessionStatus(StrEnum):
    open = "open"
    closed = "closed"


class CouncilSession(Base):
    __tablename__ = "council_session"
    __table_args__ = (
        enum_check("kind", SessionKind, "kind"),
        enum_check("status", SessionStatus, "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    # The unit whose council meets (the province): scope for who may see the session.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(255))
    meeting_date: Mapped[date] = mapped_column(sa.Date)
    location: Mapped[Optional[str]] = mapped_column(sa.String(255))
    agenda_notes: Mapped[Optional[str]] = mapped_column(sa.Text)
    conclusion: Mapped[Optional[str]] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20), default=SessionStatus.open.value)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_dt: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    members: Mapped[list["CouncilMember"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="CouncilMember.position",
        lazy="selectin",
    )
    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="AgendaItem.position",
    )
    opinions: Mapped[list["WrittenOpinion"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="WrittenOpinion.id",
    )

    @property
    def kind_label(self) -> str:
        return SESSION_KIND_LABELS[SessionKind(self.kind)]

    @property
    def is_open(self) -> bool:
        return self.status == SessionStatus.open.value

    @property
    def present_count(self) -> int:
        return sum(1 for m in self.members if m.present)


class CouncilMember(Base):
    """A member of the council for this session, and whether they attended."""

    __tablename__ = "council_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("council_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    full_name: Mapped[str] = mapped_column(sa.String(120))
    position_title: Mapped[Optional[str]] = mapped_column(sa.String(255))
    is_standing: Mapped[bool] = mapped_column(default=False)
    present: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    session: Mapped[CouncilSession] = relationship(back_populates="members")


class WrittenOpinion(Base):
    """The written opinion of a member who could not attend (BN86 Điều 8 k4)."""

    __tablename__ = "written_opinion"
    __table_args__ = (sa.UniqueConstraint("session_id", "member_id", name="uq_written_opinion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("council_session.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("council_member.id", ondelete="CASCADE"))
    content: Mapped[str] = mapped_column(sa.Text)
    agrees: Mapped[Optional[bool]]
    recorded_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[CouncilSession] = relationship(back_populates="opinions")
    member: Mapped[CouncilMember] = relationship(lazy="joined")


class AgendaItem(Base):
    """One nominee considered in the session, with its counted result."""

    __tablename__ = "agenda_item"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "nominee_id", name="uq_agenda_item"),
        sa.CheckConstraint("yes >= 0 AND no >= 0 AND abstain >= 0", name="counts_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("council_session.id", ondelete="CASCADE"), index=True)
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossier.id"), index=True)
    nominee_id: Mapped[int] = mapped_column(sa.ForeignKey("nominee.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    # Secret ballot: the counted totals; open vote: recomputed from Vote rows.
    yes: Mapped[int] = mapped_column(default=0)
    no: Mapped[int] = mapped_column(default=0)
    abstain: Mapped[int] = mapped_column(default=0)
    counted: Mapped[bool] = mapped_column(default=False)
    # Standing review: agreed or not (None = not yet decided).
    agreed: Mapped[Optional[bool]]
    passed: Mapped[Optional[bool]]
    result: Mapped[Optional[dict[str, Any]]] = mapped_column(sa.JSON)

    session: Mapped[CouncilSession] = relationship(back_populates="items")
    dossier: Mapped[Dossier] = relationship(lazy="joined")
    nominee: Mapped[Nominee] = relationship(lazy="joined")
    votes: Mapped[list["Vote"]] = relationship(back_populates="item", cascade="all, delete-orphan")


class VoteChoice(StrEnum):
    yes = "yes"
    no = "no"
    abstain = "abstain"


VOTE_CHOICE_LABELS = {VoteChoice.yes: N_("Tán thành"), VoteChoice.no: N_("Không tán thành"),
                      VoteChoice.abstain: N_("Không biểu quyết")}


class Vote(Base):
    """One member's open vote on one agenda item."""

    __tablename__ = "council_vote"
    __table_args__ = (
        sa.UniqueConstraint("item_id", "member_id", name="uq_council_vote"),
        enum_check("choice", VoteChoice, "choice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("council_member.id", ondelete="CASCADE"))
    choice: Mapped[str] = mapped_column(sa.String(10))

    item: Mapped[AgendaItem] = relationship(back_populates="votes")
    member: Mapped[CouncilMember] = relationship()
