"""A signed-in session lasts one working day from login, however busy: an absolute timeout."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import time_machine

from awards.db import db
from tests import factories as fx


def test_session_ends_eight_hours_after_login_even_when_used(app):
    with app.app_context():
        fx.load_demo()
        db.session.commit()
    start = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)  # 08:00 in Ninh Bình
    client = app.test_client()
    with time_machine.travel(start, tick=False):
        assert fx.login(client, "tdkt.chuyenvien").status_code == 302
        assert client.get("/review/").status_code == 200  # puts the CSRF secret into the session
        again = client.get("/review/")
        assert again.status_code == 200
        assert "Set-Cookie" not in again.headers  # an unchanged session is not re-sent
    with time_machine.travel(start + timedelta(hours=7, minutes=59), tick=False):
        assert client.get("/review/").status_code == 200  # busy all day
    with time_machine.travel(start + timedelta(hours=8, minutes=1), tick=False):
        resp = client.get("/review/")
        assert resp.status_code == 302 and "/auth/login" in resp.headers["Location"]


def test_no_remember_me_the_session_still_ends_after_eight_hours(app):
    """Policy: one working day from login, with no "remember me" to stretch it (a remember cookie
    restored one page and then lost the session to "strong" protection: the restored session had
    no identifier)."""
    with app.app_context():
        fx.load_demo()
        db.session.commit()
    start = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)
    client = app.test_client()
    with time_machine.travel(start, tick=False):
        page = client.get("/auth/login").get_data(as_text=True)
        assert 'name="remember"' not in page and "Ghi nhớ đăng nhập" not in page
        resp = client.post("/auth/login", data={"username": "tdkt.chuyenvien", "password": fx.DEMO_PASSWORD,
                                                "remember": "y"})
        assert resp.status_code == 302
        assert not any(c.startswith("remember_token=") for c in resp.headers.getlist("Set-Cookie"))
    with time_machine.travel(start + timedelta(hours=8, minutes=1), tick=False):
        resp = client.get("/review/")
        assert resp.status_code == 302 and "/auth/login" in resp.headers["Location"]


def test_a_remember_cookie_left_from_before_signs_nobody_in(app):
    from flask_login.utils import encode_cookie

    with app.app_context():
        fx.load_demo()
        db.session.commit()
        with app.test_request_context():
            token = encode_cookie(fx.user("tdkt.chuyenvien").get_id())
    start = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)
    client = app.test_client()
    with time_machine.travel(start, tick=False):
        assert fx.login(client, "tdkt.chuyenvien").status_code == 302
        client.set_cookie("remember_token", token)
        assert client.get("/review/").status_code == 200
    with time_machine.travel(start + timedelta(hours=9), tick=False):
        resp = client.get("/review/")
        assert resp.status_code == 302 and "/auth/login" in resp.headers["Location"]
        assert any(c.startswith("remember_token=;") for c in resp.headers.getlist("Set-Cookie"))
        assert client.get_cookie("remember_token") is None


def test_a_changed_session_does_not_push_the_end_back(app):
    """Flask re-signs the session cookie (with a new expiry) whenever the session changes; the
    eight hours still count from the login."""
    with app.app_context():
        fx.load_demo()
        db.session.commit()
    start = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)
    client = app.test_client()
    with time_machine.travel(start, tick=False):
        assert fx.login(client, "tdkt.chuyenvien").status_code == 302
    with time_machine.travel(start + timedelta(hours=7, minutes=59), tick=False):
        resp = client.post("/auth/language/vi", headers={"Referer": "/review/"})
        assert resp.status_code == 302 and "awards_session=" in resp.headers.get("Set-Cookie", "")
        assert client.get("/review/").status_code == 200
    with time_machine.travel(start + timedelta(hours=8, minutes=1), tick=False):
        resp = client.get("/review/")
        assert resp.status_code == 302 and "/auth/login" in resp.headers["Location"]
        assert fx.login(client, "tdkt.chuyenvien").status_code == 302
        assert client.get("/review/").status_code == 200
