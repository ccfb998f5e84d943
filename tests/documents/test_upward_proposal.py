"""The province's Tờ trình đề nghị khen thưởng to the higher level (workflow de_nghi_cap_tren): the
document's structure and wording, hostile text, who may download it, when, and the audit trail."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from awards.db import db
from awards.documents.proposal import proposal_paragraphs, render_proposal, sample_proposal_data
from awards.models import (
    AgendaItem, AuditEvent, CouncilSession, Dossier, Signer, WorkflowHistory,
)
from awards.services import decisions as svc
from tests import factories as fx
from tests.awards.test_flows import client_for, fire_http, make_session, new_dossier, receive_and_appraise, reload
from tests.awards.test_flows import submit_http

from . import all_paragraphs, assert_run_style, cell_paragraphs, find_paragraph, open_docx, table_rows, xml_part

XSS = "<script>alert('xss')</script>"
HOSTILE_NAME = f'Nguyễn Văn {XSS} & "Tèo"'
HOSTILE_UNIT = "Công ty A & B <img src=x onerror=alert(1)>"


# ------------------------------------------------------------------------------ pure documents

def test_upward_variant_wording_and_layout():
    data = sample_proposal_data("upward", 1, 3, 1, date(2027, 3, 2))
    document = open_docx(render_proposal(data))
    rows = table_rows(document.tables[0])
    assert rows[0][0].startswith("ỦY BAN NHÂN DÂN") and "TỈNH NINH BÌNH" in rows[0][0]
    assert rows[1] == ["Số: 21/TTr-UBND", "Ninh Bình, ngày 02 tháng 3 năm 2027"]
    assert_run_style(find_paragraph(document, "TỜ TRÌNH"), size=14, bold=True)
    assert find_paragraph(document, "Về việc").text == "Về việc đề nghị tặng Bằng khen của Thủ tướng Chính phủ"
    assert find_paragraph(document, "Kính gửi:").text == "Kính gửi: Thủ tướng Chính phủ."
    texts = [p.text for p in all_paragraphs(document) if p.text.strip()]
    body = texts[texts.index("Kính gửi: Thủ tướng Chính phủ.") + 1:texts.index("Nơi nhận:")]
    assert body == proposal_paragraphs(data) and len(body) == 7  # căn cứ ×3, request, council, files, closing
    assert find_paragraph(document, "Xét đề nghị của").text == "Xét đề nghị của Giám đốc Sở Nội vụ;"
    request = find_paragraph(document, "Chủ tịch Ủy ban nhân dân tỉnh Ninh Bình kính đề nghị").text
    assert request.startswith("Chủ tịch Ủy ban nhân dân tỉnh Ninh Bình kính đề nghị Thủ tướng Chính phủ xem xét, "
                              "tặng Bằng khen của Thủ tướng Chính phủ cho 01 tập thể, 03 cá nhân và 01 hộ gia đình "
                              "(có danh sách kèm theo), ")
    assert find_paragraph(document, "Hồ sơ kèm theo gồm").text.endswith("có xác nhận của cấp trình khen thưởng.")
    assert find_paragraph(document, "Chủ tịch Ủy ban nhân dân tỉnh Ninh Bình kính trình").text == (
        "Chủ tịch Ủy ban nhân dân tỉnh Ninh Bình kính trình Thủ tướng Chính phủ xem xét, quyết định./.")
    signer = [p.text for p in cell_paragraphs(document.tables[1], 0, 1) if p.text]
    assert signer == ["KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "Lê Thị Hồng Vân"]
    copy_to = [p.text for p in cell_paragraphs(document.tables[1], 0, 0) if p.text]
    assert copy_to == ["Nơi nhận:", "- Như trên;", "- Bộ Nội vụ (Ban Thi đua - Khen thưởng Trung ương);",
                       "- Sở Nội vụ;", "- Lưu: VT, TĐKT."]
    annex = table_rows(document.tables[-1])
    assert [r[0] for r in annex if len(r) == 1] == ["I. TẬP THỂ (01)", "II. CÁ NHÂN (03)", "III. HỘ GIA ĐÌNH (01)"]
    assert find_paragraph(document, "(Kèm theo Tờ trình số 21/TTr-UBND ngày 02 tháng 3 năm 2027 của Chủ tịch "
                                    "Ủy ban nhân dân tỉnh Ninh Bình)")
    assert len(document.sections) == 2


def test_upward_variant_through_the_prime_minister():
    """A Huân chương is decided by Chủ tịch nước: the tờ trình goes to Thủ tướng Chính phủ, asking him
    to propose it."""
    data = sample_proposal_data("upward", 0, 2, 0)
    data.award_name, data.decider = "Huân chương Lao động hạng Ba", "Chủ tịch nước"
    paragraphs = proposal_paragraphs(data)
    assert any(p.startswith("Chủ tịch Ủy ban nhân dân tỉnh Ninh Bình kính đề nghị Thủ tướng Chính phủ xem xét, "
                            "trình Chủ tịch nước tặng Huân chương Lao động hạng Ba cho 02 cá nhân") for p in paragraphs)
    assert paragraphs[-1].endswith("kính trình Thủ tướng Chính phủ xem xét, trình Chủ tịch nước quyết định./.")


# ---------------------------------------------------------------------------- through the app

def _upward_dossier(state: str = "proposal_submission", *, council: bool = True, signed_by: str | None = None,
                    hostile: bool = False) -> Dossier:
    """A Gia Viễn dossier proposing Bằng khen của Thủ tướng: two nominees passed the council, one
    did not, one was proposed Huân chương instead."""
    d = fx.make_dossier("X-GIAVIEN", "BK-TTG", state=state, complete=True,
                        posting_closes_dt=datetime(2026, 7, 20, 10, 0, tzinfo=timezone.utc))
    fx.add_nominee(d, kind="collective", name=HOSTILE_UNIT if hostile else "Thôn Tập Ninh", address="Xã Gia Viễn",
                   outcome="eligible")
    fx.add_nominee(d, name=HOSTILE_NAME if hostile else "Nguyễn Văn An", outcome="eligible",
                   position_title=XSS if hostile else "Trưởng thôn")
    fx.add_nominee(d, name="Trần Văn Trượt", outcome="ineligible",
                   outcome_reason="Hội đồng Thi đua - Khen thưởng không thông qua.")
    fx.add_nominee(d, name="Lê Thị Huân", gender="female", outcome="other_form", outcome_form=fx.form("HCLD-3"))
    if council:
        cs = CouncilSession(kind="council", unit_id=fx.unit("NB").id, title="Phiên họp Hội đồng",
                            meeting_date=date(2026, 7, 2), status="closed")
        cs.items.append(AgendaItem(dossier=d, nominee=d.nominees[0], passed=True))
        db.session.add(cs)
    if signed_by:
        d.history.append(WorkflowHistory(transition="sign_proposal", from_state="signing",
                                         to_state="awaiting_central", actor_id=fx.user(signed_by).id))
    db.session.commit()
    return d


def _url(d: Dossier, code: str = "BK-TTG") -> str:
    return f"/decisions/upward/{d.id}/{fx.form(code).id}/to-trinh.docx"


def _downloads() -> list[dict]:
    return list(db.session.scalars(sa.select(AuditEvent.details).where(AuditEvent.action == "dossier.download")))


def test_the_dossier_page_offers_it_and_the_docx_lists_the_passed_nominees(app, ctx):
    fx.load_demo()
    d = _upward_dossier()
    lead = client_for(app, "tdkt.truongphong")
    page = lead.get(f"/review/{d.id}").get_data(as_text=True)
    assert _url(d) in page and _url(d, "HCLD-3") in page
    assert "Tờ trình đề nghị tặng Bằng khen của Thủ tướng Chính phủ (DOCX)" in page

    r = lead.get(_url(d))
    assert r.status_code == 200 and r.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in r.headers["Content-Disposition"]
    document = open_docx(r.data)
    header = table_rows(document.tables[0])
    assert header[0][0].startswith("ỦY BAN NHÂN DÂN") and "TỈNH NINH BÌNH" in header[0][0]
    assert header[1][0].startswith("Số:") and header[1][0].endswith("/TTr-UBND")  # the văn thư writes the number
    this_year = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).year
    assert header[1][1].startswith("Ninh Bình, ngày") and header[1][1].endswith(f"năm {this_year}")
    assert find_paragraph(document, "Về việc").text == "Về việc đề nghị tặng Bằng khen của Thủ tướng Chính phủ"
    assert find_paragraph(document, "Kính gửi:").text == "Kính gửi: Thủ tướng Chính phủ."
    texts = [p.text for p in all_paragraphs(document)]
    assert "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;" in texts
    assert any(t.startswith("Căn cứ Quyết định số 25/2025/QĐ-UBND") for t in texts)  # the province's rulebook
    assert any(t.startswith("Căn cứ Kế hoạch số 132/KH-UBND ngày 14 tháng 7 năm 2022") for t in texts)
    assert "Xét đề nghị của Giám đốc Sở Nội vụ;" in texts
    assert find_paragraph(document, "Chủ tịch Ủy ban nhân dân tỉnh Ninh Bình kính đề nghị").text.startswith(
        "Chủ tịch Ủy ban nhân dân tỉnh Ninh Bình kính đề nghị Thủ tướng Chính phủ xem xét, tặng Bằng khen của "
        "Thủ tướng Chính phủ cho 01 tập thể và 01 cá nhân (có danh sách kèm theo), đã có thành tích xuất sắc "
        "trong thực hiện Phong trào thi đua “Vì người nghèo - Không để ai bị bỏ lại phía sau”")
    assert find_paragraph(document, "Danh sách đề nghị khen thưởng").text.startswith(
        "Danh sách đề nghị khen thưởng đã được Hội đồng Thi đua - Khen thưởng tỉnh xét, thông qua tại phiên họp "
        "ngày 02 tháng 7 năm 2026 và công khai lấy ý kiến đến ngày 20 tháng 7 năm 2026 theo quy định")
    signer = [p.text for p in cell_paragraphs(document.tables[1], 0, 1) if p.text]
    assert signer == ["CHỦ TỊCH"]  # not signed yet: the head's title over a blank name
    annex = [r for r in table_rows(document.tables[-1])[1:] if len(r) == 3]
    assert [r[1] for r in annex] == ["Thôn Tập Ninh", "Ông Nguyễn Văn An"]
    assert "Trần Văn Trượt" not in xml_part(r.data) and "Lê Thị Huân" not in xml_part(r.data)

    # The Huân chương nominee has her own tờ trình, to Thủ tướng Chính phủ for Chủ tịch nước.
    hc = open_docx(lead.get(_url(d, "HCLD-3")).data)
    assert "trình Chủ tịch nước tặng Huân chương Lao động hạng Ba cho 01 cá nhân" in find_paragraph(
        hc, "Chủ tịch Ủy ban nhân dân tỉnh Ninh Bình kính đề nghị").text
    assert [r[1] for r in table_rows(hc.tables[-1])[1:] if len(r) == 3] == ["Bà Lê Thị Huân"]

    downloads = _downloads()
    assert len(downloads) == 2
    assert {x["award_form_id"] for x in downloads} == {fx.form("BK-TTG").id, fx.form("HCLD-3").id}
    ev = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "dossier.download")).first()
    assert (ev.actor_name, ev.object_type, ev.object_id, ev.unit_id) == ("tdkt.truongphong", "dossier", d.id,
                                                                         d.unit_id)
    assert ev.details["file"].endswith(".docx") and ev.details["document"] == "upward_proposal"


def test_after_signing_the_signer_and_capacity_are_printed(app, ctx):
    fx.load_demo()
    d = _upward_dossier("awaiting_central", signed_by="chutich")
    document = open_docx(client_for(app, "vanthu").get(_url(d)).data)
    signer = [p.text for p in cell_paragraphs(document.tables[1], 0, 1) if p.text]
    assert signer == ["KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "Lê Thị Hồng Vân"]
    # A signer linked to the account wins over a namesake.
    head = db.session.scalar(sa.select(Signer).where(Signer.full_name == "Trần Minh Khôi"))
    head.user_id = fx.user("chutich").id
    db.session.commit()
    document = open_docx(client_for(app, "vanthu").get(_url(d)).data)
    assert [p.text for p in cell_paragraphs(document.tables[1], 0, 1) if p.text] == ["CHỦ TỊCH", "Trần Minh Khôi"]


def test_hostile_names_are_literal_in_the_docx(app, ctx):
    fx.load_demo()
    d = _upward_dossier(hostile=True)
    r = client_for(app, "tdkt.chuyenvien").get(_url(d))
    assert r.status_code == 200
    annex = [row for row in table_rows(open_docx(r.data).tables[-1])[1:] if len(row) == 3]
    assert annex[0][1] == HOSTILE_UNIT
    assert annex[1][1] == f"Ông {HOSTILE_NAME}" and annex[1][2].startswith(XSS)
    xml = xml_part(r.data)
    assert "<script>" not in xml and "<img " not in xml
    assert "&lt;script&gt;alert('xss')&lt;/script&gt;" in xml or "&lt;script&gt;alert(&apos;xss&apos;)" in xml
    page = client_for(app, "tdkt.chuyenvien").get(f"/review/{d.id}").get_data(as_text=True)
    assert XSS not in page


@pytest.mark.parametrize("username, status", [
    ("tdkt.chuyenvien", 200), ("tdkt.truongphong", 200), ("chutich", 200), ("vanthu", 200), ("admin", 200),
    ("hd.thanhvien", 403),    # a council member holds none of the roles that read the province's documents
    ("xa.chuyenvien", 403),   # the unit that proposed
    ("xa.chutich", 404),      # signer of the commune only: the province's document lies outside his scope
    ("xa.vanphong", 404),     # the commune's board and clerk
    ("syt.giamdoc", 403),
])
def test_who_may_download_it(app, ctx, username, status):
    fx.load_demo()
    d = _upward_dossier()
    c = client_for(app, username)
    assert c.get(_url(d)).status_code == status
    page = c.get(f"/review/{d.id}")
    if page.status_code == 200:
        assert (_url(d) in page.get_data(as_text=True)) is (status == 200)
    assert len(_downloads()) == (1 if status == 200 else 0)


def test_anonymous_is_sent_to_login(app, ctx):
    fx.load_demo()
    d = _upward_dossier()
    r = app.test_client().get(_url(d))
    assert r.status_code == 302 and "/auth/login" in r.headers["Location"]


@pytest.mark.parametrize("state", ["appraising", "council", "public_comment"])
def test_not_before_the_council_and_the_comment_window(app, ctx, state):
    fx.load_demo()
    d = _upward_dossier(state)
    lead = client_for(app, "tdkt.truongphong")
    assert _url(d) not in lead.get(f"/review/{d.id}").get_data(as_text=True)
    r = lead.get(_url(d), follow_redirects=True)
    assert "chỉ lập được sau khi Hội đồng Thi đua - Khen thưởng tỉnh đã xét" in r.get_data(as_text=True)
    assert _downloads() == []


def test_not_for_other_forms_or_other_workflows(app, ctx):
    fx.load_demo()
    d = _upward_dossier()
    lead = client_for(app, "tdkt.truongphong")
    r = lead.get(_url(d, "BK-TINH"), follow_redirects=True)  # no nominee of that form goes up
    assert "không có đối tượng nào được đề nghị hình thức này" in r.get_data(as_text=True)
    provincial = fx.make_dossier("X-GIAVIEN", "BK-TINH", state="chairman_submission", complete=True)
    db.session.commit()
    assert lead.get(f"/decisions/upward/{provincial.id}/{fx.form('BK-TINH').id}/to-trinh.docx").status_code == 404
    assert lead.get(f"/decisions/upward/999999/{fx.form('BK-TTG').id}/to-trinh.docx").status_code == 404
    assert _downloads() == []


def test_states_come_from_the_workflow_definition():
    from awards import create_app
    from config import TestConfig

    with create_app(TestConfig()).app_context():
        assert svc.upward_proposal_states("de_nghi_cap_tren") == {
            "proposal_submission", "signing", "awaiting_central", "awarded", "not_awarded"}
        assert svc.upward_proposal_states("bang_khen_tinh") == frozenset()


def test_the_whole_upward_path_through_the_pages(app, ctx):
    """Council vote, comment window, then the board downloads the tờ trình, the chairman signs it,
    and the tờ trình then prints who signed and in what capacity."""
    from awards.services import transitions

    fx.load_demo()
    d = new_dossier("BK-TTG", kinds=("individual",))  # the round's quota: one per unit
    submit_http(app, d)
    receive_and_appraise(app, d, "tdkt.chuyenvien")
    lead = client_for(app, "tdkt.truongphong")
    assert fire_http(lead, d, "forward").status_code == 302
    c, cs = make_session(app, "council", d, members=5, present=4)
    item = cs.items[0]
    r = c.post(f"/council/{cs.id}/tally", data={"version": cs.version, "item_id": item.id, "yes": 4, "no": 0,
                                                "abstain": 0})
    assert r.status_code == 302
    cs = reload(CouncilSession, cs.id)
    assert c.post(f"/council/{cs.id}/close", data={"version": cs.version}).status_code == 302
    d = reload(Dossier, d.id)
    assert d.state == "public_comment"
    assert _url(d) not in lead.get(f"/review/{d.id}").get_data(as_text=True)
    transitions.fire(db.session, d, "close_comment", actor=fx.user("tdkt.chuyenvien"),
                     now=d.posting_closes_dt + timedelta(seconds=1))
    db.session.commit()

    page = lead.get(f"/review/{d.id}").get_data(as_text=True)
    assert _url(d) in page
    document = open_docx(lead.get(_url(d)).data)
    annex = [r[1] for r in table_rows(document.tables[-1])[1:] if len(r) == 3]
    assert annex == ["Ông Nguyễn Văn An"]
    assert "ngày 02 tháng 7 năm 2026" in find_paragraph(document, "Danh sách đề nghị khen thưởng").text

    assert fire_http(lead, d, "submit_proposal").status_code == 302
    chair = client_for(app, "chutich")
    assert fire_http(chair, d, "sign_proposal").status_code == 302
    document = open_docx(chair.get(_url(d)).data)
    assert [p.text for p in cell_paragraphs(document.tables[1], 0, 1) if p.text] == [
        "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "Lê Thị Hồng Vân"]
    assert len(_downloads()) == 2
