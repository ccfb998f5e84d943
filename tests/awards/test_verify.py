"""Public certificate verification: valid, revoked, unknown codes; nothing personal beyond the
certificate; no login; rate limited with a Vietnamese 429 page."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from awards import create_app
from awards.db import db
from awards.extensions import limiter
from config import TestConfig
from tests import factories as f
from tests.awards.test_registry import add_award, issue_decision, new_code


@pytest.fixture
def demo(ctx):
    f.load_demo(date(2026, 9, 1))
    return db.session


@pytest.fixture
def certificates(demo):
    d = issue_decision(number=5, decision_date=date(2026, 9, 15))
    valid = add_award(d, "Đặng Thị Ánh Nguyệt", citizen_id="037186001234", birth_year=1986, gender="female",
                      code=new_code())
    revoked = add_award(d, "Lê Văn Ơn", citizen_id="037179005678", birth_year=1979, status="revoked",
                        revoked_dt=datetime(2026, 11, 3, 2, 0, tzinfo=timezone.utc), code=new_code())
    db.session.commit()
    return {"valid": valid.certificate.verification_code, "revoked": revoked.certificate.verification_code}


def test_valid_code_shows_the_certificate_facts_without_login(client, certificates):
    resp = client.get(f"/registry/verify/{certificates['valid']}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    for text in ("Hợp lệ", "Đặng Thị Ánh Nguyệt", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "05/QĐ-UBND",
                 "15/09/2026", "Chủ tịch Ủy ban nhân dân tỉnh Ninh Bình"):
        assert text in html, text
    # nothing more personal than the certificate shows
    for text in ("037186001234", "1234", "1986", "Nữ", "Trưởng thôn"):
        assert text not in html, text


def test_revoked_code_shows_revoked_with_its_date(client, certificates):
    html = client.get(f"/registry/verify/{certificates['revoked']}").get_data(as_text=True)
    assert "Đã bị thu hồi, hủy" in html and "03/11/2026" in html and "Hợp lệ" not in html
    assert "Lê Văn Ơn" in html and "037179005678" not in html and "1979" not in html


def test_revoked_decision_makes_its_certificates_revoked(client, demo):
    d = issue_decision(number=9, state="revoked", revoked_reason="Hủy do sai sót")
    a = add_award(d, "Nguyễn Văn An", code=new_code())
    db.session.commit()
    html = client.get(f"/registry/verify/{a.certificate.verification_code}").get_data(as_text=True)
    assert "Đã bị thu hồi, hủy" in html


def test_unknown_codes_get_one_constant_answer(client, certificates, demo):
    bodies = set()
    for code in ("x", new_code(), certificates["valid"][:-1], certificates["valid"].upper() + "A", "%25", "' OR 1=1 --"):
        resp = client.get(f"/registry/verify/{code}")
        assert resp.status_code == 404
        html = resp.get_data(as_text=True)
        bodies.add(html[html.index("<main"):html.index("</main>")])  # the footer echoes the path
    assert len(bodies) == 1
    assert "Không tìm thấy" in bodies.pop()


def test_a_draft_decision_certificate_is_not_verifiable(client, demo):
    from awards.models import Decision
    form = f.form("BK-TINH")
    dr = Decision(authority_id=form.authority_id, award_form_id=form.id, state="draft", title="Dự thảo")
    db.session.add(dr)
    db.session.flush()
    a = add_award(dr, "Nguyễn Văn Nháp", code=new_code())
    db.session.commit()
    assert client.get(f"/registry/verify/{a.certificate.verification_code}").status_code == 404


def test_form_redirects_to_the_code_page_and_login_page_links_to_it(client, certificates):
    resp = client.get("/registry/verify")
    assert resp.status_code == 200 and "Mã xác minh" in resp.get_data(as_text=True)
    resp = client.get("/registry/verify", query_string={"code": f"  {certificates['valid']} "})
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/registry/verify/{certificates['valid']}")
    assert 'href="/registry/verify"' in client.get("/auth/login").get_data(as_text=True)


def test_verification_is_rate_limited_with_a_vietnamese_page(database_url):
    was_enabled = limiter.enabled
    cfg = TestConfig()
    cfg.DATABASE_URL = database_url
    cfg.RATELIMIT_ENABLED = True
    cfg.VERIFY_RATE_LIMIT = "3 per minute"
    app = create_app(cfg)
    try:
        client = app.test_client()
        env = {"REMOTE_ADDR": "10.8.8.8"}
        for _ in range(3):
            assert client.get(f"/registry/verify/{new_code()}", environ_base=env).status_code == 404
        resp = client.get(f"/registry/verify/{new_code()}", environ_base=env)
        assert resp.status_code == 429
        assert "quá nhiều lần" in resp.get_data(as_text=True)
        # another address is not affected
        assert client.get("/registry/verify", environ_base={"REMOTE_ADDR": "10.8.8.9"}).status_code == 200
    finally:
        with app.app_context():
            db.engine.dispose()
        limiter.enabled = was_enabled  # the limiter object is shared by every app in the session
