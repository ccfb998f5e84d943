"""Irreversible actions ask first: each form carries data-confirm (read by static/js/app.js; the CSP
allows no inline script) with a question that says what will happen, in the reader's language.
tests/e2e/test_confirm.py checks in Chromium that dismissing the question sends nothing."""
from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from awards.db import db
from awards.models import Signer
from awards.services import council as council_svc
from awards.services import decisions as svc
from tests import factories as f
from tests.awards.test_flows import PDF

TRICKY_TITLE = 'Hồ sơ "Vì người nghèo" <b>2026</b>'


class Forms(HTMLParser):
    """Every form of a page: its attributes, its named inputs and its buttons' text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._button = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": a, "inputs": {}, "buttons": []})
        elif self.forms and tag in ("input", "textarea") and a.get("name"):
            self.forms[-1]["inputs"][a["name"]] = a.get("value", "")
        elif self.forms and tag == "button":
            self._button = ""

    def handle_data(self, data):
        if self._button is not None:
            self._button += data

    def handle_endtag(self, tag):
        if tag == "button" and self._button is not None:
            self.forms[-1]["buttons"].append(self._button.strip())
            self._button = None

    def by_button(self, text: str) -> dict:
        found = [fm for fm in self.forms if text in fm["buttons"]]
        assert len(found) == 1, (text, [fm["buttons"] for fm in self.forms])
        return found[0]


def _forms(client, url: str) -> Forms:
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return Forms(resp.get_data(as_text=True))


_signed_in = f.signed_in


# ------------------------------------------------------------------------------ review: final transitions


@pytest.fixture
def appraising(app):
    with app.app_context():
        f.load_demo()
        d = f.make_dossier("X-GIAVIEN", "BK-TINH", state="appraising", complete=True, title=TRICKY_TITLE)
        f.add_nominee(d, outcome="eligible")
        db.session.commit()
        return d.id


def test_refusing_an_award_asks_first_and_names_the_dossier_and_its_end(app, appraising):
    page = _forms(_signed_in(app, "tdkt.truongphong"), f"/review/{appraising}")
    reject = page.by_button("Từ chối khen thưởng")
    assert reject["inputs"]["transition"] == "reject"
    # The parser unescapes the attribute: the title's quotes and markup were escaped in the HTML.
    assert reject["attrs"]["data-confirm"] == (
        f"Từ chối khen thưởng đối với hồ sơ «{TRICKY_TITLE}»? Hồ sơ sẽ kết thúc với trạng thái "
        "«Không khen thưởng», không thể mở lại.")
    # A step that can be undone (back to the unit) does not ask.
    back = page.by_button("Trả lại đơn vị")
    assert "data-confirm" not in back["attrs"]


def test_title_markup_is_escaped_inside_the_attribute(app, appraising):
    html = _signed_in(app, "tdkt.truongphong").get(f"/review/{appraising}").get_data(as_text=True)
    assert "&#34;Vì người nghèo&#34; &lt;b&gt;2026&lt;/b&gt;" in html
    assert '"Vì người nghèo"' not in html.split("data-confirm=", 1)[1].split(">", 1)[0]


def test_the_question_is_english_in_english(app, appraising):
    page = _forms(_signed_in(app, "tdkt.truongphong", "en"), f"/review/{appraising}")
    reject = page.by_button("Refuse the award")
    assert reject["attrs"]["data-confirm"] == (
        f"Refuse the award for the dossier «{TRICKY_TITLE}»? The dossier will end with the status "
        "«Not awarded» and cannot be reopened.")


# ------------------------------------------------------------------------------ decisions


def _draft():
    d = f.make_dossier("X-GIAVIEN", "GK-XA", state="chairman_review", complete=True)
    f.add_nominee(d, name="Hà Văn Minh", outcome="eligible")
    f.add_nominee(d, name="Hà Văn Nam", outcome="eligible")
    db.session.commit()
    dec = svc.prepare_decision(db.session, actor=f.user("xa.vanphong"), form=f.form("GK-XA"), dossiers=[d],
                               decision_date=date(2026, 7, 1), title="Về việc tặng Giấy khen năm 2026",
                               signer=db.session.scalar(sa.select(Signer).where(Signer.full_name == "Phạm Văn Tùng")))
    db.session.commit()
    return dec


def test_discarding_a_draft_asks_first(app, ctx):
    f.load_demo()
    dec = _draft()
    page = _forms(_signed_in(app, "xa.vanphong"), f"/decisions/{dec.id}")
    assert page.by_button("Hủy dự thảo")["attrs"]["data-confirm"] == (
        "Hủy dự thảo «Về việc tặng Giấy khen năm 2026»? Dự thảo sẽ bị xóa; các đối tượng trở lại danh sách "
        "chờ lập quyết định.")
    assert "data-confirm" not in page.by_button("Trình Chủ tịch phê duyệt")["attrs"]


def test_revoking_a_decision_or_one_award_asks_first(app, ctx):
    f.load_demo()
    dec = _draft()
    svc.submit_decision(db.session, dec, actor=f.user("xa.vanphong"), expected_version=dec.version)
    svc.approve_decision(db.session, dec, actor=f.user("xa.chutich"), expected_version=dec.version)
    svc.issue_decision(db.session, dec, actor=f.user("xa.vanphong"), scan_filename="qd.pdf", scan_data=PDF,
                       decision_date=date(2026, 7, 1))
    db.session.commit()
    number = dec.number_label
    client = _signed_in(app, "xa.chutich")
    page = _forms(client, f"/decisions/{dec.id}")
    assert page.by_button("Hủy quyết định")["attrs"]["data-confirm"] == (
        f"Hủy quyết định số {number}? Quyết định vẫn giữ số; khen thưởng của 2 đối tượng sẽ bị thu hồi, "
        "không thể hoàn tác.")
    revokes = [fm for fm in page.forms if "Thu hồi" in fm["buttons"]]
    assert [fm["attrs"]["data-confirm"] for fm in revokes] == [
        f"Thu hồi khen thưởng của «{name}»? Khen thưởng sẽ hết hiệu lực, không thể hoàn tác."
        for name in ("Hà Văn Minh", "Hà Văn Nam")]

    # One award revoked: the decision's question counts the awards still in effect.
    svc.revoke_award(db.session, dec.awards[0], actor=f.user("xa.chutich"), reason="Sai đối tượng")
    db.session.commit()
    page = _forms(client, f"/decisions/{dec.id}")
    assert "khen thưởng của 1 đối tượng" in page.by_button("Hủy quyết định")["attrs"]["data-confirm"]


# ------------------------------------------------------------------------------ council, account


def test_closing_a_council_session_asks_first(app, ctx):
    f.load_demo()
    d = f.make_dossier("X-GIAVIEN", "BK-TINH", state="standing_review", complete=True)
    f.add_nominee(d, name="Lê Văn Hùng", outcome="eligible")
    f.add_nominee(d, name="Lê Văn Hải", outcome="eligible")
    db.session.commit()
    cs = council_svc.create_session(
        db.session, actor=f.user("tdkt.truongphong"), kind="standing", unit=f.unit("NB"), title="Phiên họp",
        meeting_date=date(2026, 7, 2), members=[council_svc.MemberSpec(full_name="Ủy viên 1", is_standing=True)],
        dossiers=[d])
    db.session.commit()
    page = _forms(_signed_in(app, "tdkt.truongphong"), f"/council/{cs.id}")
    assert page.by_button("Kết thúc phiên họp và chuyển kết quả")["attrs"]["data-confirm"] == (
        "Kết thúc phiên họp và chuyển kết quả của 1 hồ sơ sang bước tiếp theo? Sau đó không thể sửa điểm "
        "danh, biểu quyết hay kết luận.")


def test_signing_out_everywhere_asks_first(app):
    with app.app_context():
        f.load_demo()
    page = _forms(_signed_in(app, "xa.chuyenvien"), "/auth/password")
    assert page.by_button("Đăng xuất khỏi mọi thiết bị")["attrs"]["data-confirm"] == (
        "Đăng xuất khỏi mọi thiết bị? Mọi phiên đăng nhập của tài khoản, kể cả phiên này, sẽ kết thúc; "
        "bạn cần đăng nhập lại.")
    assert "data-confirm" not in page.by_button("Đổi mật khẩu")["attrs"]
