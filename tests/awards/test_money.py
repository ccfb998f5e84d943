"""Money on decisions: coefficient × mức lương cơ sở in force on the decision date, rounded up to
10.000 đ, households 1,5 × the individual amount (domain.md §3 worked amounts)."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from awards.db import db
from awards.models import Authority, Award, Decision
from awards.services import decisions as svc
from tests import factories as fx

BEFORE, AFTER = date(2026, 6, 30), date(2026, 7, 1)
WORKED = {  # form: kind: (30/6/2026, 01/7/2026)
    "BK-TINH": {"individual": (3_510_000, 3_800_000), "collective": (7_020_000, 7_590_000),
                "household": (5_270_000, 5_700_000)},
    "BK-TTG": {"individual": (8_190_000, 8_860_000), "collective": (16_380_000, 17_710_000),
               "household": (12_290_000, 13_290_000)},
    "GK-XA": {"individual": (710_000, 760_000), "collective": (1_410_000, 1_520_000),
              "household": (1_060_000, 1_140_000)},
    "HCLD-3": {"individual": (10_530_000, 11_390_000)},
}
CASES = [(f, k, i) for f, kinds in WORKED.items() for k in kinds for i in (0, 1)]


@pytest.mark.parametrize(("form_code", "kind", "which"), CASES)
def test_decision_money_matches_worked_amounts(app, ctx, form_code, kind, which):
    """Does a decision dated 30/6/2026 or 01/7/2026 pay the worked amount?"""
    fx.load_demo()
    form = fx.form(form_code)
    authority = form.authority or db.session.scalar(sa.select(Authority).where(Authority.code == "CT-UBND-NB"))
    day = (BEFORE, AFTER)[which]
    d = Decision(authority=authority, award_form=form, title="QĐ", decision_date=day)
    for i in range(3):
        d.awards.append(Award(unit_id=authority.unit_id, kind=kind, name=f"Người {i}", canonical_name=f"Người {i}",
                              name_key=f"nguoi {i}", position=i, gender="male"))
    db.session.add(d)
    svc.apply_money(db.session, d, day)
    expected = WORKED[form_code][kind][which]
    assert [a.amount for a in d.awards] == [expected] * 3
    assert d.total_amount == 3 * expected
    assert d.snapshot["amounts"][kind]["amount"] == expected
    assert d.snapshot["base_salary"] == (2_340_000, 2_530_000)[which]


def test_prepared_decision_uses_rule_set_of_its_date(app, ctx):
    """Does preparing, then numbering on a later date, recompute the money for that date?"""
    from tests.awards.test_flows import new_dossier
    from awards.services import transitions

    fx.load_demo()
    d = new_dossier("GK-XA", kinds=("individual", "collective", "household"))
    d.state = "chairman_review"
    for n in d.nominees:
        n.outcome = "eligible"
    db.session.commit()
    dec = svc.prepare_decision(db.session, actor=fx.user("xa.vanphong"), form=fx.form("GK-XA"), dossiers=[d],
                               decision_date=BEFORE)
    assert dec.total_amount == 710_000 + 1_410_000 + 1_060_000
    assert dec.snapshot["rule_set"]["valid_from"] == "2025-07-01"
    dec.state = "approved"
    svc.allocate_number(db.session, dec, actor=fx.user("xa.vanphong"), decision_date=AFTER)
    assert dec.total_amount == 760_000 + 1_520_000 + 1_140_000
    assert dec.snapshot["decision_date"] == "2026-07-01"
    assert transitions  # the module the services use for the dossiers


def test_no_rule_set_is_a_clear_message(app, ctx):
    """Is a decision dated before any rule set refused with a message?"""
    fx.load_demo()
    form = fx.form("BK-TINH")
    d = Decision(authority=form.authority, award_form=form, title="QĐ", decision_date=date(2024, 1, 1))
    db.session.add(d)
    with pytest.raises(svc.DecisionError, match="Chưa có bộ quy định nào áp dụng cho ngày 01/01/2024"):
        svc.apply_money(db.session, d, date(2024, 1, 1))
