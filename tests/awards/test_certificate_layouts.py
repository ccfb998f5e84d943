"""Admin: where an award form's certificates are printed on pre-printed blanks. Dated layouts are
validated as a whole, audited, previewed through the clerk's code path, and the clerk's "in lên
phôi" download places every field where the layout in force says."""
from __future__ import annotations

import html as htmllib
import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from docx.oxml.ns import qn

from awards.db import db
from awards.documents import context
from awards.documents.docx_render import load_template
from awards.documents.overlay import OVERLAY_FIELDS, default_layout
from awards.documents.pdf import soffice_path
from awards.models import (
    AuditEvent, AwardForm, CertificateLayout, CertificateLayoutField, Decision, DocumentTemplate, Signer, utcnow,
)
from awards.rules.calendar import local_date
from awards.services import certificate_layouts as svc
from tests.documents import open_docx, text_of, xml_part
from tests.factories import login

from .admin_helpers import admin_client, audit_count, count, demo_ids, reading, snapshot  # noqa: F401
from .test_registry import add_award, issue_decision, new_code

TWIPS = 56.7
EVIL = '<script>alert("x")</script> & Co {{7*7}}'


def form_data(valid_from: date | None = None, page_size: str = "A4", orientation: str = "landscape",
              **changes: dict) -> dict[str, str]:
    """The layout form as a browser posts it: the built-in geometry, with ``changes`` per field
    ({"recipient": {"x_mm": "40,5"}}; "printed": False leaves the box unticked)."""
    data = {"valid_from": (valid_from or local_date(utcnow())).isoformat(), "page_size": page_size,
            "orientation": orientation}
    for name in OVERLAY_FIELDS:
        p = default_layout().placement(name)
        values = {"printed": True, "x_mm": str(p.x_mm), "y_mm": str(p.y_mm), "width_mm": str(p.width_mm)}
        if name != "qr":
            values.update(font_size_pt=str(p.font_size_pt), align=p.align)
        values.update(changes.get(name, {}))
        for key, value in values.items():
            if key == "printed":
                if value:
                    data[f"{name}-printed"] = "y"
            else:
                data[f"{name}-{key}"] = value
    return data


def frames_of(blob: bytes) -> list[tuple[str, object]]:
    """(text printed, its paragraph's framePr) of every framed paragraph, in page order."""
    out = []
    for p in open_docx(blob).element.body.iter(qn("w:p")):
        ppr = p.find(qn("w:pPr"))
        frame = ppr.find(qn("w:framePr")) if ppr is not None else None
        if frame is not None:
            out.append((text_of(p), frame))
    return out


def frame_of(blob: bytes, text: str):
    return next(f for t, f in frames_of(blob) if t == text)


def at(blob: bytes, x: float, y: float) -> list[str]:
    """The texts printed in a frame at (x, y) mm."""
    return [t for t, f in frames_of(blob) if xy(f) == mm(x, y)]


def xy(frame) -> tuple[str, str]:
    return frame.get(qn("w:x")), frame.get(qn("w:y"))


def mm(x: float, y: float) -> tuple[str, str]:
    return str(int(round(x * TWIPS, 6))), str(int(round(y * TWIPS, 6)))


@pytest.fixture
def issued(app, demo_ids):
    """An issued Bằng khen decision with two certificates, one recipient named with markup."""
    with app.app_context():
        d = issue_decision(number=7, decision_date=date(2026, 9, 15))
        add_award(d, "Nguyễn Văn An", code=new_code())
        add_award(d, EVIL, kind="collective", code=new_code())
        db.session.commit()
        return {"decision": d.id, "form": d.award_form_id}


def layouts(app) -> list[tuple]:
    return snapshot(app, CertificateLayout) + snapshot(app, CertificateLayoutField)


def test_page_starts_from_the_templates_geometry_and_is_linked(admin_client, demo_ids):
    fid = demo_ids["award_form"]
    html = admin_client.get(f"/admin/award-forms/{fid}/certificate-layout").get_data(as_text=True)
    assert "Chưa có bố cục nào" in html and "Tên người, tập thể được khen" in html and "Mã QR" in html
    assert 'name="recipient-x_mm"' in html and 'value="30"' in html and 'value="237"' in html
    assert f'value="{local_date(utcnow()).isoformat()}"' in html
    forms_page = admin_client.get("/admin/award-forms").get_data(as_text=True)
    assert f"/admin/award-forms/{fid}/certificate-layout" in forms_page
    with reading(admin_client.application) as s:
        aid = s.get(AwardForm, fid).authority_id
    templates_page = admin_client.get(f"/admin/authorities/{aid}/templates").get_data(as_text=True)
    assert f"/admin/award-forms/{fid}/certificate-layout" in templates_page


