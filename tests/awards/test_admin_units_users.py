"""Admin: the unit tree (create, edit, move, retire, merge) and users with roles and passwords."""
from __future__ import annotations

import sqlalchemy as sa

from awards.models import AuditEvent, RoleAssignment, Unit, User
from tests.factories import login, unit, user

from .admin_helpers import admin_client, audit_count, count, demo_ids, reading, snapshot  # noqa: F401

GOOD_PASSWORD = "Mật-khẩu-đủ-dài-2026"


def unit_form(**over):
    data = {"code": "X-MOI", "name": "Ủy ban nhân dân xã Mới", "short_name": "Xã Mới", "kind": "commune",
            "parent_id": "", "address": "", "head_title": "Chủ tịch", "valid_from": "2026-01-01"}
    data.update(over)
    return data


def _id(app, code):
    with reading(app):
        return unit(code).id


# -- units ------------------------------------------------------------------------------------------


def test_unit_tree_shows_nesting_and_retired_successor(app, admin_client):
    """Does the tree nest units and show a merged unit greyed with its successor?"""
    nb = _id(app, "NB")
    resp = admin_client.post(f"/admin/units/{_id(app, 'X-NHOQUAN')}/merge",
                             data={"successor_id": _id(app, "X-GIAVIEN"), "valid_to": "2026-06-30"})
    assert resp.status_code == 302
    html = admin_client.get("/admin/units").get_data(as_text=True)
    assert '<span class="retired"><strong>Ủy ban nhân dân xã Nho Quan</strong></span>' in html
    assert "kế thừa: Ủy ban nhân dân xã Gia Viễn" in html
    # Sở Nội vụ's office is inside the Sở's list item, which is inside the province's.
    province = html.index("Ủy ban nhân dân tỉnh Ninh Bình</strong>")
    dept = html.index("Sở Nội vụ tỉnh Ninh Bình</strong>")
    office = html.index("Phòng Thi đua, khen thưởng - Sở Nội vụ</strong>")
    assert province < dept < office
    assert html[dept:office].count("<ul>") == 1
    assert nb


def test_create_unit_under_parent_is_audited(app, admin_client):
    """Does creating a unit set its path under the parent and write an audit event?"""
    snv = _id(app, "SNV")
    resp = admin_client.post("/admin/units/new", data=unit_form(code="SNV-VP", name="Văn phòng Sở", kind="office",
                                                                  parent_id=snv))
    assert resp.status_code == 302
    with reading(app):
        u = unit("SNV-VP")
        assert u.parent_id == snv and u.path == f"{unit('SNV').path}{u.id}/"
    assert audit_count(app, "unit.create") == 1


def test_text_input_is_stripped_and_nfc_normalised(app, admin_client):
    """Is a name typed with combining diacritics stored in NFC, without surrounding spaces?"""
    decomposed = "U\u0309y ban nha\u0302n da\u0302n xa\u0303 Mo\u031b\u0301i"  # "Ủy ban nhân dân xã Mới" decomposed
    assert admin_client.post("/admin/units/new", data=unit_form(name=f"  {decomposed}  ")).status_code == 302
    with reading(app):
        assert unit("X-MOI").name == "Ủy ban nhân dân xã Mới"


def test_bad_unit_input_changes_nothing(app, admin_client):
    """Do empty, over-long, impossible, unknown and duplicate inputs each give a Vietnamese message
    and leave the unit table unchanged?"""
    before = snapshot(app, Unit)
    cases = [
        (unit_form(name=""), "Vui lòng nhập tên đơn vị."),
        (unit_form(name="   "), "Vui lòng nhập tên đơn vị."),
        (unit_form(code=""), "Vui lòng nhập mã đơn vị."),
        (unit_form(name="x" * 256), "Tối đa 255 ký tự (hiện có 256 ký tự)"),
        (unit_form(code="C" * 33), "Tối đa 32 ký tự"),
        (unit_form(short_name="y" * 121), "Tối đa 120 ký tự"),
        (unit_form(valid_from="2026-02-31"), "không hợp lệ hoặc không tồn tại"),
        (unit_form(valid_from="31/02/2026"), "không hợp lệ hoặc không tồn tại"),
        (unit_form(valid_from=""), "Vui lòng nhập ngày bắt đầu hoạt động."),
        (unit_form(parent_id="99999"), "Lựa chọn không có trong danh sách"),
        (unit_form(parent_id="abc"), "Lựa chọn không hợp lệ"),
        (unit_form(kind="planet"), "Lựa chọn không có trong danh sách"),
        (unit_form(code="X-GIAVIEN"), "Mã đơn vị «X-GIAVIEN» đã được dùng"),
        (unit_form(code="có dấu cách"), "không có dấu cách"),
    ]
    for data, message in cases:
        resp = admin_client.post("/admin/units/new", data=data)
        assert resp.status_code == 400, data
        assert message in resp.get_data(as_text=True), (data, message)
    assert snapshot(app, Unit) == before
    assert audit_count(app, "unit.create") == 0


