"""In-app notifications: the workflow "notify" effect after commit, the list page, the navbar
badge, mark as read (POST with CSRF), the admin jobs page."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from awards import create_app
from awards.db import db
from awards.models import JobStatus, Notification, OutboxMessage, OutboxStatus
from awards.services import notifications as svc
from awards.services.transitions import fire
from config import TestConfig
from tests import factories as f


@pytest.fixture
def demo(ctx):
    f.load_demo(today=date(2026, 11, 2))


def notes(username: str) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(Notification.user_id == f.user(username).id)
                                   .order_by(Notification.id)))


def test_notify_effect_runs_after_commit_only(demo):
    # The commune's head submits a Bằng khen tỉnh dossier: the province's board specialist, who
    # receives it, is told after commit; the commune's own office is not (it decides Giấy khen only).
    d = f.make_dossier("X-GIAVIEN", state="draft", complete=True)
    f.add_nominee(d)
    db.session.commit()
    fire(db.session, d, "submit", actor=f.user("xa.chutich"), now=datetime(2026, 11, 10, 3, tzinfo=timezone.utc))
    assert notes("tdkt.chuyenvien") == []  # nothing before commit
    db.session.commit()
    [n] = notes("tdkt.chuyenvien")
    assert n.kind == "workflow" and "Đã trình" in n.title and n.link == f"/dossiers/{d.id}"
    assert notes("xa.vanphong") == [] and notes("xa.chutich") == []  # the actor is not told about himself
    # the e-mail is queued with it, not sent
    msg = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.notification_id == n.id)).one()
    assert msg.status == "queued" and msg.to_addr == f.user("tdkt.chuyenvien").email


def test_rolled_back_transition_notifies_nobody(demo):
    d = f.make_dossier("X-GIAVIEN", state="submitted")
    db.session.commit()
    fire(db.session, d, "receive", actor=f.user("tdkt.chuyenvien"))
    db.session.rollback()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0


def test_return_notifies_the_units_clerks_with_the_reason(demo):
    d = f.make_dossier("X-GIAVIEN", state="appraising")
    db.session.commit()
    fire(db.session, d, "return_to_unit", actor=f.user("tdkt.chuyenvien"), comment="Thiếu biên bản họp Hội đồng.")
    db.session.commit()
    [n] = notes("xa.chuyenvien")
    assert "Trả lại đơn vị" in n.title and "Lý do trả lại: Thiếu biên bản họp Hội đồng." in n.body
    assert notes("syt.chuyenvien") == []  # another unit's clerk


def test_the_outcome_is_told_to_the_unit_that_proposed(demo):
    """A rejection (final) reaches the proposing unit's clerk and head with the reason."""
    d = f.make_dossier("X-GIAVIEN", state="appraising")
    db.session.commit()
    fire(db.session, d, "reject", actor=f.user("tdkt.truongphong"), comment="Không đủ tiêu chuẩn theo quy chế.")
    db.session.commit()
    for username in ("xa.chuyenvien", "xa.chutich"):
        [n] = notes(username)
        assert "Lý do: Không đủ tiêu chuẩn theo quy chế." in n.body, username
    assert notes("syt.chuyenvien") == [] and notes("tdkt.truongphong") == []


def test_users_covering_follows_role_scopes(demo):
    names = {u.username for u in svc.users_covering(db.session, ["board_specialist"], f.unit("X-GIAVIEN"))}
    assert names == {"tdkt.chuyenvien", "xa.vanphong"}
    names = {u.username for u in svc.users_covering(db.session, ["board_specialist"], f.unit("SYT"))}
    assert names == {"tdkt.chuyenvien"}


def _add(username: str, n: int) -> None:
    u = f.user(username)
    for i in range(n):
        svc.notify(db.session, [u], kind="workflow", title=f"Thông báo {i}", body="Dòng 1\nDòng 2",
                   link="/dossiers/1", email=False)
    db.session.commit()


def test_badge_list_and_mark_read(client, demo):
    _add("xa.chuyenvien", 3)
    f.login(client, "xa.chuyenvien")
    page = client.get("/notifications/").get_data(as_text=True)
    assert 'data-unread="3"' in page and "Thông báo 2" in page and "Dòng 1<br>Dòng 2" in page
    nid = notes("xa.chuyenvien")[0].id
    resp = client.post(f"/notifications/{nid}/read", data={"next": "/notifications/"})
    assert resp.status_code == 302
    assert 'data-unread="2"' in client.get("/notifications/").get_data(as_text=True)
    resp = client.post(f"/notifications/{notes('xa.chuyenvien')[1].id}/read", data={"open": "1"})
    assert resp.headers["Location"] == "/dossiers/1"
    client.post("/notifications/read-all")
    page = client.get("/notifications/").get_data(as_text=True)
    assert "data-unread" not in page
    db.session.expire_all()
    assert all(n.read_dt is not None for n in notes("xa.chuyenvien"))


