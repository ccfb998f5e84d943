"""Segregation of levels: a commune's own office, board and chairman act on what the commune
decides (its Giấy khen), never on what the province decides for the commune's nominees (Bằng khen
tỉnh) or proposes upward (Bằng khen Thủ tướng); the province's people act on those and not on the
commune's Giấy khen: in the workflow, the queue, the dashboard, the notifications and the decisions.
An admin assignment counts only province-wide."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from awards.db import db
from awards.models import Notification
from awards.services import transitions
from awards.services.review import QueueFilters, queue
from tests import factories as fx


def _dossier(form: str, state: str, title: str):
    d = fx.make_dossier("X-GIAVIEN", form, state=state, complete=True, title=title)
    fx.add_nominee(d, name="Đinh Thị Thu")
    db.session.commit()
    return d


def _allowed(username: str, d, transition: str) -> bool:
    opts = transitions.options(db.session, d, fx.user(username))
    return any(o.transition.name == transition and o.allowed for o in opts)


@pytest.fixture
def demo(ctx):
    fx.load_demo()


def test_commune_board_cannot_receive_a_provincial_dossier_of_its_own_commune(demo):
    province = _dossier("BK-TINH", "submitted", "Bằng khen tỉnh của xã")
    commune = _dossier("GK-XA", "submitted", "Giấy khen của xã")
    assert not _allowed("xa.vanphong", province, "receive")
    with pytest.raises(transitions.TransitionRejected):
        transitions.fire(db.session, province, "receive", actor=fx.user("xa.vanphong"))
    db.session.rollback()
    assert _allowed("xa.vanphong", commune, "receive")
    assert _allowed("tdkt.chuyenvien", province, "receive")
    # ... and the province's board does not do the commune's own Giấy khen work either.
    assert not _allowed("tdkt.chuyenvien", commune, "receive")


def test_commune_chairman_cannot_approve_or_sign_for_the_province(demo):
    approve = _dossier("BK-TINH", "chairman_review", "Chờ Chủ tịch tỉnh")
    upward = _dossier("BK-TTG", "signing", "Tờ trình lên Thủ tướng")
    for d, t in ((approve, "approve"), (upward, "sign_proposal")):
        assert not _allowed("xa.chutich", d, t), t
        assert _allowed("chutich", d, t), t
    with pytest.raises(transitions.TransitionRejected):
        transitions.fire(db.session, upward, "sign_proposal", actor=fx.user("xa.chutich"))
    db.session.rollback()


def test_queue_and_dashboard_show_only_the_level_one_decides(demo, client):
    _dossier("BK-TINH", "submitted", "Bằng khen tỉnh của xã")
    _dossier("GK-XA", "submitted", "Giấy khen của xã")
    page = queue(db.session, fx.user("xa.vanphong"), QueueFilters())
    assert [d.title for d, _ in page.rows] == ["Giấy khen của xã"]
    page = queue(db.session, fx.user("tdkt.chuyenvien"), QueueFilters())
    assert [d.title for d, _ in page.rows] == ["Bằng khen tỉnh của xã"]
    fx.login(client, "xa.vanphong")
    html = client.get("/review/").get_data(as_text=True)
    assert "Giấy khen của xã" in html and "Bằng khen tỉnh của xã" not in html
    html = client.get("/").get_data(as_text=True)
    assert "Giấy khen" in html and "Bằng khen của Chủ tịch" not in html


def test_notifications_go_to_the_deciding_board(demo):
    d = _dossier("BK-TINH", "draft", "Hồ sơ gửi tỉnh")
    d.state = "draft"
    db.session.commit()
    transitions.fire(db.session, d, "submit", actor=fx.user("xa.chutich"))
    db.session.commit()
    notified = set(db.session.scalars(
        sa.select(Notification.user_id).where(Notification.dossier_id == d.id)).all())
    assert fx.user("tdkt.chuyenvien").id in notified
    assert fx.user("xa.vanphong").id not in notified


def test_admin_is_province_wide_only(demo, app):
    """Administration covers users, units, rules and templates of the whole province: the admin
    role cannot be given with a commune as its scope, and such an assignment written straight
    into the database grants nothing."""
    from awards.models import RoleAssignment
    from awards.services import users as users_svc

    admin, clerk = fx.user("admin"), fx.user("xa.chuyenvien")
    with pytest.raises(users_svc.UserError, match="đơn vị cấp cao nhất"):
        users_svc.assign_role(db.session, clerk, actor=admin, role="admin", scope=fx.unit("X-GIAVIEN"))
    db.session.rollback()
    with pytest.raises(users_svc.UserError, match="đơn vị cấp cao nhất"):
        users_svc.parse_roles(db.session, ["admin:X-GIAVIEN"], fx.unit("X-GIAVIEN"))
    db.session.add(RoleAssignment(user_id=clerk.id, role="admin", scope_unit_id=fx.unit("X-GIAVIEN").id))
    syt = _dossier("BK-TINH", "submitted", "Hồ sơ của xã")
    syt.unit = fx.unit("SYT")
    db.session.commit()
    client = app.test_client()
    fx.login(client, "xa.chuyenvien")
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/users").status_code == 403
    assert client.get(f"/dossiers/{syt.id}").status_code == 404
    resp = client.post(f"/admin/users/{clerk.id}/roles", data={"role": "admin", "scope": fx.unit("NB").id})
    assert resp.status_code == 403
