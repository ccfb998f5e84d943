"""Segregation of levels: a commune's own office, board and chairman act on what the commune
decides (its Giấy khen), never on what the province decides for the commune's nominees (Bằng khen
tỉnh) or proposes upward (Bằng khen Thủ tướng): not in the workflow, the queue, the dashboard or
the notifications. The province's people still act on both."""
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
    assert "Bằng khen tỉnh của xã" in [d.title for d, _ in page.rows]
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
