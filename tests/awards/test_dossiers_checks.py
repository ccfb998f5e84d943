"""The submission checks, each passing and failing, and the same checks enforced by the workflow
guards when the unit head fires submit/resubmit through transitions.fire."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from awards.db import db
from awards.models import EligibilityRule, RoundExtension, RuleSet, utcnow
from awards.rules import checks
from awards.services import transitions
from awards.services.transitions import TransitionRejected
from tests import factories as f


@pytest.fixture
def demo(ctx):
    f.load_demo()


def _items(d):
    return {i.key: i for i in checks.submission_checklist(db.session, d, utcnow())}


def _submit(d):
    return transitions.fire(db.session, d, "submit", actor=f.user("xa.chutich"))


def test_complete_dossier_passes_every_check_and_submits(demo):
    d = f.make_dossier(nominees=2, complete=True)
    items = _items(d)
    assert all(i.ok for i in items.values()), {k: i.problems for k, i in items.items()}
    assert _submit(d).to_state == "submitted"


def test_completeness_fails_without_nominees_files_or_summary(demo):
    d = f.make_dossier()
    problems = checks.completeness_problems(d)
    assert "Hồ sơ chưa có đối tượng đề nghị khen thưởng nào." in problems
    assert any("tờ trình" in p for p in problems) and any("biên bản" in p for p in problems)
    f.add_nominee(d, achievements="")
    assert any("Chưa có tóm tắt thành tích của: Nguyễn Văn An" in p for p in checks.completeness_problems(d))
    with pytest.raises(TransitionRejected) as exc:
        _submit(d)
    assert "tờ trình" in str(exc.value)


def test_report_is_a_warning_unless_the_form_requires_it(demo):
    d = f.make_dossier(nominees=1, complete=True)
    items = _items(d)
    assert items["completeness"].ok and any("báo cáo thành tích" in w for w in items["completeness"].warnings)
    db.session.add(EligibilityRule(award_form_id=d.award_form_id, valid_from=date(2020, 1, 1), require_report=True))
    db.session.flush()
    assert not _items(d)["completeness"].ok
    with pytest.raises(TransitionRejected, match="báo cáo thành tích"):
        _submit(d)
    d.nominees[0].report = {"achievements": "Vận động 50 triệu đồng."}
    db.session.flush()
    assert _items(d)["completeness"].ok


def test_window_closed_blocks_submit_with_a_clear_message_and_extension_reopens(demo):
    d = f.make_dossier(nominees=1, complete=True)
    d.round.closes_dt = utcnow() - timedelta(hours=1)
    db.session.flush()
    problems = checks.window_problems(db.session, d, utcnow())
    assert problems and "Đã hết hạn nộp hồ sơ" in problems[0] and "gia hạn" in problems[0]
    with pytest.raises(TransitionRejected, match="Đã hết hạn nộp hồ sơ"):
        _submit(d)
    db.session.add(RoundExtension(round_id=d.round_id, unit_id=d.unit_id, closes_dt=utcnow() + timedelta(days=2),
                                  reason="Gia hạn do bão"))
    db.session.flush()
    assert checks.window_problems(db.session, d, utcnow()) == []
    assert _submit(d).to_state == "submitted"


def test_window_not_yet_open(demo):
    d = f.make_dossier(nominees=1, complete=True)
    d.round.opens_dt = utcnow() + timedelta(days=1)
    db.session.flush()
    assert "chưa mở nhận hồ sơ" in checks.window_problems(db.session, d, utcnow())[0]


def test_quota_counts_all_the_units_dossiers_in_the_round(demo):
    first = f.make_dossier(nominees=3, complete=True)
    second = f.make_dossier(nominees=1, complete=True)
    assert checks.quota_problems(db.session, second) == []  # 4 of 4
    f.add_nominee(second, name="Trần Văn Năm")
    problems = checks.quota_problems(db.session, second)
    assert problems and "tối đa 4" in problems[0] and "hiện có 5" in problems[0]
    with pytest.raises(TransitionRejected, match="Vượt chỉ tiêu"):
        _submit(second)
    # a withdrawn dossier no longer counts
    first.state = "withdrawn"
    db.session.flush()
    assert checks.quota_problems(db.session, second) == []
    usage = checks.quota_usage(db.session, [second.round_id], second.unit_id)
    assert usage[(second.round_id, second.award_form_id)] == (2, 4)


def test_eligibility_form_outside_round_and_kind_not_allowed(demo):
    d = f.make_dossier(nominees=0, complete=True)
    n = f.add_nominee(d)
    assert checks.eligibility_problems(db.session, d, date.today()) == []
    n.award_form_id = f.form("HCLD-3").id
    db.session.flush()
    db.session.expire(n, ["award_form"])
    assert "không thuộc đợt khen thưởng này" in checks.eligibility_problems(db.session, d, date.today())[0]
    gk = f.form("GK-XA")
    gk.allow_household = False
    h = f.add_nominee(d, kind="household", name="Phạm Văn Hộ")
    h.award_form_id = gk.id
    n.award_form_id = d.award_form_id
    db.session.flush()
    db.session.expire(n, ["award_form"])
    db.session.expire(h, ["award_form"])
    problems = checks.eligibility_problems(db.session, d, date.today())
    assert problems == ["«Phạm Văn Hộ»: hình thức «Giấy khen của Chủ tịch Ủy ban nhân dân xã» không áp dụng cho hộ gia đình."]
    with pytest.raises(TransitionRejected, match="không áp dụng cho hộ gia đình"):
        _submit(d)


def test_posthumous_allowed_or_not_per_form_and_dated(demo):
    d = f.make_dossier(nominees=0, complete=True)
    f.add_nominee(d, posthumous=True)
    assert checks.eligibility_problems(db.session, d, date.today()) == []
    db.session.add(EligibilityRule(award_form_id=d.award_form_id, valid_from=date.today() - timedelta(days=10),
                                   allow_posthumous=False, source="QĐ 25/2025/QĐ-UBND"))
    db.session.flush()
    assert "không xét truy tặng" in checks.eligibility_problems(db.session, d, date.today())[0]
    # a rule that is not yet in force does not apply
    assert checks.eligibility_problems(db.session, d, date.today() - timedelta(days=30)) == []
    # a round-specific rule wins over the form-wide one
    db.session.add(EligibilityRule(award_form_id=d.award_form_id, round_id=d.round_id,
                                   valid_from=date.today() - timedelta(days=5), allow_posthumous=True))
    db.session.flush()
    assert checks.eligibility_problems(db.session, d, date.today()) == []


def test_minimum_household_contribution_from_rule_set_and_form_rule(demo):
    d = f.make_dossier(nominees=0, complete=True)
    f.add_nominee(d, kind="household", name="Lê Thị Hộ", contribution_value=30_000_000)
    today = date.today()
    assert checks.eligibility_problems(db.session, d, today) == []
    rs = db.session.scalars(sa.select(RuleSet).where(RuleSet.valid_from <= today)
                            .order_by(RuleSet.valid_from.desc())).first()
    rs.min_household_contribution = 40_000_000
    db.session.flush()
    problems = checks.eligibility_problems(db.session, d, today)
    assert problems == ["«Lê Thị Hộ»: giá trị đóng góp 30.000.000 đồng chưa đạt mức tối thiểu 40.000.000 đồng."]
    db.session.add(EligibilityRule(award_form_id=d.award_form_id, valid_from=today, min_household_contribution=20_000_000))
    db.session.flush()
    assert checks.eligibility_problems(db.session, d, today) == []


def test_no_second_nomination_of_the_same_person_for_the_same_form(demo):
    d = f.make_dossier(nominees=0, complete=True)
    f.add_nominee(d, name="Nguyễn Văn An", citizen_id="037080001111")
    assert checks.eligibility_problems(db.session, d, date.today()) == []
    other = f.make_dossier(complete=True, title="Hồ sơ thứ hai")
    f.add_nominee(other, name="Nguyễn Văn Bình", citizen_id="037080001111")
    problems = checks.eligibility_problems(db.session, other, date.today())
    assert problems and "được đề nghị hai lần" in problems[0] and "ở hồ sơ khác của đơn vị" in problems[0]
    with pytest.raises(TransitionRejected, match="hai lần"):
        transitions.fire(db.session, other, "submit", actor=f.user("xa.chutich"))
    # the same name and birth year inside one dossier
    f.add_nominee(d, name="nguyễn  văn an", birth_year=1980)
    assert any("trong cùng hồ sơ" in p for p in checks.eligibility_problems(db.session, d, date.today()))
    # the rule can be switched off
    db.session.add(EligibilityRule(award_form_id=d.award_form_id, valid_from=date(2020, 1, 1),
                                   no_repeat_in_round=False))
    db.session.flush()
    assert checks.eligibility_problems(db.session, other, date.today()) == []


def test_same_person_in_another_unit_is_only_a_warning(demo):
    d = f.make_dossier(nominees=0, complete=True)
    f.add_nominee(d, name="Nguyễn Văn An", citizen_id="037080001111")
    other = f.make_dossier("SYT", state="submitted", complete=True)
    f.add_nominee(other, name="Nguyễn Văn An", citizen_id="037080001111")
    items = _items(d)
    assert items["eligibility"].ok
    assert any("Sở Y tế" in w and "Trùng số CCCD" in w for w in items["duplicates"].warnings)
    assert _submit(d).to_state == "submitted"


def test_resubmit_is_guarded_too_and_the_clerk_cannot_resubmit(demo):
    d = f.make_dossier(nominees=2, complete=True)
    _submit(d)
    transitions.fire(db.session, d, "return_to_unit", actor=f.user("tdkt.chuyenvien"), comment="Bổ sung biên bản.")
    d.attachments.remove(next(a for a in d.attachments if a.kind == "minutes"))
    db.session.flush()
    with pytest.raises(TransitionRejected, match="Thủ trưởng đơn vị"):
        transitions.fire(db.session, d, "resubmit", actor=f.user("xa.chuyenvien"))
    with pytest.raises(TransitionRejected, match="biên bản"):
        transitions.fire(db.session, d, "resubmit", actor=f.user("xa.chutich"))
    items = {i.key: i for i in checks.submission_checklist(db.session, d, utcnow(),
                                                            ("dossier_complete", "quota_respected", "eligibility_ok"))}
    assert not items["window"].enforced and not items["completeness"].ok
