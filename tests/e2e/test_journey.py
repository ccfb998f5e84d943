"""The whole journey of a "Bằng khen của Chủ tịch UBND tỉnh" dossier in a real browser, each
person in their own browser context: the commune's clerk prepares it, the commune's chairman
submits it, the board's specialist returns it with a reason, the clerk amends and the chairman
resubmits, the specialist appraises, the board's lead forwards to the council's standing members
(a standing session recorded by the council secretary), prepares the decision and submits it,
the province's chairman approves, the records clerk numbers and issues it, and an anonymous
visitor verifies a certificate on the public page.

Every step goes through the UI; no service is called after the demo is loaded. The verification
code is read from the decision page (the recipients table). The appraisal page fetches no PDF until
a preview is opened (each fetch is an audited download): opening one with the mouse, and another
from the keyboard, each leaves exactly one audit row, and the page's buttons take mouse clicks."""
from __future__ import annotations

import re
import time

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from awards.db import db
from awards.models import AuditEvent
from tests import factories as f
from tests.e2e.helpers import answer_next_confirm, docx_text, expect_flash, login, make_pdf, nav, squash

FORM_NAME = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
COLLECTIVE = "Ban Công tác Mặt trận thôn Tập Ninh"
INDIVIDUAL = "Nguyễn Thị Hằng Nga"
HOUSEHOLD = "Trần Văn Khoa"
FIRST_ACHIEVEMENT = "Vận động 120 hộ ủng hộ Quỹ Vì người nghèo."
AMENDED_ACHIEVEMENT = "Vận động 180 hộ ủng hộ Quỹ Vì người nghèo; giúp 6 hộ thoát nghèo bền vững."
RETURN_REASON = "Đề nghị bổ sung số liệu cụ thể về số hộ được giúp đỡ thoát nghèo của bà Nguyễn Thị Hằng Nga."
AMOUNTS = {COLLECTIVE: "7.590.000", INDIVIDUAL: "3.800.000", HOUSEHOLD: "5.700.000"}


def _protected(page: Page, url: str, act, done_text: str) -> None:
    """A protected action (approve, number, issue): ``act()`` clicks it; then either its success
    message shows or the password confirmation page. After confirming, the app redirects to the
    POST-only URL of the action (GET → 405, see the report of issue #9), so the person goes back to
    the page and does it again; the action is then checked by its success message."""
    done = page.locator(".alert-success").filter(has_text=done_text)
    reauth = page.get_by_role("heading", name="Xác nhận lại mật khẩu")
    act()
    expect(done.or_(reauth).first).to_be_visible()
    if reauth.is_visible():
        page.get_by_label("Mật khẩu").fill(f.DEMO_PASSWORD)
        page.get_by_role("button", name="Xác nhận").click()
        page.wait_for_url(re.compile(r"^(?!.*reauthenticate)"))
        page.goto(url)
        act()
        expect(done).to_be_visible()


def _fill_nominee(page: Page, values: dict[str, str], selects: dict[str, str] | None = None) -> None:
    for field_id, value in values.items():
        page.locator(f"#{field_id}").fill(value)
    for field_id, value in (selects or {}).items():
        page.locator(f"#{field_id}").select_option(value)


def _state(page: Page, text: str) -> None:
    expect(page.locator("#state")).to_have_text(text)


def _file_fetches(app, username: str) -> list[dict]:
    """The audited fetches of dossier files by ``username`` (the details of each row)."""
    with app.app_context():
        rows = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "attachment.download", AuditEvent.actor_name == username)
            .order_by(AuditEvent.id)).all()
        return [r.details for r in rows]


