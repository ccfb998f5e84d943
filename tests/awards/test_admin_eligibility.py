"""Admin: eligibility rules (điều kiện xét khen thưởng) — list, create, edit, end, and their effect on
the submission checklist of awards.rules.checks."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from awards.db import db
from awards.models import AuditEvent, Dossier, EligibilityRule, utcnow
from awards.rules import checks
from tests import factories as f

from .admin_helpers import admin_client, audit_count, count, demo_ids, reading, snapshot  # noqa: F401

NEW = "/admin/eligibility-rules/new"


def ids(app) -> dict[str, int]:
    with reading(app):
        return {"bk": f.form("BK-TINH").id, "hcld": f.form("HCLD-3").id, "round": f.demo_round().id}


def rule_data(app, **over) -> dict:
    data = {"award_form_id": ids(app)["bk"], "round_id": "", "valid_from": "01/01/2020", "valid_to": "",
            "allow_posthumous": "y", "no_repeat_in_round": "y", "min_household_contribution": "",
            "source": "Quyết định số 25/2025/QĐ-UBND"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def eligibility_problems(app, dossier_id: int) -> list[str]:
    with reading(app) as s:
        d = s.get(Dossier, dossier_id)
        items = {i.key: i for i in checks.submission_checklist(s, d, utcnow())}
        return items["eligibility"].problems


def make_posthumous_dossier(app) -> int:
    with app.app_context():
        d = f.make_dossier(nominees=0, complete=True)
        f.add_nominee(d, name="Trần Văn Liệt", posthumous=True)
        db.session.commit()
        return d.id


def rule_id(app, *where) -> int:
    with reading(app) as s:
        return s.scalar(sa.select(EligibilityRule.id).where(*where).order_by(EligibilityRule.id.desc()).limit(1))


def test_rule_created_on_the_page_changes_the_checklist(app, admin_client):
    """Does a rule made through the page (no posthumous awards) show up in the dossier's checklist,
    does a round-specific rule override it, and does ending it restore the default?"""
    did = make_posthumous_dossier(app)
    assert eligibility_problems(app, did) == []

    resp = admin_client.post(NEW, data=rule_data(app, allow_posthumous=None))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    problem = "«Trần Văn Liệt»: hình thức «Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh» không xét truy tặng."
    assert eligibility_problems(app, did) == [problem]
    wide = rule_id(app, EligibilityRule.round_id.is_(None))
    with reading(app) as s:
        r = s.get(EligibilityRule, wide)
        assert (r.allow_posthumous, r.no_repeat_in_round, r.require_report, r.valid_to) == (False, True, False, None)
        assert r.source == "Quyết định số 25/2025/QĐ-UBND"

    # A rule for this round wins over the form-wide one (same form, same period is not an overlap).
    resp = admin_client.post(NEW, data=rule_data(app, round_id=ids(app)["round"]))
    assert resp.status_code == 302
    assert eligibility_problems(app, did) == []
    round_rule = rule_id(app, EligibilityRule.round_id.is_not(None))
    resp = admin_client.post(f"/admin/eligibility-rules/{round_rule}/end", data={"valid_to": "31/12/2020"})
    assert resp.status_code == 302
    assert eligibility_problems(app, did) == [problem]

    # Ending the form-wide rule in the past brings back the default (posthumous allowed).
    resp = admin_client.post(f"/admin/eligibility-rules/{wide}/end", data={"valid_to": "2020-12-31"})
    assert resp.status_code == 302
    assert eligibility_problems(app, did) == []
    assert audit_count(app, "eligibility_rule.create") == 2 and audit_count(app, "eligibility_rule.end") == 2
    with reading(app) as s:
        ev = s.scalar(sa.select(AuditEvent).where(AuditEvent.action == "eligibility_rule.end",
                                                  AuditEvent.object_id == wide))
        assert ev.details == {"valid_to": [None, "2020-12-31"]} and ev.actor_name == "admin"


def test_edit_require_report_and_minimum(app, admin_client):
    """Does editing a rule change what the checklist demands (report required, household minimum)?"""
    with app.app_context():
        d = f.make_dossier(nominees=0, complete=True)
        f.add_nominee(d, kind="household", name="Lê Thị Hộ", contribution_value=30_000_000)
        db.session.commit()
        did = d.id
    assert admin_client.post(NEW, data=rule_data(app)).status_code == 302
    rid = rule_id(app)
    assert eligibility_problems(app, did) == []
    resp = admin_client.post(f"/admin/eligibility-rules/{rid}/edit",
                             data=rule_data(app, min_household_contribution="40.000.000", require_report="y"))
    assert resp.status_code == 302
    assert eligibility_problems(app, did) == [
        "«Lê Thị Hộ»: giá trị đóng góp 30.000.000 đồng chưa đạt mức tối thiểu 40.000.000 đồng."]
    with reading(app) as s:
        items = {i.key: i for i in checks.submission_checklist(s, s.get(Dossier, did), utcnow())}
        assert any("Chưa có báo cáo thành tích" in p and "Lê Thị Hộ" in p for p in items["completeness"].problems)
        ev = s.scalar(sa.select(AuditEvent).where(AuditEvent.action == "eligibility_rule.update"))
        assert ev.details == {"require_report": [False, True], "min_household_contribution": [None, 40_000_000]}


def test_list_shows_every_setting(app, admin_client):
    """Does the list show form, round or «mọi đợt», the period and each setting?"""
    assert "Chưa có điều kiện nào" in admin_client.get("/admin/eligibility-rules").get_data(as_text=True)
    admin_client.post(NEW, data=rule_data(app, valid_to="31/12/2020", allow_posthumous=None,
                                          min_household_contribution="20000000"))
    admin_client.post(NEW, data=rule_data(app, round_id=ids(app)["round"], valid_from="01/01/2021",
                                          no_repeat_in_round=None, require_report="y"))
    html = admin_client.get("/admin/eligibility-rules").get_data(as_text=True)
    assert html.count("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh") == 2
    assert "mọi đợt" in html and "Tổng kết giai đoạn 2021 - 2025" in html
    assert "01/01/2020 – 31/12/2020" in html and "01/01/2021 – nay" in html
    assert "đã hết hạn" in html and "đang áp dụng" in html
    assert "20.000.000 đ" in html and "theo giai đoạn" in html
    assert "bắt buộc" in html and "cho phép" in html and "không cho phép" in html
    index = admin_client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/eligibility-rules"' in index


def test_pages_render_and_unknown_ids_are_404(app, admin_client):
    admin_client.post(NEW, data=rule_data(app))
    rid = rule_id(app)
    for url in (NEW, f"/admin/eligibility-rules/{rid}/edit", f"/admin/eligibility-rules/{rid}/end"):
        assert admin_client.get(url).status_code == 200, url
    for url in ("/admin/eligibility-rules/99999/edit", "/admin/eligibility-rules/99999/end"):
        assert admin_client.get(url).status_code == 404, url


def test_bad_input_changes_nothing(app, admin_client):
    """Is every bad or refused rule answered with 400 and a Vietnamese message, the database unchanged?"""
    i = ids(app)
    assert admin_client.post(NEW, data=rule_data(app, valid_to="31/12/2024")).status_code == 302
    before, audits = snapshot(app, EligibilityRule), count(app, AuditEvent)
    overlap = ("Thời gian áp dụng trùng với quy định đã có của «Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh» "
               "cho mọi đợt (01/01/2020 – 31/12/2024)")
    cases = [
        (rule_data(app, valid_from="01/01/2025", valid_to="31/12/2024"),
         "Ngày kết thúc không được trước ngày bắt đầu áp dụng (01/01/2025)."),
        (rule_data(app, award_form_id=i["hcld"], round_id=i["round"]),
         "Đợt «Tổng kết giai đoạn 2021 - 2025» không có hình thức «Huân chương Lao động hạng Ba»"),
        (rule_data(app, valid_from="01/06/2024"), overlap),
        (rule_data(app, valid_from="01/01/2019", valid_to="01/01/2020"), overlap),
        (rule_data(app, valid_from="01/01/2025", min_household_contribution="-1"),
         "Mức đóng góp tối thiểu là số nguyên không âm, tính bằng đồng"),
        (rule_data(app, valid_from="01/01/2025", min_household_contribution="1,5"), "Vui lòng nhập một số nguyên"),
        (rule_data(app, valid_from="31/02/2025"), "Ngày «31/02/2025» không hợp lệ hoặc không tồn tại"),
        (rule_data(app, valid_from=""), "Vui lòng nhập ngày bắt đầu áp dụng."),
        (rule_data(app, award_form_id=""), "Vui lòng chọn hình thức khen thưởng."),
        (rule_data(app, award_form_id="99999"), "Lựa chọn không có trong danh sách"),
        (rule_data(app, valid_from="01/01/2025", source="X" * 256), "Tối đa 255 ký tự"),
    ]
    for data, message in cases:
        resp = admin_client.post(NEW, data=data)
        assert resp.status_code == 400 and message in resp.get_data(as_text=True), (data, message)
    assert snapshot(app, EligibilityRule) == before and count(app, AuditEvent) == audits

    # Edit and end are checked the same way.
    assert admin_client.post(NEW, data=rule_data(app, valid_from="01/01/2025")).status_code == 302
    first, second = rule_id(app, EligibilityRule.valid_from == date(2020, 1, 1)), rule_id(app)
    before, audits = snapshot(app, EligibilityRule), count(app, AuditEvent)
    refused = [
        (f"/admin/eligibility-rules/{second}/edit", rule_data(app, valid_from="01/12/2024"), overlap),
        (f"/admin/eligibility-rules/{first}/end", {"valid_to": "01/01/2025"}, "trùng với quy định đã có"),
        (f"/admin/eligibility-rules/{first}/end", {"valid_to": "31/12/2019"},
         "Ngày kết thúc (31/12/2019) không được trước ngày bắt đầu áp dụng (01/01/2020)."),
        (f"/admin/eligibility-rules/{first}/end", {"valid_to": ""}, "Vui lòng nhập ngày kết thúc."),
    ]
    for url, data, message in refused:
        resp = admin_client.post(url, data=data)
        assert resp.status_code == 400 and message in resp.get_data(as_text=True), (url, data, message)
    assert snapshot(app, EligibilityRule) == before and count(app, AuditEvent) == audits


def test_list_page_uses_a_bounded_number_of_queries(app, admin_client, count_queries):
    """Does the list cost the same number of queries with many more rules (no N+1)?"""
    i = ids(app)
    admin_client.post(NEW, data=rule_data(app, round_id=i["round"]))
    with count_queries() as before:
        assert admin_client.get("/admin/eligibility-rules").status_code == 200
    with app.app_context():
        for year in range(2000, 2015):
            db.session.add(EligibilityRule(award_form_id=i["bk" if year % 2 else "hcld"], valid_from=date(year, 1, 1),
                                           valid_to=date(year, 12, 31),
                                           round_id=i["round"] if year % 2 else None))
        db.session.commit()
    with count_queries() as after:
        html = admin_client.get("/admin/eligibility-rules").get_data(as_text=True)
    assert html.count("/edit") == 16
    assert after["count"] == before["count"], after["statements"]
