"""What the generated documents say, built from the demo province's data: who issues and signs
the tờ trình, the tờ trình number the decision cites, the căn cứ, households' addresses, the
minutes' heading lines and the dossier checklist. Each test opens the DOCX / XLSX it checks."""
from __future__ import annotations

import dataclasses
import io
from datetime import date

import openpyxl
import sqlalchemy as sa

from awards.db import db
from awards.documents import context
from awards.documents.minutes import render_minutes
from awards.documents.samples import sample_minutes_data
from awards.documents.vietnamese import address_line
from awards.i18n import tr
from awards.models import Authority, RoleAssignment, Signer, User
from awards.rules.checks import completeness_problems
from awards.services import decisions as svc
from tests import factories as fx
from tests.documents import all_paragraphs, find_paragraph, open_docx, table_rows

REGULATION = "Căn cứ Quyết định số 25/2025/QĐ-UBND ngày 20 tháng 8 năm 2025"


def _authority(code: str) -> Authority:
    return db.session.scalar(sa.select(Authority).where(Authority.code == code))


def _decision(form_code: str, *, proposal_number: str | None = None, proposal_date: date | None = None,
              household: bool = False):
    fx.load_demo()
    ready = {"GK-XA": "chairman_review", "BK-TINH": "chairman_submission"}[form_code]
    d = fx.make_dossier("X-GIAVIEN", form_code, state=ready, complete=True)
    fx.add_nominee(d, name="Hà Văn Minh", outcome="eligible")
    if household:
        fx.add_nominee(d, kind="household", name="Đinh Văn Sáu", gender="male", hamlet="Thôn Tập Ninh",
                       address="Xã Gia Viễn, Tỉnh Ninh Bình", outcome="eligible")
    db.session.commit()
    authority = fx.form(form_code).authority
    signer = db.session.scalar(sa.select(Signer).where(Signer.authority_id == authority.id, Signer.is_head))
    dec = svc.prepare_decision(db.session, actor=fx.user("xa.vanphong"), form=fx.form(form_code), dossiers=[d],
                               decision_date=date(2026, 7, 1), signer=signer, proposal_number=proposal_number,
                               proposal_date=proposal_date)
    db.session.commit()
    return dec


def _header(document) -> tuple[str, str]:
    """(the issuing body's lines, the number line) of the header table."""
    rows = table_rows(document.tables[0])
    return rows[0][0], rows[1][0]


def _signature(document) -> str:
    """The signature block's text (the table after the header: nơi nhận | title and name)."""
    return table_rows(document.tables[1])[0][1]


def _texts(document) -> list[str]:
    return [p.text for p in all_paragraphs(document)]


# ----------------------------------------------------------------------------- the commune's tờ trình


def test_commune_proposal_names_the_commune_signer_and_the_symbol_the_decision_cites(app, ctx):
    dec = _decision("GK-XA", proposal_number="15/TTr-UBND")
    proposal = open_docx(context.proposal_docx(db.session, dec)[0])
    # The commune under which its Văn phòng issues the tờ trình, and the number the decision cites.
    assert _header(proposal) == ("UBND XÃ GIA VIỄNVĂN PHÒNG HĐND VÀ UBND XÃ", "Số: 15/TTr-UBND")
    assert "TTr-VP" not in "\n".join(_texts(proposal))
    assert find_paragraph(proposal, "(Kèm theo Tờ trình số 15/TTr-UBND ")
    # The Văn phòng's head in the data (the account whose position is its head) signs under her title.
    assert _signature(proposal) == "CHÁNH VĂN PHÒNGLã Thị Mai"
    assert find_paragraph(proposal, "Văn phòng HĐND và UBND xã kính trình Chủ tịch Ủy ban nhân dân xã Gia Viễn")

    decision = open_docx(context.decision_docx(dec)[0])
    assert find_paragraph(decision, "Theo đề nghị").text == (
        "Theo đề nghị của Chánh Văn phòng HĐND và UBND xã tại Tờ trình số 15/TTr-UBND ngày … tháng … năm ….")
    # The province's regulation is cited by the commune's decision too (Authority.extra_legal_basis).
    assert find_paragraph(decision, REGULATION).text.endswith(";")


