"""The unit's dossier pages through the HTTP client: the whole flow (clerk prepares, head submits,
board returns, clerk amends, head resubmits, history diff), scope, optimistic locking, the list
page and the generated tờ trình."""
from __future__ import annotations

import io
import re

import docx
import pytest
import sqlalchemy as sa

from awards.db import db
from awards.models import AuditEvent, Dossier, Nominee, NomineeIndicatorValue, WorkflowHistory
from awards.models.common import utcnow
from awards.services import transitions
from tests import factories as f

from .test_uploads import docx_bytes, pdf_bytes, png_bytes


@pytest.fixture
def demo(app):
    with app.app_context():
        f.load_demo()


def client_for(app, username):
    c = app.test_client()
    assert f.login(c, username).status_code == 302
    return c


def _dossier(app, dossier_id) -> Dossier:
    with app.app_context():
        d = db.session.get(Dossier, dossier_id)
        _ = (d.nominees, d.attachments, d.history)
        return d


def _version(app, dossier_id) -> int:
    return _dossier(app, dossier_id).version


def _create(app, clerk) -> int:
    with app.app_context():
        rnd = f.demo_round()
        form_id = f.form("BK-TINH").id
        round_id = rnd.id
    resp = clerk.post("/dossiers/new", data={"round_id": round_id, "award_form_id": form_id,
                                             "title": "Hồ sơ Bằng khen tỉnh 2021-2025", "summary": ""})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return int(re.search(r"/dossiers/(\d+)", resp.headers["Location"]).group(1))


INDIVIDUAL = {"name": "nguyễn   thị hoà", "gender": "female", "birth_year": "1978", "position_title": "Trưởng thôn",
              "workplace": "Thôn Tập Ninh, xã Gia Viễn", "citizen_id": "037178001234", "ethnicity": "Kinh",
              "achievements": "Vận động 120 triệu đồng ủng hộ Quỹ Vì người nghèo.",
              "report_background": "Sinh năm 1978, quê quán xã Gia Viễn.",
              "report_achievements": "Vận động xây 3 nhà Đại đoàn kết.", "report_awards": "Giấy khen năm 2022."}
COLLECTIVE = {"name": "Chi hội Phụ nữ thôn Tập Ninh", "address": "Hội Liên hiệp Phụ nữ xã Gia Viễn",
              "achievements": "Giúp 5 hộ thoát nghèo."}
HOUSEHOLD = {"name": "Đinh Văn Bảy", "gender": "male", "address": "xã Gia Viễn", "hamlet": "Thôn Tập Ninh",
             "contribution": "Hiến 300 m² đất làm đường liên thôn", "contribution_value": "150.000.000",
             "achievements": "Hiến đất làm đường."}


def _add(app, clerk, dossier_id, kind, data, form_code="BK-TINH"):
    with app.app_context():
        form_id = f.form(form_code).id
        indicator = db.session.scalar(sa.text("SELECT id FROM movement_indicator WHERE code = 'money'"))
    payload = dict(data, award_form_id=form_id, version=_version(app, dossier_id))
    payload[f"indicator_{indicator}"] = "12500000"
    return clerk.post(f"/dossiers/{dossier_id}/nominees/new?kind={kind}", data=payload)


