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
