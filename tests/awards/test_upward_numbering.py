"""The văn thư numbers the province's signed tờ trình to the higher level: the next number of the
authority's TTr register for the year (the decisions' counter rows) or a number recorded from the
e-office system, with its date; once, only after signing, only by the province's clerk; audited,
shown on the review page and printed in the DOCX."""
from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from awards.db import db
from awards.models import AuditEvent, Dossier, NumberCounter, UpwardProposalNumber, utcnow
from awards.services import decisions as svc
from tests import factories as fx
from tests.awards.test_flows import client_for
from tests.documents import find_paragraph, open_docx, table_rows
from tests.documents.test_upward_proposal import _upward_dossier

DAY = date(2026, 2, 5)


def _number_url(d: Dossier, code: str = "BK-TTG") -> str:
    return f"/decisions/upward/{d.id}/{fx.form(code).id}/number"


def _docx_url(d: Dossier, code: str = "BK-TTG") -> str:
    return f"/decisions/upward/{d.id}/{fx.form(code).id}/to-trinh.docx"


def _post(c, d: Dossier, code: str = "BK-TTG", *, day: str = DAY.isoformat(), source: str = "register",
          number: str = "", follow: bool = True):
    p = f"ttr{fx.form(code).id}-"
    return c.post(_number_url(d, code), data={p + "proposal_date": day, p + "source": source, p + "number": number},
                  follow_redirects=follow)


def _rows() -> list[UpwardProposalNumber]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(UpwardProposalNumber).order_by(UpwardProposalNumber.id)))


def _audits() -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "upward_proposal.numbered")
                                   .order_by(AuditEvent.id)))


def _counter(register: str = "TTr", year: int = 2026) -> int | None:
    return db.session.scalar(sa.select(NumberCounter.last_number).where(NumberCounter.register == register,
                                                                        NumberCounter.year == year))


def test_each_form_gets_the_next_register_number_and_the_docx_prints_it(app, ctx):
    fx.load_demo()
    d = _upward_dossier("awaiting_central", signed_by="chutich")
    clerk = client_for(app, "vanthu")
    page = clerk.get(f"/review/{d.id}").get_data(as_text=True)
    assert _number_url(d) in page and _number_url(d, "HCLD-3") in page

    page = _post(clerk, d).get_data(as_text=True)
    assert "Đã cấp số 01/TTr-UBND ngày 05/02/2026 cho tờ trình đề nghị tặng Bằng khen của Thủ tướng Chính phủ." in page
    assert "Đã cấp số 02/TTr-UBND" in _post(clerk, d, "HCLD-3").get_data(as_text=True)
    rows = _rows()
    assert [(r.award_form.code, r.number, r.year, r.number_label, r.source, r.proposal_date) for r in rows] == [
        ("BK-TTG", 1, 2026, "01/TTr-UBND", "register", DAY), ("HCLD-3", 2, 2026, "02/TTr-UBND", "register", DAY)]
    assert rows[0].numbered_by.username == "vanthu"
    assert _counter() == 2 and _counter("QĐ") is None  # its own register, not the decisions'

    page = clerk.get(f"/review/{d.id}").get_data(as_text=True)
    assert "01/TTr-UBND" in page and "02/TTr-UBND" in page and _number_url(d) not in page

    r = clerk.get(_docx_url(d))
    assert "-so-01-2026.docx" in r.headers["Content-Disposition"]
    document = open_docx(r.data)
    assert table_rows(document.tables[0])[1] == ["Số: 01/TTr-UBND", "Ninh Bình, ngày 05 tháng 02 năm 2026"]
    assert find_paragraph(document, "(Kèm theo Tờ trình số 01/TTr-UBND ngày 05 tháng 02 năm 2026 của Chủ tịch")
    hc = open_docx(clerk.get(_docx_url(d, "HCLD-3")).data)
    assert table_rows(hc.tables[0])[1] == ["Số: 02/TTr-UBND", "Ninh Bình, ngày 05 tháng 02 năm 2026"]

    events = _audits()
    assert [(e.actor_name, e.object_type, e.object_id, e.unit_id) for e in events] == [
        ("vanthu", "dossier", d.id, fx.unit("NB").id)] * 2
    assert events[0].details == {"award_form_id": fx.form("BK-TTG").id, "number": 1, "year": 2026,
                                 "label": "01/TTr-UBND", "source": "register", "proposal_date": "2026-02-05"}


def test_an_e_office_number_is_checked_and_the_register_skips_it(app, ctx):
    fx.load_demo()
    d = _upward_dossier("awaiting_central", signed_by="chutich")
    other = _upward_dossier("awarded", signed_by="chutich")
    clerk = client_for(app, "vanthu")
    assert "Đã cấp số 12/TTr-UBND ngày 05/02/2026" in _post(clerk, d, source="e-office", number="12").get_data(
        as_text=True)
    page = _post(clerk, other, source="e-office", number="12").get_data(as_text=True)
    assert ("Số 12/TTr-UBND năm 2026 đã được dùng cho tờ trình đề nghị tặng Bằng khen của Thủ tướng Chính phủ "
            "của hồ sơ «Hồ sơ đề nghị Bằng khen của Thủ tướng Chính phủ»") in page
    _post(clerk, other)
    _post(clerk, d, "HCLD-3", day="2025-12-30", source="e-office", number="12")  # another year: free
    assert [(r.dossier_id, r.number, r.year, r.source) for r in _rows()] == [
        (d.id, 12, 2026, "e-office"), (other.id, 13, 2026, "register"), (d.id, 12, 2025, "e-office")]
    assert _audits()[0].details["source"] == "e-office"


