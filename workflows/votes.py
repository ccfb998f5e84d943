"""Council votes: the rule a vote transition carries (quorum, threshold, ballot), the tally of one
vote and its result, counted with exact fractions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .messages import Msg

THRESHOLD_BASES = ("members", "present")
BALLOTS = ("secret", "open")


@dataclass(frozen=True)
class VoteRule:
    """How a council decides: quorum is the share of members who must be present; the transition
    passes when yes votes reach ``threshold`` of the members (or of those present). Both bounds are
    inclusive and computed with exact fractions."""

    quorum: Fraction
    threshold: Fraction
    threshold_base: str = "members"
    ballot: str = "secret"

    def __post_init__(self) -> None:
        for attr in ("quorum", "threshold"):
            value = getattr(self, attr)
            if isinstance(value, bool) or not isinstance(value, (Fraction, int, str)):
                raise TypeError(f"VoteRule.{attr} must be a Fraction, an int or a string, got {value!r}")
            value = Fraction(value)
            if not 0 < value <= 1:
                raise ValueError(f"VoteRule.{attr} must be in (0, 1], got {value}")
            object.__setattr__(self, attr, value)
        if self.threshold_base not in THRESHOLD_BASES:
            raise ValueError(f"VoteRule.threshold_base must be one of {THRESHOLD_BASES}, got {self.threshold_base!r}")
        if self.ballot not in BALLOTS:
            raise ValueError(f"VoteRule.ballot must be one of {BALLOTS}, got {self.ballot!r}")

    @property
    def base_label(self) -> str:
        if self.threshold_base == "members":
            return Msg("tổng số thành viên Hội đồng")
        return Msg("số thành viên có mặt")

    def describe(self) -> str:
        """One Vietnamese sentence for an admin table or a diagram."""
        ballot = Msg("Bỏ phiếu kín") if self.ballot == "secret" else Msg("Biểu quyết công khai")
        return Msg(
            "%(ballot)s; có mặt ít nhất %(quorum)s tổng số thành viên; "
            "thông qua khi số phiếu tán thành đạt ít nhất %(threshold)s %(base)s.",
            ballot=ballot, quorum=str(self.quorum), threshold=str(self.threshold), base=self.base_label,
        )


@dataclass(frozen=True)
class VoteTally:
    """The count of one vote. Validated: ``yes + no + abstain <= present <= members``."""

    members: int
    present: int
    yes: int
    no: int = 0
    abstain: int = 0

    def __post_init__(self) -> None:
        for attr in ("members", "present", "yes", "no", "abstain"):
            value = getattr(self, attr)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"VoteTally.{attr} must be an int, got {value!r}")
            if value < 0:
                raise ValueError(Msg("Số liệu biểu quyết không được âm (%(field)s = %(value)s).",
                                     field=attr, value=value))
        if self.members < 1:
            raise ValueError(Msg("Hội đồng phải có ít nhất một thành viên."))
        if self.present > self.members:
            raise ValueError(Msg(
                "Số thành viên có mặt (%(present)s) vượt quá tổng số thành viên (%(members)s).",
                present=self.present, members=self.members,
            ))
        votes = self.yes + self.no + self.abstain
        if votes > self.present:
            raise ValueError(Msg(
                "Tổng số phiếu tán thành, không tán thành và không biểu quyết (%(votes)s) "
                "vượt quá số thành viên có mặt (%(present)s).",
                votes=votes, present=self.present,
            ))


@dataclass(frozen=True)
class VoteResult:
    quorum_met: bool
    passed: bool
    required_present: int
    required_yes: int
    reasons: list[str]
    rule: VoteRule | None = None
    tally: VoteTally | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "quorum_met": self.quorum_met,
            "passed": self.passed,
            "required_present": self.required_present,
            "required_yes": self.required_yes,
            "reasons": list(self.reasons),
        }
        if self.rule is not None:
            data["rule"] = {
                "quorum": str(self.rule.quorum),
                "threshold": str(self.rule.threshold),
                "threshold_base": self.rule.threshold_base,
                "ballot": self.rule.ballot,
            }
        if self.tally is not None:
            t = self.tally
            data["tally"] = {"members": t.members, "present": t.present, "yes": t.yes, "no": t.no, "abstain": t.abstain}
        return data


def tally(rule: VoteRule, t: VoteTally) -> VoteResult:
    """Count a vote with exact fractions; quorum and threshold are inclusive.

    With a 2/3 quorum of 9 members, 6 present is enough and 5 is not.
    """
    required_present = math.ceil(rule.quorum * t.members)
    quorum_met = t.present >= required_present
    base = t.members if rule.threshold_base == "members" else t.present
    required_yes = math.ceil(rule.threshold * base)
    reasons: list[str] = []
    if not quorum_met:
        reasons.append(Msg(
            "Không đủ số thành viên dự họp: cần ít nhất %(required)s trên %(members)s thành viên "
            "(tỷ lệ %(quorum)s), chỉ có %(present)s.",
            required=required_present, members=t.members, quorum=str(rule.quorum), present=t.present,
        ))
        passed = False
    else:
        passed = t.yes >= required_yes
        if not passed:
            reasons.append(Msg(
                "Không đủ số phiếu tán thành: cần ít nhất %(required)s phiếu "
                "(%(threshold)s %(base)s), chỉ có %(yes)s.",
                required=required_yes, threshold=str(rule.threshold), base=rule.base_label, yes=t.yes,
            ))
    return VoteResult(
        quorum_met=quorum_met,
        passed=passed,
        required_present=required_present,
        required_yes=required_yes,
        reasons=reasons,
        rule=rule,
        tally=t,
    )