def test_someone_elses_notification_is_404(client, demo):
    _add("xa.chuyenvien", 1)
    nid = notes("xa.chuyenvien")[0].id
    f.login(client, "syt.chuyenvien")
    assert client.post(f"/notifications/{nid}/read").status_code == 404
    db.session.expire_all()
    assert notes("xa.chuyenvien")[0].read_dt is None


def test_open_never_redirects_outside(client, demo):
    u = f.user("xa.chuyenvien")
    svc.notify(db.session, [u], kind="workflow", title="x", link="//evil.example/", email=False)
    db.session.commit()
    f.login(client, "xa.chuyenvien")
    resp = client.post(f"/notifications/{notes('xa.chuyenvien')[0].id}/read", data={"open": "1"})
    assert resp.headers["Location"] == "/notifications/"


def test_mark_read_needs_the_csrf_token(database_url, demo):
    cfg = TestConfig()
    cfg.DATABASE_URL = database_url
    cfg.WTF_CSRF_ENABLED = True
    app = create_app(cfg)
    _add("xa.chuyenvien", 2)
    c = app.test_client()
    login_page = c.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    c.post("/auth/login", data={"username": "xa.chuyenvien", "password": f.DEMO_PASSWORD, "csrf_token": token})
    page = c.get("/notifications/").get_data(as_text=True)
    assert 'data-unread="2"' in page
    assert c.post("/notifications/read-all").status_code == 400
    db.session.expire_all()
    assert all(n.read_dt is None for n in notes("xa.chuyenvien"))
    db.session.rollback()  # SQLite: end the read transaction (BEGIN IMMEDIATE) before the app writes
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert c.post("/notifications/read-all", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert all(n.read_dt is not None for n in notes("xa.chuyenvien"))
    with app.app_context():
        db.engine.dispose()


def test_list_page_query_count_does_not_grow(client, demo, count_queries):
    f.login(client, "xa.chuyenvien")
    _add("xa.chuyenvien", 3)
    client.get("/notifications/")  # same warm state (loaded user) before each measured request
    with count_queries() as small:
        assert client.get("/notifications/").status_code == 200
    _add("xa.chuyenvien", 27)
    client.get("/notifications/")
    with count_queries() as large:
        assert client.get("/notifications/").status_code == 200
    assert large["count"] == small["count"] <= 6, (small["statements"], large["statements"])


def test_jobs_page_is_for_admins_and_says_smtp_is_missing(client, demo):
    _add("xa.chuyenvien", 0)
    u = f.user("xa.chuyenvien")
    svc.notify(db.session, [u], kind="workflow", title="Có thư", body="...")
    db.session.add(JobStatus(job="round_windows", last_error="RuntimeError: hỏng", runs=3, failures=1,
                             last_run_dt=svc.utcnow(), last_error_dt=svc.utcnow()))
    db.session.commit()
    f.login(client, "tdkt.chuyenvien")
    assert client.get("/notifications/jobs").status_code == 403
    client.post("/auth/logout")
    f.login(client, "admin")
    page = client.get("/notifications/jobs").get_data(as_text=True)
    assert "Chưa cấu hình máy chủ gửi thư (SMTP_HOST)" in page
    assert "Có 1 thư đang chờ" in page
    assert "Mở, đóng đợt nhận hồ sơ" in page and "RuntimeError: hỏng" in page
    assert "Gửi thư điện tử trong hàng đợi" in page


def test_admin_requeues_failed_messages(client, demo):
    u = f.user("xa.chuyenvien")
    svc.notify(db.session, [u], kind="workflow", title="Có thư")
    db.session.execute(sa.update(OutboxMessage).values(status=OutboxStatus.failed.value, attempts=8,
                                                       last_error="SMTPDataError: 554"))
    db.session.commit()
    f.login(client, "admin")
    assert "SMTPDataError: 554" in client.get("/notifications/jobs").get_data(as_text=True)
    client.post("/notifications/jobs/requeue-failed")
    db.session.expire_all()
    msg = db.session.scalars(sa.select(OutboxMessage)).one()
    assert (msg.status, msg.attempts) == ("queued", 0)
