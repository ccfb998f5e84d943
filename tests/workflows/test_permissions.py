"""Who may fire what, from where: every combination, checked against an independent expectation."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from workflows.engine import Actor, TransitionRejected, VoteTally

PASSING = VoteTally(members=10, present=10, yes=10)
NOW = datetime(2026, 11, 2, 8, 30, tzinfo=timezone.utc)


def test_combination(definitions, combo):
    """(definition, state, role, transition) -> allowed iff state in sources and role in roles.

    Guards pass (no context), a comment and a passing tally are always supplied, so only the state
    and the role decide. The expectation is read from the raw definition, not from the engine."""
    name, state, role, tname = combo
    wf = definitions[name]
    t = wf.transition(tname)
    expected = state in t.sources and role in t.roles
    actor = Actor(id=7, roles=frozenset({role}))

    options = {o.transition.name: o for o in wf.available(state, actor)}
    if state in t.sources and not wf.state(state).final:
        assert options[tname].allowed is expected
        assert (options[tname].reasons == []) is expected
    else:
        assert tname not in options

    if expected:
        result = wf.fire(state, tname, actor, comment="Lý do kiểm thử.", tally=PASSING, now=NOW)
        assert result.from_state == state
        assert result.to_state == t.target
        assert result.effects == t.effects
        assert result.history.actor_id == 7
    else:
        with pytest.raises(TransitionRejected) as excinfo:
            wf.fire(state, tname, actor, comment="Lý do kiểm thử.", tally=PASSING, now=NOW)
        assert excinfo.value.reasons
        assert str(excinfo.value) == " ".join(excinfo.value.reasons)


# ------------------------------------------------------------------------------ explicit cases


def test_unit_clerk_cannot_submit(definitions):
    wf = definitions["bang_khen_tinh"]
    clerk = Actor(id=1, roles=frozenset({"unit_clerk"}))
    [option] = [o for o in wf.available("draft", clerk) if o.transition.name == "submit"]
    assert not option.allowed
    assert option.reasons == ["Chỉ Thủ trưởng đơn vị được thực hiện thao tác «Trình hồ sơ»."]
    with pytest.raises(TransitionRejected, match="Chỉ Thủ trưởng đơn vị được thực hiện thao tác «Trình hồ sơ»."):
        wf.fire("draft", "submit", clerk)


def test_unit_head_submits(definitions):
    wf = definitions["bang_khen_tinh"]
    head = Actor(id=2, roles={"unit_head"})  # any iterable of roles is accepted
    result = wf.fire("draft", "submit", head, now=NOW)
    assert result.to_state == "submitted"
    assert result.effects == ("notify", "snapshot_submission")
    assert result.workflow == "bang_khen_tinh"
    assert result.transition == "submit"
    assert result.history.at == NOW
    assert result.history.comment is None
    assert result.history.vote is None


def test_board_specialist_returns_with_a_comment_and_not_without(definitions):
    wf = definitions["bang_khen_tinh"]
    specialist = Actor(id=3, roles=frozenset({"board_specialist"}))
    for comment in (None, "", "   "):
        with pytest.raises(TransitionRejected) as excinfo:
            wf.fire("submitted", "return_to_unit", specialist, comment=comment)
        assert excinfo.value.reasons == ["Vui lòng nhập lý do."]
    result = wf.fire("submitted", "return_to_unit", specialist, comment="  Thiếu biên bản họp xét.  ", now=NOW)
    assert result.to_state == "returned"
    assert result.history.comment == "Thiếu biên bản họp xét."


def test_guard_reason_appears(definitions):
    wf = definitions["bang_khen_tinh"]
    head = Actor(id=2, roles=frozenset({"unit_head"}))
    context = {"dossier_complete": "Hồ sơ còn thiếu tờ trình của đơn vị."}
    [option] = [o for o in wf.available("draft", head, context) if o.transition.name == "submit"]
    assert not option.allowed
    assert option.reasons == ["Hồ sơ còn thiếu tờ trình của đơn vị."]
    with pytest.raises(TransitionRejected) as excinfo:
        wf.fire("draft", "submit", head, context)
    assert excinfo.value.reasons == ["Hồ sơ còn thiếu tờ trình của đơn vị."]


def test_all_reasons_are_collected(definitions):
    wf = definitions["bang_khen_tinh"]
    clerk = Actor(id=1, roles=frozenset({"unit_clerk"}))
    context = {"dossier_complete": "Hồ sơ còn thiếu tờ trình của đơn vị.", "window_open": "Đợt xét đã hết hạn nhận hồ sơ."}
    with pytest.raises(TransitionRejected) as excinfo:
        wf.fire("draft", "return_to_unit", clerk, context)
    assert excinfo.value.reasons == [
        "Hồ sơ đang ở bước «Đơn vị đang chuẩn bị», không thể thực hiện thao tác «Trả lại đơn vị».",
        "Chỉ Chuyên viên Phòng Thi đua - Khen thưởng được thực hiện thao tác «Trả lại đơn vị».",
        "Vui lòng nhập lý do.",
    ]
    with pytest.raises(TransitionRejected) as excinfo:
        wf.fire("draft", "submit", clerk, context)
    assert excinfo.value.reasons == [
        "Chỉ Thủ trưởng đơn vị được thực hiện thao tác «Trình hồ sơ».",
        "Hồ sơ còn thiếu tờ trình của đơn vị.",
        "Đợt xét đã hết hạn nhận hồ sơ.",
    ]


def test_several_roles_are_named_in_order(definitions):
    wf = definitions["bang_khen_tinh"]
    with pytest.raises(TransitionRejected) as excinfo:
        wf.fire("chairman_review", "reject", Actor(None, frozenset({"clerk"})), comment="x")
    assert excinfo.value.reasons == [
        "Chỉ Lãnh đạo Phòng Thi đua - Khen thưởng hoặc Người ký quyết định được thực hiện thao tác «Từ chối khen thưởng»."
    ]


def test_an_actor_with_several_roles(definitions):
    wf = definitions["bang_khen_tinh"]
    actor = Actor(id=9, roles=frozenset({"board_specialist", "board_lead"}))
    allowed = [o.transition.name for o in wf.available("appraising", actor) if o.allowed]
    assert allowed == ["return_to_unit", "complete_appraisal", "reject"]


def test_available_lists_every_transition_leaving_the_state_in_definition_order(definitions):
    wf = definitions["bang_khen_tinh"]
    options = wf.available("chairman_review", Actor(5, frozenset({"signer"})))
    assert [o.transition.name for o in options] == ["approve", "chairman_return", "reject"]
    assert all(o.allowed for o in options)


@pytest.mark.parametrize("name", ["bang_khen_tinh", "giay_khen_xa", "de_nghi_cap_tren"])
def test_nothing_fires_from_a_final_state(definitions, name):
    wf = definitions[name]
    everyone = Actor(1, frozenset(wf.transitions[0].roles) | {"admin", "system", "board_lead", "signer"})
    for final in wf.final_states:
        assert wf.available(final, everyone) == []
        for t in wf.transitions:
            with pytest.raises(TransitionRejected) as excinfo:
                wf.fire(final, t.name, everyone, comment="x", tally=PASSING)
            label = wf.state(final).label
            assert excinfo.value.reasons == [
                f"Hồ sơ đã kết thúc ở bước «{label}», không thể thực hiện thêm thao tác nào."
            ]


def test_unknown_transition_is_a_rejection_and_unknown_state_a_key_error(definitions):
    wf = definitions["bang_khen_tinh"]
    head = Actor(2, frozenset({"unit_head"}))
    with pytest.raises(TransitionRejected, match="không có thao tác «fly»"):
        wf.fire("draft", "fly", head)
    with pytest.raises(KeyError):
        wf.fire("nowhere", "submit", head)
    with pytest.raises(KeyError):
        wf.available("nowhere", head)
    with pytest.raises(KeyError):
        wf.transition("fly")


def test_now_is_converted_to_utc_and_must_be_aware(definitions):
    wf = definitions["bang_khen_tinh"]
    head = Actor(2, frozenset({"unit_head"}))
    hanoi = timezone(timedelta(hours=7))
    result = wf.fire("draft", "submit", head, now=datetime(2026, 11, 2, 15, 30, tzinfo=hanoi))
    assert result.history.at == NOW and result.history.at.tzinfo == timezone.utc
    default = wf.fire("draft", "submit", head).history.at
    assert default.tzinfo == timezone.utc
    with pytest.raises(ValueError):
        wf.fire("draft", "submit", head, now=datetime(2026, 11, 2, 8, 30))


def test_history_entry_serialises(definitions):
    wf = definitions["de_nghi_cap_tren"]
    secretary = Actor(4, frozenset({"council_secretary"}))
    result = wf.fire("council", "council_vote", secretary, tally=VoteTally(9, 8, 5, 2, 1), now=NOW)
    data = result.history.to_dict()
    assert data["at"] == "2026-11-02T08:30:00+00:00"
    assert data["vote"]["passed"] is True
    assert data["vote"]["tally"] == {"members": 9, "present": 8, "yes": 5, "no": 2, "abstain": 1}
    assert data["vote"]["rule"] == {"quorum": "4/5", "threshold": "1/2", "threshold_base": "members", "ballot": "secret"}


def test_a_guard_must_return_none_or_a_sentence(definitions):
    wf = definitions["bang_khen_tinh"]
    with pytest.raises(TypeError):
        wf.available("draft", Actor(2, frozenset({"unit_head"})), {"dossier_complete": False})


def test_actor_roles_must_not_be_a_string():
    with pytest.raises(TypeError):
        Actor(1, "unit_head")