def _upload(app, clerk, dossier_id, kind, name, data, nominee_id=0):
    return clerk.post(f"/dossiers/{dossier_id}/attachments", data={
        "kind": kind, "nominee_id": nominee_id, "version": _version(app, dossier_id),
        "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_whole_unit_flow_through_http(app, demo):
    """Clerk creates, adds 3 kinds, uploads; head submits; board returns; clerk amends; head resubmits."""
    clerk = client_for(app, "xa.chuyenvien")
    head = client_for(app, "xa.chutich")
    did = _create(app, clerk)
    for kind, data in (("individual", INDIVIDUAL), ("collective", COLLECTIVE), ("household", HOUSEHOLD)):
        resp = _add(app, clerk, did, kind, data)
        assert resp.status_code == 302, resp.get_data(as_text=True)
    d = _dossier(app, did)
    by_kind = {n.kind: n for n in d.nominees}
    person = by_kind["individual"]
    assert person.name == "Nguyễn Thị Hoà" and person.canonical_name == "Nguyễn Thị Hoà"
    assert person.name_key == "nguyen thi hoa"
    assert person.report["achievements"] == "Vận động xây 3 nhà Đại đoàn kết."
    assert by_kind["household"].contribution_value == 150_000_000
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(NomineeIndicatorValue)) == 3

    # the clerk pressing "submit" too early gets the engine's reasons (role + missing files)
    page = clerk.post(f"/dossiers/{did}/fire/submit", data={"version": _version(app, did)}, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "Thủ trưởng đơn vị" in text and _dossier(app, did).state == "draft"

    assert _upload(app, clerk, did, "proposal", "to-trinh.pdf", pdf_bytes()).status_code == 302
    assert _upload(app, clerk, did, "minutes", "bien-ban.docx", docx_bytes()).status_code == 302
    assert _upload(app, clerk, did, "other", "anh.png", png_bytes()).status_code == 302
    assert len(_dossier(app, did).attachments) == 3

    page = head.get(f"/dossiers/{did}").get_data(as_text=True)
    assert "Kiểm tra trước khi trình" in page and "Trình hồ sơ" in page

    resp = head.post(f"/dossiers/{did}/fire/submit", data={"version": _version(app, did)})
    assert resp.status_code == 302
    assert _dossier(app, did).state == "submitted"

    # not editable any more
    resp = _add(app, clerk, did, "individual", dict(INDIVIDUAL, name="Lê Văn Mới", citizen_id=""))
    assert resp.status_code == 302
    assert len(_dossier(app, did).nominees) == 3

    # the board returns it with a reason and a per-nominee reason
    with app.app_context():
        dd = db.session.get(Dossier, did)
        n = db.session.get(Nominee, person.id)
        n.return_reason = "Bổ sung chức vụ đầy đủ."
        transitions.fire(db.session, dd, "return_to_unit", actor=f.user("tdkt.chuyenvien"),
                         comment="Thiếu xác nhận thành tích của thôn.")
        db.session.commit()
    page = clerk.get(f"/dossiers/{did}").get_data(as_text=True)
    assert "Thiếu xác nhận thành tích của thôn." in page and "Bổ sung chức vụ đầy đủ." in page

    # the clerk amends: edits the person, removes the collective, adds a file
    edit = dict(INDIVIDUAL, position_title="Chi hội trưởng Chi hội Phụ nữ", award_form_id=person.award_form_id,
                version=_version(app, did))
    resp = clerk.post(f"/dossiers/{did}/nominees/{person.id}", data=edit)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    resp = clerk.post(f"/dossiers/{did}/nominees/{by_kind['collective'].id}/delete",
                      data={"version": _version(app, did)})
    assert resp.status_code == 302
    assert _upload(app, clerk, did, "report", "bao-cao.pdf", pdf_bytes(), person.id).status_code == 302
    page = clerk.get(f"/dossiers/{did}").get_data(as_text=True)
    assert "Thay đổi so với lần trình trước" in page and "Chi hội trưởng Chi hội Phụ nữ" in page

    resp = head.post(f"/dossiers/{did}/fire/resubmit",
                     data={"version": _version(app, did), "comment": "Đã bổ sung."})
    assert resp.status_code == 302
    assert _dossier(app, did).state == "submitted"

    history = head.get(f"/dossiers/{did}/history").get_data(as_text=True)
    assert "Thay đổi giữa hai lần trình gần nhất" in history
    assert "Trưởng thôn" in history and "Chi hội trưởng Chi hội Phụ nữ" in history
    assert "Chi hội Phụ nữ thôn Tập Ninh" in history  # removed collective
    assert "bao-cao.pdf" in history
    with app.app_context():
        snaps = db.session.scalars(sa.select(WorkflowHistory).where(WorkflowHistory.snapshot.is_not(None))).all()
        assert len(snaps) == 2


def test_other_units_clerk_gets_404_everywhere(app, demo):
    clerk = client_for(app, "xa.chuyenvien")
    did = _create(app, clerk)
    assert _add(app, clerk, did, "individual", INDIVIDUAL).status_code == 302
    assert _upload(app, clerk, did, "proposal", "tt.pdf", pdf_bytes()).status_code == 302
    d = _dossier(app, did)
    nid, aid, version = d.nominees[0].id, d.attachments[0].id, d.version
    other = client_for(app, "syt.chuyenvien")
    for url in (f"/dossiers/{did}", f"/dossiers/{did}/nominees/{nid}", f"/dossiers/{did}/attachments/{aid}",
                f"/dossiers/{did}/export.xlsx", f"/dossiers/{did}/history", f"/dossiers/{did}/proposal.docx",
                f"/dossiers/{did}/import"):
        assert other.get(url).status_code == 404, url
    for url, data in ((f"/dossiers/{did}/nominees/{nid}", dict(INDIVIDUAL, version=version)),
                      (f"/dossiers/{did}/nominees/{nid}/delete", {"version": version}),
                      (f"/dossiers/{did}/attachments/{aid}/delete", {"version": version}),
                      (f"/dossiers/{did}/edit", {"title": "x", "version": version}),
                      (f"/dossiers/{did}/fire/submit", {"version": version})):
        assert other.post(url, data=data).status_code == 404, url
    assert other.get("/dossiers/").get_data(as_text=True).count("Hồ sơ Bằng khen tỉnh 2021-2025") == 0
    d2 = _dossier(app, did)
    assert d2.version == version and len(d2.nominees) == 1 and len(d2.attachments) == 1


def test_download_is_scoped_audited_and_an_attachment(app, demo):
    clerk = client_for(app, "xa.chuyenvien")
    did = _create(app, clerk)
    data = pdf_bytes()
    assert _upload(app, clerk, did, "proposal", "to trinh.pdf", data).status_code == 302
    aid = _dossier(app, did).attachments[0].id
    resp = clerk.get(f"/dossiers/{did}/attachments/{aid}")
    assert resp.status_code == 200 and resp.data == data
    assert resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"].startswith("attachment")
    board = client_for(app, "tdkt.chuyenvien")
    # a draft is the unit's business until it is submitted; then the board reads its files
    assert board.get(f"/dossiers/{did}/attachments/{aid}").status_code == 404
    with app.app_context():
        d = db.session.get(Dossier, did)
        d.state, d.submitted_dt = "submitted", utcnow()
        db.session.commit()
    assert board.get(f"/dossiers/{did}/attachments/{aid}").status_code == 200
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "attachment.download")).all()
        assert len(events) == 2 and {e.object_id for e in events} == {aid}
    # the board can read but not change the unit's dossier
    assert board.post(f"/dossiers/{did}/attachments/{aid}/delete",
                      data={"version": _version(app, did)}).status_code == 403