def test_move_unit_under_own_descendant_is_refused(app, admin_client):
    """Is moving Sở Nội vụ under its own office refused with the UnitError message, nothing changed?"""
    snv, office = _id(app, "SNV"), _id(app, "SNV-TDKT")
    before = snapshot(app, Unit)
    data = unit_form(code="SNV", name="Sở Nội vụ (đổi tên)", kind="department", parent_id=office,
                     valid_from="2025-07-01")
    resp = admin_client.post(f"/admin/units/{snv}/edit", data=data)
    assert resp.status_code == 400
    assert "đơn vị không thể nằm dưới chính nó hoặc dưới một đơn vị trực thuộc của nó" in resp.get_data(as_text=True)
    assert snapshot(app, Unit) == before
    # Under itself is not even offered... but a forged post is refused the same way.
    resp = admin_client.post(f"/admin/units/{snv}/edit", data=dict(data, parent_id=snv))
    assert resp.status_code == 400 and "không thể nằm dưới chính nó" in resp.get_data(as_text=True)
    assert snapshot(app, Unit) == before
    assert audit_count(app, "unit.update") == 0 and audit_count(app, "unit.move") == 0


def test_move_unit_updates_descendant_paths(app, admin_client):
    """Does moving a unit under another parent rewrite its and its children's paths?"""
    snv, syt = _id(app, "SNV"), _id(app, "SYT")
    resp = admin_client.post(f"/admin/units/{snv}/edit", data=unit_form(
        code="SNV", name="Sở Nội vụ tỉnh Ninh Bình", kind="department", parent_id=syt, valid_from="2025-07-01"))
    assert resp.status_code == 302
    with reading(app):
        moved, child = unit("SNV"), unit("SNV-TDKT")
        assert moved.parent_id == syt
        assert moved.path == f"{unit('SYT').path}{moved.id}/"
        assert child.path == f"{moved.path}{child.id}/"
    assert audit_count(app, "unit.move") == 1


def test_retire_unit_and_bad_dates(app, admin_client):
    """Is a leaf unit retired with a date, and is a date before valid_from refused?"""
    hoi = _id(app, "HOI-CTD")
    before = snapshot(app, Unit)
    resp = admin_client.post(f"/admin/units/{hoi}/retire", data={"valid_to": "2024-01-01"})
    assert resp.status_code == 400
    assert "Ngày ngừng hoạt động phải sau ngày bắt đầu hoạt động" in resp.get_data(as_text=True)
    resp = admin_client.post(f"/admin/units/{hoi}/retire", data={"valid_to": "2026-02-30"})
    assert resp.status_code == 400 and "không tồn tại" in resp.get_data(as_text=True)
    assert snapshot(app, Unit) == before
    assert admin_client.post(f"/admin/units/{hoi}/retire", data={"valid_to": "2026-12-31"}).status_code == 302
    with reading(app):
        assert unit("HOI-CTD").valid_to.isoformat() == "2026-12-31"


def test_retire_unit_with_active_children_is_refused(app, admin_client):
    """Must a unit with active children be merged instead of simply retired?"""
    before = snapshot(app, Unit)
    resp = admin_client.post(f"/admin/units/{_id(app, 'SNV')}/retire", data={"valid_to": "2026-12-31"})
    assert resp.status_code == 400
    assert "đơn vị trực thuộc đang hoạt động" in resp.get_data(as_text=True)
    assert snapshot(app, Unit) == before


