"""The annex (DANH SÁCH) as an Excel workbook: the same rows as the DOCX annex."""

from __future__ import annotations

import io
from typing import Union

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .data import DecisionData, ProposalData
from .decision import annex_rows, decision_context
from .docx_render import clean_text
from .xlsx_cells import set_value

__all__ = ["render_annex_xlsx", "ANNEX_HEADERS"]

ANNEX_HEADERS = ("STT", "Tên tập thể, họ và tên", "Chức vụ, đơn vị công tác, địa chỉ", "Loại")
_KIND_NAMES = {"collective": "Tập thể", "individual": "Cá nhân", "household": "Hộ gia đình"}
FONT = "Times New Roman"


def _context(data: Union[DecisionData, ProposalData]) -> dict:
    if isinstance(data, ProposalData):
        from .proposal import proposal_context

        return proposal_context(data)
    return decision_context(data)


def render_annex_xlsx(data: Union[DecisionData, ProposalData]) -> bytes:
    """Workbook bytes: title lines, a header row (repeated when printed), group rows
    ('I. TẬP THỂ (05)') and one row per recipient, in the annex's order."""
    ctx = _context(data)
    rows = annex_rows(data.recipients, data.sort_mode)

    # Write-only mode: rows are streamed (10,000 rows in well under a second).
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    styles = {
        "annex_cell": (Font(name=FONT, size=12), Alignment(vertical="top", wrap_text=True)),
        "annex_center": (
            Font(name=FONT, size=12),
            Alignment(horizontal="center", vertical="top", wrap_text=True),
        ),
        "annex_group": (Font(name=FONT, size=12, bold=True), Alignment(vertical="top")),
        "annex_header": (
            Font(name=FONT, size=12, bold=True),
            Alignment(horizontal="center", vertical="center", wrap_text=True),
        ),
    }
    for name, (font, alignment) in styles.items():
        wb.add_named_style(NamedStyle(name=name, font=font, alignment=alignment, border=border))

    n_cols = len(ANNEX_HEADERS)
    last_col = get_column_letter(n_cols)
    for col, width in zip("ABCD", (7, 36, 52, 14)):
        ws.column_dimensions[col].width = width
    header_row = 5
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"

    def styled(value, style: str) -> WriteOnlyCell:
        c = WriteOnlyCell(ws)
        c.style = style
        return set_value(c, value)

    title_lines = [
        (clean_text(ctx["annex_title"]), Font(name=FONT, size=14, bold=True)),
        (clean_text(ctx["annex_subtitle"]), Font(name=FONT, size=13, bold=True)),
        (clean_text(ctx["annex_reference"]), Font(name=FONT, size=13, italic=True)),
    ]
    for i, (text, font) in enumerate(title_lines, 1):
        c = set_value(WriteOnlyCell(ws), text)
        c.font = font
        c.alignment = Alignment(horizontal="center", wrap_text=True)
        ws.append([c])
        ws.merged_cells.add(f"A{i}:{last_col}{i}")
    ws.append([])
    ws.append([styled(text, "annex_header") for text in ANNEX_HEADERS])

    # Styled cells are reused: the write-only sheet serialises each row as it is
    # appended, so setting new values on the same cells is safe and skips the costly
    # per-cell style lookup.
    group_cells = [styled(None, "annex_group") for _ in range(n_cols)]
    item_cells = [
        styled(None, "annex_center"),
        styled(None, "annex_cell"),
        styled(None, "annex_cell"),
        styled(None, "annex_center"),
    ]
    r = header_row
    for row in rows:
        r += 1
        if row.kind == "group":
            set_value(group_cells[0], clean_text(row.title))
            ws.append(group_cells)
            ws.merged_cells.add(f"A{r}:{last_col}{r}")
        else:
            # Names and details are user text: set_value keeps "=…" a string, never a formula.
            item_cells[0].value = int(row.stt)
            set_value(item_cells[1], clean_text(row.name))
            set_value(item_cells[2], clean_text(row.detail))
            set_value(item_cells[3], _KIND_NAMES[row.recipient_kind])
            ws.append(item_cells)

    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = 30 / 25.4
    ws.page_margins.right = 15 / 25.4
    ws.page_margins.top = 20 / 25.4
    ws.page_margins.bottom = 20 / 25.4
    wb.properties.title = clean_text(ctx["annex_title"])
    wb.properties.creator = "awards"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
