"""Dated legal rule sets: base salary, coefficients, household multiplier, rounding, căn cứ lines.

A rule set covers [valid_from, valid_to]. Once an issued decision used a rule set, its values are
locked: a change of law is a new dated period, never an edit (decisions also keep a snapshot)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .common import RecipientKind, enum_check
from .forms import AwardForm


class RuleSet(Base):
    __tablename__ = "rule_set"
    __table_args__ = (
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_range"),
        sa.CheckConstraint("base_salary > 0", name="base_salary_positive"),
        sa.CheckConstraint("rounding_unit > 0", name="rounding_positive"),
        sa.CheckConstraint("household_multiplier > 0", name="household_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    valid_from: Mapped[date] = mapped_column(sa.Date, unique=True)
    valid_to: Mapped[Optional[date]] = mapped_column(sa.Date)
    base_salary: Mapped[int] = mapped_column(sa.BigInteger)
    base_salary_source: Mapped[str] = mapped_column(sa.String(255))
    household_multiplier: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    household_source: Mapped[str] = mapped_column(sa.String(255))
    rounding_unit: Mapped[int] = mapped_column(default=10000)
    rounding_source: Mapped[str] = mapped_column(sa.String(255))
    # One căn cứ line per text line, in order; the authority adds its own provincial lines.
    legal_basis: Mapped[str] = mapped_column(sa.Text)
    # Facts marked unconfirmed in the domain brief: shown to administrators as "cần kiểm tra".
    needs_check: Mapped[Optional[str]] = mapped_column(sa.Text)
    # Optional eligibility thresholds (per province, dated).
    min_household_contribution: Mapped[Optional[int]] = mapped_column(sa.BigInteger)
    locked: Mapped[bool] = mapped_column(default=False)

    coefficients: Mapped[list["RuleCoefficient"]] = relationship(
        back_populates="rule_set", cascade="all, delete-orphan", lazy="selectin",
        order_by="RuleCoefficient.id",
    )

    @property
    def legal_basis_lines(self) -> list[str]:
        return [line.strip() for line in self.legal_basis.splitlines() if line.strip()]

    def coefficient_for(self, form_id: int, kind: str) -> Optional["RuleCoefficient"]:
        for c in self.coefficients:
            if c.award_form_id == form_id and c.recipient_kind == kind:
                return c
        return None

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class RuleCoefficient(Base):
    """Coefficient × mức lương cơ sở for one award form and recipient kind (individual, collective).

    Households have no row of their own: they get ``household_multiplier`` × the individual amount."""

    __tablename__ = "rule_coefficient"
    __table_args__ = (
        sa.UniqueConstraint("rule_set_id", "award_form_id", "recipient_kind", name="uq_rule_coefficient"),
        enum_check("recipient_kind", RecipientKind, "recipient_kind"),
        sa.CheckConstraint("coefficient >= 0", name="coefficient_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_set_id: Mapped[int] = mapped_column(sa.ForeignKey("rule_set.id", ondelete="CASCADE"), index=True)
    award_form_id: Mapped[int] = mapped_column(sa.ForeignKey("award_form.id"))
    recipient_kind: Mapped[str] = mapped_column(sa.String(20))
    coefficient: Mapped[Decimal] = mapped_column(sa.Numeric(6, 3))
    source: Mapped[str] = mapped_column(sa.String(255))

    rule_set: Mapped[RuleSet] = relationship(back_populates="coefficients")
    award_form: Mapped[AwardForm] = relationship(lazy="joined")