def test_stale_version_is_refused_never_overwritten(app, demo):
    clerk = client_for(app, "xa.chuyenvien")
    did = _create(app, clerk)
    old = _version(app, did)
    assert _add(app, clerk, did, "individual", INDIVIDUAL).status_code == 302
    assert _version(app, did) > old
    nid = _dossier(app, did).nominees[0].id
    resp = clerk.post(f"/dossiers/{did}/nominees/{nid}", data=dict(INDIVIDUAL, name="Tên Ghi Đè", version=old,
                                                                  award_form_id=f_form_id(app)),
                      follow_redirects=True)
    assert transitions.STALE_MESSAGE in resp.get_data(as_text=True)
    assert _dossier(app, did).nominees[0].name == "Nguyễn Thị Hoà"
    resp = clerk.post(f"/dossiers/{did}/fire/submit", data={"version": old}, follow_redirects=True)
    assert transitions.STALE_MESSAGE in resp.get_data(as_text=True)
    resp = clerk.post(f"/dossiers/{did}/edit", data={"title": "Đổi tên", "version": old}, follow_redirects=True)
    assert transitions.STALE_MESSAGE in resp.get_data(as_text=True)
    assert _dossier(app, did).title == "Hồ sơ Bằng khen tỉnh 2021-2025"


def f_form_id(app) -> int:
    with app.app_context():
        return f.form("BK-TINH").id


def test_nominee_validation_messages_and_nothing_saved(app, demo):
    clerk = client_for(app, "xa.chuyenvien")
    did = _create(app, clerk)
    bad = dict(INDIVIDUAL, citizen_id="12345", birth_year="1850", position_title="")
    resp = _add(app, clerk, did, "individual", bad)
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "đúng 12 chữ số" in text and "Năm sinh phải trong khoảng" in text and "Bắt buộc nhập." in text
    # household with an award form not allowed for households
    resp = _add(app, clerk, did, "household", HOUSEHOLD, form_code="BK-TTG")
    assert resp.status_code == 302  # BK-TTG allows households in the demo
    resp = _add(app, clerk, did, "household", dict(HOUSEHOLD, contribution_value="-5"))
    assert resp.status_code == 422 and "không được âm" in resp.get_data(as_text=True)
    assert len(_dossier(app, did).nominees) == 1


