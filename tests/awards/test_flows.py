"""The full path of each of the three workflow definitions, through the HTTP client, as the
demo users would click it."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import docx
import pytest
import sqlalchemy as sa

from awards.db import db
from awards.models import (
    AgendaItem, Award, CouncilSession, Decision, Dossier, Nominee, RecipientKind, Signer,
)
from tests import factories as fx

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# ------------------------------------------------------------------------------------ helpers

def client_for(app, username):
    c = app.test_client()
    resp = fx.login(c, username)
    assert resp.status_code == 302, f"login failed for {username}"
    return c


def _signer_id(full_name: str) -> int:
    return db.session.scalar(sa.select(Signer.id).where(Signer.full_name == full_name))


def reload(model, oid):
    db.session.expire_all()
    return db.session.get(model, oid)


def new_dossier(form_code="BK-TINH", unit_code="X-GIAVIEN", kinds=("individual", "collective", "household")):
    d = fx.make_dossier(unit_code, form_code, complete=True)
    names = {"individual": "Nguyễn Văn An", "collective": "Thôn Tập Ninh", "household": "Trần Thị Bình"}
    for kind in kinds:
        fx.add_nominee(d, kind=kind, name=names[kind])
    db.session.commit()
    return d


def submit_http(app, d, head="xa.chutich"):
    c = client_for(app, head)
    r = c.post(f"/dossiers/{d.id}/fire/submit", data={"version": reload(Dossier, d.id).version, "comment": ""})
    assert r.status_code == 302
    assert reload(Dossier, d.id).state == "submitted", r.data


def fire_http(c, d, transition, **data):
    d = reload(Dossier, d.id)
    return c.post(f"/review/{d.id}/fire", data={"transition": transition, "version": d.version, **data})


def receive_and_appraise(app, d, specialist, outcomes=None):
    """Receive (bulk, with confirmation), record outcomes and the opinion, complete the appraisal."""
    c = client_for(app, specialist)
    d = reload(Dossier, d.id)
    page = c.post("/review/bulk", data={"transition": "receive", "dossier": f"{d.id}:{d.version}"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "1 hồ sơ" in text and d.title in text
    assert reload(Dossier, d.id).state == "submitted"  # nothing happens before confirmation
    r = c.post("/review/bulk", data={"transition": "receive", "dossier": f"{d.id}:{d.version}", "confirm": "yes"})
    assert r.status_code == 302
    assert reload(Dossier, d.id).state == "appraising"
    outcomes = outcomes or {}
    for n in reload(Dossier, d.id).nominees:
        outcome, reason = outcomes.get(n.kind, ("eligible", ""))
        r = c.post(f"/review/{d.id}/nominees/{n.id}",
                   data={"version": n.version, "outcome": outcome, "reason": reason, "other_form_id": 0})
        assert r.status_code == 302
    r = c.post(f"/review/{d.id}/opinion", data={"version": reload(Dossier, d.id).version,
                                                "opinion": "Hồ sơ đầy đủ, đúng quy định."})
    assert r.status_code == 302
    r = fire_http(c, d, "complete_appraisal")
    assert r.status_code == 302
    return c


def make_session(app, kind, dossier, members, present):
    c = client_for(app, "tdkt.truongphong")
    lines = "\n".join(f"Thành viên {i + 1} | Ủy viên{' | TT' if i < 3 else ''}" for i in range(members))
    r = c.post("/council/new", data={"kind": kind, "title": "Phiên họp", "meeting_date": "2026-07-02",
                                     "members": lines, "dossier": str(dossier.id)})
    assert r.status_code == 302, r.get_data(as_text=True)
    cs = db.session.scalars(sa.select(CouncilSession).order_by(CouncilSession.id.desc())).first()
    ids = [m.id for m in cs.members][:present]
    r = c.post(f"/council/{cs.id}/attendance", data={"version": cs.version, "present": [str(i) for i in ids]})
    assert r.status_code == 302
    return c, reload(CouncilSession, cs.id)


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for t in document.tables:
        for row in t.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


# -------------------------------------------------------------------------------------- flows

def test_bang_khen_tinh_full_path(app, ctx):
    """Can a provincial Bằng khen go from the unit to an issued decision with certificates?"""
    fx.load_demo()
    d = new_dossier("BK-TINH")
    submit_http(app, d)
    receive_and_appraise(app, d, "tdkt.chuyenvien",
                         outcomes={"collective": ("ineligible", "Chưa đủ 2 năm hoàn thành xuất sắc nhiệm vụ.")})
    assert reload(Dossier, d.id).state == "appraised"

    lead = client_for(app, "tdkt.truongphong")
    assert fire_http(lead, d, "forward").status_code == 302
    assert reload(Dossier, d.id).state == "standing_review"

    # Standing members of the council agree.
    c, cs = make_session(app, "standing", d, members=5, present=3)
    assert len(cs.items) == 2  # the ineligible collective is not on the agenda
    for item in cs.items:
        cs = reload(CouncilSession, cs.id)
        r = c.post(f"/council/{cs.id}/standing/{item.id}", data={"version": cs.version, "agreed": "yes"})
        assert r.status_code == 302
    cs = reload(CouncilSession, cs.id)
    assert c.post(f"/council/{cs.id}/close", data={"version": cs.version, "conclusion": "Thống nhất."}).status_code == 302
    assert reload(Dossier, d.id).state == "chairman_submission"
    minutes = c.get(f"/council/{cs.id}/minutes.docx")
    assert minutes.status_code == 200 and "Nguyễn Văn An" in docx_text(minutes.data)

    # The specialist prepares the decision dated 01/7/2026.
    spec = client_for(app, "tdkt.chuyenvien")
    form_id = fx.form("BK-TINH").id
    r = spec.post(f"/decisions/new/{form_id}", data={"decision_date": "2026-07-01", "dossier": str(d.id),
                                                       "signer_id": _signer_id("Lê Thị Hồng Vân")})
    assert r.status_code == 302, r.get_data(as_text=True)
    dec = db.session.scalars(sa.select(Decision)).one()
    assert {a.kind: a.amount for a in dec.awards} == {"individual": 3_800_000, "household": 5_700_000}
    assert dec.total_amount == 9_500_000 and dec.snapshot["base_salary"] == 2_530_000
    proposal = spec.get(f"/decisions/{dec.id}/proposal.docx")
    assert proposal.status_code == 200 and "Trần Thị Bình" in docx_text(proposal.data)

    assert lead.post(f"/decisions/{dec.id}/submit", data={"version": dec.version}).status_code == 302
    assert reload(Dossier, d.id).state == "chairman_review"

    chair = client_for(app, "chutich")
    dec = reload(Decision, dec.id)
    assert chair.post(f"/decisions/{dec.id}/approve", data={"version": dec.version}).status_code == 302
    assert reload(Decision, dec.id).state == "approved"
    assert reload(Dossier, d.id).state == "approved"

    clerk = client_for(app, "vanthu")
    dec = reload(Decision, dec.id)
    r = clerk.post(f"/decisions/{dec.id}/number", data={"version": dec.version, "decision_date": "2026-07-01",
                                                         "source": "register"})
    assert r.status_code == 302
    dec = reload(Decision, dec.id)
    assert (dec.number, dec.year, dec.number_source) == (1, 2026, "register")
    draft = clerk.get(f"/decisions/{dec.id}/decision.docx")
    assert draft.status_code == 200
    assert "01/QĐ-UBND" in docx_text(draft.data) and "3.800.000" in docx_text(draft.data)
    from awards.documents.pdf import pdf_page_count, soffice_path
    from awards.models import AuditEvent

    page = clerk.get(f"/decisions/{dec.id}").get_data(as_text=True)
    if soffice_path() is not None:  # the PDF button appears only where LibreOffice is installed
        assert "Quyết định (PDF)" in page
        pdf = clerk.get(f"/decisions/{dec.id}/decision.pdf")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-") and pdf_page_count(pdf.data) >= 2
    else:
        assert "Quyết định (PDF)" not in page
    downloads = db.session.scalars(sa.select(AuditEvent.details).where(AuditEvent.action == "decision.download")).all()
    assert any(d_["file"].endswith(".docx") for d_ in downloads)

    r = clerk.post(f"/decisions/{dec.id}/issue", data={"version": dec.version,
                                                        "scan": (io.BytesIO(PDF), "qd-01.pdf")},
                   content_type="multipart/form-data")
    assert r.status_code == 302
    dec = reload(Decision, dec.id)
    assert dec.state == "issued" and dec.scan_data == PDF
    assert reload(Dossier, d.id).state == "issued"
    for a in dec.awards:
        assert a.status == "active"
        assert re.fullmatch(r"BK-NB-2026-\d{6}", a.certificate.serial)
        assert len(a.certificate.verification_code) >= 22  # 16 random bytes = 128 bits
    certs = clerk.get(f"/decisions/{dec.id}/certificates.docx")
    assert certs.status_code == 200 and "Nguyễn Văn An" in docx_text(certs.data)
    blanks = clerk.get(f"/decisions/{dec.id}/certificates.docx?mode=overlay")
    assert blanks.status_code == 200 and "Nguyễn Văn An" in docx_text(blanks.data)
    assert len(blanks.data) < len(certs.data)  # text only, no design
    import openpyxl

    annex = clerk.get(f"/decisions/{dec.id}/annex.xlsx")
    assert annex.status_code == 200
    cells = [str(c) for row in openpyxl.load_workbook(io.BytesIO(annex.data)).active.iter_rows(values_only=True)
             for c in row if c is not None]
    assert any("Nguyễn Văn An" in c for c in cells)

    # The register now shows the award on the next appraisal of the same person.
    d2 = fx.make_dossier("P-HOALU", "BK-TINH", state="appraising", complete=True)
    fx.add_nominee(d2, name="Nguyễn  văn AN")
    db.session.commit()
    page = spec.get(f"/review/{d2.id}").get_data(as_text=True)
    assert "01/QĐ-UBND" in page


def test_giay_khen_xa_full_path(app, ctx):
    """Can the commune path run with the commune's own specialist, chairman and clerk?"""
    fx.load_demo()
    d = new_dossier("GK-XA", kinds=("individual", "household"))
    submit_http(app, d)
    vp = receive_and_appraise(app, d, "xa.vanphong")
    assert reload(Dossier, d.id).state == "chairman_review"

    r = vp.post(f"/decisions/new/{fx.form('GK-XA').id}", data={"decision_date": "2026-06-30", "dossier": str(d.id),
                                                                 "signer_id": _signer_id("Phạm Văn Tùng")})
    assert r.status_code == 302
    dec = db.session.scalars(sa.select(Decision)).one()
    assert {a.kind: a.amount for a in dec.awards} == {"individual": 710_000, "household": 1_060_000}
    assert vp.post(f"/decisions/{dec.id}/submit", data={"version": dec.version}).status_code == 302
    assert reload(Decision, dec.id).state == "submitted"
    assert reload(Dossier, d.id).state == "chairman_review"

    # The provincial chairman has no say over a commune decision's approval? He is signer over the
    # whole province, but the commune chairman signs for his authority.
    chair = client_for(app, "xa.chutich")
    dec = reload(Decision, dec.id)
    assert chair.post(f"/decisions/{dec.id}/approve", data={"version": dec.version}).status_code == 302
    assert reload(Dossier, d.id).state == "approved"

    dec = reload(Decision, dec.id)
    r = vp.post(f"/decisions/{dec.id}/issue", data={"version": dec.version, "decision_date": "2026-06-30",
                                                     "scan": (io.BytesIO(PDF), "qd.pdf")},
                content_type="multipart/form-data")
    assert r.status_code == 302
    dec = reload(Decision, dec.id)
    assert dec.state == "issued" and dec.number == 1 and dec.year == 2026
    assert reload(Dossier, d.id).state == "issued"
    assert all(a.certificate.serial.startswith("GK-GIAVIEN-2026-") for a in dec.awards)


