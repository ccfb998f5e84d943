"""Login, logout, throttling, password change, log out everywhere, fresh login, rehash."""
from __future__ import annotations

import pytest

from awards import create_app
from awards.db import db
from awards.models import AuditEvent, User
from awards.services import passwords
from config import Config, TestConfig
from tests import factories as f


@pytest.fixture
def demo(ctx):
    f.load_demo()


def test_login_page_says_dang_nhap(client):
    resp = client.get("/auth/login")
    assert resp.status_code == 200
    assert "Đăng nhập" in resp.get_data(as_text=True)


def test_anonymous_is_sent_to_login(client):
    resp = client.get("/")
    assert resp.status_code == 302
    assert "/auth/login" in resp.headers["Location"]


def test_login_and_logout(client, demo):
    resp = f.login(client, "tdkt.chuyenvien")
    assert resp.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Vũ Thị Lan Anh" in page
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/").status_code == 302
    actions = [a for (a,) in db.session.query(AuditEvent.action).order_by(AuditEvent.id)]
    assert "login" in actions and "logout" in actions


def test_wrong_password_is_refused_and_audited(client, demo):
    resp = f.login(client, "tdkt.chuyenvien", "wrong password!!")
    assert resp.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in resp.get_data(as_text=True)
    assert db.session.query(AuditEvent).filter_by(action="login_failed").count() == 1


def test_unknown_user_gets_same_message(client, demo):
    resp = f.login(client, "nobody", "whatever-password")
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in resp.get_data(as_text=True)


def test_inactive_user_cannot_log_in(client, demo):
    u = f.user("vanthu")
    u.active = False
    db.session.commit()
    resp = f.login(client, "vanthu")
    assert "Tài khoản đã bị khóa" in resp.get_data(as_text=True)


