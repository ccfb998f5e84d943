"""The access-control crawler: every route of app.url_map, tried anonymously and by a user of
another unit with the ids of objects that belong to the first unit. It grows by itself as routes
are added: a new route that takes an id is covered the day it lands."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from werkzeug.routing import Rule

from awards.db import db
from awards.models import Attachment, Award, Certificate, Decision, Unit, User
from tests import factories as f

# Endpoints anyone may reach without logging in.
PUBLIC = {"static", "auth.login", "auth.language", "dashboard.health", "dashboard.ready", "dashboard.favicon",
          "registry.verify", "registry.verify_form", "registry.verify_lookup",
          "registry.public_comments", "registry.public_comment"}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _rules(app) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda r: r.rule)


@pytest.fixture
def world(app, ctx):
    """Objects of Xã Gia Viễn (unit A); the intruder is Sở Y tế's clerk and head (unit B)."""
    f.load_demo()
    d = f.make_dossier("X-GIAVIEN", nominees=1, complete=True)
    n = d.nominees[0]
    att = d.attachments[0]
    dec = Decision(authority=f.form("BK-TINH").authority, award_form=f.form("BK-TINH"), title="QĐ thử",
                   state="draft")
    aw = Award(decision=dec, nominee_id=n.id, unit_id=d.unit_id, kind="individual", name=n.name,
               canonical_name=n.name, name_key=n.name_key, amount=3_800_000)
    db.session.add_all([dec, aw])
    db.session.flush()
    cert = Certificate(award=aw, serial="BK-TEST-000001", verification_code="x" * 24)
    db.session.add(cert)
    db.session.commit()
    ids = {"dossier": d.id, "nominee": n.id, "attachment": att.id, "file": att.id, "decision": dec.id,
           "award": aw.id, "certificate": cert.id, "unit": d.unit_id, "user": f.user("xa.chuyenvien").id}
    db.session.commit()  # end the transaction: SQLite holds the write lock while one is open
    return ids


def _fill(rule: Rule, ids: dict[str, int]) -> str | None:
    values = {}
    for arg, conv in rule._converters.items():
        if type(conv).__name__ in ("IntegerConverter", "NumberConverter"):
            key = next((k for k in ids if k in arg), "dossier")
            values[arg] = ids[key]
        else:
            values[arg] = "x" * 24
    path = rule.rule
    for arg, value in values.items():
        path = re.sub(r"<(?:[^:<>]+:)?" + re.escape(arg) + r">", str(value), path)
    return path


def _has_int_arg(rule: Rule) -> bool:
    return any(type(c).__name__ == "IntegerConverter" for c in rule._converters.values())


def test_anonymous_users_are_sent_to_login(app, world):
    client = app.test_client()
    checked = 0
    for rule in _rules(app):
        if rule.endpoint in PUBLIC:
            continue
        path = _fill(rule, world)
        for method in sorted(set(rule.methods) & set(METHODS)):
            resp = client.open(path, method=method)
            assert resp.status_code in (302, 401, 404), (rule.rule, method, resp.status_code)
            if resp.status_code == 302:
                assert "/auth/login" in resp.headers["Location"], (rule.rule, method)
            checked += 1
    assert checked >= 5


@pytest.mark.parametrize("intruder", ["syt.chuyenvien", "syt.giamdoc"])
def test_users_of_another_unit_never_reach_foreign_objects(app, world, intruder):
    client = app.test_client()
    assert f.login(client, intruder).status_code == 302
    checked = []
    for rule in _rules(app):
        if not _has_int_arg(rule) or rule.endpoint in PUBLIC:
            continue
        path = _fill(rule, world)
        for method in sorted(set(rule.methods) & set(METHODS)):
            resp = client.open(path, method=method)
            assert resp.status_code in (403, 404), (intruder, rule.rule, method, resp.status_code)
            checked.append((rule.endpoint, method))
    # the crawler must actually cover the object routes (grows as areas land)
    assert len(checked) >= 1


def test_denied_access_is_audited(app, world):
    from awards.models import AuditEvent

    client = app.test_client()
    f.login(client, "syt.chuyenvien")
    client.get("/admin/")
    with app.app_context():
        ev = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "access_denied")).all()
    assert ev and ev[-1].details["status"] == 403


def test_scope_helper_gives_404_outside_the_subtree(app, world):
    from werkzeug.exceptions import NotFound

    from awards.access import get_scoped_or_404
    from awards.models import Dossier

    with app.test_request_context():
        outsider = db.session.scalar(sa.select(User).where(User.username == "syt.chuyenvien"))
        insider = db.session.scalar(sa.select(User).where(User.username == "xa.chuyenvien"))
        board = db.session.scalar(sa.select(User).where(User.username == "tdkt.chuyenvien"))
        with pytest.raises(NotFound):
            get_scoped_or_404(Dossier, world["dossier"], outsider)
        assert get_scoped_or_404(Dossier, world["dossier"], insider).id == world["dossier"]
        # the board sees a unit's dossier once it was submitted, not its draft
        with pytest.raises(NotFound):
            get_scoped_or_404(Attachment, world["attachment"], board)
        d = db.session.get(Dossier, world["dossier"])
        d.state, d.submitted_dt = "submitted", d.created_dt
        assert get_scoped_or_404(Dossier, world["dossier"], board).id == world["dossier"]
        assert get_scoped_or_404(Attachment, world["attachment"], board).id == world["attachment"]
        with pytest.raises(NotFound):
            get_scoped_or_404(Attachment, world["attachment"], outsider)
        with pytest.raises(NotFound):
            get_scoped_or_404(Dossier, 999_999, insider)
        _ = Unit


def test_every_post_without_a_csrf_token_is_refused(database_url, world):
    """With CSRF on, as in production, no POST route accepts a request without the token."""
    from awards import create_app
    from config import TestConfig

    cfg = TestConfig()
    cfg.DATABASE_URL = database_url
    cfg.WTF_CSRF_ENABLED = True
    app = create_app(cfg)
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert f.login(client, "admin").status_code == 400  # no token: refused, friendly page
    resp = client.post("/auth/login", data={"username": "admin", "password": f.DEMO_PASSWORD, "csrf_token": token})
    assert resp.status_code == 302
    posts = [r for r in _rules(app) if "POST" in r.methods and r.endpoint != "static"]
    assert len(posts) >= 20
    for rule in posts:
        resp = client.post(_fill(rule, world), data={"x": "1"})
        assert resp.status_code == 400, (rule.rule, resp.status_code)
        assert "Phiên làm việc đã hết hạn" in resp.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()
