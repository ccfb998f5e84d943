"""English beyond the templates: flash messages, form labels and validation errors, workflow labels,
and the messages the workflow engine, services and rules build outside the request (Msg, translated
at the edge by awards.i18n.tr). Vietnamese stays exactly as it was by default and outside a request.
"""
from __future__ import annotations

import pickle
import re

import pytest

from awards.i18n import label, tr
from tests import factories as f
from workflows.messages import Msg, extract_toml

from .test_i18n import POT, _read_po


@pytest.fixture
def demo(app):
    with app.app_context():
        f.load_demo()
        rnd, form = f.demo_round(), f.form("BK-TINH")
        return {"round_id": rnd.id, "award_form_id": form.id}


def _page(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def _signed_in(app, username: str, lang: str | None):
    c = app.test_client()
    if lang:
        # Chosen on the login page, before signing in: signing in keeps it.
        c.post("/auth/language/" + lang, data={"next": "/auth/login"})
    assert f.login(c, username).status_code == 302
    return c


def _dossier_flow(app, demo, lang: str | None) -> dict[str, str]:
    """The unit clerk opens the new-dossier form, submits a title that is too long, then creates the
    dossier and tries to submit it (only the unit head may); returns each page."""
    c = _signed_in(app, "xa.chuyenvien", lang)
    pages = {"dashboard": _page(c.get("/")), "form": _page(c.get("/dossiers/new"))}
    resp = c.post("/dossiers/new", data={**demo, "title": "x" * 300, "summary": ""})
    pages["invalid"] = _page(resp)
    resp = c.post("/dossiers/new", data={**demo, "title": "Hồ sơ Bằng khen tỉnh", "summary": ""})
    assert resp.status_code == 302
    detail_url = resp.headers["Location"]
    pages["created"] = _page(c.get(detail_url))  # shows the flash message
    dossier_id = int(re.search(r"/dossiers/(\d+)", detail_url).group(1))
    # the clerk's page shows "submit" disabled (only the unit head may): post it as a stale tab would
    version = int(re.search(r'name="version"[^>]*value="(\d+)"', pages["created"]).group(1))
    resp = c.post(f"/dossiers/{dossier_id}/fire/submit", data={"version": version, "comment": ""})
    assert resp.status_code == 302
    pages["refused"] = _page(c.get(detail_url))
    return pages


def test_english_flash_form_label_workflow_label_and_validation_error(app, demo):
    pages = _dossier_flow(app, demo, "en")
    assert "Tasks to handle" in pages["dashboard"]  # the language chosen before signing in is kept

    # A form label (lazy_gettext) and a validation message (a WTForms validator).
    assert "Dossier title" in pages["form"] and "Tên hồ sơ" not in pages["form"]
    assert "Longer than 255 characters." in pages["invalid"] and "Dài quá" not in pages["invalid"]

    created = pages["created"]
    # A flash message (gettext in the view).
    assert "Dossier created. Now add the nominees and the supporting documents." in created
    assert "Đã lập hồ sơ" not in created
    # Workflow labels from the TOML definition: the state and the transition button.
    assert "Being prepared by the unit" in created and "Đơn vị đang chuẩn bị" not in created
    assert "Submit dossier" in created and "Trình hồ sơ" not in created
    # Messages built outside the request: the checklist (rules), with a label lower-cased inside
    # a sentence, and the engine's reason why the clerk cannot submit.
    assert "The dossier has no nominees yet." in created
    assert "The dossier is missing the submission." in created
    assert "Only Head of unit may perform the action «Submit dossier»." in created
    assert "Chỉ Thủ trưởng đơn vị" not in created

    # The engine's refusal, flashed after the POST, in English.
    assert pages["refused"].count("Only Head of unit may perform the action «Submit dossier».") >= 2


def test_vietnamese_is_unchanged_by_default(app, demo):
    pages = _dossier_flow(app, demo, None)
    assert "Việc cần xử lý" in pages["dashboard"]
    assert "Tên hồ sơ" in pages["form"] and "Dossier title" not in pages["form"]
    assert "Dài quá 255 ký tự." in pages["invalid"] and "Longer than" not in pages["invalid"]
    created = pages["created"]
    assert "Đã lập hồ sơ. Hãy thêm đối tượng đề nghị và tài liệu kèm theo." in created
    assert "Đơn vị đang chuẩn bị" in created and "Being prepared by the unit" not in created
    assert "Trình hồ sơ" in created
    assert "Hồ sơ chưa có đối tượng đề nghị khen thưởng nào." in created
    assert "Hồ sơ còn thiếu tờ trình." in created
    assert "Chỉ Thủ trưởng đơn vị được thực hiện thao tác «Trình hồ sơ»." in created
    assert "Only Head of unit" not in pages["refused"]


def test_workflow_diagram_and_tables_follow_the_language(app, demo):
    admin = _signed_in(app, "admin", "en")
    svg = admin.get("/admin/workflows/bang_khen_tinh.svg").get_data(as_text=True)
    assert "Certificate of Merit of the Chairman of the Provincial People&#x27;s Committee" in svg \
        or "Certificate of Merit of the Chairman of the Provincial People's Committee" in svg
    assert "Submit dossier" in svg and "Trình hồ sơ" not in svg and "working days" in svg
    page = _page(admin.get("/admin/workflows"))
    assert "Under appraisal" in page and "Đang thẩm định" not in page

    vi = _signed_in(app, "admin", None)
    svg = vi.get("/admin/workflows/bang_khen_tinh.svg").get_data(as_text=True)
    assert "Trình hồ sơ" in svg and "Submit dossier" not in svg and "ngày làm việc" in svg


def test_flask_login_messages_follow_the_language(client):
    resp = client.get("/dossiers/", follow_redirects=True)
    assert "Vui lòng đăng nhập để tiếp tục." in _page(resp)
    client.post("/auth/language/en")
    resp = client.get("/dossiers/", follow_redirects=True)
    page = _page(resp)
    assert "Please sign in to continue." in page and "Vui lòng đăng nhập" not in page


def test_service_error_in_english_and_vietnamese(app, demo):
    """A service refusal (services.users, a Msg with a parameter) flashed by an admin page."""
    for lang, text in (("en", "The username «xa.chuyenvien» already exists."),
                       (None, "Tên đăng nhập «xa.chuyenvien» đã tồn tại.")):
        admin = _signed_in(app, "admin", lang)
        with app.app_context():
            unit_id = f.unit("X-GIAVIEN").id
        resp = admin.post("/admin/users/new", data={
            "username": "xa.chuyenvien", "full_name": "Nguyễn Văn Thử", "unit_id": unit_id, "active": "y",
            "password": "mot-mat-khau-dai-du", "confirm": "mot-mat-khau-dai-du", "role": "", "scope_unit_id": "",
        })
        assert text in resp.get_data(as_text=True)


# --- The message type itself -----------------------------------------------------------------


def test_msg_is_the_vietnamese_text_and_translates_at_the_edge(app):
    m = Msg("Đơn vị «%(unit)s» đã ngừng hoạt động; hãy chọn đơn vị khác.", unit="Xã Gia Viễn")
    assert m == "Đơn vị «Xã Gia Viễn» đã ngừng hoạt động; hãy chọn đơn vị khác." and isinstance(m, str)
    copy = pickle.loads(pickle.dumps(m))
    assert (copy.msgid, copy.params) == (m.msgid, m.params)
    # Outside a request (CLI, scheduler): Vietnamese.
    with app.app_context():
        assert tr(m) == str(m)
        assert tr(ValueError(m)) == str(m)
    with app.test_request_context():
        from flask import session

        session["lang"] = "en"
        assert tr(m) == "The unit «Xã Gia Viễn» has ceased operating; please choose another unit."
        assert tr(ValueError(m)) == tr(m)
        # Joined sentences are translated one by one; a lower-cased label keeps its capitals.
        both = Msg.joined([m, Msg("Vui lòng nhập lý do.")])
        assert tr(both) == tr(m) + " Please enter a reason."
        lowered = Msg("Hồ sơ còn thiếu %(document)s.", document=Msg("Tờ trình").lower())
        assert lowered == "Hồ sơ còn thiếu tờ trình."
        assert tr(lowered) == "The dossier is missing the submission."
        assert label("Đang thẩm định") == "Under appraisal" and label("") == ""
        assert tr("Nguyễn Văn An") == "Nguyễn Văn An"  # user data is never looked up


def test_toml_labels_are_extracted_into_the_catalogue():
    with open("workflows/definitions/giay_khen_xa.toml", "rb") as fh:
        found = {message for _line, _func, message, _comments in extract_toml(fh, None, None, None)}
    assert {"Giấy khen của Chủ tịch UBND xã", "Đơn vị đang chuẩn bị", "Trình hồ sơ"} <= found
    pot = {m.id: m for m in _read_po(POT) if m.id}
    assert any(path.endswith("giay_khen_xa.toml") for path, _ in pot["Giấy khen của Chủ tịch UBND xã"].locations)


def test_word_template_placeholders_are_described_in_english(app, demo):
    """The admin's Word-template page: every placeholder's description (and the row / loop-variable
    note) is translated; the field names, the Jinja tags to use and the examples that the document
    prints literally stay as they are."""
    import sqlalchemy as sa

    from awards.db import db
    from awards.documents.docx_render import TEMPLATE_PLACEHOLDERS
    from awards.models import Authority

    with app.app_context():
        authority_id = db.session.scalar(sa.select(Authority.id).order_by(Authority.id))
    url = f"/admin/authorities/{authority_id}/templates"
    vi = _page(_signed_in(app, "admin", None).get(url))
    en = _page(_signed_in(app, "admin", "en").get(url))
    item = re.compile(r"<li><code>(\{\{[^<]*\}\})</code> — ([^<]*)</li>")
    vi_items, en_items = item.findall(vi), item.findall(en)
    assert len(vi_items) == len(en_items) == sum(len(lines) for lines in TEMPLATE_PLACEHOLDERS.values())
    untranslated = [f"{code} — {text}" for (code, text), (_, vi_text) in zip(en_items, vi_items) if text == vi_text]
    assert [code for code, _ in en_items] == [code for code, _ in vi_items]
    assert not untranslated, untranslated
    assert "Số và ký hiệu biên bản, ví dụ 03/BB-HĐTĐKT" in vi
    assert "Number and reference code of the minutes, e.g. 03/BB-HĐTĐKT" in en
    assert "Share of votes in favour (%) (template row of a table)" in en and "Tỷ lệ đồng ý (%)" in vi
    assert "One line or one paragraph (loop variable)" in en
    tags = "{%p for line in copy_to %}- {{ line }}{%p endfor %}"
    assert f"Distribution list (Nơi nhận), one recipient per line; use {tags}" in en
    assert f"Danh sách nơi nhận, mỗi dòng một nơi; dùng {tags}" in vi
