"""Bad input through the HTTP client (issue #9 item 3): markup and template syntax in every text
field (escaped in HTML, literal in the tờ trình DOCX and the XLSX export), over-long, empty and
whitespace-only values, NFD text, broken Excel imports and hostile attachments. Every refusal
carries a Vietnamese message naming what to fix and leaves the database as it was."""
from __future__ import annotations

import io
import unicodedata
import zipfile

import docx
import openpyxl
import pytest
import sqlalchemy as sa
from docx.oxml.ns import qn
from markupsafe import escape
from werkzeug.test import EnvironBuilder

from awards.db import db
from awards.documents import vietnamese as vn
from awards.dossiers.forms import LABELS_BY_KIND, NomineeForm
from awards.dossiers.imports import DATA_SHEET, build_template
from awards.models import Attachment, Dossier, Nominee
from awards.rules.duplicates import NAME_BIRTH_YEAR, duplicate_flags
from awards.services.dossiers import KIND_FIELDS, REQUIRED, TEXT_LIMITS
from tests import factories as f

KINDS = ("collective", "individual", "household")
PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{7*7}}", "Công ty A & B <Tổng>"]
TEXT_FIELDS = {k: tuple(key for key in TEXT_LIMITS if key in KIND_FIELDS[k]) for k in KINDS}
# Fields shown in the dossier page's nominee table and in the tờ trình.
SHOWN = {"collective": ("name", "address"), "individual": ("name", "position_title", "workplace"),
         "household": ("name", "hamlet", "address")}
VALID = {
    "collective": {"name": "Chi hội Phụ nữ thôn Tập Ninh", "address": "Hội Phụ nữ xã Gia Viễn"},
    "individual": {"name": "Nguyễn Thị Hòa", "gender": "female", "birth_year": "1978", "position_title": "Trưởng thôn",
                   "workplace": "Thôn Tập Ninh", "ethnicity": "Kinh"},
    "household": {"name": "Đinh Văn Bảy", "gender": "male", "address": "xã Gia Viễn", "hamlet": "Thôn Tập Ninh",
                  "contribution": "Hiến 300 m² đất", "contribution_value": "150000000"},
}


@pytest.fixture
def clerk(app):
    with app.app_context():
        f.load_demo()
    c = app.test_client()
    assert f.login(c, "xa.chuyenvien").status_code == 302
    return c


@pytest.fixture
def did(app, clerk):
    with app.app_context():
        d = f.make_dossier("X-GIAVIEN", "BK-TINH")
        db.session.commit()
        return d.id


def _label(kind: str, key: str) -> str:
    return LABELS_BY_KIND[kind].get(key) or getattr(NomineeForm, key).args[0]


def _version(app, dossier_id: int) -> int:
    with app.app_context():
        return db.session.get(Dossier, dossier_id).version


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _add(app, client, dossier_id: int, kind: str, data: dict):
    with app.app_context():
        d = db.session.get(Dossier, dossier_id)
        form_id = next(x.id for x in d.round.award_forms if x.allows(kind))
    payload = dict({"award_form_id": form_id, "version": _version(app, dossier_id)}, **data)
    return client.post(f"/dossiers/{dossier_id}/nominees/new?kind={kind}", data=payload)


def _html(client, url: str) -> str:
    resp = client.get(url)
    assert resp.status_code == 200, url
    return resp.get_data(as_text=True)


def _assert_no_raw_markup(html: str) -> None:
    low = html.lower()
    assert "<script>alert" not in low and "<img src=x" not in low and "<tổng>" not in low


def _docx_text(data: bytes) -> str:
    doc = docx.Document(io.BytesIO(data))
    return "".join(t.text or "" for t in doc.element.body.iter(qn("w:t")))


