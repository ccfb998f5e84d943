"""Confirmation in a real browser: "Từ chối khen thưởng" and "Đăng xuất khỏi mọi thiết bị" ask
first (data-confirm, static/js/app.js under the strict CSP); cancelling sends nothing, agreeing
does the action."""
from __future__ import annotations

from playwright.sync_api import expect

from awards.db import db
from awards.models import Dossier
from tests import factories as f
from tests.e2e.helpers import answer_next_confirm, expect_flash, login

TITLE = "Hồ sơ đề nghị khen thưởng thôn Tập Ninh"


def _state(app, dossier_id: int) -> str:
    with app.app_context():
        return db.session.get(Dossier, dossier_id).state


def test_refusing_an_award_and_signing_out_everywhere_ask_first(app, live_server, new_page, steps):
    with app.app_context():
        f.load_demo()
        d = f.make_dossier("X-GIAVIEN", "BK-TINH", state="appraising", complete=True, title=TITLE)
        f.add_nominee(d, outcome="eligible")
        db.session.commit()
        dossier_id = d.id
    page = new_page(live_server)
    login(page, live_server, "tdkt.truongphong")
    page.goto(f"/review/{dossier_id}")
    page.locator("#c-reject").fill("Thành tích chưa đủ tiêu chuẩn Bằng khen.")
    refuse = page.get_by_role("button", name="Từ chối khen thưởng")

    asked = answer_next_confirm(page, accept=False)
    refuse.click()
    expect(page.locator("#c-reject")).to_have_value("Thành tích chưa đủ tiêu chuẩn Bằng khen.")
    steps.shot(page, "refuse-cancelled")
    assert asked == [f"Từ chối khen thưởng đối với hồ sơ «{TITLE}»? Hồ sơ sẽ kết thúc với trạng thái "
                     "«Không khen thưởng», không thể mở lại."]
    assert _state(app, dossier_id) == "appraising"

    asked = answer_next_confirm(page)
    refuse.click()
    expect_flash(page, "Hồ sơ chuyển sang bước «Không khen thưởng».")
    steps.shot(page, "refused")
    assert len(asked) == 1 and _state(app, dossier_id) == "rejected"

    page.goto("/auth/password")
    sign_out = page.get_by_role("button", name="Đăng xuất khỏi mọi thiết bị")
    asked = answer_next_confirm(page, accept=False)
    sign_out.click()
    assert asked and asked[0].startswith("Đăng xuất khỏi mọi thiết bị? Mọi phiên đăng nhập")
    page.reload()
    expect(page.get_by_role("button", name="Đăng xuất", exact=True)).to_be_visible()

    answer_next_confirm(page)
    page.get_by_role("button", name="Đăng xuất khỏi mọi thiết bị").click()
    page.wait_for_url(live_server + "/auth/login")
    expect(page.locator(".alert").filter(has_text="Bạn đã đăng xuất khỏi mọi thiết bị.")).to_be_visible()