def test_merge_moves_children_and_users(app, admin_client):
    """Does merging move children and users to the successor and keep the old unit as history?"""
    snv, syt = _id(app, "SNV"), _id(app, "SYT")
    resp = admin_client.post(f"/admin/units/{snv}/merge", data={"successor_id": syt, "valid_to": "2026-06-30"})
    assert resp.status_code == 302
    with reading(app):
        old = unit("SNV")
        assert old.valid_to.isoformat() == "2026-06-30" and old.successor_id == syt
        assert unit("SNV-TDKT").parent_id == syt
        assert user("admin").unit_id == syt
    assert audit_count(app, "unit.merge") == 1


def test_merge_into_own_descendant_is_refused(app, admin_client):
    before = snapshot(app, Unit)
    resp = admin_client.post(f"/admin/units/{_id(app, 'SNV')}/merge",
                             data={"successor_id": _id(app, "SNV-TDKT"), "valid_to": "2026-06-30"})
    assert resp.status_code == 400
    assert "không trực thuộc đơn vị bị sáp nhập" in resp.get_data(as_text=True)
    assert snapshot(app, Unit) == before


# -- users ------------------------------------------------------------------------------------------


def user_form(**over):
    data = {"username": "nguoi.moi", "full_name": "Trần Thị Mới", "email": "moi@ninhbinh.gov.vn", "position": "",
            "unit_id": "", "active": "y", "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD, "role": "",
            "scope_unit_id": ""}
    data.update(over)
    return data


def test_users_list_shows_unit_roles_and_scopes(admin_client):
    html = admin_client.get("/admin/users").get_data(as_text=True)
    assert "tdkt.truongphong" in html
    assert "Lãnh đạo Phòng Thi đua - Khen thưởng — UBND tỉnh" in html
    assert "Thư ký Hội đồng — UBND tỉnh" in html
    assert "Phòng TĐKT" in html


def test_create_user_with_role_then_log_in(app, admin_client):
    """Can the admin create a user with a first role, and can that user log in?"""
    resp = admin_client.post("/admin/users/new", data=user_form(
        username="  Nguoi.Moi ", unit_id=_id(app, "SYT"), role="unit_clerk", scope_unit_id=""))
    assert resp.status_code == 302
    with reading(app):
        u = user("nguoi.moi")
        assert u.unit.code == "SYT"
        assert [(r.role, r.scope_unit.code) for r in u.roles] == [("unit_clerk", "SYT")]
    assert audit_count(app, "user.create") == 1
    assert login(app.test_client(), "nguoi.moi", GOOD_PASSWORD).status_code == 302


def test_bad_user_input_changes_nothing(app, admin_client):
    syt = _id(app, "SYT")
    before_users, before_roles = snapshot(app, User), snapshot(app, RoleAssignment)
    cases = [
        (user_form(unit_id=syt, username="admin"), "Tên đăng nhập «admin» đã tồn tại."),
        (user_form(unit_id=syt, username="ADMIN "), "Tên đăng nhập «admin» đã tồn tại."),
        (user_form(unit_id=syt, full_name=""), "Vui lòng nhập họ và tên."),
        (user_form(unit_id=syt, full_name="a" * 121), "Tối đa 120 ký tự"),
        (user_form(unit_id=syt, username="u" * 65), "Tối đa 64 ký tự"),
        (user_form(unit_id=syt, username="có dấu"), "Tên đăng nhập chỉ gồm"),
        (user_form(unit_id=syt, email="khong-phai-email"), "Địa chỉ thư điện tử không hợp lệ"),
        (user_form(unit_id=""), "Vui lòng chọn đơn vị."),
        (user_form(unit_id="4242"), "Lựa chọn không có trong danh sách"),
        (user_form(unit_id=syt, password="ngan", confirm="ngan"), "Mật khẩu phải có ít nhất 12 ký tự."),
        (user_form(unit_id=syt, password="nguoi.moi-123456", confirm="nguoi.moi-123456"),
         "Mật khẩu không được chứa tên đăng nhập."),
        (user_form(unit_id=syt, confirm="khác-hẳn-mật-khẩu"), "Hai mật khẩu không khớp nhau."),
        (user_form(unit_id=syt, role="emperor"), "Lựa chọn không có trong danh sách"),
    ]
    for data, message in cases:
        resp = admin_client.post("/admin/users/new", data=data)
        assert resp.status_code == 400, data
        assert message in resp.get_data(as_text=True), (data, message)
    assert snapshot(app, User) == before_users and snapshot(app, RoleAssignment) == before_roles


