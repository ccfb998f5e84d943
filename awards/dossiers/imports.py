"""Nominee lists in Excel: the import template, validating an uploaded workbook, the export.

The workbook is read with openpyxl in read-only mode (streamed rows); every row is validated with
the same function as the editor's form (services.dossiers.clean_nominee_data) and every problem
is collected, so the unit sees all bad rows and columns at once. Only a file without a single
error is handed to services.dossiers.import_nominees, which inserts it in bulk in one transaction."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from workflows.messages import Msg

from ..documents import vietnamese as vn
from ..documents.xlsx_cells import text_cells
from ..models import GENDER_LABELS, RECIPIENT_KIND_LABELS, AwardForm, Dossier, MovementIndicator, Nominee
from ..services.dossiers import FIELD_LABELS, REQUIRED, clean_nominee_data

DATA_SHEET = "Danh sách"
HELP_SHEET = "Hướng dẫn"
LIST_SHEET = "Danh mục"
MAX_ROWS = 20000
VALIDATION_ROWS = 10000

# (key, header, width)
COLUMNS = [
    ("kind", "Loại đối tượng", 14),
    ("name", "Tên tập thể / Họ và tên / Chủ hộ", 30),
    ("gender", "Giới tính", 10),
    ("birth_year", "Năm sinh", 10),
    ("position_title", "Chức vụ", 24),
    ("workplace", "Nơi công tác", 28),
    ("citizen_id", "Số CCCD", 16),
    ("ethnicity", "Dân tộc", 10),
    ("is_leader", "Lãnh đạo, quản lý", 12),
    ("posthumous", "Truy tặng", 10),
    ("address", "Địa chỉ / Đơn vị cấp trên", 32),
    ("hamlet", "Thôn, xóm, tổ dân phố", 20),
    ("contribution", "Nội dung đóng góp", 32),
    ("contribution_value", "Giá trị đóng góp (đồng)", 18),
    ("award_form_id", "Hình thức đề nghị", 40),
    ("achievements", "Tóm tắt thành tích", 50),
]
HEADERS = {key: header for key, header, _ in COLUMNS}
YES = {"co", "x", "1", "true", "yes", "dung"}
NO = {"", "khong", "0", "false", "no", "sai"}
KIND_BY_FOLD = {vn.fold(label): kind.value for kind, label in RECIPIENT_KIND_LABELS.items()}
GENDER_BY_FOLD = {vn.fold(label): g.value for g, label in GENDER_LABELS.items()}


def indicator_header(ind: MovementIndicator) -> str:
    return f"Chỉ tiêu: {ind.label} ({ind.unit_label})"


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # the Vietnamese header of the workbook's column, as the unit sees it in Excel
    value: str
    message: str  # a Msg, translated on the import page (the workbook itself stays Vietnamese)


@dataclass
class ParseResult:
    rows: list[dict[str, Any]]
    errors: list[RowError]
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


def _instructions(forms: list[AwardForm], indicators: list[MovementIndicator]) -> list[str]:
    lines = [
        "HƯỚNG DẪN NHẬP DANH SÁCH ĐỐI TƯỢNG ĐỀ NGHỊ KHEN THƯỞNG",
        "",
        f"1. Nhập mỗi đối tượng trên một dòng của trang «{DATA_SHEET}», bắt đầu từ dòng 2. Không đổi tên, thứ tự các cột.",
        "2. Loại đối tượng: chọn Tập thể, Cá nhân hoặc Hộ gia đình. Giới tính: Nam hoặc Nữ.",
        "3. Cột bắt buộc theo loại:",
    ]
    for kind, keys in REQUIRED.items():
        label = RECIPIENT_KIND_LABELS[kind]
        lines.append(f"   - {label}: " + ", ".join(HEADERS[k] for k in keys) + ".")
    lines += [
        "4. Năm sinh: 4 chữ số (ví dụ 1975). Số CCCD (nếu có): đúng 12 chữ số, ô để dạng văn bản để giữ số 0 ở đầu.",
        "5. Lãnh đạo, quản lý / Truy tặng: ghi Có hoặc để trống.",
        "6. Giá trị đóng góp và các chỉ tiêu: số không âm, không ghi đơn vị (ví dụ 50000000).",
        "7. Hình thức đề nghị: chọn trong danh sách; để trống thì lấy hình thức của hồ sơ. Các hình thức của đợt:",
    ]
    for f in forms:
        kinds = ", ".join(RECIPIENT_KIND_LABELS[k].lower() for k in RECIPIENT_KIND_LABELS if f.allows(k))
        lines.append(f"   - {f.name} (áp dụng cho: {kinds}).")
    if indicators:
        lines.append("8. Các chỉ tiêu của phong trào (cột cuối): " + "; ".join(
            f"{i.label} ({i.unit_label})" for i in indicators) + ".")
    lines += [
        "",
        "Khi tải lên, hệ thống kiểm tra toàn bộ các dòng. Nếu có dù chỉ một lỗi, không dòng nào được nhập "
        "và hệ thống liệt kê mọi dòng, cột bị lỗi cùng lý do để sửa.",
    ]
    return lines


def build_template(dossier: Dossier, nominees: Iterable[Nominee] = (), *, with_help: bool = True) -> bytes:
    """The import template (instructions, data sheet with drop-downs, lists); with ``nominees``
    it is also the export of the dossier's list, which can be imported again."""
    forms = list(dossier.round.award_forms)
    indicators = list(dossier.round.movement.indicators)
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    headers = [h for _, h, _ in COLUMNS] + [indicator_header(i) for i in indicators]
    ws.append(text_cells(ws, headers))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FDE9D9")
    for idx, (_, _, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = width
    for idx in range(len(COLUMNS) + 1, len(headers) + 1):
        ws.column_dimensions[get_column_letter(idx)].width = 22
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.freeze_panes = "C2"
    cid_col = get_column_letter([k for k, _, _ in COLUMNS].index("citizen_id") + 1)
    form_names = {f.id: f.name for f in forms}
    indicator_ids = [i.id for i in indicators]
    for n in nominees:
        values = {v.indicator_id: v.value for v in n.indicator_values}
        # Text as text: a name such as '=HYPERLINK(…)' stays a string and imports back unchanged.
        ws.append(text_cells(ws, [
            n.kind_label, n.name, n.gender_label or None, n.birth_year,
            n.position_title, n.workplace, n.citizen_id, n.ethnicity, "Có" if n.is_leader else None,
            "Có" if n.posthumous else None, n.address, n.hamlet, n.contribution, n.contribution_value,
            form_names.get(n.award_form_id, n.award_form.name), n.achievements,
            *[float(values[i]) if i in values else None for i in indicator_ids],
        ]))
    last = max(VALIDATION_ROWS, ws.max_row) + 1
    for row in range(2, min(last, 2 + VALIDATION_ROWS)):
        ws[f"{cid_col}{row}"].number_format = "@"

    lists = wb.create_sheet(LIST_SHEET)
    lists.append(text_cells(lists, ["Loại đối tượng", "Giới tính", "Hình thức", "Có/Không"]))
    kinds = list(RECIPIENT_KIND_LABELS.values())
    genders = list(GENDER_LABELS.values())
    yesno = ["Có", "Không"]
    for i in range(max(len(kinds), len(genders), len(forms), len(yesno))):
        lists.append(text_cells(lists, [
            kinds[i] if i < len(kinds) else None, genders[i] if i < len(genders) else None,
            forms[i].name if i < len(forms) else None, yesno[i] if i < len(yesno) else None,
        ]))
    lists.sheet_state = "hidden"

    def validation(key: str, col: str, count: int, title: str) -> None:
        letter = get_column_letter([k for k, _, _ in COLUMNS].index(key) + 1)
        dv = DataValidation(type="list", formula1=f"='{LIST_SHEET}'!${col}$2:${col}${count + 1}",
                            allow_blank=True, showErrorMessage=True, errorTitle="Giá trị không hợp lệ",
                            error=f"Vui lòng chọn {title} trong danh sách.")
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)

    validation("kind", "A", len(kinds), "loại đối tượng")
    validation("gender", "B", len(genders), "giới tính")
    validation("award_form_id", "C", max(len(forms), 1), "hình thức khen thưởng")
    validation("is_leader", "D", 2, "Có hoặc Không")
    validation("posthumous", "D", 2, "Có hoặc Không")

    if with_help:
        help_ws = wb.create_sheet(HELP_SHEET, 0)
        help_ws.column_dimensions["A"].width = 120
        for line in _instructions(forms, indicators):
            help_ws.append(text_cells(help_ws, [line]))
        help_ws["A1"].font = Font(bold=True, size=13)
        wb.active = 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def parse_workbook(data: bytes, dossier: Dossier) -> ParseResult:
    """Validate every row of an uploaded workbook; nothing is written to the database."""
    import time

    started = time.perf_counter()
    forms = {f.id: f for f in dossier.round.award_forms}
    form_by_fold = {vn.fold(f.name): f.id for f in forms.values()}
    form_by_fold.update({vn.fold(f.code): f.id for f in forms.values()})
    indicators = list(dossier.round.movement.indicators)
    errors: list[RowError] = []
    rows: list[dict[str, Any]] = []
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for broken files
        return ParseResult([], [RowError(0, "", "", Msg("Không đọc được tệp Excel; vui lòng dùng mẫu tải về (định dạng .xlsx)."))])
    try:
        ws = wb[DATA_SHEET] if DATA_SHEET in wb.sheetnames else next(
            (wb[n] for n in wb.sheetnames if n not in (HELP_SHEET, LIST_SHEET)), None)
        if ws is None:
            return ParseResult([], [RowError(0, "", "", Msg("Không tìm thấy trang «%(sheet)s» trong tệp.", sheet=DATA_SHEET))])
        it = ws.iter_rows(values_only=True)
        header = next(it, None)
        if header is None:
            return ParseResult([], [RowError(1, "", "", Msg("Tệp không có dòng tiêu đề."))])
        by_header = {vn.fold(_cell_text(h)): i for i, h in enumerate(header) if h is not None}
        col_of: dict[str, int] = {}
        for key, head, _ in COLUMNS:
            idx = by_header.get(vn.fold(head))
            if idx is None:
                errors.append(RowError(1, head, "", Msg("Thiếu cột này trong dòng tiêu đề; vui lòng dùng mẫu tải về.")))
            else:
                col_of[key] = idx
        ind_col = {i.id: by_header[vn.fold(indicator_header(i))] for i in indicators
                   if vn.fold(indicator_header(i)) in by_header}
        if errors:
            return ParseResult([], errors)
        year = datetime.now().year
        count = 0
        for rownum, values in enumerate(it, start=2):
            if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            count += 1
            if count > MAX_ROWS:
                errors.append(RowError(rownum, "", "", Msg("Tệp có hơn %(max)s dòng; vui lòng chia thành nhiều tệp.",
                                                           max=MAX_ROWS)))
                break

            def get(key: str) -> Any:
                idx = col_of[key]
                return values[idx] if idx < len(values) else None

            raw: dict[str, Any] = {}
            row_errors: list[RowError] = []

            def bad(key: str, value: Any, message: str) -> None:
                row_errors.append(RowError(rownum, HEADERS.get(key, key), _cell_text(value)[:80], message))

            kind_val = get("kind")
            raw["kind"] = KIND_BY_FOLD.get(vn.fold(_cell_text(kind_val)), "")
            if not raw["kind"]:
                bad("kind", kind_val, Msg("Loại đối tượng phải là Tập thể, Cá nhân hoặc Hộ gia đình."))
                errors.extend(row_errors)
                continue
            for key in ("name", "position_title", "workplace", "ethnicity", "address", "hamlet", "contribution",
                        "achievements"):
                v = get(key)
                raw[key] = _cell_text(v) if v is not None else None
            g = get("gender")
            if g not in (None, ""):
                raw["gender"] = GENDER_BY_FOLD.get(vn.fold(_cell_text(g)))
                if raw["gender"] is None:
                    bad("gender", g, Msg("Giới tính phải là Nam hoặc Nữ."))
                    raw["gender"] = None
            raw["birth_year"] = get("birth_year")
            cid = get("citizen_id")
            raw["citizen_id"] = _cell_text(cid) if cid is not None else None
            raw["contribution_value"] = get("contribution_value")
            for key in ("is_leader", "posthumous"):
                v = vn.fold(_cell_text(get(key)))
                if v in YES:
                    raw[key] = True
                elif v in NO:
                    raw[key] = False
                else:
                    bad(key, get(key), Msg("Ghi «Có» hoặc để trống."))
            fv = get("award_form_id")
            if fv in (None, ""):
                raw["award_form_id"] = dossier.award_form_id
            else:
                raw["award_form_id"] = form_by_fold.get(vn.fold(_cell_text(fv)), -1)
            cleaned, field_errors = clean_nominee_data(raw, forms, current_year=year)
            reported = {e.column for e in row_errors}
            for key, message in field_errors.items():
                if HEADERS.get(key, key) in reported:
                    continue
                value = fv if key == "award_form_id" else get(key) if key in col_of else ""
                if key == "award_form_id" and raw["award_form_id"] == -1:
                    message = Msg("Hình thức không có trong danh sách của đợt khen thưởng.")
                bad(key, value, message)
            ind_values: dict[int, Decimal] = {}
            for ind in indicators:
                idx = ind_col.get(ind.id)
                v = values[idx] if idx is not None and idx < len(values) else None
                if v in (None, ""):
                    continue
                try:
                    dec = Decimal(str(v).strip().replace(",", "."))
                    if not dec.is_finite():
                        raise InvalidOperation
                except InvalidOperation:
                    row_errors.append(RowError(rownum, indicator_header(ind), _cell_text(v)[:80], Msg("Phải là số.")))
                    continue
                if dec < 0:
                    row_errors.append(RowError(rownum, indicator_header(ind), _cell_text(v)[:80], Msg("Không được âm.")))
                    continue
                if dec >= Decimal("1e16"):
                    row_errors.append(RowError(rownum, indicator_header(ind), _cell_text(v)[:80], Msg("Số quá lớn.")))
                    continue
                ind_values[ind.id] = dec.quantize(Decimal("0.01"))
            if row_errors:
                errors.extend(row_errors)
                continue
            cleaned["indicators"] = ind_values
            rows.append(cleaned)
        if not rows and not errors:
            errors.append(RowError(0, "", "", Msg("Tệp không có dòng dữ liệu nào.")))
    finally:
        wb.close()
    return ParseResult(rows if not errors else [], errors, time.perf_counter() - started)


__all__ = ["build_template", "parse_workbook", "ParseResult", "RowError", "COLUMNS", "FIELD_LABELS"]