def test_index_shows_rounds_deadline_quota_and_states_in_bounded_queries(app, demo, count_queries):
    clerk = client_for(app, "xa.chuyenvien")
    with app.app_context():
        for i in range(6):
            d = f.make_dossier(nominees=3, title=f"Hồ sơ số {i}")
        d.state = "returned"
        db.session.commit()
    with count_queries() as q:
        resp = clerk.get("/dossiers/")
    text = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Tổng kết giai đoạn 2021 - 2025" in text and "còn" in text and "ngày" in text
    assert "Trả lại đơn vị để bổ sung" in text and "Đơn vị đang chuẩn bị" in text
    assert "Hồ sơ số 5" in text
    # BK-TINH quota 4, 18 nominees proposed
    assert re.search(r"Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh</td>\s*<td class=\"text-end\">4</td>\s*"
                     r"<td class=\"text-end text-danger fw-bold\">18</td>", text)
    assert q["count"] <= 12, q["statements"]


def test_extension_counts_for_the_unit_only(app, demo):
    from datetime import timedelta

    from awards.models import RoundExtension, utcnow

    with app.app_context():
        rnd = f.demo_round()
        rnd.closes_dt = utcnow() - timedelta(days=1)
        db.session.add(RoundExtension(round_id=rnd.id, unit_id=f.unit("X-GIAVIEN").id,
                                      closes_dt=utcnow() + timedelta(days=5), reason="Bão lũ"))
        db.session.commit()
    text = client_for(app, "xa.chuyenvien").get("/dossiers/").get_data(as_text=True)
    assert "đã được gia hạn" in text and "còn 4 ngày" in text
    text = client_for(app, "syt.chuyenvien").get("/dossiers/").get_data(as_text=True)
    assert "Hiện không có đợt khen thưởng nào đang nhận hồ sơ" in text


def test_proposal_docx_is_generated_from_the_dossier(app, demo):
    clerk = client_for(app, "xa.chuyenvien")
    did = _create(app, clerk)
    assert _add(app, clerk, did, "individual", INDIVIDUAL).status_code == 302
    assert _add(app, clerk, did, "household", HOUSEHOLD).status_code == 302
    resp = clerk.get(f"/dossiers/{did}/proposal.docx")
    assert resp.status_code == 200 and resp.headers["Content-Disposition"].startswith("attachment")
    document = docx.Document(io.BytesIO(resp.data))
    text = "\n".join(p.text for p in document.paragraphs)
    for t in document.tables:
        for row in t.rows:
            text += "\n" + " | ".join(c.text for c in row.cells)
    assert "TỜ TRÌNH" in text
    assert "Nguyễn Thị Hoà" in text and "Đinh Văn Bảy" in text
    assert "XÃ GIA VIỄN" in text and "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" in text


def test_export_round_trips_through_import(app, demo):
    clerk = client_for(app, "xa.chuyenvien")
    did = _create(app, clerk)
    for kind, data in (("individual", INDIVIDUAL), ("collective", COLLECTIVE), ("household", HOUSEHOLD)):
        assert _add(app, clerk, did, kind, data).status_code == 302
    resp = clerk.get(f"/dossiers/{did}/export.xlsx")
    assert resp.status_code == 200
    did2 = _create(app, clerk)
    resp = clerk.post(f"/dossiers/{did2}/import", data={"version": _version(app, did2),
                                                        "file": (io.BytesIO(resp.data), "ds.xlsx")},
                      content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)
    a = sorted((n.kind, n.name, n.citizen_id, n.contribution_value) for n in _dossier(app, did).nominees)
    b = sorted((n.kind, n.name, n.citizen_id, n.contribution_value) for n in _dossier(app, did2).nominees)
    assert a == b
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(NomineeIndicatorValue)) == 6


def test_clerk_sees_head_only_actions_disabled_with_the_reason(app, demo):
    """Does the clerk get the unit head's actions as disabled buttons with the reason, while the
    head gets the working forms?"""
    with app.app_context():
        did = f.make_dossier("X-GIAVIEN", "BK-TINH", state="draft", complete=True).id
        f.add_nominee(db.session.get(Dossier, did))
        db.session.commit()
    clerk, head = client_for(app, "xa.chuyenvien"), client_for(app, "xa.chutich")

    page = clerk.get(f"/dossiers/{did}").get_data(as_text=True)
    assert f'action="/dossiers/{did}/fire/submit"' not in page
    assert f'action="/dossiers/{did}/fire/withdraw"' not in page
    for action in ("Trình hồ sơ", "Rút hồ sơ"):
        assert re.search(rf"<button[^>]*disabled>{action}</button>", page), action
        assert f"Chỉ Thủ trưởng đơn vị được thực hiện thao tác «{action}»." in page

    page = head.get(f"/dossiers/{did}").get_data(as_text=True)
    assert f'action="/dossiers/{did}/fire/submit"' in page
    assert f'action="/dossiers/{did}/fire/withdraw"' in page
    assert not re.search(r"<button[^>]*disabled>Trình hồ sơ</button>", page)
