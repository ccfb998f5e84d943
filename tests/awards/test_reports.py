"""Reports of a round: figures against a seeded round, the page, its charts, the XLSX round trip and
the DOCX report (NĐ 30/2020 layout)."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest
import sqlalchemy as sa
from docx import Document

from awards.db import db
from awards.documents.vietnamese import format_number
from awards.models import MovementIndicator, NomineeIndicatorValue, WorkflowHistory
from awards.services import reports
from tests import factories as f
from tests.awards.test_registry import add_award, issue_decision


@pytest.fixture
def demo(ctx):
    f.load_demo(date(2026, 9, 1))
    return db.session


def _indicator(code: str) -> MovementIndicator:
    return db.session.scalar(sa.select(MovementIndicator).where(MovementIndicator.code == code))


def _values(nominee, **values) -> None:
    for code, value in values.items():
        db.session.add(NomineeIndicatorValue(nominee_id=nominee.id, indicator_id=_indicator(code).id,
                                             value=Decimal(str(value))))


@pytest.fixture
def seeded(demo):
    """A round with: a returned-then-issued dossier, a rejected one, one under appraisal, a Giấy khen
    dossier with an active and a revoked award, and a draft and a withdrawn dossier (not counted)."""
    d1 = f.make_dossier("X-GIAVIEN", "BK-TINH", state="issued")
    n1 = f.add_nominee(d1, name="Đinh Thị Hoa", gender="female", ethnicity="Kinh")
    n2 = f.add_nominee(d1, name="Bùi Văn Mạnh", ethnicity="Mường", is_leader=True)
    n3 = f.add_nominee(d1, kind="collective", name="Hội Nông dân xã Gia Viễn")
    n4 = f.add_nominee(d1, kind="household", name="Phạm Thị Lan")
    n5 = f.add_nominee(d1, name="Trần Văn Hùng", outcome="ineligible", outcome_reason="Chưa đủ thành tích")
    db.session.add_all([
        WorkflowHistory(dossier_id=d1.id, transition="submit", from_state="draft", to_state="submitted"),
        WorkflowHistory(dossier_id=d1.id, transition="return_to_unit", from_state="submitted", to_state="returned",
                        comment="Bổ sung biên bản"),
        WorkflowHistory(dossier_id=d1.id, transition="resubmit", from_state="returned", to_state="submitted"),
    ])
    d2 = f.make_dossier("X-NHOQUAN", "BK-TINH", state="rejected")
    n6 = f.add_nominee(d2, name="Hoàng Thị Mai", gender="female", ethnicity="Tày")
    f.add_nominee(d2, kind="collective", name="Đoàn Thanh niên xã Nho Quan")
    d3 = f.make_dossier("SYT", "BK-TINH", state="appraising")
    n8 = f.add_nominee(d3, name="Lý Thị Thu", gender="female", ethnicity="")
    d4 = f.make_dossier("X-GIAVIEN", "GK-XA", state="issued")
    n9 = f.add_nominee(d4, name="Nguyễn Văn Bình")
    n10 = f.add_nominee(d4, name="Nguyễn Văn Cường")
    d5 = f.make_dossier("X-GIAVIEN", "BK-TINH", state="draft")
    n11 = f.add_nominee(d5, name="Nguyễn Văn Nháp")
    d6 = f.make_dossier("P-HOALU", "BK-TINH", state="withdrawn")
    f.add_nominee(d6, name="Nguyễn Văn Rút")

    _values(n1, money=50_000_000, houses=2)
    _values(n2, households_out=3)
    _values(n3, money=100_000_000)
    _values(n4, houses=1.5)
    _values(n6, money=20_000_000)
    _values(n8, households_out=4)
    _values(n11, money=999)

    bk = issue_decision("BK-TINH", number=5, decision_date=date(2026, 9, 15))
    for n, amount in ((n1, 3_800_000), (n2, 3_800_000), (n3, 7_590_000), (n4, 5_700_000)):
        add_award(bk, n.name, kind=n.kind, amount=amount, nominee=n, gender=n.gender)
    gk = issue_decision("GK-XA", number=12, decision_date=date(2026, 9, 20))
    add_award(gk, n9.name, amount=760_000, nominee=n9)
    add_award(gk, n10.name, amount=760_000, nominee=n10, status="revoked",
              revoked_dt=datetime(2026, 10, 1, tzinfo=timezone.utc))
    db.session.commit()
    return {"round": f.demo_round(), "n5": n5}


def _report(username: str = "tdkt.chuyenvien"):
    rnd = f.demo_round()
    return reports.round_report(db.session, f.user(username), rnd.movement, rnd)


def test_round_figures(seeded):
    rep = _report()
    assert (rep.dossiers_total, rep.units_count, rep.nominees_total) == (4, 3, 10)
    assert rep.awarded_total == 5
    assert rep.amount_total == 3_800_000 * 2 + 7_590_000 + 5_700_000 + 760_000 == 21_650_000
    outcomes = {o.code: (o.dossiers, o.nominees) for o in rep.outcomes}
    assert outcomes == {"proposed": (4, 10), "awarded": (2, 5), "returned": (1, 5), "rejected": (1, 3),
                        "revoked": (0, 1), "in_progress": (1, 1)}
    kinds = {r.key: (r.proposed, r.awarded, r.amount) for r in rep.by_kind}
    assert kinds == {"collective": (2, 1, 7_590_000), "individual": (7, 3, 8_360_000),
                     "household": (1, 1, 5_700_000)}
    units = {r.label: (r.proposed, r.awarded, r.collective, r.individual, r.household, r.amount) for r in rep.by_unit}
    assert units == {"Ủy ban nhân dân xã Gia Viễn": (7, 5, 1, 3, 1, 21_650_000),
                     "Ủy ban nhân dân xã Nho Quan": (2, 0, 0, 0, 0, 0),
                     "Sở Y tế tỉnh Ninh Bình": (1, 0, 0, 0, 0, 0)}
    forms = {r.label: (r.proposed, r.awarded, r.amount) for r in rep.by_form}
    assert forms == {"Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh": (8, 4, 20_890_000),
                     "Giấy khen của Chủ tịch Ủy ban nhân dân xã": (2, 1, 760_000)}
    shares = {s.code: (s.awarded, s.awarded_total, s.proposed, s.proposed_total) for s in rep.shares}
    assert shares == {"non_leader": (2, 3, 6, 7), "women": (1, 3, 3, 7), "ethnic_minority": (1, 3, 2, 7)}
    assert rep.shares[0].awarded_percent == 66.7
    indicators = {t.code: (t.proposed, t.awarded) for t in rep.indicators}
    assert indicators == {"money": (Decimal(170_000_000), Decimal(150_000_000)),
                          "houses": (Decimal("3.5"), Decimal("3.5")),
                          "households_out": (Decimal(7), Decimal(3))}


def test_figures_stay_within_the_users_scope(seeded):
    rep = _report("xa.vanphong")  # board_specialist of xã Gia Viễn only
    assert (rep.dossiers_total, rep.nominees_total, rep.awarded_total) == (2, 7, 5)
    assert [r.label for r in rep.by_unit] == ["Ủy ban nhân dân xã Gia Viễn"]


def test_whole_movement_equals_its_only_round(seeded):
    rnd = f.demo_round()
    whole = reports.round_report(db.session, f.user("admin"), rnd.movement, None)
    assert (whole.nominees_total, whole.awarded_total, whole.amount_total) == (10, 5, 21_650_000)
    assert whole.scope_label == "Tất cả các đợt"


def test_report_queries_do_not_grow_with_the_round(seeded, count_queries):
    with count_queries() as before:
        _report()
    d = f.make_dossier("SYT", "BK-TINH", state="submitted")
    for i in range(30):
        _values(f.add_nominee(d, name=f"Người Thứ {i}"), money=1000)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as after:
        rep = _report()
    assert rep.nominees_total == 40
    assert after["count"] == before["count"] <= 12  # user, roles, round + the report's own 6


class _Tables(HTMLParser):
    """Collects the text of each <td>/<th> of the tables with an id."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.figures: dict[str, str] = {}
        self._table = self._cell = self._figure = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id"):
            self._table = a["id"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []
        elif tag == "div" and (a.get("id") or "").startswith("fig-"):
            self._figure = a["id"]
            self.figures[self._figure] = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "div":
            self._figure = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._figure:
            self.figures[self._figure] += data.strip()


def _page(client, rnd):
    f.login(client, "tdkt.chuyenvien")
    resp = client.get("/reports/", query_string={"movement_id": rnd.movement_id, "round_id": rnd.id})
    assert resp.status_code == 200
    parser = _Tables()
    parser.feed(resp.get_data(as_text=True))
    return resp.get_data(as_text=True), parser


def test_report_page_shows_figures_and_offline_svg_charts(client, seeded):
    html, page = _page(client, seeded["round"])
    assert page.figures == {"fig-dossiers": "4", "fig-nominees": "10", "fig-awarded": "5", "fig-amount": "21.650.000"}
    assert html.count("<svg") == 5 and "<script" not in html.split("</main>")[0]
    assert "Đề nghị và được khen thưởng theo đơn vị" in html
    assert ' style="' not in html.split("<main")[1].split("</main>")[0]  # CSP: no inline styles
    assert "66,7%" in html  # non-leaders among awarded individuals
    assert ["Số nhà Đại đoàn kết xây mới, sửa chữa", "căn", "3,5", "3,5"] in page.tables["table-indicators"]


def test_reports_are_for_the_board_signers_and_admins(client, seeded):
    f.login(client, "xa.chuyenvien")
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/export.xlsx").status_code == 403


def test_xlsx_round_trip_equals_the_page(client, seeded):
    rnd = seeded["round"]
    _html, page = _page(client, rnd)
    resp = client.get("/reports/export.xlsx", query_string={"movement_id": rnd.movement_id, "round_id": rnd.id})
    assert resp.status_code == 200
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = openpyxl.load_workbook(io.BytesIO(resp.data))
    assert wb.sheetnames == ["Tổng hợp", "Theo đơn vị", "Theo hình thức", "Theo đối tượng", "Chỉ tiêu"]

    def as_page(row):
        return [format_number(v) if isinstance(v, int) else str(v) for v in row]

    for sheet, table in (("Theo đơn vị", "table-units"), ("Theo hình thức", "table-forms"),
                         ("Theo đối tượng", "table-kinds")):
        rows = [list(r) for r in wb[sheet].iter_rows(min_row=2, values_only=True)]
        body = page.tables[table][1:-1]  # without header and total
        assert [as_page(r) for r in rows[:-1]] == body, sheet
        assert as_page(rows[-1])[1:] == page.tables[table][-1][1:]  # the total row
    summary = {r[0]: r[1:3] for r in wb["Tổng hợp"].iter_rows(min_row=5, max_row=10, values_only=True)}
    page_outcomes = {r[0]: r[1:] for r in page.tables["table-outcomes"][1:]}
    for label, (dossiers, nominees) in summary.items():
        assert page_outcomes[label][1] == format_number(nominees)
        if page_outcomes[label][0]:
            assert page_outcomes[label][0] == format_number(dossiers)
    money_row = next(r for r in wb["Tổng hợp"].iter_rows(values_only=True) if r[0] == "Tổng số tiền thưởng (đồng)")
    assert format_number(money_row[2]) == page.figures["fig-amount"]
    indicators = [list(r) for r in wb["Chỉ tiêu"].iter_rows(min_row=2, values_only=True)]
    assert [[r[1], r[2], Decimal(str(r[3])), Decimal(str(r[4]))] for r in indicators] == [
        ["Số tiền ủng hộ Quỹ Vì người nghèo", "đồng", Decimal(170_000_000), Decimal(150_000_000)],
        ["Số nhà Đại đoàn kết xây mới, sửa chữa", "căn", Decimal("3.5"), Decimal("3.5")],
        ["Số hộ được giúp đỡ thoát nghèo", "hộ", Decimal(7), Decimal(3)],
    ]


def test_docx_report_follows_decree_30(client, seeded):
    rnd = seeded["round"]
    f.login(client, "tdkt.chuyenvien")
    resp = client.get("/reports/report.docx", query_string={"movement_id": rnd.movement_id, "round_id": rnd.id})
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    doc = Document(io.BytesIO(resp.data))
    s = doc.sections[0]
    def mm(v):
        return round(v.mm)

    assert (mm(s.page_width), mm(s.page_height)) == (210, 297)  # A4 portrait
    assert [mm(x) for x in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [20, 20, 30, 15]
    assert s.different_first_page_header_footer  # no page number on page 1
    header = doc.tables[0]
    left, right = (c.text for c in header.rows[0].cells)
    assert "UBND TỈNH NINH BÌNH" in left and "SỞ NỘI VỤ TỈNH NINH BÌNH" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    number, place = (c.text for c in header.rows[1].cells)
    assert number.startswith("Số:") and number.endswith("/BC-SNV")
    assert place.startswith("Ninh Bình, ngày ")
    borders = header._tbl.tblPr.xpath("./w:tblBorders/w:top/@w:val")
    assert borders == ["nil"]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO" in text and "Kết quả khen thưởng Phong trào thi đua “Vì người nghèo" in text
    assert "tổng số tiền thưởng 21.650.000 đồng (Bằng chữ: Hai mươi mốt triệu sáu trăm năm mươi nghìn đồng)" in text
    assert "3 hồ sơ" not in text and "4 hồ sơ của 3 cơ quan" in text
    # Times New Roman on every run that sets a font
    fonts = {r.font.name for p in doc.paragraphs for r in p.runs if r.font.name}
    assert fonts == {"Times New Roman"}
    assert doc.styles["Normal"].font.name == "Times New Roman"
    # tables: indicators (3 + header), units (3 + header + total), forms (2 + header + total)
    indicators, units, forms = doc.tables[1], doc.tables[2], doc.tables[3]
    assert len(indicators.rows) == 4 and len(units.rows) == 5 and len(forms.rows) == 4
    assert [c.text for c in units.rows[1].cells] == ["1", "Ủy ban nhân dân xã Gia Viễn", "7", "5", "1", "3", "1",
                                                      "21.650.000"]
    assert units.rows[-1].cells[1].text == "Tổng cộng"
    assert units.rows[0]._tr.xpath("./w:trPr/w:tblHeader")  # header row repeats on every page
    signature = doc.tables[-1]
    assert "Nơi nhận:" in signature.rows[0].cells[0].text and "GIÁM ĐỐC" in signature.rows[0].cells[1].text
