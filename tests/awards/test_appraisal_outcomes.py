"""An appraisal that finds nobody eligible cannot be passed on (it would reach the council or the
chairman with nothing to decide and stay there); the lead can still reject it from every board step."""
from __future__ import annotations

import pytest

from awards.db import db
from awards.services import transitions
from tests import factories as fx


@pytest.fixture
def demo(ctx):
    fx.load_demo()


def _appraising(outcomes: list[str]):
    d = fx.make_dossier("X-GIAVIEN", state="appraising", complete=True)
    for i, outcome in enumerate(outcomes):
        n = fx.add_nominee(d, name=f"Lê Văn Thẩm {i + 1}")
        n.outcome = outcome
        if outcome == "ineligible":
            n.outcome_reason = "Chưa đủ thời gian công tác."
    db.session.commit()
    return d


def test_complete_appraisal_needs_someone_eligible(demo):
    d = _appraising(["ineligible", "ineligible"])
    with pytest.raises(transitions.TransitionRejected, match="Không đối tượng nào đủ điều kiện"):
        transitions.fire(db.session, d, "complete_appraisal", actor=fx.user("tdkt.chuyenvien"))
    db.session.rollback()
    ok = _appraising(["ineligible", "eligible"])
    transitions.fire(db.session, ok, "complete_appraisal", actor=fx.user("tdkt.chuyenvien"))
    db.session.commit()
    assert ok.state == "appraised"


@pytest.mark.parametrize("state", ["appraised", "standing_review"])
def test_the_lead_can_reject_from_the_later_board_steps(demo, state):
    d = fx.make_dossier("X-GIAVIEN", state=state, complete=True)
    db.session.commit()
    transitions.fire(db.session, d, "reject", actor=fx.user("tdkt.truongphong"), comment="Không còn đối tượng đủ điều kiện.")
    db.session.commit()
    assert d.state == "rejected"
