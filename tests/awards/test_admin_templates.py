"""Admin: offices edit the built-in Word templates (issue #6 item 3): upload validated and stored
inactive, preview through the real render function, explicit activation, back to the built-in."""
from __future__ import annotations

import html as htmllib
import io
import re

import pytest
import sqlalchemy as sa
from docx import Document

from awards.db import db
from awards.documents.docx_render import TEMPLATE_DIR, TEMPLATE_PLACEHOLDERS, TEMPLATE_SPECS, load_template
from awards.models import AuditEvent, Authority, DocumentTemplate, User, utcnow
from awards.models.templates import TEMPLATE_KINDS
from awards.services import templates as svc
from tests.factories import login

from .admin_helpers import admin_client, audit_count, demo_ids, reading, snapshot  # noqa: F401

EDIT = "MẪU TỈNH NINH BÌNH"


def edited_decision(*extra: str) -> bytes:
    """The built-in decision template opened with python-docx, with a paragraph added (and any
    ``extra`` paragraphs, e.g. a wrong placeholder)."""
    doc = Document(str(TEMPLATE_DIR / "decision.docx"))
    doc.paragraphs[0].insert_paragraph_before(EDIT)
    for text in extra:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def upload(client, authority_id: int, kind: str, data: bytes, filename: str = "mau.docx"):
    return client.post(f"/admin/authorities/{authority_id}/templates/{kind}/upload",
                       data={f"{kind}-file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def active_bytes(app, authority_id: int, kind: str = "decision") -> bytes | None:
    with reading(app) as s:
        return svc.active_template(s, authority_id, kind)


def test_kinds_match_the_document_engine():
    assert set(TEMPLATE_KINDS) == set(TEMPLATE_SPECS) == set(TEMPLATE_PLACEHOLDERS)


def test_page_lists_kinds_placeholders_and_downloads_builtin(app, admin_client, demo_ids):
    aid = demo_ids["authority"]
    resp = admin_client.get(f"/admin/authorities/{aid}/templates")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    for kind in TEMPLATE_KINDS:
        assert TEMPLATE_SPECS[kind].label in html
        assert f"/admin/authorities/{aid}/templates/{kind}/upload" in html
    # placeholders with their Vietnamese descriptions
    assert "<code>{{ doc_number }}</code>" in html and "Số và ký hiệu biên bản" in html
    assert "Đang dùng mẫu có sẵn" in html
    assert "/admin/doc-templates" in admin_client.get("/admin/").get_data(as_text=True)
    assert f"/admin/authorities/{aid}/templates" in admin_client.get("/admin/doc-templates").get_data(as_text=True)
    for kind in TEMPLATE_KINDS:
        resp = admin_client.get(f"/admin/authorities/{aid}/templates/{kind}/current.docx")
        assert resp.status_code == 200 and resp.mimetype.endswith("wordprocessingml.document")
        assert resp.data == load_template(kind)
    assert admin_client.get(f"/admin/authorities/{aid}/templates/khong-co/current.docx").status_code == 404


def test_upload_preview_activate_deactivate(app, admin_client, demo_ids):
    aid = demo_ids["authority"]
    data = edited_decision()
    resp = upload(admin_client, aid, "decision", data, "quyet-dinh-ninh-binh.docx")
    assert resp.status_code == 302
    with reading(app) as s:
        t = s.scalar(sa.select(DocumentTemplate))
        tid, authority = t.id, s.get(Authority, aid)
        assert (t.authority_id, t.kind, t.filename, t.active) == (aid, "decision", "quyet-dinh-ninh-binh.docx", False)
        assert t.data == data and t.size == len(data) and len(t.sha256) == 64
        assert t.uploaded_by.username == "admin" and t.uploaded_dt.tzinfo is not None
        header = authority.header_lines[-1]
    assert resp.headers["Location"].endswith(f"/admin/doc-templates/{tid}")
    assert active_bytes(app, aid) is None  # stored inactive: renderers still use the built-in
    assert audit_count(app, "doc_template.upload") == 1

    page = admin_client.get(f"/admin/doc-templates/{tid}").get_data(as_text=True)
    assert "Sử dụng mẫu này" in page and f"/admin/doc-templates/{tid}/preview.docx" in page

    resp = admin_client.get(f"/admin/doc-templates/{tid}/preview.docx")
    assert resp.status_code == 200 and resp.mimetype.endswith("wordprocessingml.document")
    text = docx_text(resp.data)
    assert EDIT in text  # the office's edit
    assert header in text and "QĐ-UBND" in text  # sample data with the authority's own header
    assert "{{" not in text and "{%" not in text
    assert admin_client.get(f"/admin/doc-templates/{tid}/file.docx").data == data

    resp = admin_client.post(f"/admin/doc-templates/{tid}/activate")
    assert resp.status_code == 302
    assert active_bytes(app, aid) == data
    assert admin_client.get(f"/admin/authorities/{aid}/templates/decision/current.docx").data == data
    assert "quyet-dinh-ninh-binh.docx" in admin_client.get(f"/admin/authorities/{aid}/templates").get_data(as_text=True)
    assert active_bytes(app, aid, "proposal") is None  # other kinds keep the built-in

    # A second upload, once activated, retires the first: one active per (authority, kind).
    second = edited_decision("Mẫu lần hai")
    assert upload(admin_client, aid, "decision", second).status_code == 302
    with reading(app) as s:
        tid2 = s.scalar(sa.select(sa.func.max(DocumentTemplate.id)))
    assert active_bytes(app, aid) == data
    assert admin_client.post(f"/admin/doc-templates/{tid2}/activate").status_code == 302
    assert active_bytes(app, aid) == second
    with reading(app) as s:
        assert s.scalars(sa.select(DocumentTemplate.id).where(DocumentTemplate.active.is_(True))).all() == [tid2]

    resp = admin_client.post(f"/admin/authorities/{aid}/templates/decision/deactivate")
    assert resp.status_code == 302
    assert active_bytes(app, aid) is None
    assert admin_client.get(f"/admin/authorities/{aid}/templates/decision/current.docx").data == load_template("decision")
    assert audit_count(app, "doc_template.activate") == 2 and audit_count(app, "doc_template.deactivate") == 1
    with reading(app) as s:
        ev = s.scalar(sa.select(AuditEvent).where(AuditEvent.action == "doc_template.deactivate"))
        assert (ev.object_type, ev.object_id, ev.actor_name) == ("document_template", tid2, "admin")


@pytest.mark.parametrize(
    "data, filename, messages",
    [
        (edited_decision("Kính gửi {{ ten_sai }}"), "mau.docx",
         ["Trường {{ ten_sai }} không có trong mẫu “Quyết định khen thưởng”"]),
        (edited_decision("{% for x in %}"), "mau.docx", ["Thẻ mẫu bị lỗi cú pháp", "{% for x in %}"]),
        (edited_decision("{{ ten_sai }}", "{{ sai_nua }}"), "mau.docx", ["{{ ten_sai }}", "{{ sai_nua }}"]),
        (b"day khong phai tep Word", "mau.docx", ["không phải là một trong các định dạng"]),
        (b"%PDF-1.4 mau", "mau.pdf", ["ở đây chỉ nhận DOCX"]),
        (b"", "mau.docx", ["rỗng"]),
    ],
    ids=["unknown-placeholder", "broken-tag", "all-errors", "not-docx", "pdf", "empty"],
)
def test_bad_upload_names_the_problem_and_saves_nothing(app, admin_client, demo_ids, data, filename, messages):
    aid = demo_ids["authority"]
    before = snapshot(app, DocumentTemplate), audit_count(app, "doc_template.upload")
    resp = upload(admin_client, aid, "decision", data, filename)
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    flat = re.sub(r"\s+", " ", htmllib.unescape(html))
    for message in messages:
        assert message in flat, (message, flat[:2000])
    assert (snapshot(app, DocumentTemplate), audit_count(app, "doc_template.upload")) == before
    assert active_bytes(app, aid) is None


def test_service_rejects_oversize_and_non_docx_zip(app, demo_ids):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with app.app_context():
        authority = db.session.get(Authority, demo_ids["authority"])
        admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
        with pytest.raises(svc.TemplateRejected) as exc:
            svc.upload_template(db.session, actor=admin, authority=authority, kind="decision",
                                filename="mau.docx", data=b"PK\x03\x04" + b"0" * (5 * 1024 * 1024))
        assert "lớn hơn giới hạn 5 MB" in exc.value.messages[0]
        with pytest.raises(svc.TemplateRejected) as exc:
            svc.upload_template(db.session, actor=admin, authority=authority, kind="decision",
                                filename="mau.docx", data=buf.getvalue())
        assert "chỉ nhận DOCX" in exc.value.messages[0]
        assert db.session.scalar(sa.select(sa.func.count(DocumentTemplate.id))) == 0
        db.session.rollback()


def test_other_kinds_preview_through_their_renderers(app, demo_ids):
    with app.app_context():
        authority = db.session.get(Authority, demo_ids["authority"])
        for kind in ("proposal", "minutes", "certificate", "certificate_overlay"):
            out = svc.preview(db.session, authority, kind, load_template(kind))
            text = docx_text(out)
            assert text.strip() and "{{" not in text, kind


def test_one_active_template_per_authority_and_kind_in_the_database(app, demo_ids):
    with app.app_context():
        def row(active: bool) -> DocumentTemplate:
            return DocumentTemplate(authority_id=demo_ids["authority"], kind="minutes", filename="m.docx", size=1,
                                    sha256="0" * 64, data=b"x", uploaded_dt=utcnow(), active=active)

        db.session.add_all([row(False), row(False), row(True)])
        db.session.flush()  # several inactive rows are fine
        db.session.add(row(True))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_only_admin(app, demo_ids):
    aid = demo_ids["authority"]
    client = app.test_client()
    assert login(client, "tdkt.chuyenvien").status_code == 302
    for url in (f"/admin/authorities/{aid}/templates", f"/admin/authorities/{aid}/templates/decision/current.docx",
                "/admin/doc-templates"):
        assert client.get(url).status_code == 403
    assert upload(client, aid, "decision", edited_decision()).status_code == 403
    assert client.post(f"/admin/authorities/{aid}/templates/decision/deactivate").status_code == 403
    assert snapshot(app, DocumentTemplate) == []


def test_page_queries_are_bounded(app, admin_client, demo_ids, count_queries):
    aid = demo_ids["authority"]
    with app.app_context():
        admin_id = db.session.scalar(sa.select(User.id).where(User.username == "admin"))
        for kind in TEMPLATE_KINDS:
            for i in range(3):
                db.session.add(DocumentTemplate(authority_id=aid, kind=kind, filename=f"{kind}-{i}.docx", size=1,
                                                sha256="0" * 64, data=b"x", uploaded_by_id=admin_id,
                                                uploaded_dt=utcnow(), active=(i == 0)))
        db.session.commit()
    with count_queries() as q:
        resp = admin_client.get(f"/admin/authorities/{aid}/templates")
    assert resp.status_code == 200 and resp.get_data(as_text=True).count("Đang dùng mẫu tải lên") == len(TEMPLATE_KINDS)
    assert q["count"] <= 8, q["statements"]


def test_unknown_template_or_kind_is_404(admin_client, demo_ids):
    aid = demo_ids["authority"]
    for url in ("/admin/doc-templates/99999", "/admin/doc-templates/99999/preview.docx",
                "/admin/doc-templates/99999/file.docx", "/admin/authorities/99999/templates",
                f"/admin/authorities/{aid}/templates/khong-co/current.docx"):
        assert admin_client.get(url).status_code == 404, url
    assert upload(admin_client, aid, "khong-co", edited_decision()).status_code == 404
    assert admin_client.post("/admin/doc-templates/99999/activate").status_code == 404


@pytest.mark.parametrize("payload", [
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ authority_title.__class__.__init__.__globals__ }}",
])
def test_an_uploaded_template_cannot_reach_python(app, admin_client, demo_ids, payload):
    """Templates are uploaded by offices: they render in Jinja's sandbox. A template that reaches
    for Python internals is refused at upload or fails its preview with a message; nothing runs."""
    aid = demo_ids["authority"]
    resp = upload(admin_client, aid, "decision", edited_decision("QUYẾT ĐỊNH: " + payload))
    body = htmllib.unescape(resp.get_data(as_text=True))
    assert "uid=" not in body and "<class" not in body and "popen" not in body.split("QUYẾT ĐỊNH")[0]
    if resp.status_code == 302:  # stored inactive: its preview must refuse, not execute
        tid = int(resp.headers["Location"].rsplit("/", 1)[-1])
        preview = admin_client.get(f"/admin/doc-templates/{tid}/preview.docx")
        if preview.status_code == 200 and preview.mimetype.endswith("wordprocessingml.document"):
            text = docx_text(preview.data)
            assert "uid=" not in text and "<class" not in text and "__globals__" not in text
        else:
            page = htmllib.unescape(admin_client.get(f"/admin/doc-templates/{tid}").get_data(as_text=True)
                                    if preview.status_code == 302 else preview.get_data(as_text=True))
            assert "uid=" not in page
    else:
        assert resp.status_code == 400