def test_login_is_throttled_with_vietnamese_message(database_url, request):
    cfg = TestConfig()
    cfg.DATABASE_URL = database_url
    cfg.RATELIMIT_ENABLED = True
    cfg.LOGIN_RATE_LIMIT = "3 per 15 minutes"
    app = create_app(cfg)
    from awards.extensions import limiter

    request.addfinalizer(lambda: setattr(limiter, "enabled", False))  # the limiter object is shared
    with app.app_context():
        f.load_demo()
    client = app.test_client()
    for _ in range(3):
        assert f.login(client, "vanthu", "wrong-password-x").status_code == 200
    resp = f.login(client, "vanthu", "wrong-password-x")
    assert resp.status_code == 429
    assert "quá nhiều lần" in resp.get_data(as_text=True)
    # the account is throttled even from another address
    other = app.test_client()
    resp = other.post("/auth/login", data={"username": "vanthu", "password": "x" * 12},
                      environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert resp.status_code == 429
    with app.app_context():
        db.engine.dispose()


def test_password_change_ends_other_sessions(app, demo):
    a, b = app.test_client(), app.test_client()
    f.login(a, "vanthu")
    f.login(b, "vanthu")
    resp = a.post("/auth/password", data={"current": f.DEMO_PASSWORD, "new": "a-much-better-passphrase",
                                          "confirm": "a-much-better-passphrase"})
    assert resp.status_code == 302
    assert a.get("/").status_code == 200          # this session was renewed
    assert b.get("/").status_code == 302          # the other one is gone
    assert f.login(app.test_client(), "vanthu", "a-much-better-passphrase").status_code == 302


@pytest.mark.parametrize("new,confirm,message", [
    ("short", "short", "ít nhất 12 ký tự"),
    ("a-much-better-passphrase", "different-passphrase!", "không khớp"),
    ("vanthu-is-my-password", "vanthu-is-my-password", "không được chứa tên đăng nhập"),
])
def test_weak_password_change_is_refused(client, demo, new, confirm, message):
    f.login(client, "vanthu")
    resp = client.post("/auth/password", data={"current": f.DEMO_PASSWORD, "new": new, "confirm": confirm})
    assert message in resp.get_data(as_text=True)
    db.session.expire_all()
    assert passwords.verify_password(f.user("vanthu").password_hash, f.DEMO_PASSWORD)


def test_logout_everywhere(app, demo):
    a, b = app.test_client(), app.test_client()
    f.login(a, "chutich")
    f.login(b, "chutich")
    assert a.post("/auth/logout-everywhere").status_code == 302
    assert b.get("/").status_code == 302


def test_rehash_on_login_when_parameters_change(client, demo):
    old = f.user("vanthu").password_hash
    passwords.configure_hasher(memory_kib=16, time_cost=2, parallelism=1)
    try:
        f.login(client, "vanthu")
        db.session.expire_all()
        new = f.user("vanthu").password_hash
        assert new != old and "m=16,t=2" in new
        assert db.session.query(AuditEvent).filter_by(action="password_rehashed").count() == 1
    finally:
        passwords.configure_hasher(memory_kib=8, time_cost=1, parallelism=1)


def test_production_hashes_are_argon2id_above_owasp_minimum():
    cfg = Config()  # production parameters
    assert cfg.ARGON2_MEMORY_KIB >= 19 * 1024 and cfg.ARGON2_TIME_COST >= 2
    passwords.configure_hasher(memory_kib=cfg.ARGON2_MEMORY_KIB, time_cost=cfg.ARGON2_TIME_COST,
                               parallelism=cfg.ARGON2_PARALLELISM)
    try:
        h = passwords.hash_password("correct horse battery")
        assert h.startswith("$argon2id$")
        assert passwords.verify_password(h, "correct horse battery")
        assert not passwords.verify_password(h, "wrong")
    finally:
        passwords.configure_hasher(memory_kib=8, time_cost=1, parallelism=1)


def test_open_redirect_is_refused(client, demo):
    resp = client.post("/auth/login?next=https://evil.example/", data={"username": "vanthu",
                                                                       "password": f.DEMO_PASSWORD})
    assert resp.headers["Location"] == "/"


def test_user_id_carries_session_version(ctx, demo):
    u: User = f.user("vanthu")
    assert u.get_id() == f"{u.id}:{u.session_version}"


def test_fresh_login_after_a_post_returns_to_the_form_page(app, demo):
    """Approve/number are POST-only: after the password the person lands on the page with the button."""
    from datetime import timedelta

    client = app.test_client()
    f.login(client, "chutich")
    with client.session_transaction() as s:
        s["fresh_at"] = s["fresh_at"] - timedelta(hours=1).total_seconds()
    resp = client.post("/decisions/1/approve", data={"version": 1}, headers={"Referer": "http://localhost/decisions/1"})
    assert resp.status_code == 302 and "/auth/reauthenticate" in resp.headers["Location"]
    assert resp.headers["Location"].endswith("next=/decisions/1")
    back = client.post(resp.headers["Location"], data={"password": f.DEMO_PASSWORD})
    assert back.status_code == 302 and back.headers["Location"] == "/decisions/1"


def test_a_password_set_by_an_administrator_must_be_changed_at_next_login(app, demo):
    from awards.services import users as users_svc

    users_svc.reset_password(db.session, f.user("vanthu"), actor=f.user("admin"), password="temporary-pass-2026",
                             min_length=12)
    db.session.commit()
    c = app.test_client()
    resp = f.login(c, "vanthu", "temporary-pass-2026")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/auth/password")
    for path in ("/", "/review/", "/decisions/"):
        resp = c.get(path)
        assert resp.status_code == 302 and resp.headers["Location"].endswith("/auth/password"), path
    page = c.get("/auth/password").get_data(as_text=True)
    assert "do quản trị viên đặt lại" in page
    resp = c.post("/auth/password", data={"current": "temporary-pass-2026", "new": "my-own-passphrase-26",
                                          "confirm": "my-own-passphrase-26"})
    assert resp.status_code == 302
    assert c.get("/").status_code == 200
    # once the user chose their own password, the next login goes straight in
    other = app.test_client()
    resp = f.login(other, "vanthu", "my-own-passphrase-26")
    assert resp.status_code == 302 and not resp.headers["Location"].endswith("/auth/password")
    assert other.get("/").status_code == 200


def test_own_password_and_an_admin_resetting_their_own_are_not_forced(app, demo):
    from awards.services import accounts
    from awards.services import users as users_svc

    admin = f.user("admin")
    users_svc.reset_password(db.session, admin, actor=admin, password="my-own-keeper-2026", min_length=12)
    db.session.commit()
    assert not accounts.must_change_password(db.session, admin)
    assert not accounts.must_change_password(db.session, f.user("vanthu"))  # never reset
    c = app.test_client()
    resp = f.login(c, "admin", "my-own-keeper-2026")
    assert resp.status_code == 302 and not resp.headers["Location"].endswith("/auth/password")
    assert c.get("/").status_code == 200
