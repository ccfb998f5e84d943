"""Admin: movements and indicators, rounds, quotas, extensions, calendar days, workflow diagrams."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from awards.models import (
    CalendarDay, Movement, MovementIndicator, Round, RoundExtension, RoundForm, RoundQuota,
)
from tests.factories import form, make_dossier, unit

from .admin_helpers import admin_client, audit_count, demo_ids, reading, snapshot  # noqa: F401


def movement_data(app, **over):
    with reading(app) as s:
        aid = s.scalar(sa.text("select id from authority where code='CT-UBND-NB'"))
    data = {"name": "Cả nước chung tay vì người nghèo", "period_label": "giai đoạn 2026 - 2030", "start_year": "2026",
            "end_year": "2030", "plan_number": "15/KH-UBND", "plan_date": "2026-03-02", "authority_id": aid,
            "description": "", "active": "y",
            "indicators-0-code": "money", "indicators-0-label": "Số tiền ủng hộ", "indicators-0-unit_label": "đồng",
            "indicators-1-code": "", "indicators-1-label": "", "indicators-1-unit_label": ""}
    data.update(over)
    return data


def test_create_movement_with_indicators(app, admin_client):
    resp = admin_client.post("/admin/movements/new", data=movement_data(app))
    assert resp.status_code == 302
    with reading(app) as s:
        mv = s.scalar(sa.select(Movement).where(Movement.plan_number == "15/KH-UBND"))
        assert [(i.code, i.unit_label) for i in mv.indicators] == [("money", "đồng")]
        assert mv.title == "“Cả nước chung tay vì người nghèo” giai đoạn 2026 - 2030"
    assert audit_count(app, "movement.create") == 1


def test_edit_movement_adds_and_removes_indicators(app, admin_client):
    with reading(app) as s:
        mv = s.scalar(sa.select(Movement))
        mid, name = mv.id, mv.name
        ids = {i.code: i.id for i in mv.indicators}
    data = movement_data(app, name=name, start_year="2021", end_year="2025", **{
        "indicators-0-id": ids["money"], "indicators-0-code": "money", "indicators-0-label": "Tiền ủng hộ (đồng)",
        "indicators-0-unit_label": "đồng",
        "indicators-1-id": ids["houses"], "indicators-1-code": "houses", "indicators-1-label": "Nhà",
        "indicators-1-unit_label": "căn", "indicators-1-remove": "y",
        "indicators-2-id": ids["households_out"], "indicators-2-code": "households_out",
        "indicators-2-label": "Hộ thoát nghèo", "indicators-2-unit_label": "hộ",
        "indicators-3-code": "volunteers", "indicators-3-label": "Số tình nguyện viên",
        "indicators-3-unit_label": "người"})
    resp = admin_client.post(f"/admin/movements/{mid}/edit", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    with reading(app) as s:
        rows = s.scalars(sa.select(MovementIndicator).where(MovementIndicator.movement_id == mid)
                         .order_by(MovementIndicator.position)).all()
        assert [(r.code, r.label) for r in rows] == [
            ("money", "Tiền ủng hộ (đồng)"), ("households_out", "Hộ thoát nghèo"), ("volunteers", "Số tình nguyện viên")]


def test_bad_movement_input_changes_nothing(app, admin_client):
    before = snapshot(app, Movement), snapshot(app, MovementIndicator)
    cases = [
        (movement_data(app, end_year="2020"), "Năm kết thúc không được trước năm bắt đầu."),
        (movement_data(app, start_year="hai nghìn"), "Vui lòng nhập một số nguyên"),
        (movement_data(app, name=""), "Vui lòng nhập tên phong trào."),
        (movement_data(app, period_label="g" * 81), "Tối đa 80 ký tự"),
        (movement_data(app, plan_date="2026-04-31"), "không hợp lệ hoặc không tồn tại"),
        (movement_data(app, authority_id="555"), "Lựa chọn không có trong danh sách"),
        (movement_data(app, **{"indicators-1-code": "money", "indicators-1-label": "Lặp",
                               "indicators-1-unit_label": "đồng"}), "Mã chỉ tiêu «money» bị trùng"),
        (movement_data(app, **{"indicators-1-code": "x"}), "Nhập tên chỉ tiêu."),
        (movement_data(app, **{"indicators-0-unit_label": "d" * 41}), "Tối đa 40 ký tự"),
    ]
    for data, message in cases:
        resp = admin_client.post("/admin/movements/new", data=data)
        assert resp.status_code == 400 and message in resp.get_data(as_text=True), (message,)
    assert (snapshot(app, Movement), snapshot(app, MovementIndicator)) == before


def round_data(app, **over):
    with reading(app):
        forms = [form("BK-TINH").id, form("GK-XA").id]
    data = {"name": "Sơ kết năm 2026", "kind": "interim", "opens_dt": "2026-11-02T07:30",
            "closes_dt": "2026-11-30T17:00", "status": "planned", "reminder_days": " 3, 7 ,1,3", "forms": forms,
            "criteria": "Thành tích tiêu biểu năm 2026"}
    data.update(over)
    return data


def test_create_round_converts_local_time_to_utc(app, admin_client):
    with reading(app) as s:
        mid = s.scalar(sa.select(Movement.id))
    resp = admin_client.post(f"/admin/movements/{mid}/rounds/new", data=round_data(app))
    assert resp.status_code == 302
    with reading(app) as s:
        rnd = s.scalar(sa.select(Round).where(Round.name == "Sơ kết năm 2026"))
        assert rnd.opens_dt == datetime(2026, 11, 2, 0, 30, tzinfo=timezone.utc)
        assert rnd.closes_dt == datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)
        assert rnd.reminder_days == "7,3,1"
        assert sorted(f.code for f in rnd.award_forms) == ["BK-TINH", "GK-XA"]
        rid = rnd.id
    page = admin_client.get(f"/admin/rounds/{rid}/edit").get_data(as_text=True)
    assert 'value="2026-11-02T07:30"' in page
    assert audit_count(app, "round.create") == 1


def test_bad_round_input_changes_nothing(app, admin_client):
    with reading(app) as s:
        mid = s.scalar(sa.select(Movement.id))
    before = snapshot(app, Round), snapshot(app, RoundForm)
    cases = [
        (round_data(app, closes_dt="2026-11-01T07:30"), "Hạn nộp phải sau thời điểm mở nhận hồ sơ."),
        (round_data(app, closes_dt="2026-11-02T07:30"), "Hạn nộp phải sau thời điểm mở nhận hồ sơ."),
        (round_data(app, opens_dt="2026-02-31T07:30"), "không hợp lệ"),
        (round_data(app, opens_dt=""), "Vui lòng nhập thời điểm mở."),
        (round_data(app, reminder_days="7;3"), "ví dụ 7,3,1"),
        (round_data(app, reminder_days="0,3"), "mỗi số từ 1 đến 365"),
        (round_data(app, reminder_days="400"), "mỗi số từ 1 đến 365"),
        (round_data(app, forms=[]), "Chọn ít nhất một hình thức khen thưởng cho đợt."),
        (round_data(app, forms=["999"]), "Có lựa chọn không có trong danh sách"),
        (round_data(app, status="finished"), "Lựa chọn không có trong danh sách"),
        (round_data(app, name="R" * 256), "Tối đa 255 ký tự"),
    ]
    for data, message in cases:
        resp = admin_client.post(f"/admin/movements/{mid}/rounds/new", data=data)
        assert resp.status_code == 400 and message in resp.get_data(as_text=True), (message,)
    assert (snapshot(app, Round), snapshot(app, RoundForm)) == before


def test_removing_a_form_with_dossiers_from_a_round_is_refused(app, admin_client):
    with reading(app) as s:
        make_dossier("X-GIAVIEN", "BK-TINH")
        s.commit()
        rnd = s.scalar(sa.select(Round))
        rid = rnd.id
        gk = form("GK-XA").id
    before = snapshot(app, RoundForm)
    resp = admin_client.post(f"/admin/rounds/{rid}/edit", data=round_data(app, forms=[gk]))
    assert resp.status_code == 400 and "đã có 1 hồ sơ đề nghị hình thức đó" in resp.get_data(as_text=True)
    assert snapshot(app, RoundForm) == before


def test_quota_table_saves_and_rejects_bad_cells(app, admin_client):
    with reading(app) as s:
        rid = s.scalar(sa.select(Round.id))
        syt, gv, bk, gk = unit("SYT").id, unit("X-GIAVIEN").id, form("BK-TINH").id, form("GK-XA").id
    page = admin_client.get(f"/admin/rounds/{rid}/quotas").get_data(as_text=True)
    assert f'name="q-{syt}-{bk}" value="4"' in page
    before = snapshot(app, RoundQuota)
    resp = admin_client.post(f"/admin/rounds/{rid}/quotas", data={f"q-{syt}-{bk}": "5", f"q-{gv}-{gk}": "-1"})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Có 1 ô không hợp lệ; chưa lưu gì." in html and "Nhập số nguyên từ 0 đến 100000" in html
    assert snapshot(app, RoundQuota) == before
    resp = admin_client.post(f"/admin/rounds/{rid}/quotas", data={f"q-{syt}-{bk}": "", f"q-{gv}-{gk}": "2",
                                                                  f"q-{gv}-{bk}": "6"})
    assert resp.status_code == 302
    with reading(app) as s:
        q = {(r.unit_id, r.award_form_id): r.max_count
             for r in s.scalars(sa.select(RoundQuota).where(RoundQuota.round_id == rid))}
        assert (syt, bk) not in q and q[(gv, gk)] == 2 and q[(gv, bk)] == 6
    # A form not eligible in the round cannot get a quota.
    before = snapshot(app, RoundQuota)
    with reading(app):
        hc = form("HCLD-3").id
    resp = admin_client.post(f"/admin/rounds/{rid}/quotas", data={f"q-{gv}-{hc}": "1"})
    assert resp.status_code == 400 and "Chỉ tiêu chỉ đặt cho các hình thức" in resp.get_data(as_text=True)
    assert snapshot(app, RoundQuota) == before
    assert audit_count(app, "round.quotas") == 1


def test_extension_per_unit_with_reason(app, admin_client):
    with reading(app) as s:
        rnd = s.scalar(sa.select(Round))
        rid, gv = rnd.id, unit("X-GIAVIEN").id
        local_close = rnd.closes_dt.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh"))
    before = snapshot(app, RoundExtension)
    early = local_close.strftime("%Y-%m-%dT%H:%M")
    resp = admin_client.post(f"/admin/rounds/{rid}/extensions", data={"unit_id": gv, "closes_dt": early,
                                                                       "reason": "Mưa bão"})
    assert resp.status_code == 400 and "Hạn gia hạn phải sau hạn nộp chung của đợt." in resp.get_data(as_text=True)
    resp = admin_client.post(f"/admin/rounds/{rid}/extensions", data={"unit_id": gv, "closes_dt": "2099-01-05T17:00",
                                                                       "reason": ""})
    assert resp.status_code == 400 and "Vui lòng ghi lý do gia hạn." in resp.get_data(as_text=True)
    resp = admin_client.post(f"/admin/rounds/{rid}/extensions", data={"unit_id": gv, "closes_dt": "2099-01-05T17:00",
                                                                       "reason": "r" * 501})
    assert resp.status_code == 400 and "Tối đa 500 ký tự" in resp.get_data(as_text=True)
    assert snapshot(app, RoundExtension) == before
    resp = admin_client.post(f"/admin/rounds/{rid}/extensions", data={"unit_id": gv, "closes_dt": "2099-01-05T17:00",
                                                                       "reason": "Xã bị ảnh hưởng bởi bão số 3"})
    assert resp.status_code == 302
    with reading(app) as s:
        ext = s.scalar(sa.select(RoundExtension))
        assert ext.closes_dt == datetime(2099, 1, 5, 10, 0, tzinfo=timezone.utc)
        eid = ext.id
    assert "Xã bị ảnh hưởng bởi bão số 3" in admin_client.get(f"/admin/rounds/{rid}").get_data(as_text=True)
    assert admin_client.post(f"/admin/extensions/{eid}/remove").status_code == 302
    assert snapshot(app, RoundExtension) == []
    assert audit_count(app, "round.extension") == 1 and audit_count(app, "round.extension_remove") == 1


def test_calendar_days_add_and_remove(app, admin_client):
    resp = admin_client.post("/admin/calendar", data={"day": "2027-02-08", "kind": "day_off", "note": "Nghỉ Tết"})
    assert resp.status_code == 302
    resp = admin_client.post("/admin/calendar", data={"day": "2027-02-20", "kind": "working_day",
                                                      "note": "Làm bù thứ Bảy"})
    assert resp.status_code == 302
    before = snapshot(app, CalendarDay)
    cases = [
        ({"day": "2027-02-08", "kind": "day_off", "note": "Lặp"}, "Ngày 08/02/2027 đã có trong lịch"),
        ({"day": "2027-02-29", "kind": "day_off", "note": "x"}, "không hợp lệ hoặc không tồn tại"),
        ({"day": "2027-03-01", "kind": "day_off", "note": ""}, "Vui lòng ghi chú lý do."),
        ({"day": "2027-03-01", "kind": "day_off", "note": "n" * 256}, "Tối đa 255 ký tự"),
        ({"day": "2027-03-01", "kind": "working_day", "note": "Thứ Hai"}, "ngày làm việc bù phải là thứ Bảy hoặc Chủ nhật"),
        ({"day": "2027-03-01", "kind": "holiday", "note": "x"}, "Lựa chọn không có trong danh sách"),
    ]
    for data, message in cases:
        resp = admin_client.post("/admin/calendar", data=data)
        assert resp.status_code == 400 and message in resp.get_data(as_text=True), (message,)
    assert snapshot(app, CalendarDay) == before
    with reading(app) as s:
        did = s.scalar(sa.select(CalendarDay.id).where(CalendarDay.kind == "day_off"))
    assert admin_client.post(f"/admin/calendar/{did}/remove").status_code == 302
    with reading(app) as s:
        assert [d.kind for d in s.scalars(sa.select(CalendarDay))] == ["working_day"]
    assert audit_count(app, "calendar.add") == 2 and audit_count(app, "calendar.remove") == 1


def test_calendar_day_counts_in_working_day_limits(app, admin_client):
    """Does a day off added here change the working-day arithmetic used for stage limits?"""
    from awards.rules.calendar import add_working_days

    start = datetime(2027, 3, 1, 2, 0, tzinfo=timezone.utc)  # Monday morning in Việt Nam
    with reading(app) as s:
        without = add_working_days(s, start, 2)
    assert admin_client.post("/admin/calendar", data={"day": "2027-03-02", "kind": "day_off",
                                                      "note": "Nghỉ bù"}).status_code == 302
    with reading(app) as s:
        assert add_working_days(s, start, 2) > without


def test_workflow_page_shows_diagram_and_tables(app, admin_client):
    html = admin_client.get("/admin/workflows").get_data(as_text=True)
    with app.app_context():
        from awards.workflow import get_workflows

        wfs = get_workflows()
    for name, wf in wfs.items():
        assert f'src="/admin/workflows/{name}.svg"' in html
        for state in wf.states.values():
            assert state.label in html
        for t in wf.transitions:
            assert f"<code>{t.name}</code>" in html
    assert "Người chịu trách nhiệm" in html and "Biểu quyết" in html
    resp = admin_client.get("/admin/workflows/bang_khen_tinh.svg")
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
    body = resp.get_data(as_text=True)
    assert body.startswith("<svg") and "<script" not in body
    assert "Đang thẩm định" in body
    assert "default-src 'none'" in resp.headers["Content-Security-Policy"]


def test_indicator_with_reported_values_cannot_be_removed(app, admin_client):
    """Is an indicator that nominations already reported on kept, with a clear message?"""
    from decimal import Decimal

    from awards.models import NomineeIndicatorValue
    from tests.factories import add_nominee

    with reading(app) as s:
        mv = s.scalar(sa.select(Movement))
        mid, name = mv.id, mv.name
        ids = {i.code: i.id for i in mv.indicators}
        n = add_nominee(make_dossier("X-GIAVIEN", "BK-TINH"))
        s.add(NomineeIndicatorValue(nominee=n, indicator_id=ids["money"], value=Decimal("5000000")))
        s.commit()
    before = snapshot(app, MovementIndicator), snapshot(app, Movement)
    data = movement_data(app, name=f"{name} (sửa)", start_year="2021", end_year="2025", **{
        "indicators-0-id": ids["money"], "indicators-0-code": "money", "indicators-0-label": "Tiền",
        "indicators-0-unit_label": "đồng", "indicators-0-remove": "y"})
    resp = admin_client.post(f"/admin/movements/{mid}/edit", data=data)
    assert resp.status_code == 400
    assert "đã có hồ sơ khai báo số liệu cho chỉ tiêu này" in resp.get_data(as_text=True)
    assert (snapshot(app, MovementIndicator), snapshot(app, Movement)) == before
