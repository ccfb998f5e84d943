"""Admin: issuing authorities and signers, award forms, dated rule sets."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from awards.db import db
from awards.models import Authority, AwardForm, Decision, RuleCoefficient, RuleSet, Signer
from tests.factories import form, unit

from .admin_helpers import admin_client, audit_count, demo_ids, reading, snapshot  # noqa: F401


def authority_form(app, **over):
    with reading(app):
        unit_id = unit("SYT").id
    data = {"code": "GD-SYT", "name": "Giám đốc Sở Y tế", "unit_id": unit_id, "header_parent": "UBND TỈNH NINH BÌNH",
            "header_name": "SỞ Y TẾ", "place_name": "Ninh Bình", "doc_symbol": "QĐ-SYT", "proposal_symbol": "TTr-VP",
            "authority_title": "GIÁM ĐỐC SỞ Y TẾ TỈNH NINH BÌNH", "head_title": "GIÁM ĐỐC",
            "extra_legal_basis": "Căn cứ Quyết định số 1/2025/QĐ-UBND;", "proposer_title": "Chánh Văn phòng Sở",
            "executors": "Chánh Văn phòng Sở", "copy_recipients": "Như Điều 3;\nLưu: VT.", "archive_code": "VP",
            "fund_source": "Quỹ thi đua, khen thưởng của Sở", "active": "y"}
    data.update(over)
    return data


def test_create_and_edit_authority(app, admin_client):
    resp = admin_client.post("/admin/authorities/new", data=authority_form(app))
    assert resp.status_code == 302
    with reading(app) as s:
        a = s.scalar(sa.select(Authority).where(Authority.code == "GD-SYT"))
        assert a.header_lines == ["SỞ Y TẾ"] and a.doc_symbol == "QĐ-SYT" and a.head_title == "GIÁM ĐỐC"
        aid = a.id
    resp = admin_client.post(f"/admin/authorities/{aid}", data=authority_form(app, doc_symbol="QĐ-CTSYT"))
    assert resp.status_code == 302
    with reading(app):
        assert db.session.get(Authority, aid).doc_symbol == "QĐ-CTSYT"
    assert audit_count(app, "authority.create") == 1 and audit_count(app, "authority.update") == 1


def test_bad_authority_input_changes_nothing(app, admin_client):
    before = snapshot(app, Authority)
    cases = [
        (authority_form(app, code="CT-UBND-NB"), "Mã «CT-UBND-NB» đã được dùng"),
        (authority_form(app, doc_symbol="qđ ubnd"), "Ký hiệu viết hoa"),
        (authority_form(app, doc_symbol="QĐ-" + "A" * 40), "Tối đa 40 ký tự"),
        (authority_form(app, header_name="  "), "Vui lòng nhập tên cơ quan ban hành."),
        (authority_form(app, place_name=""), "Vui lòng nhập địa danh."),
        (authority_form(app, unit_id="9999"), "Lựa chọn không có trong danh sách"),
        (authority_form(app, authority_title="X" * 256), "Tối đa 255 ký tự"),
    ]
    for data, message in cases:
        resp = admin_client.post("/admin/authorities/new", data=data)
        assert resp.status_code == 400 and message in resp.get_data(as_text=True), (data, message)
    assert snapshot(app, Authority) == before


def test_signers_add_edit_and_single_head(app, admin_client):
    with reading(app) as s:
        aid = s.scalar(sa.select(Authority.id).where(Authority.code == "CT-UBND-NB"))
    # No account: chutich is already the account of the demo's Lê Thị Hồng Vân (one signer per account).
    data = {"full_name": "Đỗ Văn Bình", "position_title": "PHÓ CHỦ TỊCH", "position_order": "2", "user_id": "",
            "active": "y"}
    assert admin_client.post(f"/admin/authorities/{aid}/signers/new", data=data).status_code == 302
    before = snapshot(app, Signer)
    resp = admin_client.post(f"/admin/authorities/{aid}/signers/new", data=dict(data, is_head="y"))
    assert resp.status_code == 400 and "đã có người đứng đầu đang hoạt động (Trần Minh Khôi)" in resp.get_data(as_text=True)
    resp = admin_client.post(f"/admin/authorities/{aid}/signers/new", data=dict(data, position_order="abc"))
    assert resp.status_code == 400 and "Vui lòng nhập một số nguyên" in resp.get_data(as_text=True)
    resp = admin_client.post(f"/admin/authorities/{aid}/signers/new", data=dict(data, full_name=""))
    assert resp.status_code == 400 and "Vui lòng nhập họ và tên." in resp.get_data(as_text=True)
    assert snapshot(app, Signer) == before
    with reading(app) as s:
        sid = s.scalar(sa.select(Signer.id).where(Signer.full_name == "Đỗ Văn Bình"))
    resp = admin_client.post(f"/admin/signers/{sid}/edit", data=dict(data, position_title="PHÓ CHỦ TỊCH THƯỜNG TRỰC"))
    assert resp.status_code == 302
    with reading(app):
        signer = db.session.get(Signer, sid)
        assert signer.position_title == "PHÓ CHỦ TỊCH THƯỜNG TRỰC" and signer.authority_line == "KT. CHỦ TỊCH"
    assert audit_count(app, "signer.create") == 1 and audit_count(app, "signer.update") == 1
    html = admin_client.get(f"/admin/authorities/{aid}").get_data(as_text=True)
    assert "Đỗ Văn Bình" in html


# -- award forms ------------------------------------------------------------------------------------


def award_form_data(app, **over):
    with reading(app) as s:
        aid = s.scalar(sa.select(Authority.id).where(Authority.code == "CT-UBND-NB"))
    data = {"code": "GK-SYT", "name": "Giấy khen của Giám đốc Sở Y tế", "certificate_title": "GIẤY KHEN",
            "authority_id": aid, "workflow": "giay_khen_xa", "kinds": ["collective", "individual"], "rank": "20",
            "criteria": "Hoàn thành xuất sắc nhiệm vụ", "active": "y"}
    data.update(over)
    return data


def test_create_and_edit_award_form(app, admin_client):
    assert admin_client.post("/admin/award-forms/new", data=award_form_data(app)).status_code == 302
    with reading(app):
        f = form("GK-SYT")
        assert f.allowed_kinds == ["collective", "individual"] and f.workflow == "giay_khen_xa"
        fid = f.id
    resp = admin_client.post(f"/admin/award-forms/{fid}/edit",
                             data=award_form_data(app, kinds=["household"], workflow="bang_khen_tinh"))
    assert resp.status_code == 302
    with reading(app):
        assert form("GK-SYT").allowed_kinds == ["household"]
    page = admin_client.get(f"/admin/award-forms/{fid}/edit").get_data(as_text=True)
    checked = re.findall(r'<input (checked )?class="form-check-input" id="kinds-\d"[^>]*value="(\w+)"', page)
    assert checked == [("", "collective"), ("", "individual"), ("checked ", "household")]


def test_bad_award_form_input_changes_nothing(app, admin_client):
    before = snapshot(app, AwardForm)
    cases = [
        (award_form_data(app, kinds=[]), "Chọn ít nhất một đối tượng"),
        (award_form_data(app, kinds=["alien"]), "Có lựa chọn không có trong danh sách"),
        (award_form_data(app, workflow="khong_co"), "Lựa chọn không có trong danh sách"),
        (award_form_data(app, code="BK-TINH"), "Mã hình thức «BK-TINH» đã được dùng"),
        (award_form_data(app, certificate_title="B" * 81), "Tối đa 80 ký tự"),
        (award_form_data(app, authority_id=""), "Chọn cơ quan quyết định, hoặc đánh dấu"),
        (award_form_data(app, authority_id="", proposed_upward="y"), "Nhập tên cấp trên quyết định"),
        (award_form_data(app, name=""), "Vui lòng nhập tên hình thức."),
    ]
    for data, message in cases:
        resp = admin_client.post("/admin/award-forms/new", data=data)
        assert resp.status_code == 400 and message in resp.get_data(as_text=True), (data, message)
    assert snapshot(app, AwardForm) == before


# -- rule sets --------------------------------------------------------------------------------------


def test_rule_sets_list_shows_values_sources_and_needs_check(admin_client):
    html = admin_client.get("/admin/rule-sets").get_data(as_text=True)
    assert "2.530.000 đ" in html and "2.340.000 đ" in html
    assert "Nghị định 161/2026/NĐ-CP, Điều 3 khoản 2" in html
    assert html.count("Cần kiểm tra:") == 3


def test_rule_set_view_shows_amounts(app, admin_client):
    with reading(app) as s:
        rid = s.scalar(sa.select(RuleSet.id).where(RuleSet.valid_from == date(2026, 7, 1)))
    html = admin_client.get(f"/admin/rule-sets/{rid}").get_data(as_text=True)
    # Bằng khen tỉnh at 2.530.000: individual 3.800.000, collective 7.590.000, household 5.700.000.
    for amount in ("3.800.000 đ", "7.590.000 đ", "5.700.000 đ"):
        assert amount in html
    assert "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;" in html


def _prefilled_new_form(admin_client) -> dict:
    """The fields of the "new period" page as the browser would post them back."""
    import re
    from html import unescape

    html = admin_client.get("/admin/rule-sets/new").get_data(as_text=True)
    data = {m.group(1): unescape(m.group(2)) for m in re.finditer(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)}
    for m in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[m.group(1)] = unescape(m.group(2)).lstrip("\n")
    data.pop("csrf_token", None)
    return data


def test_add_rule_set_prefilled_closes_previous_period(app, admin_client):
    """Is the new period prefilled from the one in force, and does the open-ended period end the day before?"""
    data = _prefilled_new_form(admin_client)
    assert data["base_salary"] == "2530000"
    assert data["household_multiplier"] == "1.5"
    assert any(k.startswith("coef_") and v == "1.5" for k, v in data.items())
    data.update(name="Lương cơ sở 2027", valid_from="2027-03-01", base_salary="2.800.000")
    resp = admin_client.post("/admin/rule-sets/new", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    with reading(app) as s:
        sets = s.scalars(sa.select(RuleSet).order_by(RuleSet.valid_from)).all()
        assert len(sets) == 4
        assert sets[2].valid_to == date(2027, 2, 28)
        new = sets[3]
        assert (new.valid_from, new.valid_to, new.base_salary) == (date(2027, 3, 1), None, 2_800_000)
        assert len(new.coefficients) == len(sets[2].coefficients) == 8
    assert audit_count(app, "rule_set.create") == 1 and audit_count(app, "rule_set.close") == 1


def test_add_rule_set_bad_input_changes_nothing(app, admin_client):
    base = _prefilled_new_form(admin_client)
    before = snapshot(app, RuleSet), snapshot(app, RuleCoefficient)
    coef_key = next(k for k in base if k.startswith("coef_"))
    src_key = "src_" + coef_key[5:]
    cases = [
        (dict(base, valid_from="2026-10-01"), "Giai đoạn mới phải bắt đầu sau ngày 01/10/2026"),
        (dict(base, valid_from="2025-01-01"), "Giai đoạn mới phải bắt đầu sau ngày 01/10/2026"),
        (dict(base, valid_from="2027-02-29"), "không hợp lệ hoặc không tồn tại"),
        (dict(base, valid_from="2027-01-01", base_salary="-5"), "Mức lương cơ sở phải là số dương"),
        (dict(base, valid_from="2027-01-01", base_salary="abc"), "Vui lòng nhập một số nguyên"),
        (dict(base, valid_from="2027-01-01", household_multiplier="x"), "Vui lòng nhập một số, ví dụ 1,5."),
        (dict(base, valid_from="2027-01-01", legal_basis=" "), "Vui lòng nhập ít nhất một dòng căn cứ."),
        (dict(base, valid_from="2027-01-01", name="N" * 256), "Tối đa 255 ký tự"),
        (dict(base, valid_from="2027-01-01", **{src_key: ""}), "Vui lòng ghi nguồn"),
        (dict(base, valid_from="2027-01-01", **{coef_key: "1000"}), "Hệ số từ 0 đến 999,999."),
    ]
    for data, message in cases:
        resp = admin_client.post("/admin/rule-sets/new", data=data)
        assert resp.status_code == 400 and message in resp.get_data(as_text=True), (message,)
    assert (snapshot(app, RuleSet), snapshot(app, RuleCoefficient)) == before


def _edit_data(admin_client, rid) -> dict:
    import re
    from html import unescape

    html = admin_client.get(f"/admin/rule-sets/{rid}/edit").get_data(as_text=True)
    data = {m.group(1): unescape(m.group(2)) for m in re.finditer(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)}
    for m in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[m.group(1)] = unescape(m.group(2)).lstrip("\n")
    return data


def test_edit_rule_set_allowed_while_unused(app, admin_client):
    with reading(app) as s:
        rid = s.scalar(sa.select(RuleSet.id).where(RuleSet.valid_from == date(2026, 10, 1)))
    data = _edit_data(admin_client, rid)
    data.update(needs_check="", base_salary="2540000")
    assert admin_client.post(f"/admin/rule-sets/{rid}/edit", data=data).status_code == 302
    with reading(app):
        rs = db.session.get(RuleSet, rid)
        assert rs.base_salary == 2_540_000 and rs.needs_check is None
        assert rs.valid_from == date(2026, 10, 1)
    assert audit_count(app, "rule_set.update") == 1


def test_edit_refused_once_a_decision_uses_the_period(app, admin_client):
    """Values used by issued decisions never change: is editing refused, with adding offered instead?"""
    with reading(app) as s:
        rs = s.scalar(sa.select(RuleSet).where(RuleSet.valid_from == date(2026, 7, 1)))
        f = form("BK-TINH")
        s.add(Decision(authority_id=f.authority_id, award_form_id=f.id, title="Quyết định thử", rule_set_id=rs.id))
        s.commit()
        rid = rs.id
    data = _edit_data(admin_client, rid)  # the GET redirects; the posted data is forged from nothing
    before = snapshot(app, RuleSet), snapshot(app, RuleCoefficient)
    resp = admin_client.get(f"/admin/rule-sets/{rid}/edit")
    assert resp.status_code == 303
    page = admin_client.get(f"/admin/rule-sets/{rid}").get_data(as_text=True)
    assert "giá trị đã dùng cho các quyết định không bao giờ thay đổi" in page
    assert "/admin/rule-sets/new" in page and f"/admin/rule-sets/{rid}/edit" not in page
    resp = admin_client.post(f"/admin/rule-sets/{rid}/edit", data=dict(data, base_salary="9999999", name="Sửa"))
    assert resp.status_code == 303
    assert (snapshot(app, RuleSet), snapshot(app, RuleCoefficient)) == before
    assert audit_count(app, "rule_set.update") == 0


def test_edit_refused_once_locked(app, admin_client):
    with reading(app) as s:
        rid = s.scalar(sa.select(RuleSet.id).where(RuleSet.valid_from == date(2025, 7, 1)))
    data = _edit_data(admin_client, rid)
    assert admin_client.post(f"/admin/rule-sets/{rid}/lock").status_code == 302
    before = snapshot(app, RuleSet)
    resp = admin_client.post(f"/admin/rule-sets/{rid}/edit", data=dict(data, base_salary="1"), follow_redirects=True)
    assert "Giai đoạn này đã khóa" in resp.get_data(as_text=True)
    assert "Thêm giai đoạn mới" in resp.get_data(as_text=True)
    assert snapshot(app, RuleSet) == before
    assert audit_count(app, "rule_set.lock") == 1


def test_service_refuses_edit_of_used_period(app, demo_ids):
    """The service itself refuses, whatever the view does."""
    import pytest

    from awards.services import admin as svc

    with reading(app) as s:
        rs = s.scalar(sa.select(RuleSet).where(RuleSet.valid_from == date(2026, 7, 1)))
        f = form("BK-TINH")
        s.add(Decision(authority_id=f.authority_id, award_form_id=f.id, title="Quyết định", rule_set_id=rs.id))
        s.flush()
        values = {k: getattr(rs, k) for k in svc.RULE_SET_VALUE_FIELDS}
        with pytest.raises(svc.AdminError, match="không bao giờ thay đổi"):
            svc.update_rule_set(s, rs, actor=None, values=dict(values, base_salary=1), coefficients={})
        assert rs.base_salary == 2_530_000
        # Adding a period that starts before a decision dated inside the old period is refused too.
        last = s.scalar(sa.select(RuleSet).order_by(RuleSet.valid_from.desc()).limit(1))
        s.add(Decision(authority_id=f.authority_id, award_form_id=f.id, title="QĐ", rule_set_id=last.id,
                       decision_date=date(2027, 5, 1), state="draft"))
        s.flush()
        with pytest.raises(svc.AdminError, match="dùng giai đoạn"):
            svc.add_rule_set(s, actor=None, valid_from=date(2027, 4, 1), values=values,
                             coefficients={(f.id, "individual"): (Decimal("1.5"), "NĐ")})
        assert last.valid_to is None