@pytest.mark.parametrize("state", ["proposal_submission", "signing"])
def test_refused_before_the_chairman_signs(app, ctx, state):
    fx.load_demo()
    d = _upward_dossier(state)
    clerk = client_for(app, "vanthu")
    page = clerk.get(f"/review/{d.id}").get_data(as_text=True)
    assert _docx_url(d) in page and _number_url(d) not in page
    assert "Chưa có số, ngày: văn thư cấp số sau khi Chủ tịch UBND tỉnh ký tờ trình." in page
    page = _post(clerk, d).get_data(as_text=True)
    assert "Chỉ cấp số cho tờ trình đã được Chủ tịch UBND tỉnh ký; hồ sơ này chưa qua bước ký tờ trình." in page
    assert _rows() == [] and _audits() == [] and _counter() is None


def test_a_number_once_given_is_never_changed(app, ctx):
    fx.load_demo()
    d = _upward_dossier("awaiting_central", signed_by="chutich")
    clerk = client_for(app, "vanthu")
    _post(clerk, d)
    for kwargs in ({}, {"source": "e-office", "number": "40"}, {"day": "2026-03-01"}):
        page = _post(clerk, d, **kwargs).get_data(as_text=True)
        assert ("Tờ trình đề nghị tặng Bằng khen của Thủ tướng Chính phủ đã có số 01/TTr-UBND ngày 05/02/2026; "
                "số đã cấp không thay đổi được.") in page
    assert [(r.number, r.proposal_date) for r in _rows()] == [(1, DAY)]
    assert len(_audits()) == 1 and _counter() == 1
    with pytest.raises(svc.DecisionError, match="đã có số 01/TTr-UBND"):
        svc.number_upward_proposal(db.session, d, fx.form("BK-TTG").id, actor=None, proposal_date=DAY, today=DAY,
                                   number=3)
    db.session.rollback()


def test_the_database_refuses_a_second_number_or_a_reused_one(app, ctx):
    fx.load_demo()
    d = _upward_dossier("awaiting_central", signed_by="chutich")
    svc.number_upward_proposal(db.session, d, fx.form("BK-TTG").id, actor=None, proposal_date=DAY, today=DAY)
    db.session.commit()
    first = _rows()[0]
    for form_code, number in (("BK-TTG", 2), ("HCLD-3", 1)):  # renumbered; the register's number reused
        db.session.add(UpwardProposalNumber(dossier_id=d.id, award_form_id=fx.form(form_code).id, number=number,
                                            authority_id=first.authority_id, year=2026, symbol="TTr-UBND",
                                            proposal_date=DAY, source="register"))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()


@pytest.mark.parametrize("username, status", [
    ("vanthu", 302),          # the province's clerk
    ("xa.vanphong", 403),     # the commune's clerk: acts for the commune's Giấy khen, never for the province
    ("chutich", 403), ("tdkt.truongphong", 403), ("tdkt.chuyenvien", 403), ("admin", 403), ("xa.chutich", 403),
    ("syt.giamdoc", 403),
])
def test_only_the_provincial_clerk_numbers(app, ctx, username, status):
    fx.load_demo()
    d = _upward_dossier("awaiting_central", signed_by="chutich")
    c = client_for(app, username)
    page = c.get(f"/review/{d.id}")
    if page.status_code == 200:
        assert (_number_url(d) in page.get_data(as_text=True)) is (status == 302)
    assert _post(c, d, follow=False).status_code == status
    assert len(_rows()) == (1 if status == 302 else 0)
    assert svc.can_number_upward(fx.user(username), d) is (status == 302)


def test_numbering_needs_a_fresh_login(app, ctx):
    fx.load_demo()
    d = _upward_dossier("awaiting_central", signed_by="chutich")
    clerk = client_for(app, "vanthu")
    with clerk.session_transaction() as s:
        s["fresh_at"] = 0
    r = _post(clerk, d, follow=False)
    assert r.status_code == 302 and "/auth/reauthenticate" in r.headers["Location"]
    assert _rows() == []


@pytest.mark.parametrize("data, message", [
    ({"source": "e-office"}, "Vui lòng nhập số do hệ thống văn bản điện tử cấp."),
    ({"source": "e-office", "number": "12a"}, "Số phải là số nguyên (ví dụ 12), không có chữ hay dấu."),
    ({"source": "e-office", "number": "0"}, "Số tờ trình phải là số nguyên dương."),
    ({"number": "12"}, "Đã chọn cấp số tiếp theo trong sổ đăng ký nhưng lại nhập số"),
    ({"day": ""}, "Vui lòng nhập ngày tờ trình (ngày/tháng/năm)."),
    ({"day": "05/02/2026"}, "Ngày không hợp lệ; vui lòng nhập theo dạng ngày/tháng/năm."),
    ({"day": "tomorrow"}, "Ngày tờ trình không được sau ngày hôm nay"),
    ({"code": "BK-TINH"}, "Hồ sơ không có đối tượng nào được đề nghị hình thức này lên cấp trên."),
])
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_saved(app, ctx, data, message):
    fx.load_demo()
    d = _upward_dossier("awaiting_central", signed_by="chutich")
    data = dict(data)
    if data.get("day") == "tomorrow":
        data["day"] = (utcnow().astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date() + timedelta(days=1)).isoformat()
    page = _post(client_for(app, "vanthu"), d, data.pop("code", "BK-TTG"), **data).get_data(as_text=True)
    assert message in page
    assert _rows() == [] and _audits() == [] and _counter() is None


def test_messages_follow_the_language(app, ctx):
    fx.load_demo()
    d = _upward_dossier("signing")
    clerk = client_for(app, "vanthu")
    clerk.post("/auth/language/en")
    page = _post(clerk, d).get_data(as_text=True)
    assert "Chỉ cấp số" not in page and "signed" in page
