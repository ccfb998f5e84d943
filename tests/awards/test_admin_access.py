"""Admin area: who may enter, every page renders, lists stay within a fixed number of queries."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from awards.db import db
from awards.models import (
    Authority, AwardForm, CalendarDay, Movement, RuleSet, Signer, Unit, User,
)
from tests.factories import load_demo, login

from .admin_helpers import admin_client, demo_ids  # noqa: F401  (fixtures)


def _admin_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin")]


def _fill(rule) -> str:
    """A URL for ``rule`` with every argument set to a plausible value (1 or a workflow name)."""
    return re.sub(r"<(?:int:)?([a-z_]+)>", lambda m: "bang_khen_tinh" if m.group(1) == "name" else "1", rule.rule)


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo()


@pytest.mark.parametrize("username", ["tdkt.chuyenvien", "xa.chuyenvien", "chutich", "vanthu", "tdkt.truongphong"])
def test_non_admin_gets_403_on_every_admin_route(app, client, demo, username):
    """Is every /admin route closed to a signed-in user without the admin role?"""
    assert login(client, username).status_code == 302
    rules = _admin_rules(app)
    assert len(rules) >= 35
    for rule in rules:
        url = _fill(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            resp = client.open(url, method=method, data={})
            assert resp.status_code == 403, (method, url, resp.status_code)


def test_anonymous_is_sent_to_login(app, client, demo):
    """Does a visitor who is not signed in get redirected to the login page from every admin route?"""
    for rule in _admin_rules(app):
        url = _fill(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            resp = client.open(url, method=method, data={})
            assert resp.status_code == 302, (method, url)
            assert "/auth/login" in resp.headers["Location"]


def test_every_admin_page_renders_for_admin(app, admin_client, demo_ids):
    """Does every GET page of the admin area render for the administrator with the demo province?"""
    ids = demo_ids
    values = {
        "unit_id": ids["unit"], "user_id": ids["user"], "authority_id": ids["authority"], "signer_id": ids["signer"],
        "form_id": ids["award_form"], "rule_set_id": ids["rule_set"], "movement_id": ids["movement"],
        "round_id": ids["round"], "name": "bang_khen_tinh", "kind": "decision",
    }
    seen = 0
    for rule in _admin_rules(app):
        if "GET" not in rule.methods or "<int:rule_id>" in rule.rule:  # eligibility: test_admin_eligibility.py
            continue
        if "<int:template_id>" in rule.rule:  # uploaded Word templates: test_admin_templates.py
            continue
        url = re.sub(r"<(?:int:)?([a-z_]+)>", lambda m: str(values[m.group(1)]), rule.rule)
        resp = admin_client.get(url)
        assert resp.status_code == 200, (url, resp.status_code)
        seen += 1
    assert seen >= 25


def test_index_links_everything_with_counts(admin_client, demo_ids):
    """Does the admin index link every section and show the counts from the database?"""
    html = admin_client.get("/admin/").get_data(as_text=True)
    for path in ("/admin/units", "/admin/users", "/admin/authorities", "/admin/award-forms", "/admin/rule-sets",
                 "/admin/movements", "/admin/calendar", "/admin/workflows"):
        assert f'href="{path}"' in html
    assert "10 đơn vị (10 đang hoạt động)" in html
    assert "11 tài khoản" in html
    assert "3 giai đoạn, 3 cần kiểm tra" in html
    assert "3 quy trình" in html


def test_unknown_ids_are_404(admin_client, demo_ids):
    """Is a missing object a 404 rather than an error page?"""
    for url in ("/admin/units/99999/edit", "/admin/users/99999", "/admin/authorities/99999",
                "/admin/rule-sets/99999", "/admin/rounds/99999", "/admin/workflows/nope.svg"):
        assert admin_client.get(url).status_code == 404, url


@pytest.mark.parametrize("url,model", [
    ("/admin/users", User), ("/admin/units", Unit), ("/admin/authorities", Authority),
    ("/admin/award-forms", AwardForm), ("/admin/rule-sets", RuleSet), ("/admin/movements", Movement),
    ("/admin/calendar", CalendarDay),
])
def test_list_pages_use_a_bounded_number_of_queries(app, admin_client, demo_ids, count_queries, url, model):
    """Does a list page cost the same number of queries with many more rows (no N+1)?"""
    with count_queries() as before:
        assert admin_client.get(url).status_code == 200
    with app.app_context():
        _add_rows(model, 15)
        db.session.commit()
    with count_queries() as after:
        assert admin_client.get(url).status_code == 200
    assert after["count"] == before["count"], after["statements"]
    assert after["count"] <= 12


def _add_rows(model, n: int) -> None:
    from datetime import date, timedelta
    from awards.models import RoleAssignment
    from tests.factories import unit

    nb = unit("NB")
    auth = db.session.scalar(sa.select(Authority).limit(1))
    for i in range(n):
        if model is User:
            u = User(username=f"extra{i}", full_name=f"Người {i}", unit=unit("SYT"), password_hash="x")
            u.roles.append(RoleAssignment(role="unit_clerk", scope_unit=unit("SYT")))
            u.roles.append(RoleAssignment(role="unit_head", scope_unit=unit(["X-GIAVIEN", "P-HOALU"][i % 2])))
            db.session.add(u)
        elif model is Unit:
            u = Unit(code=f"EX{i}", name=f"Đơn vị {i}", kind="office", parent=nb, valid_from=date(2025, 7, 1),
                     path="/")
            db.session.add(u)
            db.session.flush()
            u.path = f"{nb.path}{u.id}/"
        elif model is Authority:
            a = Authority(code=f"A{i}", name=f"Cơ quan {i}", unit=nb, header_name="X", place_name="Y",
                          doc_symbol="QĐ-UBND", authority_title="Z")
            a.signers.append(Signer(full_name="Ông A", position_title="CHỦ TỊCH"))
            db.session.add(a)
        elif model is AwardForm:
            db.session.add(AwardForm(code=f"F{i}", name=f"Hình thức {i}", certificate_title="GIẤY KHEN",
                                     authority=auth, workflow="giay_khen_xa"))
        elif model is RuleSet:
            last = db.session.scalar(sa.select(RuleSet).order_by(RuleSet.valid_from.desc()).limit(1))
            start = last.valid_from + timedelta(days=10)
            last.valid_to = start - timedelta(days=1)
            db.session.add(RuleSet(name=f"GĐ {i}", valid_from=start, base_salary=1, base_salary_source="s",
                                   household_multiplier=1, household_source="s", rounding_unit=1,
                                   rounding_source="s", legal_basis="x", needs_check="kiểm tra"))
            db.session.flush()
        elif model is Movement:
            m = Movement(name=f"Phong trào {i}", start_year=2026, end_year=2027, authority=auth)
            db.session.add(m)
        elif model is CalendarDay:
            db.session.add(CalendarDay(day=date(2030, 1, 1) + timedelta(days=i), kind="day_off", note="Nghỉ"))
