"""English on the decision pages and the notifications list: states, recipient kinds and statuses are
model labels translated with |label; what people typed (names, titles) and the notifications' stored
text stay as written. Also the state label of an approved decision once it has its number."""
from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from awards.db import db
from awards.models import Decision, Notification, Signer
from awards.services import decisions as svc
from tests import factories as f
from tests.awards.test_flows import PDF

VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)


class Text(HTMLParser):
    """The visible text nodes of a page, without <script>, <style> and <title>, and apart the ones
    inside an element marked lang="vi" (stored Vietnamese content)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.outside: list[str] = []
        self.inside_vi: list[str] = []
        self._stack: list[tuple[str, bool]] = []
        self.feed(html)

    VOID = {"br", "img", "input", "meta", "link", "hr"}

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        self._stack.append((tag, dict(attrs).get("lang") == "vi"))

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        text = data.strip()
        if not text or any(t in ("script", "style", "title") for t, _ in self._stack):
            return
        (self.inside_vi if any(vi for _, vi in self._stack) else self.outside).append(text)


def _vietnamese_chrome(html: str, data: list[str]) -> list[str]:
    """Text outside lang="vi" that is still Vietnamese once the data people typed is taken out."""
    left = []
    for text in Text(html).outside:
        for d in sorted(data, key=len, reverse=True):
            text = text.replace(d, "")
        if VIETNAMESE.search(text):
            left.append(text)
    return left


_signed_in = f.signed_in


def _page(client, url: str) -> str:
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return resp.get_data(as_text=True)


def _decision(state: str) -> Decision:
    """A Giấy khen decision of xã Gia Viễn with the three kinds of recipient, taken to ``state``:
    approved (no number), numbered (approved with a number) or issued."""
    d = f.make_dossier("X-GIAVIEN", "GK-XA", state="chairman_review", complete=True, title="Hồ sơ xã năm 2026")
    f.add_nominee(d, kind="collective", name="Chi hội Phụ nữ thôn Đông", outcome="eligible")
    f.add_nominee(d, name="Hà Văn Minh", outcome="eligible")
    f.add_nominee(d, kind="household", name="Đinh Văn Bảy", outcome="eligible")
    db.session.commit()
    vp, chair = f.user("xa.vanphong"), f.user("xa.chutich")
    dec = svc.prepare_decision(db.session, actor=vp, form=f.form("GK-XA"), dossiers=[d],
                               decision_date=date(2026, 7, 1), signer=db.session.scalar(sa.select(Signer).where(Signer.full_name == "Phạm Văn Tùng")))
    svc.submit_decision(db.session, dec, actor=vp, expected_version=dec.version)
    svc.approve_decision(db.session, dec, actor=chair, expected_version=dec.version)
    if state in ("numbered", "issued"):
        svc.allocate_number(db.session, dec, actor=vp, decision_date=date(2026, 7, 1))
    if state == "issued":
        svc.issue_decision(db.session, dec, actor=vp, scan_filename="qd.pdf", scan_data=PDF)
    db.session.commit()
    return dec


def _data_of(dec: Decision) -> list[str]:
    """What people typed or the province configured, shown as it is in every language."""
    out = [dec.title, dec.number_label, dec.authority.name, dec.award_form.name, dec.fund_source or "", "Tiếng Việt"]
    if dec.rule_set is not None:
        out.append(dec.rule_set.name)
    if dec.snapshot:
        out += [dec.snapshot["rule_set"]["name"], dec.snapshot.get("base_salary_source") or ""]
    for a in dec.awards:
        out += [a.name, a.unit.name, a.unit.short_name or ""]
    for u in ("xa.vanphong", "xa.chutich"):
        user = f.user(u)
        out += [user.full_name, user.unit.name, user.unit.short_name or ""]
    out += ["Hồ sơ xã năm 2026", "đ"]  # the dossier; the currency sign
    return [x for x in out if x]


@pytest.fixture
def decisions(app):
    with app.app_context():
        f.load_demo()
        issued = _decision("issued")
        numbered = _decision("numbered")
        data = _data_of(issued) + _data_of(numbered)
        return {"issued": issued.id, "numbered": numbered.id, "number": numbered.number_label, "data": data}


def test_decision_pages_in_english(app, decisions):
    client = _signed_in(app, "xa.vanphong", "en")
    index = _page(client, "/decisions/")
    assert "Issued" in index and "Numbered, awaiting issue" in index
    assert "Đã ban hành" not in index and "chờ cấp số" not in index and "Đã cấp số" not in index

    page = _page(client, f"/decisions/{decisions['issued']}")
    rows = Text(page).outside
    for label in ("Collective", "Individual", "Household", "In force", "Issued"):
        assert label in rows, label
    for label in ("Tập thể", "Cá nhân", "Hộ gia đình", "Có hiệu lực", "Đã ban hành"):
        assert label not in rows, label
    assert _vietnamese_chrome(page, decisions["data"]) == []
    assert _vietnamese_chrome(index, decisions["data"]) == []
    numbered = _page(client, f"/decisions/{decisions['numbered']}")
    assert "Numbered, awaiting issue" in numbered and "Nominated" in numbered
    assert _vietnamese_chrome(numbered, decisions["data"]) == []


def test_a_numbered_decision_no_longer_says_awaiting_a_number(app, decisions):
    client = _signed_in(app, "xa.vanphong")
    page = _page(client, f"/decisions/{decisions['numbered']}")
    badge = re.search(r'<span class="badge text-bg-primary">([^<]*)</span>', page).group(1)
    assert badge == "Đã cấp số, chờ ban hành"
    assert f"<strong>{decisions['number']}</strong>" in page
    assert "chờ cấp số" not in _page(client, "/decisions/")


def test_an_approved_decision_without_a_number_awaits_one(app):
    with app.app_context():
        f.load_demo()
        dec = _decision("approved")
        assert dec.number is None and dec.state_label == "Đã phê duyệt, chờ cấp số"
        dec_id = dec.id
    page = _page(_signed_in(app, "xa.vanphong", "en"), f"/decisions/{dec_id}")
    assert "Approved, awaiting numbering" in page


def test_notifications_page_chrome_in_english_stored_text_marked_vietnamese(app):
    with app.app_context():
        f.load_demo()
        user = f.user("xa.chuyenvien")
        db.session.add_all([
            Notification(user_id=user.id, kind="workflow", title="Hồ sơ «Hồ sơ xã» — Đã trả lại đơn vị",
                         body="Đơn vị: Ủy ban nhân dân xã Gia Viễn\nLý do: bổ sung biên bản", link="/dossiers/1"),
            Notification(user_id=user.id, kind="reminder", title="Đợt khen thưởng sắp hết hạn nhận hồ sơ",
                         body=""),
        ])
        db.session.commit()
        data = [user.full_name, user.unit.name, user.unit.short_name or "", "Tiếng Việt"]
    client = _signed_in(app, "xa.chuyenvien", "en")
    for url in ("/notifications/", "/notifications/?unread=1"):
        page = _page(client, url)
        for text in ("Notifications", "Mark all as read", "View", "Mark as read"):
            assert text in page, (url, text)
        parsed = Text(page)
        assert "Hồ sơ «Hồ sơ xã» — Đã trả lại đơn vị" in parsed.inside_vi
        assert "Lý do: bổ sung biên bản" in parsed.inside_vi
        assert _vietnamese_chrome(page, [d for d in data if d]) == [], url


def test_new_and_edit_pages_name_recipient_kinds_in_english(app):
    with app.app_context():
        f.load_demo()
        ready = f.make_dossier("X-GIAVIEN", "GK-XA", state="chairman_review", complete=True)
        f.add_nominee(ready, kind="household", name="Đinh Văn Bảy", outcome="eligible")
        db.session.commit()
        draft = svc.prepare_decision(db.session, actor=f.user("xa.vanphong"), form=f.form("GK-XA"),
                                     dossiers=[ready], decision_date=date(2026, 7, 1))
        db.session.commit()
        other = f.make_dossier("X-GIAVIEN", "GK-XA", state="chairman_review", complete=True)
        f.add_nominee(other, kind="collective", name="Chi hội Phụ nữ thôn Đông", outcome="eligible")
        db.session.commit()
        form_id, draft_id = f.form("GK-XA").id, draft.id
    client = _signed_in(app, "xa.vanphong", "en")
    new = Text(_page(client, f"/decisions/new/{form_id}")).outside
    assert any("Chi hội Phụ nữ thôn Đông (collective)" in t for t in new), new
    edit = _page(client, f"/decisions/{draft_id}/edit")
    assert re.search(r"<caption[^>]*>Household \(1\)</caption>", edit)
    assert "Hộ gia đình" not in edit