def test_a_bare_proposal_number_takes_the_authoritys_symbol_in_both_documents(app, ctx):
    dec = _decision("GK-XA", proposal_number="7", proposal_date=date(2026, 6, 25))
    assert _header(open_docx(context.proposal_docx(db.session, dec)[0]))[1] == "Số: 07/TTr-VP"
    decision = open_docx(context.decision_docx(dec)[0])
    assert find_paragraph(decision, "Theo đề nghị").text == (
        "Theo đề nghị của Chánh Văn phòng HĐND và UBND xã tại Tờ trình số 07/TTr-VP ngày 25 tháng 6 năm 2026.")


def test_provincial_proposal_follows_the_authoritys_proposer_and_its_head(app, ctx):
    dec = _decision("BK-TINH", proposal_number="45")
    proposal = open_docx(context.proposal_docx(db.session, dec)[0])
    assert _header(proposal) == ("UBND TỈNH NINH BÌNHSỞ NỘI VỤ", "Số: 45/TTr-SNV")
    # Nobody holds the unit_head role for Sở Nội vụ in the demo: the name is left to write in.
    assert _signature(proposal) == "GIÁM ĐỐC"
    assert find_paragraph(proposal, "Sở Nội vụ kính trình Chủ tịch Ủy ban nhân dân tỉnh Ninh Bình xem xét")

    _snv_head()
    assert _signature(open_docx(context.proposal_docx(db.session, dec)[0])) == "GIÁM ĐỐCTrịnh Văn Nam"

    # Another province's data: the proposer is whoever the authority names, signed by that unit's head.

    _authority("CT-UBND-NB").proposer_title = "Giám đốc Sở Y tế"
    db.session.commit()
    proposal = open_docx(context.proposal_docx(db.session, dec)[0])
    assert _header(proposal)[0] == "UBND TỈNH NINH BÌNHSỞ Y TẾ"
    assert _signature(proposal) == "GIÁM ĐỐCHoàng Thị Ngọc Ánh"
    assert find_paragraph(proposal, "Sở Y tế kính trình Chủ tịch Ủy ban nhân dân tỉnh Ninh Bình")
    assert "Sở Nội vụ" not in "\n".join(_texts(proposal))
    decision = open_docx(context.decision_docx(dec)[0])
    assert find_paragraph(decision, "Theo đề nghị").text.startswith(
        "Theo đề nghị của Giám đốc Sở Y tế tại Tờ trình số 45/TTr-SNV")


def _snv_head() -> None:
    admin = fx.user("admin")
    head = User(username="snv.giamdoc", full_name="Trịnh Văn Nam", position="Giám đốc Sở Nội vụ",
                unit=fx.unit("SNV"), password_hash=admin.password_hash)
    head.roles.append(RoleAssignment(role="unit_head", scope_unit=fx.unit("SNV")))
    db.session.add(head)
    db.session.commit()


def test_report_is_signed_by_the_issuing_units_head_when_known(app, client):
    with app.app_context():
        fx.load_demo()
        rnd = fx.demo_round()
        query = {"movement_id": rnd.movement_id, "round_id": rnd.id}
    fx.login(client, "tdkt.chuyenvien")  # Phòng TĐKT: the report is the Sở's, signed by its Giám đốc
    blank = open_docx(client.get("/reports/report.docx", query_string=query).data)
    assert table_rows(blank.tables[-1])[0][1] == "GIÁM ĐỐC"
    with app.app_context():
        _snv_head()
    signed = open_docx(client.get("/reports/report.docx", query_string=query).data)
    assert table_rows(signed.tables[-1])[0][1] == "GIÁM ĐỐCTrịnh Văn Nam"