def _xlsx_cells(data: bytes) -> dict[str, str]:
    """{value: data_type} of every string cell of the data sheet."""
    ws = openpyxl.load_workbook(io.BytesIO(data))[DATA_SHEET]
    return {c.value: c.data_type for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


# ------------------------------------------------------------------------------ 1. markup and template syntax


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("kind", KINDS)
def test_payload_in_every_nominee_text_field(app, clerk, did, kind, payload):
    values = {key: f"{payload} {key}" for key in TEXT_FIELDS[kind]}
    resp = _add(app, clerk, did, kind, dict(VALID[kind], **values, report_background=f"{payload} report"))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    # names of persons are stored in canonical form (capitalised words); everything else as typed
    expected = dict(values)
    if kind != "collective":
        expected["name"] = vn.canonical_name(values["name"])
    with app.app_context():
        n = db.session.scalar(sa.select(Nominee).where(Nominee.dossier_id == did))
        assert {key: getattr(n, key) for key in expected} == expected
        nid = n.id
    for url, keys in ((f"/dossiers/{did}", SHOWN[kind]), (f"/dossiers/{did}/nominees/{nid}", TEXT_FIELDS[kind])):
        html = _html(clerk, url)
        _assert_no_raw_markup(html)
        for key in keys:
            assert str(escape(expected[key])) in html, (url, key)
        if "{{" in payload:  # not evaluated by Jinja
            assert "{{7*7}}" in html and "49 name" not in html.lower()
    assert str(escape(f"{payload} report")) in _html(clerk, f"/dossiers/{did}/nominees/{nid}")
    text = _docx_text(clerk.get(f"/dossiers/{did}/proposal.docx").data)
    for key in SHOWN[kind]:
        assert expected[key] in text, key
    cells = _xlsx_cells(clerk.get(f"/dossiers/{did}/export.xlsx").data)
    for key in TEXT_FIELDS[kind]:
        assert cells.get(expected[key]) == "s", key


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_dossier_title_and_summary(app, clerk, payload):
    with app.app_context():
        round_id, form_id = f.demo_round().id, f.form("BK-TINH").id
    resp = clerk.post("/dossiers/new", data={"round_id": round_id, "award_form_id": form_id,
                                             "title": f"{payload} title", "summary": f"{payload} summary"})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    with app.app_context():
        d = db.session.scalar(sa.select(Dossier))
        assert (d.title, d.summary) == (f"{payload} title", f"{payload} summary")
    for url in (resp.headers["Location"], "/dossiers/"):
        html = _html(clerk, url)
        _assert_no_raw_markup(html)
        assert str(escape(f"{payload} title")) in html
    assert str(escape(f"{payload} summary")) in _html(clerk, resp.headers["Location"])


# ------------------------------------------------------------------------------ 2. over-long, empty, blank


@pytest.mark.parametrize("kind,key", [(k, key) for k in KINDS for key in TEXT_FIELDS[k]])
def test_one_character_over_the_limit(app, clerk, did, kind, key):
    limit = TEXT_LIMITS[key]
    before = _count(app, Nominee)
    resp = _add(app, clerk, did, kind, dict(VALID[kind], **{key: "x" * (limit + 1)}))
    assert resp.status_code == 422
    assert f"{escape(_label(kind, key))}: Dài quá {limit} ký tự (hiện có {limit + 1})." in resp.get_data(as_text=True)
    assert _count(app, Nominee) == before
    assert _add(app, clerk, did, kind, dict(VALID[kind], **{key: "x" * limit})).status_code == 302  # the limit itself


@pytest.mark.parametrize("kind,key", [(k, key) for k in KINDS for key in REQUIRED[k]])
def test_empty_required_field(app, clerk, did, kind, key):
    before = _count(app, Nominee)
    resp = _add(app, clerk, did, kind, dict(VALID[kind], **{key: ""}))
    assert resp.status_code == 422
    assert f"{escape(_label(kind, key))}: Bắt buộc nhập." in resp.get_data(as_text=True)
    assert _count(app, Nominee) == before


@pytest.mark.parametrize("kind", KINDS)
def test_whitespace_only_name(app, clerk, did, kind):
    resp = _add(app, clerk, did, kind, dict(VALID[kind], name=" \t\u00a0 \u3000 "))
    assert resp.status_code == 422
    assert f"{escape(_label(kind, 'name'))}: Bắt buộc nhập." in resp.get_data(as_text=True)
    assert _count(app, Nominee) == 0


@pytest.mark.parametrize("field,value,message", [
    ("title", "x" * 256, "Dài quá 255 ký tự"), ("title", " \t ", "Bắt buộc nhập."),
    ("summary", "x" * 8001, "Dài quá 8000 ký tự"),
])
def test_bad_dossier_title_or_summary(app, clerk, field, value, message):
    with app.app_context():
        data = {"round_id": f.demo_round().id, "award_form_id": f.form("BK-TINH").id, "title": "Hồ sơ", "summary": ""}
    data[field] = value
    resp = clerk.post("/dossiers/new", data=data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and message in html and "Field cannot" not in html
    label = {"title": "Tên hồ sơ", "summary": "Ghi chú"}[field]
    assert f"{label}: " in html
    assert _count(app, Dossier) == 0


# ------------------------------------------------------------------------------ 3. Unicode normalisation

NFD_NAME = unicodedata.normalize("NFD", "Nguyễn Thị Hòa")
MIXED = "Thôn " + unicodedata.normalize("NFD", "Tập Ninh") + ", xã Gia Viễn"


def test_nfd_and_mixed_text_stored_nfc_and_duplicates_match(app, clerk, did):
    assert _add(app, clerk, did, "individual", dict(VALID["individual"])).status_code == 302  # NFC name
    with app.app_context():
        other = f.make_dossier("X-GIAVIEN", "BK-TINH", title="Hồ sơ thứ hai")
        db.session.commit()
        other_id = other.id
    resp = _add(app, clerk, other_id, "individual", dict(VALID["individual"], name=NFD_NAME, workplace=MIXED,
                                                         achievements=unicodedata.normalize("NFD", "Vận động")))
    assert resp.status_code == 302
    with app.app_context():
        n = db.session.scalar(sa.select(Nominee).where(Nominee.dossier_id == other_id))
        assert n.name == vn.canonical_name(unicodedata.normalize("NFC", "Nguyễn Thị Hòa"))
        for value in (n.name, n.canonical_name, n.workplace, n.achievements):
            assert unicodedata.is_normalized("NFC", value), value
        assert n.workplace == unicodedata.normalize("NFC", MIXED) and n.achievements == "Vận động"
        flags = duplicate_flags(db.session, n)
        assert [(fl.reason, fl.exact, fl.other_dossier_id) for fl in flags] == [(NAME_BIRTH_YEAR, True, did)]


# ------------------------------------------------------------------------------ 4. broken Excel imports


def _xlsx_with_row(app, dossier_id: int, *, drop_header: bool = False) -> bytes:
    with app.app_context():
        wb = openpyxl.load_workbook(io.BytesIO(build_template(db.session.get(Dossier, dossier_id))))
    ws = wb[DATA_SHEET]
    ws.append(["Cá nhân", NFD_NAME, "Nữ", 1978, "Trưởng thôn", "Thôn Tập Ninh", None, "Kinh"])
    if drop_header:
        ws.delete_rows(1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _import(app, client, dossier_id: int, data: bytes, name: str = "danh-sach.xlsx"):
    return client.post(f"/dossiers/{dossier_id}/import", content_type="multipart/form-data",
                       data={"version": _version(app, dossier_id), "file": (io.BytesIO(data), name)})


@pytest.mark.parametrize("case,message", [
    ("text", "không phải là một trong các định dạng được chấp nhận"),
    ("truncated", "bị hỏng"),
    ("no_header", "Thiếu cột này trong dòng tiêu đề"),
    ("empty", "Tệp không có dòng tiêu đề."),
])
def test_broken_excel_import(app, clerk, did, case, message):
    if case == "text":
        data = "Họ và tên,Năm sinh\nNguyễn Văn An,1980\n".encode()
    elif case == "truncated":
        full = _xlsx_with_row(app, did)
        data = full[: len(full) // 2]
    elif case == "no_header":
        data = _xlsx_with_row(app, did, drop_header=True)
    else:
        wb = openpyxl.Workbook()
        wb.active.title = DATA_SHEET
        buf = io.BytesIO()
        wb.save(buf)
        data = buf.getvalue()
    resp = _import(app, clerk, did, data)
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert _count(app, Nominee) == 0


def test_valid_import_control_stores_nfc(app, clerk, did):
    """The file the broken cases start from imports, and its NFD name is stored NFC."""
    resp = _import(app, clerk, did, _xlsx_with_row(app, did))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(sa.select(Nominee.name)).all() == [vn.canonical_name("Nguyễn Thị Hòa")]


# ------------------------------------------------------------------------------ 5. hostile attachments


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (100 * 1024 * 1024 + 1))
    return buf.getvalue()


def _upload(app, client, dossier_id: int, data: bytes, name: str, **kw):
    """POST the file; the test client spools bodies over 500 KB to a temporary file that it never
    closes for a POST answered by a redirect, so build the environ here and close its input."""
    builder = EnvironBuilder(path=f"/dossiers/{dossier_id}/attachments", method="POST", data={
        "kind": "proposal", "nominee_id": 0, "version": _version(app, dossier_id), "file": (io.BytesIO(data), name)})
    environ = builder.get_environ()
    builder.close()
    try:
        return client.open(environ, **kw)
    finally:
        environ["wsgi.input"].close()


@pytest.mark.parametrize("case,name,message", [
    ("exe", "to-trinh.pdf", "không phải là một trong các định dạng được chấp nhận"),
    ("oversize", "bien-ban.pdf", "lớn hơn giới hạn 1 MB"),
    ("bomb", "bao-cao.docx", "giải nén vượt quá"),
])
def test_hostile_attachment(app, clerk, did, case, name, message):
    data = {"exe": lambda: b"MZ\x90\x00\x03" + b"\0" * 4096, "oversize": lambda: b"%PDF-1.4\n" + b"0" * (1024 * 1024),
            "bomb": _zip_bomb}[case]()
    old = app.config["UPLOAD_MAX_BYTES"]
    if case == "oversize":
        app.config["UPLOAD_MAX_BYTES"] = 1024 * 1024
    try:
        resp = _upload(app, clerk, did, data, name, follow_redirects=True)
    finally:
        app.config["UPLOAD_MAX_BYTES"] = old
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and message in html and str(escape(f"«{name}»")) in html
    assert _count(app, Attachment) == 0
    if case == "oversize":  # the same file under the default limit is accepted: the limit decided
        resp = _upload(app, clerk, did, data, name)
        assert resp.status_code == 302 and _count(app, Attachment) == 1