def test_de_nghi_cap_tren_full_path(app, ctx):
    """Can an upward proposal pass the council vote, the comment window and the central result?"""
    from awards.services import transitions

    fx.load_demo()
    d = new_dossier("BK-TTG", kinds=("individual",))
    submit_http(app, d)
    receive_and_appraise(app, d, "tdkt.chuyenvien")
    lead = client_for(app, "tdkt.truongphong")
    assert fire_http(lead, d, "forward").status_code == 302
    assert reload(Dossier, d.id).state == "council"

    c, cs = make_session(app, "council", d, members=5, present=4)
    item = cs.items[0]
    r = c.post(f"/council/{cs.id}/tally", data={"version": cs.version, "item_id": item.id, "yes": 3, "no": 1,
                                                "abstain": 0})
    assert r.status_code == 302
    assert reload(AgendaItem, item.id).passed is True
    cs = reload(CouncilSession, cs.id)
    assert c.post(f"/council/{cs.id}/close", data={"version": cs.version}).status_code == 302
    d = reload(Dossier, d.id)
    assert d.state == "public_comment" and d.posting_closes_dt is not None

    # The comment window closes (the scheduler's job in production).
    transitions.fire(db.session, d, "close_comment", actor=fx.user("tdkt.chuyenvien"),
                     now=d.posting_closes_dt + timedelta(seconds=1))
    db.session.commit()
    assert fire_http(lead, d, "submit_proposal").status_code == 302
    chair = client_for(app, "chutich")
    assert fire_http(chair, d, "sign_proposal").status_code == 302
    assert reload(Dossier, d.id).state == "awaiting_central"
    spec = client_for(app, "tdkt.chuyenvien")
    r = fire_http(spec, d, "record_awarded")
    assert reload(Dossier, d.id).state == "awaiting_central"  # the central document is required
    r = fire_http(spec, d, "record_awarded", central_result="Quyết định số 123/QĐ-TTg ngày 10/9/2026")
    assert r.status_code == 302
    assert reload(Dossier, d.id).state == "awarded"