# ----------------------------------------------------------------------------- households' addresses


def test_households_keep_their_hamlet_in_the_annex_xlsx_and_certificates(app, ctx):
    dec = _decision("GK-XA", household=True)
    expected = "Thôn Tập Ninh, xã Gia Viễn, tỉnh Ninh Bình"
    decision = open_docx(context.decision_docx(dec)[0])
    rows = [r for t in decision.tables for r in table_rows(t)]
    assert any("Hộ ông Đinh Văn Sáu" in r and expected in r for r in rows), rows

    book = openpyxl.load_workbook(io.BytesIO(context.annex_xlsx(dec)[0]))
    values = [[c for c in row if c is not None] for row in book.active.iter_rows(values_only=True)]
    assert any("Hộ ông Đinh Văn Sáu" in r and expected in r for r in values), values

    dec.number, dec.state = 5, "issued"
    for a in dec.awards:
        a.status = "active"
    svc.issue_certificates(db.session, dec)
    db.session.commit()
    certificates = "\n".join(_texts(open_docx(context.certificates_docx(dec)[0])))
    assert "Hộ ông Đinh Văn Sáu" in certificates and expected in certificates


def test_address_line_writes_administrative_words_small_inside_the_line():
    assert address_line("Thôn Tập Ninh", "Xã Gia Viễn, Tỉnh Ninh Bình") == "Thôn Tập Ninh, xã Gia Viễn, tỉnh Ninh Bình"
    assert address_line(None, "Tổ 3,  Phường Hoa Lư") == "Tổ 3, phường Hoa Lư"
    assert address_line("Khu công nghiệp Gián Khẩu", "Thành phố Hồ Chí Minh") == (
        "Khu công nghiệp Gián Khẩu, thành phố Hồ Chí Minh")
    assert address_line("Số 5", "Khu công nghiệp Gián Khẩu") == "Số 5, Khu công nghiệp Gián Khẩu"
    assert address_line(None, "") == ""


# ----------------------------------------------------------------------------- minutes and checklist


def test_minutes_never_print_an_empty_heading_line():
    data = dataclasses.replace(sample_minutes_data(3, date(2027, 1, 20)), meeting_time="", meeting_place=" ")
    texts = _texts(open_docx(render_minutes(data)))
    assert "Thời gian: chưa ghi." in texts and "Địa điểm: chưa ghi." in texts
    assert not any(t.strip() in ("Thời gian: .", "Địa điểm: .") for t in texts)


def test_council_minutes_give_the_meeting_day(app, ctx):
    from awards.models import CouncilSession

    fx.load_demo()
    cs = CouncilSession(kind="council", unit_id=fx.unit("NB").id, title="Phiên họp xét khen thưởng",
                        meeting_date=date(2026, 7, 2))
    db.session.add(cs)
    db.session.commit()
    texts = _texts(open_docx(context.minutes_docx(db.session, cs)[0]))
    assert "Thời gian: ngày 02 tháng 7 năm 2026." in texts and "Địa điểm: chưa ghi." in texts


def test_checklist_keeps_the_acronym_of_a_lowered_label(app, ctx):
    fx.load_demo()
    d = fx.make_dossier("X-GIAVIEN", "GK-XA")
    problem = next(p for p in completeness_problems(d) if "biên bản" in p)
    assert problem == "Hồ sơ còn thiếu biên bản họp Hội đồng TĐKT đơn vị."
    assert tr(problem) == problem  # outside a request: Vietnamese, the capitals kept
    with app.test_request_context():
        from flask import session
        from flask_babel import refresh

        session["lang"] = "en"
        refresh()  # the locale of the test's own app context was already chosen (Vietnamese)
        assert tr(problem) == "The dossier is missing the minutes of the unit's Emulation and Commendation Council meeting."