def test_saved_positions_are_used_by_the_clerks_download(app, admin_client, issued):
    fid, did = issued["form"], issued["decision"]
    data = form_data(page_size="A3", recipient={"x_mm": "40,5", "y_mm": "80", "font_size_pt": "22", "align": "left"},
                     signer_name={"x_mm": "300", "y_mm": "250"}, qr={"printed": False})
    resp = admin_client.post(f"/admin/award-forms/{fid}/certificate-layout", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    with reading(app) as s:
        row = s.scalar(sa.select(CertificateLayout))
        assert (row.award_form_id, row.valid_from, row.page_size, row.orientation) == (
            fid, local_date(utcnow()), "A3", "landscape")
        stored = {f.field: f for f in row.fields}
        assert set(stored) == set(OVERLAY_FIELDS)
        r = stored["recipient"]
        assert (float(r.x_mm), float(r.y_mm), float(r.font_size_pt), r.align, r.printed) == (40.5, 80, 22, "left", True)
        assert stored["qr"].printed is False and stored["qr"].font_size_pt is None
        assert row.updated_by.username == "admin"
        layout_id = row.id
    assert resp.headers["Location"].endswith(f"/admin/award-forms/{fid}/certificate-layout?layout={layout_id}")
    assert audit_count(app, "certificate_layout.create") == 1

    clerk = app.test_client()
    assert login(clerk, "vanthu").status_code == 302
    blob = clerk.get(f"/decisions/{did}/certificates.docx?mode=overlay")
    assert blob.status_code == 200
    assert sorted(at(blob.data, 40.5, 80)) == sorted(["Ông Nguyễn Văn An", EVIL])  # the markup printed as text
    name = frame_of(blob.data, "Ông Nguyễn Văn An").getparent()
    assert next(name.getparent().iter(qn("w:r"))).find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val")) == "44"
    assert name.find(qn("w:jc")).get(qn("w:val")) == "left"
    assert len(at(blob.data, 300, 250)) == 2  # the signer's name on each page, on the A3 blank's far right
    size = open_docx(blob.data).element.body.find(qn("w:sectPr")).find(qn("w:pgSz"))
    assert (size.get(qn("w:w")), size.get(qn("w:h"))) == ("23811", "16838")
    assert not open_docx(blob.data).inline_shapes  # the QR is not printed on these blanks
    assert "<script>" not in xml_part(blob.data) and "&lt;script&gt;" in xml_part(blob.data)
    full = clerk.get(f"/decisions/{did}/certificates.docx")
    assert len(open_docx(full.data).inline_shapes) == 2  # the full design is not affected


def test_the_layout_in_force_on_the_printing_day_is_used(app, admin_client, issued):
    fid, did = issued["form"], issued["decision"]
    today = local_date(utcnow())
    url = f"/admin/award-forms/{fid}/certificate-layout"
    for days, y in ((-30, "70"), (30, "60")):
        data = form_data(today + timedelta(days=days), recipient={"y_mm": y})
        assert admin_client.post(url, data=data).status_code == 302
    page = admin_client.get(url).get_data(as_text=True)
    assert page.count("Đang áp dụng") == 1
    with app.app_context():
        d = db.session.get(Decision, did)
        now, later, before = (frame_of(context.certificates_docx(d, "overlay", day=day)[0], "Ông Nguyễn Văn An")
                              for day in (today, today + timedelta(days=31), today - timedelta(days=31)))
    assert xy(now) == mm(30, 70) and xy(later) == mm(30, 60)
    assert xy(before) == mm(30, 88)  # before any layout: where the template puts it


def test_bad_input_says_what_to_fix_and_saves_nothing(app, admin_client, issued):
    fid = issued["form"]
    url = f"/admin/award-forms/{fid}/certificate-layout"
    before, audits = layouts(app), count(app, AuditEvent)
    resp = admin_client.post(url, data=form_data(serial={"y_mm": "abc"}, achievement={"font_size_pt": ""}))
    html = htmllib.unescape(resp.get_data(as_text=True))
    assert resp.status_code == 400
    assert "Vui lòng nhập một số, ví dụ 1,5." in html and "Nhập cỡ chữ (pt)." in html
    resp = admin_client.post(url, data=form_data(orientation="portrait", recipient={"x_mm": "-2"},
                                                 qr={"width_mm": "5"}, serial={"font_size_pt": "12,3"}))
    html = htmllib.unescape(resp.get_data(as_text=True))
    assert resp.status_code == 400 and "Vui lòng sửa các lỗi sau:" in html
    for text in ("Tên người, tập thể được khen: vị trí ngang và dọc", "phải từ 0 đến 1000 mm",
                 "vượt ra ngoài chiều ngang của phôi (210 mm)", "cạnh mã QR phải từ 10 đến 100 mm",
                 "Số vào sổ (số hiệu bằng): cỡ chữ phải từ 6 đến 72 pt, theo bước 0,5 pt."):
        assert text in html, text
    assert 'value="-2"' in html  # what was typed stays in the form to be corrected
    resp = admin_client.post(url, data=form_data(recipient={"printed": False}))
    assert resp.status_code == 400 and "phải in tên người, tập thể được khen" in resp.get_data(as_text=True)
    assert layouts(app) == before and count(app, AuditEvent) == audits

    # An existing layout is left exactly as it was by a refused change.
    assert admin_client.post(url, data=form_data()).status_code == 302
    with reading(app) as s:
        lid = s.scalar(sa.select(CertificateLayout.id))
    saved, audits = layouts(app), count(app, AuditEvent)
    bad = form_data(recipient={"y_mm": "95"}, signer_name={"y_mm": "209"})
    assert admin_client.post(f"{url}?layout={lid}", data=bad).status_code == 400
    assert layouts(app) == saved and count(app, AuditEvent) == audits
    # Two layouts of one form may not start on the same day.
    resp = admin_client.post(url, data=form_data())
    assert resp.status_code == 400 and "đã có bố cục áp dụng từ ngày" in resp.get_data(as_text=True)
    assert layouts(app) == saved


def test_changes_and_deletion_are_audited(app, admin_client, issued):
    fid = issued["form"]
    url = f"/admin/award-forms/{fid}/certificate-layout"
    assert admin_client.post(url, data=form_data()).status_code == 302
    with reading(app) as s:
        lid = s.scalar(sa.select(CertificateLayout.id))
    assert admin_client.post(f"{url}?layout={lid}", data=form_data()).status_code == 302
    assert audit_count(app, "certificate_layout.update") == 0  # nothing changed, nothing recorded
    change = form_data(recipient={"y_mm": "90,5"}, qr={"printed": False})
    assert admin_client.post(f"{url}?layout={lid}", data=change).status_code == 302
    with reading(app) as s:
        event = s.scalar(sa.select(AuditEvent).where(AuditEvent.action == "certificate_layout.update"))
        assert event.actor_name == "admin" and (event.object_type, event.object_id) == ("certificate_layout", lid)
        assert event.details["changes"] == {"recipient.y_mm": ["88", "90.5"], "qr.printed": [True, False]}
        assert event.details["award_form_id"] == fid
    edit_page = admin_client.get(f"{url}?layout={lid}").get_data(as_text=True)
    assert 'value="90.5"' in edit_page and "Sửa bố cục áp dụng từ ngày" in edit_page
    resp = admin_client.post(f"/admin/certificate-layouts/{lid}/delete")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(url)
    assert count(app, CertificateLayout) == 0 and count(app, CertificateLayoutField) == 0
    with reading(app) as s:
        event = s.scalar(sa.select(AuditEvent).where(AuditEvent.action == "certificate_layout.delete"))
        assert event.details["values"]["recipient.y_mm"] == "90.5"
    assert admin_client.get(f"{url}?layout={lid}").status_code == 404


def test_preview_renders_the_typed_or_saved_positions_through_the_clerks_path(app, admin_client, issued):
    fid = issued["form"]
    base = f"/admin/award-forms/{fid}/certificate-layout"
    with reading(app) as s:
        authority_id = s.get(AwardForm, fid).authority_id
        signer = s.scalar(sa.select(Signer.full_name).where(Signer.authority_id == authority_id, Signer.is_head,
                                                            Signer.active))
    # The authority's own overlay template is used, as for the clerk.
    from .test_admin_templates import upload

    doc = open_docx(load_template("certificate_overlay"))
    doc.add_paragraph("PHÔI CỦA TỈNH")
    buffer = io.BytesIO()
    doc.save(buffer)
    assert upload(admin_client, authority_id, "certificate_overlay", buffer.getvalue()).status_code == 302
    with reading(app) as s:
        tid = s.scalar(sa.select(sa.func.max(DocumentTemplate.id)))
    assert admin_client.post(f"/admin/doc-templates/{tid}/activate").status_code == 302

    before = layouts(app)
    typed = form_data(recipient={"x_mm": "12", "y_mm": "34"})
    resp = admin_client.post(f"{base}/preview", data={**typed, "fmt": "docx"})
    assert resp.status_code == 200 and resp.mimetype.endswith("wordprocessingml.document")
    assert len(at(resp.data, 12, 34)) == 2  # both sample recipients, at the typed (unsaved) place
    text = "\n".join(t for t, _ in frames_of(resp.data))
    assert signer in text and "QĐ-UBND" in text and "{{" not in text
    assert "PHÔI CỦA TỈNH" in "".join(p.text for p in open_docx(resp.data).paragraphs)
    assert layouts(app) == before  # a preview saves nothing

    resp = admin_client.post(f"{base}/preview", data={**form_data(recipient={"x_mm": "200"}), "fmt": "docx"})
    assert resp.status_code == 400 and "vượt ra ngoài chiều ngang" in resp.get_data(as_text=True)
    resp = admin_client.get(f"{base}/preview")  # nothing saved: where the template puts the text
    assert resp.status_code == 200 and len(at(resp.data, 30, 88)) == 2
    assert admin_client.post(base, data=form_data(recipient={"y_mm": "77"})).status_code == 302
    resp = admin_client.get(f"{base}/preview")
    assert len(at(resp.data, 30, 77)) == 2

    if soffice_path() is None:
        assert "(.pdf)" not in admin_client.get(base).get_data(as_text=True)
        assert admin_client.get(f"{base}/preview?fmt=pdf").status_code == 404
    else:
        resp = admin_client.post(f"{base}/preview", data={**form_data(), "fmt": "pdf"})
        assert resp.status_code == 200 and resp.data.startswith(b"%PDF-")


def test_markup_in_names_is_shown_as_text(app, admin_client, issued):
    fid = issued["form"]
    with app.app_context():
        db.session.get(AwardForm, fid).name = EVIL
        db.session.commit()
    html = admin_client.get(f"/admin/award-forms/{fid}/certificate-layout").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_only_administrators_reach_the_layouts(app, admin_client, issued):
    fid = issued["form"]
    assert admin_client.post(f"/admin/award-forms/{fid}/certificate-layout", data=form_data()).status_code == 302
    with reading(app) as s:
        lid = s.scalar(sa.select(CertificateLayout.id))
        upward = s.scalar(sa.select(AwardForm.id).where(AwardForm.authority_id.is_(None)).limit(1))
        other = s.scalar(sa.select(AwardForm.id).where(AwardForm.id != fid, AwardForm.authority_id.is_not(None))
                         .limit(1))
    urls = [("GET", f"/admin/award-forms/{fid}/certificate-layout"),
            ("POST", f"/admin/award-forms/{fid}/certificate-layout"),
            ("GET", f"/admin/award-forms/{fid}/certificate-layout/preview"),
            ("POST", f"/admin/award-forms/{fid}/certificate-layout/preview"),
            ("POST", f"/admin/certificate-layouts/{lid}/delete")]
    saved = layouts(app)
    for username in ("vanthu", "tdkt.truongphong", "chutich"):
        client = app.test_client()
        assert login(client, username).status_code == 302
        for method, url in urls:
            assert client.open(url, method=method, data=form_data(recipient={"x_mm": "1"})).status_code == 403, url
    anonymous = app.test_client()
    for method, url in urls:
        resp = anonymous.open(url, method=method, data=form_data())
        assert resp.status_code == 302 and "/auth/login" in resp.headers["Location"]
    assert layouts(app) == saved
    # A form decided upward has no blanks printed here; another form's layout is not editable here.
    assert admin_client.get(f"/admin/award-forms/{upward}/certificate-layout").status_code == 404
    with app.app_context():
        with pytest.raises(svc.LayoutRejected, match="do cấp trên quyết định"):
            svc.save_layout(db.session, actor=None, award_form=db.session.get(AwardForm, upward),
                            valid_from=date(2027, 1, 1), layout=default_layout())
        db.session.rollback()
    assert admin_client.get(f"/admin/award-forms/{other}/certificate-layout?layout={lid}").status_code == 404


def test_two_administrators_saving_the_same_day_get_a_message_not_an_error(app, admin_client, issued,
                                                                           monkeypatch):
    """The date check passed for both; the database's unique constraint refuses the second save,
    which is reported like the check's own message and leaves nothing half written."""
    fid = issued["form"]
    url = f"/admin/award-forms/{fid}/certificate-layout"
    assert admin_client.post(url, data=form_data()).status_code == 302
    saved, audits = layouts(app), count(app, AuditEvent)
    monkeypatch.setattr(svc, "_check", lambda *a, **k: None)  # the second admin checked before the first saved
    resp = admin_client.post(url, data=form_data())
    assert resp.status_code == 400
    assert "đã có bố cục áp dụng từ ngày" in htmllib.unescape(resp.get_data(as_text=True))
    assert layouts(app) == saved and count(app, AuditEvent) == audits
