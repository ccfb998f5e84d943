"""Tờ trình, biên bản and the XLSX annex."""

from __future__ import annotations

import io
from datetime import date
from fractions import Fraction

import openpyxl
import pytest
from docx.oxml.ns import qn

from awards.documents.data import MinutesData, VoteRow
from awards.documents.decision import annex_rows, render_decision, sample_decision_data
from awards.documents.minutes import percent_text, ratio_text, render_minutes, sample_minutes_data
from awards.documents.proposal import render_proposal, sample_proposal_data
from awards.documents.xlsx import ANNEX_HEADERS, render_annex_xlsx

from . import assert_run_style, cell_paragraphs, find_paragraph, open_docx, table_rows

DAY = date(2027, 1, 20)


def test_board_proposal():
    data = sample_proposal_data("board", 2, 5, 1, DAY)
    document = open_docx(render_proposal(data))
    rows = table_rows(document.tables[0])
    assert rows[0][0].startswith("UBND TỈNH NINH BÌNH") and "SỞ NỘI VỤ" in rows[0][0]
    authority = cell_paragraphs(document.tables[0], 0, 0)[0]
    parent_run, name_run = [r for r in authority.runs if r.text.strip()]
    assert not parent_run.font.bold and name_run.font.bold
    assert rows[1] == ["Số: 12/TTr-SNV", "Ninh Bình, ngày 20 tháng 01 năm 2027"]
    assert_run_style(find_paragraph(document, "TỜ TRÌNH"), size=14, bold=True)
    assert find_paragraph(document, "Về việc đề nghị tặng").text == (
        "Về việc đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
    )
    assert find_paragraph(document, "Kính gửi:").text == "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Ninh Bình."
    body = find_paragraph(document, "Trên cơ sở đề nghị").text
    assert "cho 02 tập thể, 05 cá nhân và 01 hộ gia đình (có danh sách kèm theo)" in body
    assert find_paragraph(document, "Sở Nội vụ kính trình").text.endswith("xem xét, quyết định./.")
    signer = [p.text for p in cell_paragraphs(document.tables[1], 0, 1) if p.text]
    assert signer == ["KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "Phạm Thu Hương"]
    annex = table_rows(document.tables[-1])
    assert sum(1 for r in annex[1:] if len(r) == 3) == 8
    assert find_paragraph(document, "(Kèm theo Tờ trình số 12/TTr-SNV ngày 20 tháng 01 năm 2027")
    assert len(document.sections) == 2


def test_unit_proposal():
    data = sample_proposal_data("unit", 1, 3, 0, DAY)
    document = open_docx(render_proposal(data))
    rows = table_rows(document.tables[0])
    assert rows[0][0].startswith("ỦY BAN NHÂN DÂN") and "XÃ GIA VIỄN" in rows[0][0]
    assert rows[1][0] == "Số: 07/TTr-UBND"
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Ninh Bình (qua Sở Nội vụ)." == find_paragraph(
        document, "Kính gửi"
    ).text
    assert "cho 01 tập thể và 03 cá nhân" in find_paragraph(document, "Ủy ban nhân dân xã Gia Viễn kính trình").text
    signer = [p.text for p in cell_paragraphs(document.tables[1], 0, 1) if p.text]
    assert signer[0] == "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    copy_to = [p.text for p in cell_paragraphs(document.tables[1], 0, 0) if p.text]
    assert copy_to[-1] == "- Lưu: VT, VHXH."


