"""Issuing authorities, their signers and their registers of document numbers."""
from __future__ import annotations

from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .units import Unit


class Authority(Base):
    """Who issues awards, e.g. Chủ tịch UBND tỉnh Ninh Bình, with what its documents print."""

    __tablename__ = "authority"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    # Header, NĐ 30/2020 ô 2: optional governing body line, then the issuing body (one line each).
    header_parent: Mapped[Optional[str]] = mapped_column(sa.String(255))
    header_name: Mapped[str] = mapped_column(sa.Text)
    place_name: Mapped[str] = mapped_column(sa.String(120))
    doc_symbol: Mapped[str] = mapped_column(sa.String(40))
    proposal_symbol: Mapped[str] = mapped_column(sa.String(40), default="TTr-SNV")
    # The line above the căn cứ: "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH NINH BÌNH".
    authority_title: Mapped[str] = mapped_column(sa.String(255))
    # The head's title in the signature block ("CHỦ TỊCH").
    head_title: Mapped[str] = mapped_column(sa.String(120), default="CHỦ TỊCH")
    extra_legal_basis: Mapped[Optional[str]] = mapped_column(sa.Text)
    proposer_title: Mapped[Optional[str]] = mapped_column(sa.String(255))
    executors: Mapped[Optional[str]] = mapped_column(sa.Text)
    copy_recipients: Mapped[Optional[str]] = mapped_column(sa.Text)
    archive_code: Mapped[str] = mapped_column(sa.String(40), default="TĐKT")
    fund_source: Mapped[Optional[str]] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)

    unit: Mapped[Unit] = relationship(lazy="joined")
    signers: Mapped[list["Signer"]] = relationship(
        back_populates="authority", cascade="all, delete-orphan", order_by="Signer.position_order"
    )

    @property
    def header_lines(self) -> list[str]:
        return [line.strip() for line in self.header_name.splitlines() if line.strip()]


class Signer(Base):
    __tablename__ = "signer"

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(sa.String(120))
    position_title: Mapped[str] = mapped_column(sa.String(120))
    is_head: Mapped[bool] = mapped_column(default=False)
    position_order: Mapped[int] = mapped_column(default=0)
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    active: Mapped[bool] = mapped_column(default=True)

    authority: Mapped[Authority] = relationship(back_populates="signers")
    # The account that approves (or returns) the decisions this signer signs (approval.approver_of).
    user: Mapped[Optional["User"]] = relationship(foreign_keys=[user_id])

    @property
    def authority_line(self) -> str:
        """NĐ 30/2020: the head signs under his own title; a deputy signs "KT." + the head's title."""
        head = self.authority.head_title
        return head if self.is_head else f"KT. {head}"


class NumberCounter(Base):
    """The authority's register of document numbers for a year: decisions (QĐ), tờ trình (TTr),
    certificate serials (engineering.md §5; awards.services.numbering)."""

    __tablename__ = "number_counter"
    __table_args__ = (sa.UniqueConstraint("authority_id", "register", "year", name="uq_number_counter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authority.id"))
    register: Mapped[str] = mapped_column(sa.String(20), default="QĐ")
    year: Mapped[int]
    last_number: Mapped[int] = mapped_column(default=0)
