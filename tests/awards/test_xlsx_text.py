"""User text in every workbook the application writes stays text (formula injection): a name that
starts with "=", "+", "-", "@", a tab or a carriage return is a string cell with the quote prefix in
the decision's annex, the report's figures and the dossier's export, and the export imports back
to exactly the same text."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import openpyxl
import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, NamedStyle

from awards.db import db
from awards.documents import report as report_doc
from awards.documents.xlsx_cells import FORMULA_TRIGGERS, set_value, text_cells, write_cell
from awards.dossiers.imports import DATA_SHEET
from awards.models import Dossier, MovementIndicator, Nominee, Unit
from awards.services import decisions as decision_svc
from awards.services import reports
from tests import factories as f
from tests.awards.test_reports import demo, seeded  # noqa: F401  (fixtures: the report's seeded round)

HYPERLINK = '=HYPERLINK("http://evil.example/","bấm")'
HOSTILE = [HYPERLINK, "+84 912 345 678", "-1+2 thôn Đông", "@SUM(A1:A9)", "=1+1", "#N/A"]


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet"))


def _cells(data: bytes, sheet: str | None = None) -> dict[str, openpyxl.cell.Cell]:
    """{text: cell} of every cell that holds a string (a formula cell holds its formula text)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    sheets = [wb[sheet]] if sheet else wb.worksheets
    return {c.value: c for ws in sheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def _assert_text(cells: dict, value: str) -> None:
    assert value in cells, value
    cell = cells[value]
    assert cell.data_type == "s", (value, cell.data_type)
    assert cell.quotePrefix == value.startswith(FORMULA_TRIGGERS), value


# ------------------------------------------------------------------------------ the helper


def test_set_value_keeps_text_as_text_in_an_ordinary_sheet():
    wb = Workbook()
    ws = wb.active
    ws.append(text_cells(ws, [*HOSTILE, "Nguyễn Văn An", 1975, None]))
    write_cell(ws, 2, 1, "\tTab đầu dòng")
    data = _save(wb)
    assert "<f>" not in _sheet_xml(data)
    cells = _cells(data)
    for value in [*HOSTILE, "Nguyễn Văn An", "\tTab đầu dòng"]:
        _assert_text(cells, value)
    back = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = list(back.active.iter_rows(values_only=True))
    assert list(rows[0]) == [*HOSTILE, "Nguyễn Văn An", 1975, None]
    assert rows[1][0] == "\tTab đầu dòng"


def test_a_reused_write_only_cell_keeps_each_rows_own_quote_prefix_and_style():
    """The annex reuses its styled cells from row to row: the quote prefix of one row must not
    leak into the next, and the named style (font) stays on every row."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("S")
    wb.add_named_style(NamedStyle(name="cell", font=Font(name="Times New Roman", bold=True)))
    cell = WriteOnlyCell(ws)
    cell.style = "cell"
    values = [HYPERLINK, "Bình thường", "-âm", "Bình thường 2", 7, "+dương"]
    for value in values:
        ws.append([set_value(cell, value)])
    back = openpyxl.load_workbook(io.BytesIO(_save(wb)))["S"]
    got = [(c.value, c.quotePrefix, c.font.name, c.font.b) for (c,) in back.iter_rows()]
    assert got == [(v, isinstance(v, str) and v[0] in "=+-@", "Times New Roman", True) for v in values]


def test_a_plain_openpyxl_cell_would_be_a_formula():
    """What the helper prevents: openpyxl's own assignment makes '=…' a formula."""
    ws = Workbook().active
    ws["A1"] = HYPERLINK
    assert ws["A1"].data_type == "f"
    assert set_value(ws["A1"], HYPERLINK).data_type == "s"


# ------------------------------------------------------------------------------ the decision's annex


def test_decision_annex_writes_formula_like_names_as_text(app, ctx):
    f.load_demo()
    d = f.make_dossier("X-GIAVIEN", "GK-XA", state="chairman_review", complete=True)
    f.add_nominee(d, kind="collective", name=HYPERLINK, address="@Hội Nông dân", outcome="eligible")
    f.add_nominee(d, name="Hà Văn Minh", workplace="+84 Thôn Đông", position_title="-Trưởng thôn",
                  outcome="eligible")
    db.session.commit()
    dec = decision_svc.prepare_decision(db.session, actor=f.user("xa.vanphong"), form=f.form("GK-XA"),
                                        dossiers=[d], decision_date=date(2026, 7, 1))
    db.session.commit()
    client = app.test_client()
    assert f.login(client, "xa.vanphong").status_code == 302
    resp = client.get(f"/decisions/{dec.id}/annex.xlsx")
    assert resp.status_code == 200
    assert "<f>" not in _sheet_xml(resp.data)
    cells = _cells(resp.data)
    _assert_text(cells, HYPERLINK)
    detail = next(v for v in cells if "+84 Thôn Đông" in v)
    assert detail.startswith("-Trưởng thôn"), detail  # position first, then the workplace
    _assert_text(cells, detail)
    _assert_text(cells, "@Hội Nông dân")
    _assert_text(cells, "Tập thể")  # ordinary text: a string cell without the prefix


# ------------------------------------------------------------------------------ the report's figures


def test_report_xlsx_writes_unit_form_and_indicator_names_as_text(seeded):  # noqa: F811
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == "X-GIAVIEN"))
    unit.name = HYPERLINK
    indicator = db.session.scalar(sa.select(MovementIndicator).where(MovementIndicator.code == "money"))
    indicator.label = "+Số tiền vận động"
    indicator.unit_label = "-đồng"
    f.form("GK-XA").name = "@Giấy khen"
    db.session.commit()
    rnd = f.demo_round()
    data = report_doc.report_xlsx(reports.round_report(db.session, f.user("tdkt.chuyenvien"), rnd.movement, rnd))
    assert "<f>" not in _sheet_xml(data)
    _assert_text(_cells(data, "Theo đơn vị"), HYPERLINK)
    _assert_text(_cells(data, "Theo hình thức"), "@Giấy khen")
    indicators = _cells(data, "Chỉ tiêu")
    _assert_text(indicators, "+Số tiền vận động")
    _assert_text(indicators, "-đồng")


