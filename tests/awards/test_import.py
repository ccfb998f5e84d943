"""Excel import: the template, the happy path, every kind of bad row (and that one bad row imports
nothing), and 5,000 rows in a few seconds."""
from __future__ import annotations

import io
import time

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from awards.db import db
from awards.dossiers.imports import COLUMNS, DATA_SHEET, HELP_SHEET, build_template, indicator_header, parse_workbook
from awards.models import Dossier, Nominee, NomineeIndicatorValue
from tests import factories as f

HEAD = [h for _, h, _ in COLUMNS]


def _row(**kw):
    base = {"kind": "Cá nhân", "name": "Nguyễn Văn An", "gender": "Nam", "birth_year": 1980,
            "position_title": "Trưởng thôn", "workplace": "Thôn Đông", "citizen_id": "037080001234",
            "ethnicity": "Kinh", "is_leader": "Có", "posthumous": None, "address": None, "hamlet": None,
            "contribution": None, "contribution_value": None, "award_form_id": None,
            "achievements": "Vận động ủng hộ Quỹ Vì người nghèo."}
    base.update(kw)
    return [base[k] for k, _, _ in COLUMNS]


HOUSEHOLD = dict(kind="Hộ gia đình", name="Đinh Văn Bảy", gender="Nam", birth_year=None, position_title=None,
                 workplace=None, citizen_id=None, ethnicity=None, is_leader=None, address="Xã Gia Viễn",
                 hamlet="Thôn Tập Ninh", contribution="Hiến 300 m² đất", contribution_value=150000000)
COLLECTIVE = dict(kind="Tập thể", name="Chi hội Phụ nữ thôn Đông", gender=None, birth_year=None, position_title=None,
                  workplace=None, citizen_id=None, ethnicity=None, is_leader=None, address="Hội LHPN xã")