def _uid(app, username):
    with reading(app):
        return user(username).id


def test_edit_user_and_deactivate_ends_sessions(app, admin_client):
    """Does deactivating a user log that user out (the session stops working)?"""
    victim = app.test_client()
    assert login(victim, "syt.chuyenvien").status_code == 302
    assert victim.get("/auth/password").status_code == 200
    uid = _uid(app, "syt.chuyenvien")
    resp = admin_client.post(f"/admin/users/{uid}", data={
        "full_name": "Trương Minh Đức", "email": "duc@syt.gov.vn", "position": "Chuyên viên",
        "unit_id": _id(app, "SYT")})  # no "active": unchecked
    assert resp.status_code == 302
    with reading(app):
        u = user("syt.chuyenvien")
        assert (u.active, u.email, u.position) == (False, "duc@syt.gov.vn", "Chuyên viên")
    assert victim.get("/auth/password").status_code == 302
    with reading(app) as s:
        ev = s.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.update"))
        assert ev.details["active"] == [True, False]


def test_admin_cannot_lock_self(app, admin_client):
    uid = _uid(app, "admin")
    before = snapshot(app, User)
    resp = admin_client.post(f"/admin/users/{uid}", data={"full_name": "Nguyễn Quản Trị", "unit_id": _id(app, "SNV")})
    assert resp.status_code == 400 and "Bạn không thể tự khóa tài khoản" in resp.get_data(as_text=True)
    assert snapshot(app, User) == before


def test_assign_and_remove_roles(app, admin_client):
    uid = _uid(app, "syt.chuyenvien")
    resp = admin_client.post(f"/admin/users/{uid}/roles", data={"role": "unit_head", "scope_unit_id": _id(app, "SYT")})
    assert resp.status_code == 302
    # The same assignment twice is refused; an unknown scope too.
    before = snapshot(app, RoleAssignment)
    resp = admin_client.post(f"/admin/users/{uid}/roles", data={"role": "unit_head", "scope_unit_id": _id(app, "SYT")})
    assert resp.status_code == 400 and "đã có vai trò này" in resp.get_data(as_text=True)
    resp = admin_client.post(f"/admin/users/{uid}/roles", data={"role": "unit_head", "scope_unit_id": "777"})
    assert resp.status_code == 400 and "Lựa chọn không có trong danh sách" in resp.get_data(as_text=True)
    assert snapshot(app, RoleAssignment) == before
    with reading(app):
        ra = [r for r in user("syt.chuyenvien").roles if r.role == "unit_head"][0]
        rid = ra.id
    assert admin_client.post(f"/admin/users/{uid}/roles/{rid}/remove").status_code == 302
    with reading(app):
        assert [r.role for r in user("syt.chuyenvien").roles] == ["unit_clerk"]
    assert audit_count(app, "user.role_add") == 1 and audit_count(app, "user.role_remove") == 1
    # A role of another user cannot be removed through this user's URL.
    with reading(app):
        other = user("syt.giamdoc").roles[0].id
    assert admin_client.post(f"/admin/users/{uid}/roles/{other}/remove").status_code == 404


def test_reset_password_ends_that_users_sessions(app, admin_client):
    """Does a password reset bump session_version so that the user's open session ends?"""
    victim = app.test_client()
    assert login(victim, "vanthu").status_code == 302
    uid = _uid(app, "vanthu")
    with reading(app):
        version = user("vanthu").session_version
    resp = admin_client.post(f"/admin/users/{uid}/password", data={"password": "ngan", "confirm": "ngan"})
    assert resp.status_code == 400 and "Mật khẩu phải có ít nhất 12 ký tự." in resp.get_data(as_text=True)
    with reading(app):
        assert user("vanthu").session_version == version
    resp = admin_client.post(f"/admin/users/{uid}/password", data={"password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD})
    assert resp.status_code == 302
    with reading(app):
        assert user("vanthu").session_version == version + 1
    assert victim.get("/auth/password").status_code == 302
    assert login(app.test_client(), "vanthu", GOOD_PASSWORD).status_code == 302
    assert audit_count(app, "user.password_reset") == 1
    assert count(app, User) == 11
