"""Property-based checks: random walks through the shipped workflows, and vote counting."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from workflows.engine import KNOWN_ROLES, Actor, TransitionRejected, VoteRule, VoteTally, tally

from .conftest import GUARDS, SHIPPED

ROLES = sorted(KNOWN_ROLES)
START = datetime(2026, 1, 5, 1, 0, tzinfo=timezone.utc)
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def draw_tally(data: st.DataObject, rule: VoteRule) -> VoteTally:
    """A tally that meets the quorum; whether it passes the threshold is drawn too."""
    members = data.draw(st.integers(1, 40), label="members")
    required_present = math.ceil(rule.quorum * members)
    present = data.draw(st.integers(required_present, members), label="present")
    base = members if rule.threshold_base == "members" else present
    required_yes = math.ceil(rule.threshold * base)
    if required_yes <= present and data.draw(st.booleans(), label="passes"):
        yes = data.draw(st.integers(required_yes, present), label="yes")
    else:
        yes = data.draw(st.integers(0, min(required_yes - 1, present)), label="yes")
    no = data.draw(st.integers(0, present - yes), label="no")
    return VoteTally(members, present, yes, no, present - yes - no)


@SETTINGS
@given(name=st.sampled_from(SHIPPED), data=st.data())
def test_random_walks_stay_consistent(definitions, name, data):
    wf = definitions[name]
    state = wf.initial
    history = []
    for step in range(60):
        if wf.state(state).final:
            break
        outgoing = wf.transitions_from(state)
        helpful = sorted({r for t in outgoing for r in t.roles})
        roles = data.draw(
            st.frozensets(st.sampled_from(ROLES), max_size=3) | st.sampled_from(helpful).map(lambda r: frozenset({r})),
            label="roles",
        )
        actor = Actor(id=data.draw(st.none() | st.integers(1, 500), label="actor id"), roles=roles)
        failing = data.draw(st.frozensets(st.sampled_from(GUARDS), max_size=2), label="failing guards")
        context = {g: f"Điều kiện «{g}» chưa đạt." for g in sorted(failing)}

        options = wf.available(state, actor, context)
        assert [o.transition for o in options] == list(outgoing)
        for o in options:
            t = o.transition
            expected = bool(roles & t.roles) and not (set(t.guards) & failing)
            assert o.allowed is expected
            assert (o.reasons == []) is expected
            assert all(isinstance(r, str) and r for r in o.reasons)

        allowed = [o.transition for o in options if o.allowed]
        if not allowed or data.draw(st.integers(0, 5), label="try a refused one") == 0:
            refused = [t for t in wf.transitions if t not in allowed]
            if refused:
                t = data.draw(st.sampled_from(refused), label="refused transition")
                with pytest.raises(TransitionRejected) as excinfo:
                    wf.fire(state, t.name, actor, context, comment="Lý do.", tally=VoteTally(1, 1, 1))
                assert excinfo.value.reasons
            continue

        t = data.draw(st.sampled_from(allowed), label="transition")
        vote_tally = draw_tally(data, t.vote) if t.vote is not None else None
        now = START + timedelta(hours=step)
        result = wf.fire(state, t.name, actor, context, comment="Ý kiến xử lý.", tally=vote_tally, now=now)

        entry = result.history
        assert result.from_state == entry.from_state == state
        assert result.to_state == entry.to_state
        assert entry.to_state in wf.states
        if t.vote is not None:
            assert entry.vote is not None
            assert entry.to_state == (t.target if entry.vote.passed else t.fail_target)
            assert result.effects == (t.effects if entry.vote.passed else t.fail_effects)
        else:
            assert entry.to_state == t.target and result.effects == t.effects
        assert entry.transition == t.name and entry.actor_id == actor.id and entry.at == now
        if history:
            assert entry.from_state == history[-1].to_state
            assert entry.at > history[-1].at
        else:
            assert entry.from_state == wf.initial
        history.append(entry)
        state = entry.to_state

    event(f"final state reached: {wf.state(state).final}")
    if wf.state(state).final:
        everyone = Actor(1, KNOWN_ROLES)
        assert wf.available(state, everyone) == []
        for t in wf.transitions:
            with pytest.raises(TransitionRejected):
                wf.fire(state, t.name, everyone, comment="x", tally=VoteTally(10, 10, 10))


fractions = st.builds(Fraction, st.integers(1, 20), st.integers(1, 20)).filter(lambda f: f <= 1)


@settings(max_examples=500, deadline=None, database=None)
@given(
    quorum=fractions,
    threshold=fractions,
    base=st.sampled_from(["members", "present"]),
    members=st.integers(1, 200),
    data=st.data(),
)
def test_tally_matches_integer_cross_multiplication(quorum, threshold, base, members, data):
    present = data.draw(st.integers(0, members))
    yes = data.draw(st.integers(0, present))
    result = tally(VoteRule(quorum, threshold, base, "secret"), VoteTally(members, present, yes))
    quorum_met = present * quorum.denominator >= quorum.numerator * members
    counted = members if base == "members" else present
    assert result.quorum_met is quorum_met
    assert result.passed is (quorum_met and yes * threshold.denominator >= threshold.numerator * counted)
    # The required numbers are the smallest that satisfy the inequalities.
    assert result.required_present * quorum.denominator >= quorum.numerator * members
    assert (result.required_present - 1) * quorum.denominator < quorum.numerator * members
    assert result.required_yes * threshold.denominator >= threshold.numerator * counted
    assert (result.required_yes - 1) * threshold.denominator < threshold.numerator * counted
    assert (result.reasons == []) is result.passed
