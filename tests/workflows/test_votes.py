"""Vote counting: quorum and threshold are inclusive and exact."""

from __future__ import annotations

from fractions import Fraction

import pytest

from workflows.engine import Actor, TransitionRejected, VoteRule, VoteTally, tally

TWO_THIRDS_MEMBERS = VoteRule(Fraction(2, 3), Fraction(1, 2), "members", "secret")


def test_quorum_exactly_met_and_one_below():
    # 2/3 of 9 members is 6: six present is enough, five is not.
    at = tally(TWO_THIRDS_MEMBERS, VoteTally(members=9, present=6, yes=5))
    assert at.quorum_met and at.required_present == 6
    below = tally(TWO_THIRDS_MEMBERS, VoteTally(members=9, present=5, yes=5))
    assert not below.quorum_met and not below.passed
    assert below.reasons == [
        "Không đủ số thành viên dự họp: cần ít nhất 6 trên 9 thành viên (tỷ lệ 2/3), chỉ có 5."
    ]


@pytest.mark.parametrize(
    ("members", "quorum", "required"),
    [(9, "2/3", 6), (10, "2/3", 7), (10, "4/5", 8), (11, "4/5", 9), (15, "4/5", 12), (7, "1", 7), (1, "1/3", 1)],
)
def test_quorum_boundary(members, quorum, required):
    rule = VoteRule(Fraction(quorum), Fraction(1, 2), "members", "secret")
    assert tally(rule, VoteTally(members, required, 0)).quorum_met
    assert tally(rule, VoteTally(members, required, 0)).required_present == required
    assert not tally(rule, VoteTally(members, required - 1, 0)).quorum_met


@pytest.mark.parametrize(
    ("members", "present", "threshold", "required"),
    [(9, 8, "1/2", 5), (10, 8, "1/2", 5), (10, 10, "2/3", 7), (12, 10, "4/5", 10), (9, 9, "9/10", 9)],
)
def test_threshold_over_members(members, present, threshold, required):
    rule = VoteRule(Fraction(1, 2), Fraction(threshold), "members", "secret")
    at = tally(rule, VoteTally(members, present, required))
    assert at.passed and at.required_yes == required and at.reasons == []
    below = tally(rule, VoteTally(members, present, required - 1, no=1))
    assert below.quorum_met and not below.passed
    assert below.reasons == [
        f"Không đủ số phiếu tán thành: cần ít nhất {required} phiếu ({threshold} tổng số thành viên Hội đồng), "
        f"chỉ có {required - 1}."
    ]


@pytest.mark.parametrize(
    ("members", "present", "threshold", "required"),
    [(12, 9, "1/2", 5), (12, 10, "1/2", 5), (12, 9, "2/3", 6), (20, 15, "4/5", 12), (10, 7, "1", 7)],
)
def test_threshold_over_present(members, present, threshold, required):
    rule = VoteRule(Fraction(1, 2), Fraction(threshold), "present", "open")
    at = tally(rule, VoteTally(members, present, required))
    assert at.passed and at.required_yes == required
    below = tally(rule, VoteTally(members, present, required - 1))
    assert not below.passed
    assert "số thành viên có mặt" in below.reasons[0]


def test_base_makes_a_difference():
    t = VoteTally(members=12, present=9, yes=5, no=4)
    over_present = tally(VoteRule(Fraction(1, 2), Fraction(1, 2), "present", "secret"), t)
    over_members = tally(VoteRule(Fraction(1, 2), Fraction(1, 2), "members", "secret"), t)
    assert (over_present.required_yes, over_present.passed) == (5, True)
    assert (over_members.required_yes, over_members.passed) == (6, False)


def test_no_floating_point_rounding():
    # 0.8 * 15 is 12.000000000000002 in floats; as a fraction it is exactly 12.
    rule = VoteRule("0.8", "0.6", "members", "secret")
    assert rule.quorum == Fraction(4, 5) and rule.threshold == Fraction(3, 5)
    assert tally(rule, VoteTally(15, 12, 9)).passed
    assert tally(rule, VoteTally(15, 12, 9)).required_present == 12


@pytest.mark.parametrize(
    "kwargs",
    [
        {"members": 9, "present": 10, "yes": 1},
        {"members": 9, "present": 5, "yes": 3, "no": 2, "abstain": 1},
        {"members": 0, "present": 0, "yes": 0},
        {"members": 9, "present": -1, "yes": 0},
    ],
)
def test_invalid_tally(kwargs):
    with pytest.raises(ValueError):
        VoteTally(**kwargs)


def test_tally_fields_must_be_integers():
    with pytest.raises(TypeError):
        VoteTally(9, 9, 4.5)
    with pytest.raises(TypeError):
        VoteTally(9, True, 1)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"quorum": Fraction(0), "threshold": Fraction(1, 2)},
        {"quorum": Fraction(6, 5), "threshold": Fraction(1, 2)},
        {"quorum": Fraction(1, 2), "threshold": Fraction(-1, 2)},
        {"quorum": Fraction(1, 2), "threshold": Fraction(1, 2), "threshold_base": "everyone"},
        {"quorum": Fraction(1, 2), "threshold": Fraction(1, 2), "ballot": "hands"},
    ],
)
def test_invalid_rule(kwargs):
    with pytest.raises(ValueError):
        VoteRule(**kwargs)


# ------------------------------------------------------------------------------ through fire()

SECRETARY = Actor(id=4, roles=frozenset({"council_secretary"}))


def test_council_vote_passes_at_the_exact_quorum_and_threshold(definitions):
    wf = definitions["de_nghi_cap_tren"]
    # 4/5 of 10 members is 8 present; 1/2 of 10 members is 5 yes.
    result = wf.fire("council", "council_vote", SECRETARY, tally=VoteTally(10, 8, 5, 3))
    assert result.to_state == "public_comment"
    assert result.effects == ("notify", "start_posting_window")
    assert result.history.vote is not None and result.history.vote.passed


def test_council_vote_fails_one_vote_below_threshold(definitions):
    wf = definitions["de_nghi_cap_tren"]
    result = wf.fire("council", "council_vote", SECRETARY, tally=VoteTally(10, 8, 4, 4))
    assert result.to_state == "rejected"
    assert result.effects == ("notify",)
    assert result.history.to_state == "rejected"
    assert result.history.vote.quorum_met and not result.history.vote.passed


def test_council_vote_rejected_one_below_quorum(definitions):
    wf = definitions["de_nghi_cap_tren"]
    with pytest.raises(TransitionRejected) as excinfo:
        wf.fire("council", "council_vote", SECRETARY, tally=VoteTally(10, 7, 7))
    assert excinfo.value.reasons == [
        "Không đủ số thành viên dự họp: cần ít nhất 8 trên 10 thành viên (tỷ lệ 4/5), chỉ có 7."
    ]


def test_council_vote_needs_a_tally(definitions):
    wf = definitions["de_nghi_cap_tren"]
    with pytest.raises(TransitionRejected) as excinfo:
        wf.fire("council", "council_vote", SECRETARY)
    assert excinfo.value.reasons == ["Vui lòng nhập kết quả biểu quyết của Hội đồng."]
    # available() does not ask for the tally: the form does.
    [option] = wf.available("council", SECRETARY)
    assert option.allowed and option.transition.vote is not None