def _book(rows, extra_headers=(), extra_values=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    ws.append(HEAD + list(extra_headers))
    for i, r in enumerate(rows):
        ws.append(r + (extra_values[i] if extra_values else []))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def dossier(ctx):
    f.load_demo()
    d = f.make_dossier()
    db.session.commit()
    return d


def test_template_has_instructions_data_sheet_and_dropdowns(dossier):
    wb = load_workbook(io.BytesIO(build_template(dossier)))
    assert wb.sheetnames[0] == HELP_SHEET and DATA_SHEET in wb.sheetnames
    help_text = "\n".join(str(c.value) for c in wb[HELP_SHEET]["A"] if c.value)
    assert "không dòng nào được nhập" in help_text and "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" in help_text
    ws = wb[DATA_SHEET]
    headers = [c.value for c in ws[1]]
    assert headers[: len(HEAD)] == HEAD
    assert indicator_header(dossier.round.movement.indicators[0]) in headers
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert any("$A$2:$A$4" in x for x in formulas)  # kind
    assert any("$B$2:$B$3" in x for x in formulas)  # gender
    assert any("$C$2:$C$4" in x for x in formulas)  # the round's three forms
    assert wb["Danh mục"]["A2"].value == "Tập thể"


def test_happy_path_all_three_kinds_with_indicators(dossier):
    ind = dossier.round.movement.indicators[0]
    data = _book([_row(), _row(**HOUSEHOLD), _row(**COLLECTIVE, award_form_id="Bằng khen của Thủ tướng Chính phủ")],
                 [indicator_header(ind)], [[5000000], [None], ["1200000,5"]])
    result = parse_workbook(data, dossier)
    assert result.ok, result.errors
    from awards.services.dossiers import import_nominees

    assert import_nominees(db.session, dossier, result.rows, actor=f.user("xa.chuyenvien"),
                           expected_version=dossier.version) == 3
    db.session.commit()
    names = {n.name: n for n in db.session.scalars(sa.select(Nominee)).all()}
    assert set(names) == {"Nguyễn Văn An", "Đinh Văn Bảy", "Chi hội Phụ nữ thôn Đông"}
    assert names["Nguyễn Văn An"].is_leader and names["Nguyễn Văn An"].citizen_id == "037080001234"
    assert names["Đinh Văn Bảy"].contribution_value == 150_000_000 and names["Đinh Văn Bảy"].hamlet == "Thôn Tập Ninh"
    assert names["Chi hội Phụ nữ thôn Đông"].award_form_id == f.form("BK-TTG").id
    assert names["Nguyễn Văn An"].award_form_id == dossier.award_form_id  # blank form = the dossier's
    values = sorted(str(v.value) for v in db.session.scalars(sa.select(NomineeIndicatorValue)))
    assert values == ["1200000.50", "5000000.00"]


BAD_ROWS = [
    (dict(kind="Doanh nghiệp"), "Loại đối tượng", "Loại đối tượng phải là"),
    (dict(name=None), "Tên tập thể / Họ và tên / Chủ hộ", "Bắt buộc nhập."),
    (dict(gender="Khác"), "Giới tính", "Nam hoặc Nữ"),
    (dict(birth_year=1850), "Năm sinh", "Năm sinh phải trong khoảng"),
    (dict(birth_year="năm 80"), "Năm sinh", "4 chữ số"),
    (dict(citizen_id=37080001234), "Số CCCD", "đúng 12 chữ số"),
    (dict(citizen_id="03708000123X"), "Số CCCD", "đúng 12 chữ số"),
    (dict(position_title=None), "Chức vụ", "Bắt buộc nhập."),
    (dict(workplace="x" * 300), "Nơi công tác", "Dài quá 255 ký tự"),
    (dict(is_leader="Hình như"), "Lãnh đạo, quản lý", "Có"),
    (dict(award_form_id="Huân chương Lao động hạng Ba"), "Hình thức đề nghị", "không có trong danh sách"),
    (dict(HOUSEHOLD, contribution_value=-1), "Giá trị đóng góp (đồng)", "không được âm"),
    (dict(HOUSEHOLD, contribution_value="nhiều"), "Giá trị đóng góp (đồng)", "số tiền nguyên"),
    (dict(HOUSEHOLD, hamlet=None), "Thôn, xóm, tổ dân phố", "Bắt buộc nhập."),
]


@pytest.mark.parametrize("change, column, message", BAD_ROWS)
def test_each_bad_row_kind_is_reported_and_nothing_is_imported(dossier, change, column, message):
    data = _book([_row(), _row(**change), _row(name="Trần Văn Ba")])
    result = parse_workbook(data, dossier)
    assert not result.ok and result.rows == []
    assert any(e.row == 3 and e.column == column and message in e.message for e in result.errors), result.errors
    assert all(e.row == 3 for e in result.errors)


def test_form_not_allowed_for_the_kind(dossier):
    gk = f.form("GK-XA")
    gk.allow_household = False
    db.session.commit()
    result = parse_workbook(_book([_row(**HOUSEHOLD, award_form_id=gk.name)]), dossier)
    assert [(e.row, e.column) for e in result.errors] == [(2, "Hình thức đề nghị")]
    assert "không áp dụng cho hộ gia đình" in result.errors[0].message


def test_negative_indicator_and_missing_column(dossier):
    ind = dossier.round.movement.indicators[0]
    result = parse_workbook(_book([_row()], [indicator_header(ind)], [[-3]]), dossier)
    assert [(e.row, e.column, e.message) for e in result.errors] == [(2, indicator_header(ind), "Không được âm.")]
    wb = Workbook()
    wb.active.title = DATA_SHEET
    wb.active.append(HEAD[:-1])
    buf = io.BytesIO()
    wb.save(buf)
    result = parse_workbook(buf.getvalue(), dossier)
    assert [(e.row, e.column) for e in result.errors] == [(1, "Tóm tắt thành tích")]


def test_every_bad_row_is_listed_at_once_via_http(app, dossier):
    did, version = dossier.id, dossier.version
    rows = [_row(), _row(citizen_id="123"), _row(), _row(birth_year=2300, gender="?")]
    c = app.test_client()
    f.login(c, "xa.chuyenvien")
    resp = c.post(f"/dossiers/{did}/import", data={"version": version, "file": (io.BytesIO(_book(rows)), "ds.xlsx")},
                  content_type="multipart/form-data")
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Tệp có 3 lỗi" in text and "Chưa nhập dòng nào" in text
    assert text.count("<tr><td>3</td>") == 1 and text.count("<tr><td>5</td>") == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Nominee)) == 0
    # a file that is not an Excel workbook
    resp = c.post(f"/dossiers/{did}/import", data={"version": version, "file": (io.BytesIO(b"%PDF-1.4 x"), "ds.xlsx")},
                  content_type="multipart/form-data")
    assert resp.status_code == 422 and "chỉ nhận XLSX" in resp.get_data(as_text=True)


def test_import_of_5000_rows_is_fast(app, dossier, capsys):
    """5,000 rows: parse (openpyxl read-only) + validate + bulk insert, all through the HTTP view."""
    rows = []
    for i in range(5000):
        if i % 3 == 0:
            rows.append(_row(**dict(HOUSEHOLD, name=f"Hộ Nguyễn Văn {i}")))
        elif i % 3 == 1:
            rows.append(_row(**dict(COLLECTIVE, name=f"Chi hội số {i}")))
        else:
            rows.append(_row(name=f"Nguyễn Thị Thử {i}", citizen_id=f"{i:012d}"))
    data = _book(rows)
    did, version = dossier.id, dossier.version
    c = app.test_client()
    f.login(c, "xa.chuyenvien")
    started = time.perf_counter()
    resp = c.post(f"/dossiers/{did}/import", data={"version": version, "file": (io.BytesIO(data), "lon.xlsx")},
                  content_type="multipart/form-data")
    elapsed = time.perf_counter() - started
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Nominee)) == 5000
    with capsys.disabled():
        print(f"\n[import] 5000 rows ({len(data) // 1024} KB) imported through HTTP in {elapsed:.2f} s")
    assert elapsed < 15
    d = db.session.get(Dossier, did)
    db.session.refresh(d)
    assert d.version > version
