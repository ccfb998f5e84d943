"""The three shipped definitions: they load, and they say what the application relies on."""

from __future__ import annotations

from fractions import Fraction

import pytest

from workflows.engine import (
    DEFINITIONS_DIR,
    KNOWN_ROLES,
    ROLE_LABELS,
    Registry,
    VoteRule,
    Workflow,
    load_definition,
    load_definitions,
)

from .conftest import EFFECTS, GUARDS, SHIPPED

# state -> (responsible_role, time_limit_days, final)
EXPECTED_STATES = {
    "bang_khen_tinh": {
        "draft": ("unit_clerk", None, False),
        "submitted": ("board_specialist", 3, False),
        "returned": ("unit_clerk", None, False),
        "appraising": ("board_specialist", 10, False),
        "appraised": ("board_lead", 3, False),
        "standing_review": ("council_secretary", 5, False),
        "chairman_submission": ("board_lead", 3, False),
        "chairman_review": ("signer", 5, False),
        "approved": ("clerk", 3, False),
        "issued": (None, None, True),
        "rejected": (None, None, True),
        "withdrawn": (None, None, True),
    },
    "giay_khen_xa": {
        "draft": ("unit_clerk", None, False),
        "submitted": ("board_specialist", 3, False),
        "returned": ("unit_clerk", None, False),
        "appraising": ("board_specialist", 5, False),
        "chairman_review": ("signer", 3, False),
        "approved": ("clerk", 2, False),
        "issued": (None, None, True),
        "rejected": (None, None, True),
        "withdrawn": (None, None, True),
    },
    "de_nghi_cap_tren": {
        "draft": ("unit_clerk", None, False),
        "submitted": ("board_specialist", 3, False),
        "returned": ("unit_clerk", None, False),
        "appraising": ("board_specialist", 10, False),
        "appraised": ("board_lead", 3, False),
        "council": ("council_secretary", 10, False),
        "public_comment": ("board_specialist", None, False),
        "proposal_submission": ("board_lead", 5, False),
        "signing": ("signer", 5, False),
        "awaiting_central": ("board_specialist", None, False),
        "awarded": (None, None, True),
        "not_awarded": (None, None, True),
        "rejected": (None, None, True),
        "withdrawn": (None, None, True),
    },
}

SUBMIT_GUARDS = ("dossier_complete", "window_open", "quota_respected", "eligibility_ok")
RESUBMIT_GUARDS = ("dossier_complete", "quota_respected", "eligibility_ok")

# transition -> (sources, target, roles, comment_required, guards)
COMMON = {
    "submit": (("draft",), "submitted", {"unit_head"}, False, SUBMIT_GUARDS),
    "withdraw": (("draft", "returned"), "withdrawn", {"unit_head"}, True, ()),
    "receive": (("submitted",), "appraising", {"board_specialist"}, False, ()),
    "return_to_unit": (("submitted", "appraising"), "returned", {"board_specialist"}, True, ()),
    "resubmit": (("returned",), "submitted", {"unit_head"}, False, RESUBMIT_GUARDS),
}
EXPECTED_TRANSITIONS = {
    "bang_khen_tinh": {
        **COMMON,
        "complete_appraisal": (("appraising",), "appraised", {"board_specialist"}, False, ("all_nominees_appraised", "some_nominee_eligible")),
        "send_back": (("appraised",), "appraising", {"board_lead"}, True, ()),
        "forward": (("appraised",), "standing_review", {"board_lead"}, False, ()),
        "standing_agree": (("standing_review",), "chairman_submission", {"council_secretary"}, False, ()),
        "standing_disagree": (("standing_review",), "appraising", {"council_secretary"}, True, ()),
        "submit_to_chairman": (("chairman_submission",), "chairman_review", {"board_lead"}, False, ()),
        "approve": (("chairman_review",), "approved", {"signer"}, False, ()),
        "chairman_return": (("chairman_review",), "appraising", {"signer"}, True, ()),
        "reject": (("submitted", "appraising", "appraised", "standing_review", "chairman_review"), "rejected",
                   {"board_lead", "signer"}, True, ()),
        "issue": (("approved",), "issued", {"clerk"}, False, ("decision_numbered",)),
    },
    "giay_khen_xa": {
        **COMMON,
        "complete_appraisal": (
            ("appraising",), "chairman_review", {"board_specialist"}, False, ("all_nominees_appraised", "some_nominee_eligible")
        ),
        "approve": (("chairman_review",), "approved", {"signer"}, False, ()),
        "chairman_return": (("chairman_review",), "appraising", {"signer"}, True, ()),
        "reject": (("submitted", "appraising", "chairman_review"), "rejected", {"board_lead", "signer"}, True, ()),
        "issue": (("approved",), "issued", {"clerk"}, False, ("decision_numbered",)),
    },
    "de_nghi_cap_tren": {
        **COMMON,
        "complete_appraisal": (("appraising",), "appraised", {"board_specialist"}, False, ("all_nominees_appraised", "some_nominee_eligible")),
        "send_back": (("appraised",), "appraising", {"board_lead"}, True, ()),
        "forward": (("appraised",), "council", {"board_lead"}, False, ()),
        "council_vote": (("council",), "public_comment", {"council_secretary"}, False, ()),
        "close_comment": (("public_comment",), "proposal_submission", {"system", "board_specialist"}, False, ("posting_closed",)),
        "submit_proposal": (("proposal_submission",), "signing", {"board_lead"}, False, ()),
        "sign_proposal": (("signing",), "awaiting_central", {"signer"}, False, ()),
        "signer_return": (("signing",), "proposal_submission", {"signer"}, True, ()),
        "record_awarded": (("awaiting_central",), "awarded", {"board_specialist"}, False, ("central_result_recorded",)),
        "record_not_awarded": (
            ("awaiting_central",), "not_awarded", {"board_specialist"}, True, ("central_result_recorded",)
        ),
    },
}