def _wait_for_fetches(app, username: str, count: int, timeout: float = 10.0) -> list[dict]:
    """Wait until ``count`` fetches are recorded, then check that no further one follows."""
    deadline = time.monotonic() + timeout
    while len(rows := _file_fetches(app, username)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # a viewer that fetched again (range requests) would show here
    rows = _file_fetches(app, username)
    assert len(rows) == count, rows
    return rows


def test_dossier_to_verified_certificate(app, live_server, new_page, steps, tmp_path):
    with app.app_context():
        f.load_demo()
    base = live_server
    proposal_pdf = make_pdf(tmp_path / "to-trinh-xa-gia-vien.pdf", "To trinh so 15/TTr-UBND")
    minutes_pdf = make_pdf(tmp_path / "bien-ban-hop-hoi-dong.pdf", "Bien ban hop Hoi dong TDKT xa")
    scan_pdf = make_pdf(tmp_path / "quyet-dinh-da-ky.pdf", "Quyet dinh da ky")

    # ------------------------------------------------------------------ 1. the clerk prepares
    clerk = new_page(base)
    login(clerk, base, "xa.chuyenvien")
    nav(clerk, "Hồ sơ đề nghị")
    row = clerk.locator("tr").filter(has_text=FORM_NAME)
    row.get_by_role("link", name="Lập hồ sơ").click()
    clerk.wait_for_url(re.compile(r"/dossiers/new"))
    expect(clerk.locator("#award_form_id option:checked")).to_have_text(FORM_NAME)
    expect(clerk.locator("#title")).to_have_value(re.compile("Hồ sơ đề nghị " + FORM_NAME))
    clerk.locator("#summary").fill("Đề nghị khen thưởng tổng kết phong trào giai đoạn 2021 - 2025.")
    steps.shot(clerk, "clerk-new-dossier")
    clerk.get_by_role("button", name="Lập hồ sơ").click()
    clerk.wait_for_url(re.compile(r"/dossiers/\d+$"))
    dossier_url = clerk.url
    dossier_id = int(dossier_url.rsplit("/", 1)[1])
    _state(clerk, "Đơn vị đang chuẩn bị")

    clerk.get_by_role("link", name="+ Tập thể").click()
    expect(clerk.get_by_role("heading", name="Thêm tập thể")).to_be_visible()
    expect(clerk.locator("#award_form_id option:checked")).to_have_text(FORM_NAME)
    _fill_nominee(clerk, {
        "name": COLLECTIVE,
        "address": "Ủy ban Mặt trận Tổ quốc Việt Nam xã Gia Viễn",
        "achievements": "Dẫn đầu phong trào xây nhà Đại đoàn kết của xã.",
        "report_background": "Ban Công tác Mặt trận thôn có 9 thành viên.",
        "report_achievements": "Vận động xây mới 12 căn nhà Đại đoàn kết trong giai đoạn 2021 - 2025.",
    })
    clerk.locator("input[name^=indicator_]").first.fill("250000000")
    steps.shot(clerk, "clerk-collective-form")
    clerk.get_by_role("button", name="Lưu", exact=True).click()
    expect_flash(clerk, f"Đã lưu «{COLLECTIVE}»")

    clerk.get_by_role("link", name="+ Cá nhân").click()
    expect(clerk.get_by_role("heading", name="Thêm cá nhân")).to_be_visible()
    _fill_nominee(clerk, {
        "name": INDIVIDUAL, "birth_year": "1979", "position_title": "Trưởng thôn Tập Ninh",
        "workplace": "Ủy ban nhân dân xã Gia Viễn", "citizen_id": "037179001234", "ethnicity": "Kinh",
        "achievements": FIRST_ACHIEVEMENT,
        "report_background": "Sinh năm 1979, quê quán xã Gia Viễn.",
        "report_duties": "Trưởng thôn Tập Ninh từ năm 2019.",
        "report_achievements": FIRST_ACHIEVEMENT,
    }, {"gender": "female"})
    steps.shot(clerk, "clerk-individual-form")
    clerk.get_by_role("button", name="Lưu", exact=True).click()
    expect_flash(clerk, f"Đã lưu «{INDIVIDUAL}»")

    clerk.get_by_role("link", name="+ Hộ gia đình").click()
    expect(clerk.get_by_role("heading", name="Thêm hộ gia đình")).to_be_visible()
    _fill_nominee(clerk, {
        "name": HOUSEHOLD, "address": "Xã Gia Viễn, tỉnh Ninh Bình", "hamlet": "Thôn Tập Ninh",
        "contribution": "Hiến 300 m² đất làm đường liên thôn và ủng hộ Quỹ Vì người nghèo.",
        "contribution_value": "60.000.000",
        "achievements": "Gia đình tiêu biểu trong phong trào hiến đất làm đường.",
        "report_background": "Hộ ông Trần Văn Khoa có 5 nhân khẩu, sinh sống tại thôn Tập Ninh.",
        "report_achievements": "Hiến 300 m² đất và ủng hộ 15.000.000 đồng cho Quỹ Vì người nghèo của xã.",
    }, {"gender": "male"})
    steps.shot(clerk, "clerk-household-form")
    clerk.get_by_role("button", name="Lưu", exact=True).click()
    expect_flash(clerk, f"Đã lưu «{HOUSEHOLD}»")
    expect(clerk.locator("#nominees h2")).to_have_text("Đối tượng đề nghị (3)")

    for kind, pdf in (("proposal", proposal_pdf), ("minutes", minutes_pdf)):
        upload = clerk.locator("#files form[enctype='multipart/form-data']")
        upload.locator("select[name=kind]").select_option(kind)
        upload.locator("input[type=file]").set_input_files(pdf)
        upload.get_by_role("button", name="Tải lên").click()
        expect_flash(clerk, "Đã tải tệp lên.")
        expect(clerk.locator("#files").get_by_role("link", name=pdf.name)).to_be_visible()
    expect(clerk.locator("#checklist .check-completeness")).to_contain_text("✔")
    steps.shot(clerk, "clerk-dossier-ready")

    # ------------------------------------------------------------------ 2. the head submits
    head = new_page(base)
    login(head, base, "xa.chutich")
    nav(head, "Hồ sơ đề nghị")
    head.get_by_role("link", name=re.compile("Hồ sơ đề nghị " + FORM_NAME)).click()
    head.wait_for_url(dossier_url)
    for key in ("completeness", "window", "quota", "eligibility"):
        expect(head.locator(f"#checklist .check-{key}")).to_contain_text("✔")
    head.get_by_role("button", name="Trình hồ sơ", exact=True).click()
    _state(head, "Đã trình, chờ tiếp nhận")
    steps.shot(head, "head-submitted")

    # ------------------------------------------------------------------ 3. the specialist returns it
    spec = new_page(base)
    login(spec, base, "tdkt.chuyenvien")
    nav(spec, "Thẩm định")
    spec.get_by_role("link", name=re.compile("Hồ sơ đề nghị " + FORM_NAME)).click()
    spec.wait_for_url(f"{base}/review/{dossier_id}")
    expect(spec.get_by_text("Hồ sơ đầy đủ thành phần, đúng chỉ tiêu và điều kiện.")).to_be_visible()
    # The page loads no PDF by itself: no frame, no audited fetch.
    spec.wait_for_load_state("networkidle")
    expect(spec.locator("iframe")).to_have_count(0)
    assert _file_fetches(app, "tdkt.chuyenvien") == []
    proposal_item = spec.locator("li.list-group-item").filter(has_text=proposal_pdf.name)
    proposal_item.locator("summary").click()  # "Xem trước": the viewer and its one fetch
    frame = proposal_item.locator("iframe")
    expect(frame).to_be_visible()
    expect(frame).to_have_attribute("title", proposal_pdf.name)
    rows = _wait_for_fetches(app, "tdkt.chuyenvien", 1)
    assert rows[0]["filename"] == proposal_pdf.name and rows[0]["preview"] is True
    steps.shot(spec, "specialist-pdf-preview")
    spec.get_by_role("button", name="Tiếp nhận hồ sơ").click()  # with the preview open
    expect_flash(spec, "Đang thẩm định")
    spec.locator("#c-return_to_unit").fill(RETURN_REASON)
    steps.shot(spec, "specialist-returning")
    spec.get_by_role("button", name="Trả lại đơn vị").click()
    spec.wait_for_url(re.compile(r"/review/?$"))
    expect_flash(spec, "Trả lại đơn vị để bổ sung")
    steps.shot(spec, "specialist-returned")

    # ------------------------------------------------------------------ 4. amend and resubmit
    clerk.goto(dossier_url)
    _state(clerk, "Trả lại đơn vị để bổ sung")
    expect(clerk.locator("#return-reasons")).to_contain_text(RETURN_REASON)
    steps.shot(clerk, "clerk-sees-reason")
    clerk.locator("#nominees").get_by_role("link", name=INDIVIDUAL).click()
    expect(clerk.locator("#achievements")).to_have_value(FIRST_ACHIEVEMENT)
    clerk.locator("#achievements").fill(AMENDED_ACHIEVEMENT)
    clerk.locator("#report_achievements").fill(AMENDED_ACHIEVEMENT)
    clerk.get_by_role("button", name="Lưu", exact=True).click()
    expect_flash(clerk, f"Đã lưu «{INDIVIDUAL}»")
    pending = clerk.locator("#pending-changes")
    expect(pending).to_contain_text(INDIVIDUAL)
    expect(pending.locator("del").filter(has_text=FIRST_ACHIEVEMENT).first).to_be_visible()
    expect(pending.locator("ins").filter(has_text=AMENDED_ACHIEVEMENT).first).to_be_visible()
    steps.shot(clerk, "clerk-amended")

    head.goto(dossier_url)
    head.get_by_placeholder("Nội dung đã bổ sung, sửa đổi").fill("Đã bổ sung số liệu thoát nghèo theo yêu cầu.")
    head.get_by_role("button", name="Trình lại hồ sơ").click()
    _state(head, "Đã trình, chờ tiếp nhận")
    head.get_by_role("link", name="Xem lịch sử xử lý hồ sơ").click()
    expect(head.get_by_role("heading", name="Lịch sử xử lý")).to_be_visible()
    history = head.locator("table").first

    def entry(action: str):
        return history.locator("tr").filter(has=head.locator("td:nth-child(2)", has_text=re.compile(f"^{action}$")))

    expect(entry("Trả lại đơn vị")).to_contain_text(RETURN_REASON)
    expect(entry("Trả lại đơn vị")).to_contain_text("Vũ Thị Lan Anh")
    expect(entry("Trình lại hồ sơ")).to_contain_text("Đã bổ sung số liệu")
    expect(entry("Trình lại hồ sơ")).to_contain_text("Phạm Văn Tùng")
    diff = head.locator(".diff-table")
    expect(diff).to_contain_text(INDIVIDUAL)
    expect(diff.locator("del").filter(has_text=FIRST_ACHIEVEMENT).first).to_be_visible()
    expect(diff.locator("ins").filter(has_text=AMENDED_ACHIEVEMENT).first).to_be_visible()
    steps.shot(head, "head-history")

    # ------------------------------------------------------------------ 5. appraisal
    nav(spec, "Thẩm định")
    spec.get_by_role("link", name=re.compile("Hồ sơ đề nghị " + FORM_NAME)).click()
    spec.wait_for_url(f"{base}/review/{dossier_id}")
    spec.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect_flash(spec, "Đang thẩm định")
    expect(spec.get_by_text(AMENDED_ACHIEVEMENT).first).to_be_visible()
    # From the keyboard: the preview's summary takes the focus and opens with Enter.
    minutes_item = spec.locator("li.list-group-item").filter(has_text=minutes_pdf.name)
    minutes_item.locator("summary").focus()
    spec.keyboard.press("Enter")
    expect(minutes_item.locator("iframe")).to_be_visible()
    rows = _wait_for_fetches(app, "tdkt.chuyenvien", 2)  # the page views since wrote none
    assert rows[1]["filename"] == minutes_pdf.name and rows[1]["preview"] is True
    with spec.context.expect_page() as tab:  # "Mở trong thẻ mới": the PDF alone, one more fetch
        minutes_item.get_by_role("link", name=re.compile("^Mở trong thẻ mới")).click()
    tab.value.wait_for_load_state()
    assert re.search(rf"/review/{dossier_id}/files/\d+$", tab.value.url), tab.value.url
    assert tab.value.evaluate("window.opener") is None  # rel=noopener
    rows = _wait_for_fetches(app, "tdkt.chuyenvien", 3)
    assert rows[2]["filename"] == minutes_pdf.name and rows[2]["preview"] is True
    steps.shot(tab.value, "specialist-pdf-tab")
    tab.value.close()
    for name in (COLLECTIVE, INDIVIDUAL, HOUSEHOLD):
        card = spec.locator("div.card[id^=n]").filter(has=spec.locator("h3", has_text=name))
        card.locator("select[name=outcome]").select_option("eligible")
        card.locator("textarea[name=reason]").fill("Đủ điều kiện, tiêu chuẩn theo quy định.")
        card.get_by_role("button", name="Lưu kết quả").click()
        expect_flash(spec, f"Đã ghi kết quả thẩm định của «{name}»")
        expect(spec.locator("div.card[id^=n]").filter(has=spec.locator("h3", has_text=name))
               .locator("h3 .badge").last).to_have_text("Đủ điều kiện")
    spec.locator("#opinion").fill("Hồ sơ đầy đủ; 03 đối tượng đủ điều kiện đề nghị tặng Bằng khen.")
    spec.get_by_role("button", name="Lưu ý kiến").click()
    expect_flash(spec, "Đã lưu ý kiến thẩm định.")
    spec.get_by_role("button", name="Hoàn thành thẩm định").click()
    expect_flash(spec, "Đã thẩm định, chờ Lãnh đạo Phòng duyệt")
    steps.shot(spec, "specialist-appraised")

    # ------------------------------------------------------------------ 6. the lead forwards
    lead = new_page(base)
    login(lead, base, "tdkt.truongphong")
    nav(lead, "Thẩm định")
    lead.get_by_role("link", name=re.compile("Hồ sơ đề nghị " + FORM_NAME)).click()
    lead.wait_for_url(f"{base}/review/{dossier_id}")
    lead.get_by_role("button", name="Trình Thường trực Hội đồng").click()
    expect_flash(lead, "Thường trực Hội đồng xem xét")
    steps.shot(lead, "lead-forwarded")

    # ------------------------------------------------------------------ 7. the standing members agree
    nav(lead, "Hội đồng")
    lead.get_by_role("link", name=re.compile(r"Lập phiên họp Thường trực \(1")).click()
    expect(lead.locator("#kind option:checked")).to_have_text("Phiên họp Thường trực Hội đồng")
    expect(lead.locator(f"input[name=dossier][value='{dossier_id}']")).to_be_checked()
    lead.locator("#location").fill("Phòng họp số 2, Sở Nội vụ")
    steps.shot(lead, "lead-standing-session-new")
    lead.get_by_role("button", name="Lập phiên họp").click()
    expect_flash(lead, "Đã lập phiên họp.")
    for box in lead.locator("input[name=present]").all():
        box.check()
    lead.get_by_role("button", name="Lưu điểm danh").click()
    expect_flash(lead, "Đã ghi điểm danh")
    expect(lead.get_by_text("Đủ thành viên Thường trực dự họp.")).to_be_visible()
    for name in (COLLECTIVE, INDIVIDUAL, HOUSEHOLD):
        lead.locator("tr").filter(has_text=name).get_by_role("button", name="Thống nhất", exact=True).click()
        expect_flash(lead, f"«{name}»: thống nhất")
    lead.locator("#conclusion").fill("Thường trực Hội đồng thống nhất đề nghị Chủ tịch UBND tỉnh tặng Bằng khen.")
    steps.shot(lead, "lead-standing-session")
    asked = answer_next_confirm(lead)
    lead.get_by_role("button", name="Kết thúc phiên họp và chuyển kết quả").click()
    expect_flash(lead, "1 hồ sơ đã được chuyển bước")
    assert asked == ["Kết thúc phiên họp và chuyển kết quả của 1 hồ sơ sang bước tiếp theo? Sau đó không thể "
                     "sửa điểm danh, biểu quyết hay kết luận."]
    steps.shot(lead, "lead-standing-closed")

    # ------------------------------------------------------------------ 8. the lead prepares the decision
    nav(lead, "Quyết định")
    lead.locator("li").filter(has_text=FORM_NAME).get_by_role("link", name="Lập dự thảo quyết định").click()
    expect(lead.locator(f"input[name=dossier][value='{dossier_id}']")).to_be_checked()
    lead.locator("#signer_id").select_option(label="Lê Thị Hồng Vân (PHÓ CHỦ TỊCH)")
    lead.locator("#proposal_number").fill("215/TTr-SNV")
    steps.shot(lead, "lead-decision-new")
    lead.get_by_role("button", name="Lập dự thảo").click()
    expect_flash(lead, "Đã lập dự thảo quyết định.")
    decision_url = lead.url
    assert re.search(r"/decisions/\d+$", decision_url)
    decision_title = lead.locator("h1").inner_text()
    recipients = lead.locator("table").nth(1)
    for name, amount in AMOUNTS.items():
        expect(recipients.locator("tr").filter(has_text=name)).to_contain_text(amount)
    expect(lead.locator("table").first.locator("tr.fw-bold")).to_contain_text("17.090.000")
    lead.get_by_role("button", name="Trình Chủ tịch phê duyệt").click()
    expect_flash(lead, "Đã trình Chủ tịch phê duyệt.")
    steps.shot(lead, "lead-decision-submitted")

    # ------------------------------------------------------------------ 9. the chairman approves
    chair = new_page(base)
    login(chair, base, "chutich")
    nav(chair, "Quyết định")
    chair.get_by_role("link", name=decision_title).click()
    chair.wait_for_url(decision_url)
    steps.shot(chair, "chairman-decision")
    _protected(chair, decision_url, lambda: chair.get_by_role("button", name="Phê duyệt", exact=True).click(),
               "Đã phê duyệt quyết định khen thưởng.")
    expect(chair.locator("p .badge").first).to_have_text(re.compile("^Đã phê duyệt"))
    steps.shot(chair, "chairman-approved")

    # ------------------------------------------------------------------ 10. the records clerk numbers and issues
    vt = new_page(base)
    login(vt, base, "vanthu")
    nav(vt, "Quyết định")
    vt.get_by_role("link", name=decision_title).click()
    vt.wait_for_url(decision_url)

    def number() -> None:
        vt.locator("#source").select_option("register")
        vt.get_by_role("button", name="Cấp số").click()

    _protected(vt, decision_url, number, "Đã cấp số quyết định.")
    expect(vt.locator("p").filter(has_text="sổ đăng ký").first).to_contain_text("01/QĐ-UBND")
    expect(vt.locator("p .badge").first).to_have_text("Đã cấp số, chờ ban hành")
    steps.shot(vt, "clerk-numbered")

    with vt.expect_download() as dl:
        vt.get_by_role("link", name="Quyết định (DOCX)").click()
    docx_path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(docx_path)
    text = squash(docx_text(docx_path))
    assert "Số: 01/QĐ-UBND" in text, text[:1500]
    for name, amount in AMOUNTS.items():
        assert name in text, name
        assert amount in text, amount


    def issue() -> None:
        vt.locator("#scan").set_input_files(scan_pdf)
        vt.get_by_role("button", name="Ban hành").click()

    _protected(vt, decision_url, issue, "Đã ban hành quyết định; khen thưởng đã vào sổ.")
    expect(vt.locator("p .badge").first).to_have_text("Đã ban hành")
    code_cell = vt.locator("tr").filter(has_text=INDIVIDUAL).locator("code")
    expect(code_cell).to_have_text(re.compile(r"\S{16,}"))
    code = code_cell.inner_text().strip()
    steps.shot(vt, "clerk-issued")

    # ------------------------------------------------------------------ 11. anyone verifies the certificate
    visitor = new_page(base)
    visitor.goto("/registry/verify")
    expect(visitor.get_by_role("button", name="Đăng xuất")).to_have_count(0)
    visitor.get_by_label("Mã xác minh").fill(code)
    visitor.get_by_role("button", name="Xác minh").click()
    visitor.wait_for_url(re.compile(r"/registry/verify/"))
    card = visitor.locator(".card").first
    expect(card).to_contain_text("Hợp lệ: khen thưởng đang có hiệu lực")
    expect(card).to_contain_text(INDIVIDUAL)
    expect(card).to_contain_text(FORM_NAME)
    expect(card).to_contain_text("01/QĐ-UBND")
    expect(card).to_contain_text("Cá nhân")
    steps.shot(visitor, "public-verification")
