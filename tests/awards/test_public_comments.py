"""The public comment page of upward proposals (công khai lấy ý kiến): only open windows are listed,
nothing personal beyond the list; comments are validated, stored with time and address, audited,
refused once the window has closed, shown to the board, counted when the window closes; CSRF and
the per-address rate limit hold."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
import time_machine

from awards import create_app, jobs
from awards.db import db
from awards.extensions import limiter
from awards.models import AuditEvent, Dossier, Notification, PublicComment, User
from config import TestConfig
from tests import factories as f

NOW = datetime(2026, 11, 18, 3, 0, tzinfo=timezone.utc)
XSS = '<script>alert("x")</script>'


def _posted(unit="X-GIAVIEN", closes=NOW + timedelta(days=5), state="public_comment", **kw):
    d = f.make_dossier(unit, "BK-TTG", state=state, posting_closes_dt=closes, **kw)
    n = f.add_nominee(d, name="Phạm Thị Hoa", citizen_id="037186009876", birth_year=1986, gender="female",
                      outcome="eligible", position_title="Giáo viên", workplace="Trường Tiểu học Gia Hòa")
    h = f.add_nominee(d, kind="household", name="Đinh Văn Lộc", citizen_id="037170001111", outcome="eligible")
    f.add_nominee(d, name="Trần Văn Loại", outcome="ineligible", outcome_reason="Hội đồng không thông qua")
    return d, n, h


@pytest.fixture
def world(ctx):
    f.load_demo()
    open_d, n, h = _posted(title="Hồ sơ Thủ tướng Gia Viễn")
    closed, _, _ = _posted("SYT", closes=NOW - timedelta(hours=1), title="Hồ sơ đã hết hạn lấy ý kiến")
    f.add_nominee(closed, name="Người Đã Đóng", outcome="eligible")
    council = f.make_dossier("SYT", "BK-TTG", state="council", title="Hồ sơ chưa công khai")
    f.add_nominee(council, name="Người Chưa Công Khai", outcome="eligible")
    db.session.commit()
    return {"open": open_d.id, "nominee": n.id, "household": h.id, "closed": closed.id, "council": council.id}


def _post(client, dossier_id, environ_base=None, **data):
    body = {f"d{dossier_id}-{k}": v for k, v in data.items()}
    return client.post(f"/registry/public-comments/{dossier_id}", data=body, environ_base=environ_base or {})


def _count(model=PublicComment):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@time_machine.travel(NOW, tick=False)
def test_the_page_lists_only_open_windows_without_citizen_ids(client, world):
    resp = client.get("/registry/public-comments")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    for text in ("Hồ sơ Thủ tướng Gia Viễn", "Phạm Thị Hoa", "Đinh Văn Lộc", "Bằng khen của Thủ tướng Chính phủ",
                 "Ủy ban nhân dân xã Gia Viễn", "Giáo viên, Trường Tiểu học Gia Hòa", "Thôn Tập Ninh, xã Gia Viễn", "23/11/2026"):
        assert text in html, text
    for text in ("Hồ sơ đã hết hạn lấy ý kiến", "Người Đã Đóng", "Người Chưa Công Khai", "Trần Văn Loại",
                 "037186009876", "037170001111", "1986"):
        assert text not in html, text
    # nobody logged in, and the page is linked from the verification and login pages
    assert 'href="/registry/public-comments"' in client.get("/registry/verify").get_data(as_text=True)
    assert 'href="/registry/public-comments"' in client.get("/auth/login").get_data(as_text=True)


@time_machine.travel(NOW, tick=False)
def test_a_comment_is_stored_audited_and_shown_to_the_board_escaped(app, client, world):
    resp = _post(client, world["open"], nominee_id=str(world["nominee"]), commenter_name=f"Nguyễn {XSS}",
                 contact=" 0912.345.678 ", body=f"Bà Hoa chưa hoàn thành nhiệm vụ năm 2025. {XSS}",
                 environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/registry/public-comments#d%d" % world["open"])
    c = db.session.scalars(sa.select(PublicComment)).one()
    assert (c.dossier_id, c.nominee_id, c.contact, c.created_dt) == (world["open"], world["nominee"], "0912345678", NOW)
    assert c.commenter_name == f"Nguyễn {XSS}" and c.ip
    ev = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "public_comment.create")).one()
    assert (ev.object_type, ev.object_id, ev.details["comment_id"], ev.actor_id) == ("dossier", world["open"], c.id, None)
    # a comment on the whole list, with an e-mail address
    assert _post(client, world["open"], nominee_id="", commenter_name="Lê Thị Mai", contact="mai@example.vn",
                 body="Đồng ý với danh sách.").status_code == 302
    board = f.signed_in(app, "tdkt.chuyenvien")
    html = board.get(f"/review/{world['open']}").get_data(as_text=True)
    assert "Ý kiến góp ý công khai (2)" in html
    assert "Bà Hoa chưa hoàn thành nhiệm vụ năm 2025." in html and "0912345678" in html and "mai@example.vn" in html
    assert XSS not in html and "&lt;script&gt;alert(" in html
    assert "cả danh sách" in html


def test_the_window_s_end_counts_the_comments_in_the_notification(world):
    db.session.add(PublicComment(dossier_id=world["closed"], commenter_name="A", body="Ý kiến", created_dt=NOW))
    db.session.commit()
    out = jobs.run_job("posting_windows", now=NOW)
    assert out.ok, out.error
    lead = db.session.scalar(sa.select(User).where(User.username == "tdkt.truongphong"))
    bodies = db.session.scalars(sa.select(Notification.body).where(Notification.user_id == lead.id)).all()
    assert any("Ý kiến góp ý công khai nhận được: 1" in b for b in bodies), bodies


@pytest.mark.parametrize("data, message", [
    ({"commenter_name": "", "body": "Có ý kiến"}, "Vui lòng nhập họ và tên người góp ý."),
    ({"commenter_name": "Lê Mai", "body": "   "}, "Vui lòng nhập nội dung ý kiến."),
    ({"commenter_name": "Lê Mai", "body": "x" * 2001}, "Nội dung ý kiến dài quá 2000 ký tự."),
    ({"commenter_name": "Lê Mai", "body": "Có", "contact": "12345"}, "Số điện thoại hoặc thư điện tử không hợp lệ"),
    ({"commenter_name": "Lê Mai", "body": "Có", "contact": "mai@@example"}, "Số điện thoại hoặc thư điện tử không hợp lệ"),
])
@time_machine.travel(NOW, tick=False)
def test_bad_input_is_explained_in_vietnamese_and_nothing_is_saved(client, world, data, message):
    resp = _post(client, world["open"], **data)
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True)
    assert _count() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "public_comment.create")) == 0


@time_machine.travel(NOW, tick=False)
def test_a_nominee_not_on_the_list_or_an_unposted_dossier_is_refused(client, world):
    from awards.models import Nominee
    other = db.session.scalar(sa.select(Nominee.id).where(Nominee.name == "Trần Văn Loại",
                                                            Nominee.dossier_id == world["open"]))
    resp = _post(client, world["open"], nominee_id=str(other), commenter_name="A", body="B")
    assert resp.status_code == 409 and "không có trong danh sách" in resp.get_data(as_text=True)
    assert _post(client, world["council"], commenter_name="A", body="B").status_code == 404
    assert _post(client, 999_999, commenter_name="A", body="B").status_code == 404
    assert _count() == 0


def test_comments_are_refused_once_the_window_has_closed(client, world):
    closes = db.session.get(Dossier, world["open"]).posting_closes_dt
    with time_machine.travel(closes - timedelta(seconds=1), tick=False):
        assert _post(client, world["open"], commenter_name="A", body="Kịp giờ").status_code == 302
    with time_machine.travel(closes, tick=False):
        resp = _post(client, world["open"], commenter_name="A", body="Muộn", contact="sai")
        html = resp.get_data(as_text=True)
        assert resp.status_code == 409
        assert "đã kết thúc (ngày 23/11/2026)" in html and "không được ghi nhận" in html
        assert "Hồ sơ Thủ tướng Gia Viễn" not in html  # no longer listed
    resp = _post(client, world["closed"], commenter_name="A", body="Muộn")
    assert resp.status_code == 409
    assert [c.body for c in db.session.scalars(sa.select(PublicComment))] == ["Kịp giờ"]


def _app(database_url, **settings):
    cfg = TestConfig()
    cfg.DATABASE_URL = database_url
    for k, v in settings.items():
        setattr(cfg, k, v)
    return create_app(cfg)


def test_csrf_is_required_and_the_rate_limit_is_per_address(database_url, world):
    was_enabled = limiter.enabled
    app = _app(database_url, WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True, PUBLIC_COMMENT_RATE_LIMIT="2 per minute")
    try:
        client = app.test_client()
        env = {"REMOTE_ADDR": "10.9.9.9"}
        with time_machine.travel(NOW, tick=False):
            page = client.get("/registry/public-comments", environ_base=env).get_data(as_text=True)
            token = re.search(rf'id="d{world["open"]}-csrf_token" name="d{world["open"]}-csrf_token" type="hidden" '
                              r'value="([^"]+)"', page).group(1)
            resp = _post(client, world["open"], commenter_name="A", body="Không có mã",
                         environ_base={"REMOTE_ADDR": "10.9.9.8"})
            assert resp.status_code == 400 and "Phiên làm việc đã hết hạn" in resp.get_data(as_text=True)
            assert _post(client, world["open"], commenter_name="A", body="Có mã", csrf_token=token,
                         environ_base=env).status_code == 302
            assert _post(client, world["open"], commenter_name="A", body="Lần hai", csrf_token=token,
                         environ_base=env).status_code == 302
            resp = _post(client, world["open"], commenter_name="A", body="Lần ba", csrf_token=token, environ_base=env)
            assert resp.status_code == 429 and "quá nhiều lần" in resp.get_data(as_text=True)
            other = {"REMOTE_ADDR": "10.9.9.10"}
            client.get("/registry/public-comments", environ_base=other)
            assert _post(client, world["open"], commenter_name="B", body="Địa chỉ khác", csrf_token=token,
                         environ_base=other).status_code == 302
        with app.app_context():
            assert [c.body for c in db.session.scalars(sa.select(PublicComment).order_by(PublicComment.id))] == \
                ["Có mã", "Lần hai", "Địa chỉ khác"]
    finally:
        with app.app_context():
            db.engine.dispose()
        limiter.enabled = was_enabled