# ------------------------------------------------------------------------------ dossier export -> import

FIELDS = ("kind", "name", "address", "position_title", "workplace", "hamlet", "contribution", "achievements")


def _new_dossier(clerk, app) -> int:
    with app.app_context():
        round_id, form_id = f.demo_round().id, f.form("BK-TINH").id
    resp = clerk.post("/dossiers/new", data={"round_id": round_id, "award_form_id": form_id,
                                             "title": "Hồ sơ nhập lại", "summary": ""})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return int(re.search(r"/dossiers/(\d+)", resp.headers["Location"]).group(1))


def _version(app, dossier_id: int) -> int:
    with app.app_context():
        return db.session.get(Dossier, dossier_id).version


def _add(app, clerk, dossier_id: int, kind: str, data: dict) -> None:
    with app.app_context():
        form_id = f.form("BK-TINH").id
    resp = clerk.post(f"/dossiers/{dossier_id}/nominees/new?kind={kind}",
                      data=dict(data, award_form_id=form_id, version=_version(app, dossier_id)))
    assert resp.status_code == 302, resp.get_data(as_text=True)


def _nominees(app, dossier_id: int) -> list[tuple]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Nominee).where(Nominee.dossier_id == dossier_id)).all()
        return sorted(tuple(getattr(n, k) for k in FIELDS) for n in rows)


def test_dossier_export_keeps_formula_like_text_and_imports_back_the_same(app):
    with app.app_context():
        f.load_demo()
    clerk = app.test_client()
    assert f.login(clerk, "xa.chuyenvien").status_code == 302
    first = _new_dossier(clerk, app)
    _add(app, clerk, first, "collective", {"name": HYPERLINK, "address": "@Hội Nông dân xã",
                                            "achievements": "=1+1 hộ thoát nghèo"})
    _add(app, clerk, first, "individual", {"name": "Hà Văn Minh", "gender": "male", "birth_year": "1980",
                                            "position_title": "-Trưởng thôn", "workplace": "+84 Thôn Đông",
                                            "achievements": "@mọi người"})
    _add(app, clerk, first, "household", {"name": "Đinh Văn Bảy", "gender": "male", "address": "=xã Gia Viễn",
                                           "hamlet": "-Thôn Tập Ninh", "contribution": "+Hiến 300 m² đất",
                                           "contribution_value": "150000000", "achievements": "Hiến đất."})
    exported = _nominees(app, first)
    assert HYPERLINK in [n[1] for n in exported]

    resp = clerk.get(f"/dossiers/{first}/export.xlsx")
    assert resp.status_code == 200
    assert "<f>" not in _sheet_xml(resp.data)
    cells = _cells(resp.data, DATA_SHEET)
    for text in (HYPERLINK, "@Hội Nông dân xã", "=1+1 hộ thoát nghèo", "-Trưởng thôn", "+84 Thôn Đông",
                 "=xã Gia Viễn", "-Thôn Tập Ninh", "+Hiến 300 m² đất"):
        _assert_text(cells, text)

    second = _new_dossier(clerk, app)
    resp = clerk.post(f"/dossiers/{second}/import", data={"version": _version(app, second),
                                                          "file": (io.BytesIO(resp.data), "ds.xlsx")},
                      content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)
    assert _nominees(app, second) == exported
