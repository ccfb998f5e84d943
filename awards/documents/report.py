"""The "Báo cáo kết quả khen thưởng" of a movement's round, as DOCX (NĐ 30/2020/NĐ-CP layout) and
XLSX. Builders take the figures already computed (awards.services.reports.RoundReport) and plain
strings for the header; they run no query.

DOCX: A4 portrait, margins 20/20/30/15 mm, Times New Roman on every script, the header as a
borderless two-column table (issuing body | Quốc hiệu, Tiêu ngữ; number | place and date), page
numbers centred in the top margin from page 2, tables built by copying one template ``<w:tr>``
per row (never ``table.cell()`` in a loop: python-docx #174, #1209).
"""
from __future__ import annotations

import copy
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .vietnamese import amount_in_words, format_number, place_date_line
from .xlsx_cells import write_cell

if TYPE_CHECKING:  # pragma: no cover
    from ..services.reports import Breakdown, RoundReport

FONT = "Times New Roman"
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class ReportHeading:
    """What the header and the signature block print (strings, already chosen by the caller)."""

    issuing_body: str  # "SỞ NỘI VỤ TỈNH NINH BÌNH"
    place: str  # "Ninh Bình"
    report_date: date | None = None  # None: a draft with blanks
    governing_body: str = ""  # "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"
    symbol: str = "BC"  # "BC-SNV"
    signer_title: str = "GIÁM ĐỐC"
    signer_name: str = ""
    recipients: Sequence[str] = field(default_factory=lambda: ["Ủy ban nhân dân tỉnh (để báo cáo)"])
    archive: str = "VT, TĐKT"


def quantity(value: Decimal | int) -> str:
    d = Decimal(value)
    whole = int(d)
    text = format_number(whole)
    frac = abs(d - whole)
    if frac:
        text += "," + format(frac.normalize(), "f").split(".")[1]
    return text