def test_chairman_return_sends_dossiers_back(app, ctx):
    """Does a return by the chairman need a reason, and send the dossiers back to appraisal?"""
    fx.load_demo()
    d = new_dossier("GK-XA", kinds=("individual",))
    submit_http(app, d)
    vp = receive_and_appraise(app, d, "xa.vanphong")
    vp.post(f"/decisions/new/{fx.form('GK-XA').id}", data={"decision_date": "2026-07-01", "dossier": str(d.id),
                                                            "signer_id": _signer_id("Phạm Văn Tùng")})
    dec = db.session.scalars(sa.select(Decision)).one()
    vp.post(f"/decisions/{dec.id}/submit", data={"version": dec.version})
    chair = client_for(app, "xa.chutich")
    dec = reload(Decision, dec.id)
    r = chair.post(f"/decisions/{dec.id}/return", data={"version": dec.version, "reason": ""})
    assert reload(Decision, dec.id).state == "submitted"
    r = chair.post(f"/decisions/{dec.id}/return", data={"version": dec.version, "reason": "Bổ sung minh chứng."})
    assert r.status_code == 302
    dec = reload(Decision, dec.id)
    assert dec.state == "draft" and dec.return_reason == "Bổ sung minh chứng."
    assert reload(Dossier, d.id).state == "appraising"


