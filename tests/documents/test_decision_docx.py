"""The decision DOCX: NĐ 30/2020 layout, content, annex section, fast rows."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree

from awards.documents.data import Collective, DecisionData, Household, Individual, Recipients, Signer
from awards.documents.decision import annex_rows, render_decision, sample_decision_data
from awards.documents.docx_render import load_template
from awards.documents.vietnamese import amount_in_words, format_number, name_sort_key

from . import (
    TNR,
    all_paragraphs,
    assert_run_style,
    cell_paragraphs,
    find_paragraph,
    open_docx,
    table_rows,
    text_of,
    xml_part,
)

ISSUED = date(2027, 2, 5)


@pytest.fixture(scope="module")
def small():
    data = sample_decision_data(5, 12, 3, ISSUED)
    return data, render_decision(data)


@pytest.fixture(scope="module")
def small_doc(small):
    return open_docx(small[1])


def annex(document):
    return document.tables[-1]


def test_well_formed_and_opens(small):
    data, blob = small
    etree.fromstring(xml_part(blob).encode("utf-8"))
    document = open_docx(blob)
    assert len(document.tables) == 3  # header, signature block, annex
    assert document.core_properties.title == "Quyết định 05/QĐ-UBND"


def test_page_setup(small_doc):
    assert len(small_doc.sections) == 2
    for section in small_doc.sections:
        assert abs(section.page_width - Mm(210)) < Mm(0.5)
        assert abs(section.page_height - Mm(297)) < Mm(0.5)
        assert Mm(20) <= section.top_margin <= Mm(25)
        assert Mm(20) <= section.bottom_margin <= Mm(25)
        assert Mm(30) <= section.left_margin <= Mm(35)
        assert Mm(15) <= section.right_margin <= Mm(20)


def test_fonts_everywhere(small, small_doc):
    styles = small_doc.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
            assert fonts.get(qn(f"w:{attr}")) == TNR
        assert not any("Theme" in k for k in fonts.attrib)
    body = small_doc.element.body
    runs = list(body.iter(qn("w:r")))
    assert runs
    for r in runs:
        if not text_of(r).strip():
            continue
        fonts = r.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {TNR}


def test_header_block(small_doc):
    header = small_doc.tables[0]
    authority = cell_paragraphs(header, 0, 0)[0]
    assert authority.text == "ỦY BAN NHÂN DÂN\nTỈNH NINH BÌNH"
    assert_run_style(authority, size=13, bold=True)
    national = cell_paragraphs(header, 0, 1)
    assert national[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert_run_style(national[0], size=12, bold=True)
    assert national[1].text == "Độc lập - Tự do - Hạnh phúc"
    assert_run_style(national[1], size=13, bold=True)
    # The rules under the authority name and the motto: bordered empty paragraphs.
    for paragraphs in (cell_paragraphs(header, 0, 0), national):
        rule = paragraphs[-1]
        assert rule.text == ""
        assert rule._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")) is not None
    number = cell_paragraphs(header, 1, 0)[0]
    assert number.text == "Số: 05/QĐ-UBND"
    assert_run_style(number, size=13, bold=False)
    place = cell_paragraphs(header, 1, 1)[0]
    assert place.text == "Ninh Bình, ngày 05 tháng 02 năm 2027"
    assert_run_style(place, size=14, italic=True)
    # Borderless layout table.
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}


def test_title_and_basis(small, small_doc):
    data, _ = small
    title = find_paragraph(small_doc, "QUYẾT ĐỊNH")
    assert title.text == "QUYẾT ĐỊNH"
    assert_run_style(title, size=14, bold=True)
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    subject = find_paragraph(small_doc, "Về việc tặng")
    assert subject.text == "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
    assert_run_style(subject, size=14, bold=True)
    issuer = find_paragraph(small_doc, "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH NINH BÌNH")
    assert_run_style(issuer, size=14, bold=True)
    basis = [p for p in all_paragraphs(small_doc) if p.text.startswith(("Căn cứ", "Theo đề nghị"))]
    assert len(basis) == len(data.legal_basis) + 1
    for p in basis[:-1]:
        assert p.text.endswith(";")
    assert basis[-1].text.startswith("Theo đề nghị của Giám đốc Sở Nội vụ")
    assert basis[-1].text.endswith(".")
    for p in basis:
        assert_run_style(p, size=14, italic=True)
        assert p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    decide = find_paragraph(small_doc, "QUYẾT ĐỊNH:")
    assert_run_style(decide, size=14, bold=True)


def test_articles(small, small_doc):
    data, _ = small
    articles = [find_paragraph(small_doc, f"Điều {i}.") for i in (1, 2, 3)]
    for i, p in enumerate(articles, 1):
        assert p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        indent = p.paragraph_format.first_line_indent
        assert abs(indent - Mm(10)) < Mm(0.1) or abs(indent - Mm(12.7)) < Mm(0.1)
        assert p.paragraph_format.space_after.pt >= 6
        first = p.runs[0]
        assert first.text.strip() == f"Điều {i}." and first.font.bold
        assert not p.runs[1].font.bold
    assert (
        "Tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho 05 tập thể, 12 cá nhân và 03 hộ gia đình "
        "(có danh sách kèm theo), đã có thành tích xuất sắc trong thực hiện Phong trào thi đua "
        "“Vì người nghèo - Không để ai bị bỏ lại phía sau” giai đoạn 2021 - 2025."
    ) in articles[0].text
    total = 5 * 7_590_000 + 12 * 3_800_000 + 3 * 5_700_000
    assert data.total_amount == total == 100_650_000
    article2 = articles[1].text
    assert "mỗi tập thể 7.590.000 đồng, mỗi cá nhân 3.800.000 đồng, mỗi hộ gia đình 5.700.000 đồng" in article2
    assert f"Tổng số tiền thưởng: {format_number(total)} đồng" in article2
    assert f"(Bằng chữ: {amount_in_words(total)})" in article2
    assert "Một trăm triệu sáu trăm năm mươi nghìn đồng" in article2
    assert "chi từ Quỹ thi đua, khen thưởng tỉnh năm 2027." in article2
    assert articles[2].text.endswith("chịu trách nhiệm thi hành Quyết định này./.")


def test_counts_match_annex(small, small_doc):
    rows = table_rows(annex(small_doc))
    assert rows[0] == ["STT", "Tên tập thể, họ và tên", "Chức vụ, đơn vị công tác, địa chỉ"]
    groups = [r[0] for r in rows[1:] if len(r) == 1]
    assert groups == ["I. TẬP THỂ (05)", "II. CÁ NHÂN (12)", "III. HỘ GIA ĐÌNH (03)"]
    members = [r for r in rows[1:] if len(r) == 3]
    assert len(members) == 20
    article1 = find_paragraph(small_doc, "Điều 1.").text
    counts = re.search(r"cho (\d+) tập thể, (\d+) cá nhân và (\d+) hộ gia đình", article1).groups()
    sizes: list[int] = []
    for r in rows[1:]:
        if len(r) == 1:
            sizes.append(0)
        else:
            sizes[-1] += 1
    assert [int(c) for c in counts] == sizes == [5, 12, 3]


def test_annex_rows_content(small, small_doc):
    data, _ = small
    rows = [r for r in table_rows(annex(small_doc))[1:] if len(r) == 3]
    c = data.recipients.collectives[0]
    assert rows[0] == ["1", c.name, c.address]
    p = data.recipients.individuals[0]
    assert rows[5] == ["1", f"{p.title} {p.name}", f"{p.position}, {p.workplace}"]
    h = data.recipients.households[-1]
    assert rows[-1] == ["3", f"Hộ {h.title.lower()} {h.head_name}", h.address]


def test_nơi_nhận_and_signer_deputy(small_doc):
    signature = small_doc.tables[1]
    left = [p for p in cell_paragraphs(signature, 0, 0) if p.text]
    assert left[0].text == "Nơi nhận:"
    assert_run_style(left[0], size=12, bold=True, italic=True)
    items = left[1:]
    assert items[0].text == "- Như Điều 3;"
    assert all(p.text.startswith("- ") and p.text.endswith(";") for p in items[:-1])
    assert items[-1].text == "- Lưu: VT, TĐKT."
    for p in items:
        assert_run_style(p, size=11, bold=False, italic=False)
    right = [p for p in cell_paragraphs(signature, 0, 1) if p.text]
    assert right[0].text == "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    assert_run_style(right[0], size=14, bold=True)
    assert right[-1].text == "Trần Quang Huy"
    assert_run_style(right[-1], size=14, bold=True)


def test_signer_head():
    data = sample_decision_data(1, 1, 1, ISSUED, deputy=False)
    document = open_docx(render_decision(data))
    right = [p for p in cell_paragraphs(document.tables[1], 0, 1) if p.text]
    assert right[0].text == "CHỦ TỊCH"
    assert right[-1].text == "Lê Minh Khánh"
    assert "KT. CHỦ TỊCH" not in xml_part(render_decision(data))


def test_annex_section_and_page_numbers(small, small_doc):
    first, second = small_doc.sections
    assert second.start_type == WD_SECTION.NEW_PAGE
    sect1, sect2 = first._sectPr, second._sectPr
    # No page number on the first page of the decision (titlePg + empty first header)...
    assert sect1.find(qn("w:titlePg")) is not None
    assert first.different_first_page_header_footer
    assert "PAGE" not in first.first_page_header._element.xml
    assert "PAGE" in first.header._element.xml
    # ...numbers at the top, centred, 14 pt.
    number_p = first.header.paragraphs[0]
    assert number_p.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(r.font.size.pt == 14 for r in number_p.runs)
    # The annex restarts at 1, and its first page shows no number either.
    start = sect2.find(qn("w:pgNumType"))
    assert start is not None and start.get(qn("w:start")) == "1"
    assert sect1.find(qn("w:pgNumType")) is None
    assert sect2.find(qn("w:titlePg")) is not None
    refs1 = {r.get(qn("w:type")): r.get(qn("r:id")) for r in sect1.findall(qn("w:headerReference"))}
    refs2 = {r.get(qn("w:type")): r.get(qn("r:id")) for r in sect2.findall(qn("w:headerReference"))}
    assert refs1 == refs2 and set(refs1) == {"default", "first"}
    # The annex (title, table) lives in the second section.
    body = list(small_doc.element.body)
    break_at = next(i for i, el in enumerate(body) if el.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None)
    after = "".join(text_of(el) for el in body[break_at + 1 :])
    before = "".join(text_of(el) for el in body[: break_at + 1])
    assert after.startswith("DANH SÁCH") and "Điều 1." not in after
    assert "DANH SÁCH" not in before
    assert any(el is annex(small_doc)._tbl for el in body[break_at + 1 :])


def test_annex_heading_and_table_format(small_doc):
    reference = find_paragraph(small_doc, "(Kèm theo Quyết định")
    assert reference.text == (
        "(Kèm theo Quyết định số 05/QĐ-UBND ngày 05 tháng 02 năm 2027 của Chủ tịch Ủy ban nhân dân tỉnh)"
    )
    assert_run_style(reference, size=14, italic=True)
    title = find_paragraph(small_doc, "DANH SÁCH")
    assert_run_style(title, size=14, bold=True)
    trs = annex(small_doc)._tbl.tr_lst
    assert trs[0].trPr.find(qn("w:tblHeader")) is not None
    assert all(tr.trPr.find(qn("w:tblHeader")) is None for tr in trs[1:])
    assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in trs)


def test_draft_has_blanks():
    data = sample_decision_data(1, 2, 0)
    document = open_docx(render_decision(data))
    rows = table_rows(document.tables[0])
    assert rows[1][0] == "Số:      /QĐ-UBND"
    assert rows[1][1] == "Ninh Bình, ngày      tháng      năm 2027"
    assert find_paragraph(document, "(Kèm theo").text == (
        "(Kèm theo Quyết định số      /QĐ-UBND ngày      tháng      năm 2027 của Chủ tịch Ủy ban nhân dân tỉnh)"
    )
    article1 = find_paragraph(document, "Điều 1.").text
    assert "cho 01 tập thể và 02 cá nhân (có danh sách kèm theo)" in article1
    groups = [r[0] for r in table_rows(document.tables[-1]) if len(r) == 1]
    assert groups == ["I. TẬP THỂ (01)", "II. CÁ NHÂN (02)"]
    assert "hộ gia đình 5.700.000" not in find_paragraph(document, "Điều 2.").text


@pytest.mark.parametrize("kinds", [(3, 0, 0), (0, 3, 0), (0, 0, 3), (1, 1, 1)])
def test_three_recipients(kinds):
    data = sample_decision_data(*kinds, ISSUED)
    document = open_docx(render_decision(data))
    rows = table_rows(document.tables[-1])
    assert sum(1 for r in rows[1:] if len(r) == 3) == 3
    assert sum(1 for r in rows[1:] if len(r) == 1) == sum(1 for k in kinds if k)
    assert rows[1][0].startswith("I. ")


def test_three_thousand_recipients():
    data = sample_decision_data(300, 2400, 300, ISSUED)
    blob = render_decision(data)
    etree.fromstring(xml_part(blob).encode("utf-8"), parser=etree.XMLParser(huge_tree=True))
    document = open_docx(blob)
    trs = document.tables[-1]._tbl.tr_lst
    assert len(trs) == 1 + 3 + 3000
    article1 = find_paragraph(document, "Điều 1.").text
    assert "cho 300 tập thể, 2400 cá nhân và 300 hộ gia đình" in article1
    expected = annex_rows(data.recipients)
    got = [text_of(tr.tc_lst[1]) if len(tr.tc_lst) == 3 else text_of(tr) for tr in trs[1:]]
    assert got == [r.name if r.kind == "row" else r.title for r in expected]
    total = 300 * 7_590_000 + 2400 * 3_800_000 + 300 * 5_700_000
    assert f"Tổng số tiền thưởng: {format_number(total)} đồng" in find_paragraph(document, "Điều 2.").text


def test_special_characters_survive():
    recipients = Recipients(
        collectives=[Collective("Công ty A & B <Tổng>", "Số 1 'Phố' \"Lớn\" & <Nhỏ>")],
        individuals=[Individual("Trần Thị <Bé> & Co", "female", "Chủ nhiệm CLB \"Xanh\"", "A&B")],
        households=[Household('Nguyễn Thị "Út"', "female", "thôn Đông & Tây")],
    )
    data = DecisionData(
        recipients=recipients,
        amount_collective=7_590_000,
        amount_individual=3_800_000,
        amount_household=5_700_000,
        number=5,
        date=ISSUED,
        achievement="đã có thành tích “A & B” <xuất sắc> {{ not_a_tag }}",
        signer=Signer.head("CHỦ TỊCH", "Lê <Văn> & \"A\""),
        proposal_line="Theo đề nghị của Giám đốc Sở Nội vụ & Sở Tài chính",
    )
    blob = render_decision(data)
    etree.fromstring(xml_part(blob).encode("utf-8"))
    document = open_docx(blob)
    rows = table_rows(document.tables[-1])
    assert ["1", "Công ty A & B <Tổng>", "Số 1 'Phố' \"Lớn\" & <Nhỏ>"] in rows
    assert ["1", "Bà Trần Thị <Bé> & Co", "Chủ nhiệm CLB \"Xanh\", A&B"] in rows
    assert ["1", 'Hộ bà Nguyễn Thị "Út"', "thôn Đông & Tây"] in rows
    article1 = find_paragraph(document, "Điều 1.").text
    assert "đã có thành tích “A & B” <xuất sắc> {{ not_a_tag }}." in article1
    assert find_paragraph(document, "Theo đề nghị").text.endswith("Sở Nội vụ & Sở Tài chính.")
    right = [p.text for p in cell_paragraphs(document.tables[1], 0, 1) if p.text]
    assert right[-1] == "Lê <Văn> & \"A\""


def test_control_characters_and_newlines_are_safe():
    recipients = Recipients(collectives=[Collective("Tên\x00 có\x0b ký tự lạ", "dòng 1\ndòng 2")])
    data = DecisionData(recipients=recipients, amount_collective=1_000_000, number=1, date=ISSUED)
    blob = render_decision(data)
    etree.fromstring(xml_part(blob).encode("utf-8"))
    rows = table_rows(open_docx(blob).tables[-1])
    assert rows[2][1] == "Tên có ký tự lạ"
    assert "<w:br/>" in xml_part(blob)


def test_sort_by_given_name():
    data = sample_decision_data(0, 40, 10, ISSUED)
    data.sort_mode = "given_name"
    rows = annex_rows(data.recipients, "given_name")
    individuals = [r.name.split(" ", 1)[1] for r in rows if r.kind == "row" and r.recipient_kind == "individual"]
    assert individuals == sorted((p.name for p in data.recipients.individuals), key=name_sort_key)
    document = open_docx(render_decision(data))
    names = [r[1] for r in table_rows(document.tables[-1])[1:] if len(r) == 3]
    assert [n.split(" ", 1)[1] for n in names[:40]] == individuals
    with pytest.raises(ValueError):
        annex_rows(data.recipients, "alphabetical")


def test_uploaded_template_is_used():
    template = load_template("decision")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace("QUYẾT ĐỊNH:".encode(), "QUYẾT ĐỊNH (MẪU RIÊNG):".encode())
            zout.writestr(info, data)
    document = open_docx(render_decision(sample_decision_data(1, 1, 1, ISSUED), template_bytes=out.getvalue()))
    assert find_paragraph(document, "QUYẾT ĐỊNH (MẪU RIÊNG):")


def test_no_quadratic_table_api_in_documents_package():
    """engineering.md §1: table.cell(), ._cells and column_cells are banned."""
    import pathlib

    import awards.documents as package

    root = pathlib.Path(package.__file__).parent
    ours = ["build_templates", "certificates", "data", "decision", "docx_jinja", "docx_render", "docx_xml",
            "minutes", "pdf", "proposal", "qr", "samples", "template_specs", "vietnamese", "xlsx"]
    for name in ours:
        path = root / f"{name}.py"
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\.cell\(|\._cells\b|column_cells|\.add_row\(", source), path.name
