"""The render cache of the heavy read pages: what moves the data generation, and that a cached page
is never served stale, to someone else, with someone else's CSRF token, or past an access change."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from awards import create_app
from awards.db import db
from awards.models import DataGeneration, Dossier, RoleAssignment
from awards.pagecache import CSRF_PLACEHOLDER, page_cache
from tests import factories as fx


def _generation():
    row = db.session.execute(sa.select(DataGeneration.epoch, DataGeneration.counter)).first()
    db.session.rollback()
    return tuple(row) if row else None


def _submitted(title: str = "Hồ sơ số 1") -> Dossier:
    d = fx.make_dossier(state="submitted", complete=True, title=title)
    fx.add_nominee(d, name="Phạm Thị Hạnh")
    db.session.commit()
    return d


def test_a_committed_write_moves_the_generation_and_nothing_else_does(app, ctx):
    fx.load_demo()
    g0 = _generation()
    assert g0 is not None and g0[1] >= 1
    # A read, a rolled-back write and a read-only transaction leave it where it was.
    db.session.scalar(sa.select(sa.func.count(Dossier.id)))
    db.session.commit()
    assert _generation() == g0
    fx.make_dossier(title="Bỏ đi")
    db.session.rollback()
    assert _generation() == g0
    # A committed ORM write and a committed text UPDATE each move it by one, in the same epoch.
    d = fx.make_dossier(title="Giữ lại")
    db.session.commit()
    g1 = _generation()
    assert g1 == (g0[0], g0[1] + 1)
    db.session.execute(sa.text("UPDATE dossier SET title = 'Đổi tên' WHERE id = :i"), {"i": d.id})
    db.session.commit()
    assert _generation() == (g0[0], g0[1] + 2)


def test_a_wiped_table_starts_a_new_epoch(app, ctx, client):
    fx.load_demo()
    epoch = _generation()[0]
    db.session.execute(sa.delete(DataGeneration))
    db.session.commit()
    assert _generation() is None
    fx.login(client, "tdkt.chuyenvien")  # a login writes (last login, audit): the row comes back
    again = _generation()
    assert again is not None and again[0] != epoch and again[1] == 1
    # Without a row nothing is cached; with it, pages are again.
    db.session.execute(sa.delete(DataGeneration))
    db.session.commit()
    assert "X-Page-Cache" not in client.get("/review/").headers


def _setup(app, title: str = "Hồ sơ số 1") -> tuple[int, int]:
    """Demo data and one submitted dossier, committed outside any request (pages then run with
    their own app context, session and g, as in production)."""
    with app.app_context():
        fx.load_demo()
        d = _submitted(title)
        return d.id, d.version


def _write(app, fn) -> None:
    with app.app_context():
        fn(db.session)
        db.session.commit()


def test_second_view_is_a_hit_and_a_change_is_seen_at_once(app):
    did, _ = _setup(app)
    client = app.test_client()
    fx.login(client, "tdkt.chuyenvien")
    first = client.get("/review/")
    assert first.headers["X-Page-Cache"] == "miss" and "Hồ sơ số 1" in first.get_data(as_text=True)
    second = client.get("/review/")
    assert second.headers["X-Page-Cache"] == "hit"
    assert second.get_data(as_text=True) == first.get_data(as_text=True)
    # A write by anyone (here: straight through a session, as a job would) is visible next time.
    _write(app, lambda s: setattr(s.get(Dossier, did), "title", "Hồ sơ đã đổi tên"))
    third = client.get("/review/")
    assert third.headers["X-Page-Cache"] == "miss"
    assert "Hồ sơ đã đổi tên" in third.get_data(as_text=True)
    # The appraisal page and the dossier page are cached the same way.
    for path in (f"/review/{did}", f"/dossiers/{did}"):
        assert client.get(path).headers["X-Page-Cache"] == "miss"
        assert client.get(path).headers["X-Page-Cache"] == "hit"


def test_a_transition_through_the_web_is_seen_by_the_next_page(app):
    did, version = _setup(app)
    client = app.test_client()
    fx.login(client, "tdkt.chuyenvien")
    client.get(f"/review/{did}")
    before = client.get(f"/review/{did}")
    assert before.headers["X-Page-Cache"] == "hit"
    resp = client.post(f"/review/{did}/fire", data={"transition": "receive", "version": version})
    assert resp.status_code == 302
    after = client.get(f"/review/{did}")  # carries the success flash: rendered, not cached
    assert "X-Page-Cache" not in after.headers and "Đang thẩm định" in after.get_data(as_text=True)
    again = client.get(f"/review/{did}")
    assert again.headers["X-Page-Cache"] == "miss"
    assert again.get_data(as_text=True) != before.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Dossier, did).state == "appraising"


def test_never_served_to_another_user(app):
    _setup(app)
    board, other = app.test_client(), app.test_client()
    fx.login(board, "tdkt.chuyenvien")
    fx.login(other, "syt.chuyenvien")  # a specialist of the health department only
    assert "Hồ sơ số 1" in board.get("/review/").get_data(as_text=True)
    assert board.get("/review/").headers["X-Page-Cache"] == "hit"
    resp = other.get("/review/")
    assert resp.headers["X-Page-Cache"] == "miss" and "Hồ sơ số 1" not in resp.get_data(as_text=True)


def _tokens(text: str) -> set[str]:
    return set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', text))


def test_each_session_gets_its_own_csrf_token(app):
    did, version = _setup(app)
    csrf_app = create_app(_config(app, WTF_CSRF_ENABLED=True))
    try:
        _csrf_round_trip(csrf_app, did, version)
    finally:
        with csrf_app.app_context():
            db.engine.dispose()


def _csrf_round_trip(csrf_app, did: int, version: int) -> None:
    one, two = csrf_app.test_client(), csrf_app.test_client()
    for c in (one, two):
        page = c.get("/auth/login").get_data(as_text=True)
        c.post("/auth/login", data={"username": "tdkt.chuyenvien", "password": fx.DEMO_PASSWORD,
                                    "csrf_token": _tokens(page).pop()})
    tokens = []
    for c, expected in ((one, "miss"), (two, "hit")):
        resp = c.get(f"/review/{did}")
        assert resp.headers["X-Page-Cache"] == expected
        text = resp.get_data(as_text=True)
        assert CSRF_PLACEHOLDER not in text
        found = _tokens(text)
        assert len(found) == 1  # every form of the page carries the one token of this session
        tokens.append(found.pop())
    assert tokens[0] != tokens[1]
    # The token of the cached page works for the second session and not for the first.
    wrong = one.post(f"/review/{did}/fire", data={"transition": "receive", "version": version,
                                                  "csrf_token": tokens[1]})
    assert wrong.status_code == 400
    right = two.post(f"/review/{did}/fire", data={"transition": "receive", "version": version,
                                                  "csrf_token": tokens[1]})
    assert right.status_code == 302
    with csrf_app.app_context():
        assert db.session.get(Dossier, did).state == "appraising"


def test_flash_messages_bypass_the_cache(app):
    _setup(app)
    client = app.test_client()
    fx.login(client, "tdkt.chuyenvien")
    client.get("/review/")
    assert client.get("/review/").headers["X-Page-Cache"] == "hit"
    with client.session_transaction() as s:
        s["_flashes"] = [("info", "Thông báo thử nghiệm bộ nhớ đệm")]
    resp = client.get("/review/")
    assert "X-Page-Cache" not in resp.headers
    assert "Thông báo thử nghiệm bộ nhớ đệm" in resp.get_data(as_text=True)
    assert "Thông báo thử nghiệm bộ nhớ đệm" not in client.get("/review/").get_data(as_text=True)


def test_language_is_part_of_the_key(app):
    _setup(app)
    client = app.test_client()
    fx.login(client, "tdkt.chuyenvien")
    assert "Việc cần xử lý</h1>" in client.get("/review/").get_data(as_text=True)
    client.post("/auth/language/en")
    resp = client.get("/review/")
    assert resp.headers["X-Page-Cache"] == "miss"
    assert "Việc cần xử lý</h1>" not in resp.get_data(as_text=True)


def test_access_changes_apply_to_cached_pages(app):
    did, _ = _setup(app)
    client = app.test_client()
    fx.login(client, "tdkt.chuyenvien")
    client.get(f"/review/{did}")
    assert client.get(f"/review/{did}").headers["X-Page-Cache"] == "hit"

    def revoke(s):
        specialist = s.scalar(sa.select(fx.User).where(fx.User.username == "tdkt.chuyenvien"))
        s.execute(sa.delete(RoleAssignment).where(RoleAssignment.user_id == specialist.id))

    _write(app, revoke)  # the specialist loses every role: the cached page is not served any more
    assert client.get(f"/review/{did}").status_code in (403, 404)


def test_log_out_everywhere_ends_cached_pages(app):
    _setup(app)
    a, b = app.test_client(), app.test_client()
    fx.login(a, "tdkt.chuyenvien")
    fx.login(b, "tdkt.chuyenvien")
    b.get("/review/")
    assert b.get("/review/").headers["X-Page-Cache"] == "hit"
    assert a.post("/auth/logout-everywhere").status_code == 302
    resp = b.get("/review/")
    assert resp.status_code == 302 and "/auth/login" in resp.headers["Location"]


def _config(app, **overrides):
    from config import TestConfig

    cfg = TestConfig()
    cfg.DATABASE_URL = app.config["DATABASE_URL"]
    for k, v in overrides.items():
        setattr(cfg, k, v)
    return cfg


def test_size_zero_turns_it_off(app):
    assert page_cache(app) is not None
    off = create_app(_config(app, PAGE_CACHE_SIZE=0))
    assert page_cache(off) is None
    with off.app_context():
        db.engine.dispose()


def test_audit_only_writes_keep_cached_pages(app):
    """A download or a denied access only appends to the audit log, which no cached page shows."""
    from awards.services import audit

    did, _ = _setup(app)
    client = app.test_client()
    fx.login(client, "tdkt.chuyenvien")
    client.get(f"/review/{did}")
    assert client.get(f"/review/{did}").headers["X-Page-Cache"] == "hit"
    with app.app_context():
        before = _generation()
        audit.record(db.session, "test.audit_only", details={"why": "cache"})
        db.session.commit()
        assert _generation() == before
    assert client.get(f"/review/{did}").headers["X-Page-Cache"] == "hit"
    with app.app_context():  # anything else written with it still counts
        audit.record(db.session, "test.with_change")
        db.session.get(Dossier, did).title = "Đổi tên cùng nhật ký"
        db.session.commit()
        assert _generation()[1] == before[1] + 1
