"""Editing a draft decision in a real browser: the board's lead changes the signer, the tờ trình
line and the list, downloads the DOCX; a colleague who had the page open meanwhile is told that
the draft changed, and nothing of his is saved over it."""
from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from tests import factories as f
from tests.e2e.helpers import docx_text, expect_flash, login, squash

NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường")


def _draft(app) -> int:
    from awards.db import db
    from awards.services import decisions as svc

    with app.app_context():
        f.load_demo()
        d = f.make_dossier("X-GIAVIEN", "BK-TINH", state="chairman_submission", complete=True)
        for name in NAMES:
            f.add_nominee(d, name=name, outcome="eligible")
        db.session.commit()
        dec = svc.prepare_decision(db.session, actor=f.user("tdkt.chuyenvien"), form=f.form("BK-TINH"), dossiers=[d],
                                   decision_date=date(2026, 7, 1))
        db.session.commit()
        return dec.id


def test_edit_a_draft_and_a_stale_second_editor(app, live_server, new_page, steps, tmp_path):
    decision_id = _draft(app)
    url = f"{live_server}/decisions/{decision_id}"

    other = new_page(live_server)  # the specialist opens the edit page first
    login(other, live_server, "tdkt.chuyenvien")
    other.goto(url + "/edit")
    other.locator("#title").fill("Về việc tặng Bằng khen — bản của chuyên viên")

    lead = new_page(live_server)
    login(lead, live_server, "tdkt.truongphong")
    lead.goto(url)
    lead.get_by_role("link", name="Sửa dự thảo").click()
    lead.wait_for_url(url + "/edit")
    lead.locator("#proposal_number").fill("215/TTr-SNV")
    lead.locator("#proposal_date").fill("2026-06-28")
    lead.locator("#signer_id").select_option(label="Lê Thị Hồng Vân — KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")
    lead.get_by_label("Thứ tự của Lê Văn Cường").fill("1")
    lead.locator("tr").filter(has_text="Trần Thị Bình").get_by_label("Bỏ, trả về hồ sơ").check()
    steps.shot(lead, "lead-edit")
    lead.get_by_role("button", name="Lưu dự thảo").click()
    expect_flash(lead, "Đã lưu dự thảo quyết định.")
    lead.wait_for_url(url)
    expect(lead.locator("table").nth(1)).not_to_contain_text("Trần Thị Bình")
    steps.shot(lead, "lead-saved")

    with lead.expect_download() as info:
        lead.get_by_role("link", name="Quyết định (DOCX)").click()
    path = tmp_path / "qd.docx"
    info.value.save_as(path)
    text = squash(docx_text(path))
    assert "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 215/TTr-SNV ngày 28 tháng 6 năm 2026." in text
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text and "Lê Thị Hồng Vân" in text
    assert text.index("Lê Văn Cường") < text.index("Nguyễn Văn An") and "Trần Thị Bình" not in text

    other.get_by_role("button", name="Lưu dự thảo").click()
    expect(other.locator(".alert-warning").filter(has_text="Đã có người khác sửa dự thảo này")).to_be_visible()
    expect(other.locator("#proposal_number")).to_have_value("215/TTr-SNV")  # what is stored now
    expect(other.locator(".alert-info")).to_contain_text("bản của chuyên viên")  # what he typed, to copy
    steps.shot(other, "other-stale")
