"""The browser can log in and sees the landing page for its role."""
from __future__ import annotations

from tests import factories as f


def test_login_in_a_real_browser(app, live_server, new_page, steps):
    with app.app_context():
        f.load_demo()
    page = new_page(live_server)
    page.goto("/auth/login")
    assert "Đăng nhập" in page.content()
    steps.shot(page, "login")
    page.fill("input[name=username]", "tdkt.chuyenvien")
    page.fill("input[name=password]", f.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/")
    steps.shot(page, "dashboard")
    assert "Việc cần xử lý" in page.content()
    assert "Vũ Thị Lan Anh" in page.content()
