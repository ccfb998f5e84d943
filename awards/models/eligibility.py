"""Eligibility rules per award form (optionally per round), dated like the legal rule sets.

The law leaves these to the province (domain.md §2, §7): whether an award may be given
posthumously, whether a report (báo cáo thành tích) is required for every nominee, a minimum
household contribution, and the "one achievement, one award" principle applied as "no second
nomination of the same person for the same form in the same round". A rule that names a round
wins over a form-wide rule; when no rule is in force the defaults below apply."""
from __future__ import annotations

from datetime import date
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .forms import AwardForm


class EligibilityRule(Base):
    __tablename__ = "eligibility_rule"
    __table_args__ = (
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_range"),
        sa.CheckConstraint(
            "min_household_contribution IS NULL OR min_household_contribution >= 0", name="min_household"
        ),
    )

    # Defaults when no rule is in force for a form.
    DEFAULT_ALLOW_POSTHUMOUS = True
    DEFAULT_NO_REPEAT_IN_ROUND = True
    DEFAULT_REQUIRE_REPORT = False

    id: Mapped[int] = mapped_column(primary_key=True)
    award_form_id: Mapped[int] = mapped_column(sa.ForeignKey("award_form.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("award_round.id", ondelete="CASCADE"))
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_to: Mapped[Optional[date]] = mapped_column(sa.Date)
    allow_posthumous: Mapped[bool] = mapped_column(default=DEFAULT_ALLOW_POSTHUMOUS)
    no_repeat_in_round: Mapped[bool] = mapped_column(default=DEFAULT_NO_REPEAT_IN_ROUND)
    require_report: Mapped[bool] = mapped_column(default=DEFAULT_REQUIRE_REPORT)
    # Overrides RuleSet.min_household_contribution for this form when set.
    min_household_contribution: Mapped[Optional[int]] = mapped_column(sa.BigInteger)
    source: Mapped[Optional[str]] = mapped_column(sa.String(255))

    award_form: Mapped[AwardForm] = relationship(lazy="joined")

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)