def percent(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + "%"


def report_title(report: "RoundReport") -> str:
    mv = report.movement
    period = f" {mv.period_label}" if mv.period_label else ""
    scope = f" ({report.round.name})" if report.round is not None else ""
    return f"Kết quả khen thưởng Phong trào thi đua “{mv.name}”{period}{scope}"


# --------------------------------------------------------------------------- DOCX helpers


def _set_run_font(run, *, size: float | None = None, bold: bool | None = None, italic: bool | None = None) -> None:
    run.font.name = FONT
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic


def _para(container, text: str = "", *, size: float = 14, bold: bool = False, italic: bool = False,
          align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = False, after: float = 6, before: float = 0,
          paragraph=None):
    p = paragraph if paragraph is not None else container.add_paragraph()
    p.alignment = align
    pf = p.paragraph_format
    pf.space_after = Pt(after)
    pf.space_before = Pt(before)
    pf.line_spacing = 1.0
    if indent:
        pf.first_line_indent = Cm(1.27)
    if text:
        _set_run_font(p.add_run(text), size=size, bold=bold, italic=italic)
    return p


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _cell_text(cell, lines: Sequence[tuple[str, dict]]) -> None:
    """Fill a cell with centred lines, each (text, run options)."""
    first = cell.paragraphs[0]
    for i, (text, options) in enumerate(lines):
        opts = dict(options)
        p = first if i == 0 else cell.add_paragraph()
        _para(None, text, paragraph=p, align=opts.pop("align", WD_ALIGN_PARAGRAPH.CENTER), after=0, **opts)


def _set_widths(row_cells, widths: Sequence[float]) -> None:
    for cell, w in zip(row_cells, widths):
        cell.width = Cm(w)


def _set_grid(table, widths: Sequence[float]) -> None:
    """Fixed column widths in the table grid (Word and LibreOffice lay columns out from it)."""
    table.autofit = False
    for col, w in zip(table._tbl.tblGrid.iter(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(int(Cm(w).twips)))


def _page_number_header(section) -> None:
    """Page numbers centred in the top margin, not on the first page (NĐ 30/2020, PL I)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    _set_run_font(run, size=13)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _data_table(doc, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
                *, numeric_from: int = 2, bold_last: bool = False):
    """A bordered table: one header row (repeated on each page), then one copied ``<w:tr>`` per row."""
    table = doc.add_table(rows=2, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_grid(table, widths)
    head_cells = table.rows[0].cells
    tmpl_cells = table.rows[1].cells
    _set_widths(head_cells, widths)
    _set_widths(tmpl_cells, widths)
    for i, (cell, text) in enumerate(zip(head_cells, headers)):
        _para(None, text, paragraph=cell.paragraphs[0], size=12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
              after=0)
    for i, cell in enumerate(tmpl_cells):
        align = WD_ALIGN_PARAGRAPH.RIGHT if i >= numeric_from else (
            WD_ALIGN_PARAGRAPH.CENTER if i == 0 else WD_ALIGN_PARAGRAPH.LEFT)
        _para(None, "x", paragraph=cell.paragraphs[0], size=12, align=align, after=0)
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header_flag = OxmlElement("w:tblHeader")
    tr_pr.append(header_flag)

    template = table.rows[1]._tr
    tbl = table._tbl
    for n, values in enumerate(rows):
        tr = copy.deepcopy(template)
        for t, value in zip(tr.iter(qn("w:t")), values):
            t.text = str(value)
        if bold_last and n == len(rows) - 1:
            for rpr in tr.iter(qn("w:rPr")):
                rpr.append(OxmlElement("w:b"))
        tbl.append(tr)
    tbl.remove(template)
    return table


def _breakdown_rows(rows: Sequence["Breakdown"], total_label: str = "Tổng cộng") -> list[list[str]]:
    out = []
    for i, r in enumerate(rows, start=1):
        out.append([str(i), r.label, format_number(r.proposed), format_number(r.awarded), format_number(r.collective),
                    format_number(r.individual), format_number(r.household), format_number(r.amount)])
    out.append(["", total_label, format_number(sum(r.proposed for r in rows)),
                format_number(sum(r.awarded for r in rows)), format_number(sum(r.collective for r in rows)),
                format_number(sum(r.individual for r in rows)), format_number(sum(r.household for r in rows)),
                format_number(sum(r.amount for r in rows))])
    return out


BREAKDOWN_HEADERS = ["STT", "{}", "Đề nghị", "Được khen thưởng", "Tập thể", "Cá nhân", "Hộ gia đình",
                     "Tiền thưởng (đồng)"]
BREAKDOWN_WIDTHS = [1.3, 4.8, 1.6, 1.9, 1.5, 1.5, 1.6, 2.3]


def report_docx(report: "RoundReport", heading: ReportHeading) -> bytes:
    """The report as a .docx file (bytes)."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    _page_number_header(section)

    # Header: ô 1-4 of NĐ 30/2020 as a borderless two-column table.
    header = doc.add_table(rows=2, cols=2)
    _no_borders(header)
    _set_grid(header, [7.0, 9.5])
    top, bottom = header.rows[0].cells, header.rows[1].cells
    _set_widths(top, [7.0, 9.5])
    _set_widths(bottom, [7.0, 9.5])
    left_lines: list[tuple[str, dict]] = []
    if heading.governing_body:
        left_lines.append((heading.governing_body.upper(), {"size": 12}))
    left_lines.append((heading.issuing_body.upper(), {"size": 12, "bold": True}))
    left_lines.append(("________", {"size": 12, "bold": True}))
    _cell_text(top[0], left_lines)
    _cell_text(top[1], [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {"size": 12, "bold": True}),
        ("Độc lập - Tự do - Hạnh phúc", {"size": 13, "bold": True}),
        ("____________________________", {"size": 14, "bold": True}),
    ])
    _cell_text(bottom[0], [(f"Số:      /{heading.symbol}", {"size": 13})])
    year = heading.report_date.year if heading.report_date else date.today().year
    _cell_text(bottom[1], [(place_date_line(heading.place, heading.report_date, year), {"size": 14, "italic": True})])

    _para(doc, "BÁO CÁO", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=12, after=0)
    _para(doc, report_title(report), size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(doc, "________", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)

    mv = report.movement
    plan = f" theo Kế hoạch số {mv.plan_number}" if mv.plan_number else ""
    if mv.plan_number and mv.plan_date:
        plan += f" ngày {mv.plan_date.strftime('%d/%m/%Y')}"
    _para(doc, f"Thực hiện Phong trào thi đua “{mv.name}” {mv.period_label or ''}{plan}, kết quả xét, đề nghị "
               f"và khen thưởng ({report.scope_label.lower()}) như sau:", indent=True)

    proposed = report.outcome("proposed")
    awarded = report.outcome("awarded")
    returned = report.outcome("returned")
    rejected = report.outcome("rejected")
    in_progress = report.outcome("in_progress")
    kinds = {r.key: r for r in report.by_kind}

    _para(doc, "I. KẾT QUẢ XÉT, ĐỀ NGHỊ KHEN THƯỞNG", bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(doc, f"1. Số hồ sơ đề nghị: {format_number(proposed.dossiers)} hồ sơ của "
               f"{format_number(report.units_count)} cơ quan, đơn vị, địa phương, đề nghị khen thưởng "
               f"{format_number(proposed.nominees)} trường hợp ({format_number(kinds['collective'].proposed)} tập thể, "
               f"{format_number(kinds['individual'].proposed)} cá nhân, {format_number(kinds['household'].proposed)} "
               f"hộ gia đình).", indent=True)
    _para(doc, f"2. Được khen thưởng: {format_number(awarded.nominees)} trường hợp "
               f"({format_number(kinds['collective'].awarded)} tập thể, {format_number(kinds['individual'].awarded)} "
               f"cá nhân, {format_number(kinds['household'].awarded)} hộ gia đình); tổng số tiền thưởng "
               f"{format_number(report.amount_total)} đồng (Bằng chữ: {amount_in_words(report.amount_total)}).",
          indent=True)
    _para(doc, f"3. Hồ sơ bị trả lại đơn vị để hoàn thiện: {format_number(returned.dossiers)} hồ sơ "
               f"({format_number(returned.nominees)} trường hợp).", indent=True)
    _para(doc, f"4. Không được khen thưởng: {format_number(rejected.nominees)} trường hợp "
               f"({format_number(rejected.dossiers)} hồ sơ không được đề nghị); đang xem xét: "
               f"{format_number(in_progress.nominees)} trường hợp.", indent=True)

    _para(doc, "II. CƠ CẤU ĐỐI TƯỢNG ĐƯỢC KHEN THƯỞNG", bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for i, s in enumerate(report.shares, start=1):
        _para(doc, f"{i}. {s.label}: {format_number(s.awarded)}/{format_number(s.awarded_total)} cá nhân được khen "
                   f"thưởng, chiếm {percent(s.awarded_percent)} (trong hồ sơ đề nghị: {format_number(s.proposed)}/"
                   f"{format_number(s.proposed_total)}, {percent(s.proposed_percent)}).", indent=True)

    _para(doc, "III. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CỦA PHONG TRÀO", bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(doc, "Tổng hợp từ báo cáo thành tích của các tập thể, cá nhân, hộ gia đình được đề nghị khen thưởng:",
          indent=True)
    _data_table(doc, ["STT", "Chỉ tiêu", "Đơn vị tính", "Trong hồ sơ đề nghị", "Của đối tượng được khen thưởng"],
                [[str(i), t.label, t.unit_label, quantity(t.proposed), quantity(t.awarded)]
                 for i, t in enumerate(report.indicators, start=1)],
                [1.3, 5.7, 2.2, 3.4, 3.9], numeric_from=3)

    _para(doc, "IV. TỔNG HỢP THEO ĐƠN VỊ VÀ HÌNH THỨC KHEN THƯỞNG", bold=True, align=WD_ALIGN_PARAGRAPH.LEFT,
          before=6)
    _para(doc, "1. Theo cơ quan, đơn vị, địa phương", indent=True)
    headers = list(BREAKDOWN_HEADERS)
    headers[1] = "Cơ quan, đơn vị"
    _data_table(doc, headers, _breakdown_rows(report.by_unit), BREAKDOWN_WIDTHS, bold_last=True)
    _para(doc, "2. Theo hình thức khen thưởng", indent=True, before=6)
    headers[1] = "Hình thức"
    _data_table(doc, headers, _breakdown_rows(report.by_form), BREAKDOWN_WIDTHS, bold_last=True)

    _para(doc, "Trên đây là báo cáo kết quả khen thưởng Phong trào thi đua./.", indent=True, before=6)

    # Nơi nhận | signature (NĐ 30/2020, ô 7a-7c, 9a-9b).
    sign = doc.add_table(rows=1, cols=2)
    _no_borders(sign)
    _set_grid(sign, [7.5, 9.0])
    left, right = sign.rows[0].cells
    _set_widths((left, right), [7.5, 9.0])
    lines: list[tuple[str, dict]] = [("Nơi nhận:", {"size": 12, "bold": True, "italic": True,
                                                   "align": WD_ALIGN_PARAGRAPH.LEFT})]
    for r in heading.recipients:
        lines.append((f"- {r.rstrip(';')};", {"size": 11, "align": WD_ALIGN_PARAGRAPH.LEFT}))
    lines.append((f"- Lưu: {heading.archive}.", {"size": 11, "align": WD_ALIGN_PARAGRAPH.LEFT}))
    _cell_text(left, lines)
    right_lines: list[tuple[str, dict]] = [(heading.signer_title.upper(), {"size": 14, "bold": True})]
    right_lines += [("", {})] * 4
    right_lines.append((heading.signer_name, {"size": 14, "bold": True}))
    _cell_text(right, right_lines)

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- XLSX

SHEETS = ("Tổng hợp", "Theo đơn vị", "Theo hình thức", "Theo đối tượng", "Chỉ tiêu")
MONEY_FORMAT = "#,##0"


def _number(value: Decimal | int):
    d = Decimal(value)
    return int(d) if d == int(d) else float(d)


def _write_table(ws, start_row: int, headers: Sequence[str], rows: Sequence[Sequence], money_cols=()) -> int:
    bold = Font(bold=True, name=FONT)
    for c, h in enumerate(headers, start=1):
        cell = write_cell(ws, start_row, c, h)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    r = start_row
    for r, values in enumerate(rows, start=start_row + 1):
        for c, v in enumerate(values, start=1):
            cell = write_cell(ws, r, c, v)  # labels are names people typed: text, never a formula
            if c in money_cols:
                cell.number_format = MONEY_FORMAT
    return r + 1


def _breakdown_sheet(ws, first: str, rows: Sequence["Breakdown"]) -> None:
    headers = ["STT", first, "Đề nghị", "Được khen thưởng", "Tập thể", "Cá nhân", "Hộ gia đình", "Tiền thưởng (đồng)"]
    data = [[i, r.label, r.proposed, r.awarded, r.collective, r.individual, r.household, r.amount]
            for i, r in enumerate(rows, start=1)]
    data.append(["", "Tổng cộng", sum(r.proposed for r in rows), sum(r.awarded for r in rows),
                 sum(r.collective for r in rows), sum(r.individual for r in rows), sum(r.household for r in rows),
                 sum(r.amount for r in rows)])
    _write_table(ws, 1, headers, data, money_cols=(8,))
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEFGH", (6, 48, 10, 16, 10, 10, 12, 20)):
        ws.column_dimensions[col].width = width


def report_xlsx(report: "RoundReport") -> bytes:
    """The figures as an .xlsx workbook (bytes): one sheet per table of the report page."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEETS[0]
    write_cell(ws, 1, 1, "BÁO CÁO KẾT QUẢ KHEN THƯỞNG").font = Font(bold=True, size=14, name=FONT)
    write_cell(ws, 2, 1, report_title(report))
    row = _write_table(ws, 4, ["Kết quả", "Số hồ sơ", "Số trường hợp"],
                       [[o.label, o.dossiers, o.nominees] for o in report.outcomes])
    write_cell(ws, row, 1, "Tổng số tiền thưởng (đồng)").font = Font(bold=True, name=FONT)
    money = write_cell(ws, row, 3, report.amount_total)
    money.number_format = MONEY_FORMAT
    _write_table(ws, row + 2, ["Nhóm ưu tiên (cá nhân)", "Được khen thưởng", "Tổng cá nhân được khen thưởng",
                               "Tỷ lệ (%)", "Đề nghị", "Tổng cá nhân đề nghị", "Tỷ lệ đề nghị (%)"],
                 [[s.label, s.awarded, s.awarded_total, s.awarded_percent, s.proposed, s.proposed_total,
                   s.proposed_percent] for s in report.shares])
    ws.column_dimensions["A"].width = 48
    for col in "BCDEFG":
        ws.column_dimensions[col].width = 16

    _breakdown_sheet(wb.create_sheet(SHEETS[1]), "Cơ quan, đơn vị", report.by_unit)
    _breakdown_sheet(wb.create_sheet(SHEETS[2]), "Hình thức khen thưởng", report.by_form)
    _breakdown_sheet(wb.create_sheet(SHEETS[3]), "Đối tượng", report.by_kind)
    ws = wb.create_sheet(SHEETS[4])
    _write_table(ws, 1, ["STT", "Chỉ tiêu", "Đơn vị tính", "Trong hồ sơ đề nghị", "Của đối tượng được khen thưởng"],
                 [[i, t.label, t.unit_label, _number(t.proposed), _number(t.awarded)]
                  for i, t in enumerate(report.indicators, start=1)])
    for col, width in zip("ABCDE", (6, 48, 12, 22, 28)):
        ws.column_dimensions[col].width = width

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