def test_minutes_votes_and_quorum():
    data = MinutesData(
        members=15,
        present_names=[f"Thành viên {i}" for i in range(12)],
        absent_names=["Vắng 1", "Vắng 2", "Vắng 3"],
        votes=[
            VoteRow("Ủy ban nhân dân xã A & B", "Bằng khen", 12, 0),
            VoteRow("Ông Nguyễn Văn <An>", "Bằng khen", 7, 5),
            VoteRow("Hộ bà Nguyễn Thị \"Út\"", "Bằng khen", 8, 4),
        ],
        quorum=Fraction(2, 3),
        threshold=Fraction(1, 2),
        number=3,
        date=DAY,
        meeting_time="14 giờ 00, ngày 20 tháng 01 năm 2027",
        chair_name="Nguyễn Văn Chủ",
        secretary_name="Lê Thị Ký",
    )
    document = open_docx(render_minutes(data))
    assert table_rows(document.tables[0])[1][0] == "Số: 03/BB-HĐTĐKT"
    assert find_paragraph(document, "Số thành viên có mặt").text.startswith(
        "Số thành viên có mặt là 12/15 (80,00%), đủ điều kiện tiến hành cuộc họp theo quy định (tối thiểu 2/3"
    )
    votes = table_rows(document.tables[1])
    assert votes[0][0] == "STT"
    assert document.tables[1]._tbl.tr_lst[0].trPr.find(qn("w:tblHeader")) is not None
    assert votes[1] == ["1", "Ủy ban nhân dân xã A & B", "Bằng khen", "12", "0", "80,00", "Đạt"]
    assert votes[2] == ["2", "Ông Nguyễn Văn <An>", "Bằng khen", "7", "5", "46,67", "Không đạt"]
    assert votes[3] == ["3", "Hộ bà Nguyễn Thị \"Út\"", "Bằng khen", "8", "4", "53,33", "Đạt"]
    signatures = table_rows(document.tables[2])[0]
    assert signatures == ["THƯ KÝLê Thị Ký", "CHỦ TRÌNguyễn Văn Chủ"]


def test_minutes_without_quorum_and_over_present():
    data = MinutesData(
        members=15,
        present_names=["A"] * 9,
        votes=[VoteRow("X", "Bằng khen", 5, 4)],
        threshold=Fraction(1, 2),
        threshold_over="present",
    )
    assert not data.has_quorum() and data.passes(data.votes[0])
    document = open_docx(render_minutes(data))
    assert "không đủ điều kiện" in find_paragraph(document, "Số thành viên có mặt").text
    assert "trên 50% số thành viên có mặt" in find_paragraph(document, "Kết quả biểu quyết").text


def test_minutes_sample_and_helpers():
    document = open_docx(render_minutes(sample_minutes_data(6, DAY)))
    assert len(table_rows(document.tables[1])) == 7
    assert ratio_text(Fraction(2, 3)) == "2/3"
    assert ratio_text(Fraction(4, 5)) == "80%"
    assert percent_text(2, 3) == "66,67"
    assert percent_text(0, 0) == "0,00"


@pytest.mark.parametrize("sizes", [(5, 12, 3), (0, 3, 0), (300, 2400, 300)])
def test_xlsx_rows_match_docx_annex(sizes):
    data = sample_decision_data(*sizes, date(2027, 2, 5))
    workbook = openpyxl.load_workbook(io.BytesIO(render_annex_xlsx(data)))
    sheet = workbook.active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "DANH SÁCH"
    assert values[2][0].startswith("(Kèm theo Quyết định số 05/QĐ-UBND ngày 05 tháng 02 năm 2027")
    assert values[4] == ANNEX_HEADERS
    body = values[5:]
    docx_rows = table_rows(open_docx(render_decision(data)).tables[-1])[1:]
    assert len(body) == len(docx_rows) == len(annex_rows(data.recipients))
    for xl, dx in zip(body, docx_rows):
        if len(dx) == 1:
            assert xl[0] == dx[0] and xl[1:] == (None, None, None)
        else:
            assert [str(xl[0]), xl[1], xl[2] or ""] == dx
    assert sheet.print_title_rows == "$5:$5"
    assert sheet["B7"].font.name == "Times New Roman"
    assert sheet.freeze_panes == "A6"


def test_xlsx_special_characters():
    data = sample_decision_data(1, 0, 0, date(2027, 2, 5))
    data.recipients.collectives[0].name = "Công ty A & B <Tổng>"
    workbook = openpyxl.load_workbook(io.BytesIO(render_annex_xlsx(data)))
    assert workbook.active["B7"].value == "Công ty A & B <Tổng>"


def test_xlsx_for_proposal():
    data = sample_proposal_data("board", 1, 2, 1, DAY)
    workbook = openpyxl.load_workbook(io.BytesIO(render_annex_xlsx(data)))
    values = list(workbook.active.iter_rows(values_only=True))
    assert values[2][0].startswith("(Kèm theo Tờ trình số 12/TTr-SNV")
    assert len(values) == 5 + 3 + 4