def test_all_shipped_definitions_load_with_exactly_the_application_names(registry):
    assert set(registry.guards) == set(GUARDS)
    assert registry.effects == frozenset(EFFECTS)
    workflows = load_definitions(DEFINITIONS_DIR, registry)
    assert sorted(workflows) == sorted(SHIPPED)
    for name, wf in workflows.items():
        assert isinstance(wf, Workflow)
        assert wf.source == f"{name}.toml"
        assert wf.initial == "draft"
        assert wf.label and wf.description


def test_every_registered_name_is_used_by_some_definition(definitions):
    guards = {g for wf in definitions.values() for t in wf.transitions for g in t.guards}
    effects = {e for wf in definitions.values() for t in wf.transitions for e in t.effects + t.fail_effects}
    assert guards == set(GUARDS)
    assert effects == set(EFFECTS)


@pytest.mark.parametrize("name", SHIPPED)
def test_states_are_exactly_as_specified(definitions, name):
    wf = definitions[name]
    assert list(wf.states) == list(EXPECTED_STATES[name])
    for state, (role, limit, final) in EXPECTED_STATES[name].items():
        s = wf.state(state)
        assert (s.responsible_role, s.time_limit_days, s.final) == (role, limit, final), state
        assert s.label and s.label[0].isupper()
    assert set(wf.final_states) == {s for s, v in EXPECTED_STATES[name].items() if v[2]}


@pytest.mark.parametrize("name", SHIPPED)
def test_transitions_are_exactly_as_specified(definitions, name):
    wf = definitions[name]
    assert {t.name for t in wf.transitions} == set(EXPECTED_TRANSITIONS[name])
    for tname, (sources, target, roles, comment, guards) in EXPECTED_TRANSITIONS[name].items():
        t = wf.transition(tname)
        assert t.sources == sources, tname
        assert t.target == target, tname
        assert t.roles == frozenset(roles), tname
        assert t.comment_required is comment, tname
        assert t.guards == guards, tname
        assert t.label, tname
        if tname in ("submit", "resubmit"):
            assert t.effects == ("notify", "snapshot_submission")
        elif tname == "withdraw":
            assert t.effects == ()
        else:
            assert "notify" in t.effects, tname


def test_council_vote_rule(definitions):
    t = definitions["de_nghi_cap_tren"].transition("council_vote")
    assert t.vote == VoteRule(Fraction(4, 5), Fraction(1, 2), "members", "secret")
    assert t.fail_target == "rejected"
    assert t.effects == ("notify", "start_posting_window")
    assert "start_posting_window" not in t.fail_effects
    assert not any(t.vote for t in definitions["bang_khen_tinh"].transitions)


def test_load_definition_single_file(registry):
    wf = load_definition(DEFINITIONS_DIR / "giay_khen_xa.toml", registry)
    assert wf.name == "giay_khen_xa"
    assert wf.label == "Giấy khen của Chủ tịch UBND xã"


def test_role_labels():
    assert set(ROLE_LABELS) == KNOWN_ROLES == {
        "unit_clerk", "unit_head", "board_specialist", "board_lead", "council_member",
        "council_secretary", "signer", "clerk", "admin", "system",
    }
    assert ROLE_LABELS["unit_head"] == "Thủ trưởng đơn vị"
    assert ROLE_LABELS["board_specialist"] == "Chuyên viên Phòng Thi đua - Khen thưởng"
    assert ROLE_LABELS["clerk"] == "Văn thư"


def test_to_table_rows(definitions):
    wf = definitions["de_nghi_cap_tren"]
    rows = wf.to_table()
    assert [r["name"] for r in rows] == [t.name for t in wf.transitions]
    vote = next(r for r in rows if r["name"] == "council_vote")
    assert vote["fail_to"] == "rejected"
    assert vote["fail_to_label"] == wf.state("rejected").label
    assert "4/5" in vote["vote"] and "1/2" in vote["vote"] and "kín" in vote["vote"]
    close = next(r for r in rows if r["name"] == "close_comment")
    # Roles in the canonical order, whatever the set's iteration order.
    assert close["roles"] == ["board_specialist", "system"]
    assert close["role_labels"] == ["Chuyên viên Phòng Thi đua - Khen thưởng", "Hệ thống"]
    states = wf.states_table()
    assert states[0]["initial"] and states[0]["name"] == "draft"
    assert sum(r["initial"] for r in states) == 1


def test_registry_rejects_non_callable_guard():
    with pytest.raises(TypeError):
        Registry(guards={"x": "not callable"})