def test_partial_approval_other_form(app, ctx):
    """Does a nominee proposed another form stay out of this form's decision?"""
    fx.load_demo()
    d = new_dossier("BK-TINH", kinds=("individual", "collective"))
    submit_http(app, d)
    c = client_for(app, "tdkt.chuyenvien")
    c.post("/review/bulk", data={"transition": "receive", "dossier": f"{d.id}:{reload(Dossier, d.id).version}",
                                 "confirm": "yes"})
    coll = [n for n in reload(Dossier, d.id).nominees if n.kind == RecipientKind.collective.value][0]
    r = c.post(f"/review/{d.id}/nominees/{coll.id}", data={"version": coll.version, "outcome": "other_form",
                                                            "other_form_id": 0})
    assert reload(Nominee, coll.id).outcome == "pending"  # the other form is required
    r = c.post(f"/review/{d.id}/nominees/{coll.id}", data={"version": coll.version, "outcome": "other_form",
                                                            "other_form_id": fx.form("GK-XA").id})
    assert r.status_code == 302
    n = reload(Nominee, coll.id)
    assert n.outcome == "other_form" and n.outcome_form_id == fx.form("GK-XA").id
    assert db.session.scalar(sa.select(sa.func.count(Award.id))) == 0


@pytest.fixture
def _unused():  # pragma: no cover - keeps date imported for readers of the helpers
    return date.today()


def test_pages_render_at_every_step(app, ctx):
    """Do the queue, appraisal, council and decision pages render for each role at each step?"""
    fx.load_demo()
    d = new_dossier("GK-XA", kinds=("individual",))
    submit_http(app, d)
    vp = client_for(app, "xa.vanphong")
    for url in ("/review/", f"/review/{d.id}", "/decisions/"):
        assert vp.get(url).status_code == 200, url
    vp = receive_and_appraise(app, d, "xa.vanphong")
    assert "Lập dự thảo quyết định" in vp.get("/decisions/").get_data(as_text=True)
    assert vp.get(f"/decisions/new/{fx.form('GK-XA').id}").status_code == 200
    vp.post(f"/decisions/new/{fx.form('GK-XA').id}", data={"decision_date": "2026-07-01", "dossier": str(d.id),
                                                            "signer_id": _signer_id("Phạm Văn Tùng")})
    dec = db.session.scalars(sa.select(Decision)).one()
    chair, clerk = client_for(app, "xa.chutich"), vp
    steps = [
        (vp, "submit", {}),
        (chair, "approve", {}),
        (clerk, "number", {"decision_date": "2026-07-01", "source": "register"}),
    ]
    for c, action, data in steps:
        page = c.get(f"/decisions/{dec.id}").get_data(as_text=True)
        assert f"/decisions/{dec.id}/{action}" in page, action
        dec = reload(Decision, dec.id)
        assert c.post(f"/decisions/{dec.id}/{action}", data={"version": dec.version, **data}).status_code == 302
    page = clerk.get(f"/decisions/{dec.id}").get_data(as_text=True)
    assert "01/QĐ-UBND" in page and f"/decisions/{dec.id}/issue" in page
    lead = client_for(app, "tdkt.truongphong")
    for url in ("/council/", "/council/new?kind=council", "/council/new?kind=standing", "/review/"):
        assert lead.get(url).status_code == 200, url
    member = client_for(app, "hd.thanhvien")
    assert member.get("/council/").status_code == 200
