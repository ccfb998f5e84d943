"""The work queue and the appraisal page."""
from __future__ import annotations

import sqlalchemy as sa

from awards.db import db
from awards.models import Attachment, AuditEvent, Dossier, Nominee
from awards.pagecache import page_cache
from tests import factories as fx


def _submitted(n: int, unit_code: str = "X-GIAVIEN", form_code: str = "BK-TINH"):
    out = []
    for i in range(n):
        d = fx.make_dossier(unit_code, form_code, state="submitted", complete=True, title=f"Hồ sơ số {i + 1}")
        fx.add_nominee(d, name=f"Phạm Thị Hạnh {i + 1}")
        out.append(d)
    db.session.commit()
    return out


def test_queue_lists_what_waits_for_me(app, ctx, client):
    """Does the specialist see the submitted dossiers with nominee counts, and a unit clerk not?"""
    fx.load_demo()
    d = _submitted(1)[0]
    fx.add_nominee(d, name="Lò Văn Sáng")
    db.session.commit()
    fx.login(client, "tdkt.chuyenvien")
    page = client.get("/review/").get_data(as_text=True)
    assert "Việc cần xử lý" in page and "Hồ sơ số 1" in page and ">2</td>" in page
    other = fx.login(app.test_client(), "syt.chuyenvien")
    assert other.status_code == 302
    c2 = app.test_client()
    fx.login(c2, "syt.chuyenvien")
    assert "Hồ sơ số 1" not in c2.get("/review/").get_data(as_text=True)


def test_queue_overdue_first_filters_and_search(app, ctx, client):
    fx.load_demo()
    a, b, c = _submitted(3)
    b.overdue = True
    c.unit = fx.unit("P-HOALU")
    db.session.commit()
    fx.login(client, "tdkt.chuyenvien")
    page = client.get("/review/").get_data(as_text=True)
    assert page.index("Hồ sơ số 2") < page.index("Hồ sơ số 1")
    page = client.get(f"/review/?unit={fx.unit('P-HOALU').id}").get_data(as_text=True)
    assert "Hồ sơ số 3" in page and "Hồ sơ số 1" not in page
    page = client.get("/review/?q=pham thi hanh 1").get_data(as_text=True)
    assert "Hồ sơ số 1" in page and "Hồ sơ số 2" not in page
    page = client.get("/review/?kind=household").get_data(as_text=True)
    assert "Hồ sơ số 1" not in page


def test_queue_query_count_is_bounded(app, ctx, client, count_queries):
    """Is the number of queries the same for 3 rows and 40 rows?"""
    fx.load_demo()
    _submitted(3)
    fx.login(client, "tdkt.chuyenvien")
    client.get("/review/?per_page=100")
    with count_queries() as small:
        assert client.get("/review/?per_page=100").status_code == 200
    _submitted(37, unit_code="P-HOALU")
    with count_queries() as large:
        page = client.get("/review/?per_page=100")
    assert page.get_data(as_text=True).count('name="dossier"') == 40
    assert large["count"] == small["count"], large["statements"]
    assert large["count"] <= 12


def test_bulk_receive_needs_confirmation_and_is_all_or_nothing(app, ctx, client):
    fx.load_demo()
    a, b = _submitted(2)
    fx.login(client, "tdkt.chuyenvien")
    items = [f"{a.id}:{a.version}", f"{b.id}:{b.version + 5}"]
    page = client.post("/review/bulk", data={"transition": "receive", "dossier": items})
    text = page.get_data(as_text=True)
    assert "2 hồ sơ" in text and "Hồ sơ số 1" in text and "Hồ sơ số 2" in text
    r = client.post("/review/bulk", data={"transition": "receive", "dossier": items, "confirm": "yes"},
                    follow_redirects=True)
    assert "Đã có người khác thay đổi hồ sơ này" in r.get_data(as_text=True)
    db.session.expire_all()
    assert [db.session.get(Dossier, x.id).state for x in (a, b)] == ["submitted", "submitted"]


def test_other_unit_board_cannot_open_dossier(app, ctx, client):
    """A commune specialist gets 404 for a dossier of another commune."""
    fx.load_demo()
    d = _submitted(1, unit_code="X-NHOQUAN")[0]
    fx.login(client, "xa.vanphong")
    assert client.get(f"/review/{d.id}").status_code == 404


def _downloads(attachment_id: int) -> list[AuditEvent]:
    rows = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "attachment.download",
                                                          AuditEvent.object_id == attachment_id)).all()
    db.session.rollback()
    return list(rows)


def test_pdf_preview_loads_on_demand_in_a_sandbox(app, ctx, client):
    """The page embeds no file (nothing is fetched, nothing audited); opening the preview is one
    request, one audit row; the download link is a second, separate row."""
    fx.load_demo()
    d = _submitted(1)[0]
    att = d.attachments[0]
    fx.login(client, "tdkt.chuyenvien")
    url = f"/review/{d.id}/files/{att.id}"
    audit_before = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    db.session.rollback()
    first = client.get(f"/review/{d.id}")
    second = client.get(f"/review/{d.id}")
    page = first.get_data(as_text=True)
    assert "<iframe" not in page and f' src="{url}"' not in page
    assert f'<details class="pdf-preview mt-1" data-pdf-src="{url}"' in page
    assert f'href="{url}" target="_blank" rel="noopener"' in page
    assert f'href="{url}?download=1"' in page
    assert '<script src="/static/js/pdf-preview.js">' in page
    # Viewing the page is a pure read: no audit row, and the second view is served from the cache.
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == audit_before
    db.session.rollback()
    if page_cache(app) is not None:  # PAGE_CACHE_SIZE=0 turns it off
        assert (first.headers["X-Page-Cache"], second.headers["X-Page-Cache"]) == ("miss", "hit")

    r = client.get(url, headers={"Range": "bytes=0-99"})  # no partial answers: one fetch is the file
    assert r.status_code == 200 and r.data == att.data and r.data.startswith(b"%PDF-")
    assert r.headers["Content-Disposition"].startswith("inline")
    assert "sandbox" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert r.headers["Cache-Control"] == "no-store" and "Accept-Ranges" not in r.headers
    rows = _downloads(att.id)
    assert len(rows) == 1 and rows[0].details == {"dossier_id": d.id, "filename": att.filename, "preview": True}
    assert rows[0].actor_name == "tdkt.chuyenvien"

    r = client.get(f"{url}?download=1")
    assert r.headers["Content-Disposition"].startswith("attachment")
    rows = _downloads(att.id)
    assert len(rows) == 2 and "preview" not in rows[1].details

    other = fx.make_dossier("X-NHOQUAN", complete=True)
    db.session.commit()
    assert client.get(f"/review/{d.id}/files/{other.attachments[0].id}").status_code == 404
    assert _downloads(other.attachments[0].id) == []


def test_outcome_rules_and_stale_version(app, ctx, client):
    """Ineligible needs a reason; a stale version gets the conflict message and saves nothing."""
    fx.load_demo()
    d = _submitted(1)[0]
    d.state = "appraising"
    db.session.commit()
    n = d.nominees[0]
    fx.login(client, "tdkt.chuyenvien")
    r = client.post(f"/review/{d.id}/nominees/{n.id}", data={"version": n.version, "outcome": "ineligible",
                                                             "reason": ""}, follow_redirects=True)
    assert "vui lòng nhập lý do không đủ điều kiện" in r.get_data(as_text=True)
    loaded = n.version
    client.post(f"/review/{d.id}/nominees/{n.id}", data={"version": loaded, "outcome": "eligible"})
    r = client.post(f"/review/{d.id}/nominees/{n.id}", data={"version": loaded, "outcome": "ineligible",
                                                             "reason": "x"}, follow_redirects=True)
    assert "Đã có người khác thay đổi hồ sơ này, vui lòng tải lại." in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Nominee, n.id).outcome == "eligible"


def test_return_to_unit_needs_reason(app, ctx, client):
    fx.load_demo()
    d = _submitted(1)[0]
    fx.login(client, "tdkt.chuyenvien")
    r = client.post(f"/review/{d.id}/fire", data={"transition": "return_to_unit", "version": d.version},
                    follow_redirects=True)
    assert "Vui lòng nhập lý do." in r.get_data(as_text=True)
    r = client.post(f"/review/{d.id}/fire", data={"transition": "return_to_unit", "version": d.version,
                                                  "comment": "Thiếu biên bản họp."})
    db.session.expire_all()
    assert db.session.get(Dossier, d.id).state == "returned"
    assert db.session.scalar(sa.select(Attachment.id).where(Attachment.dossier_id == d.id))


def test_bulk_bar_only_when_a_row_can_be_selected(app, ctx, client):
    """Is the bulk "Tiếp nhận hồ sơ" bar hidden when no row of the queue has a checkbox, and shown
    when one has?"""
    fx.load_demo()
    fx.make_dossier("X-GIAVIEN", "BK-TINH", state="appraising", complete=True, title="Hồ sơ đang thẩm định")
    db.session.commit()
    fx.login(client, "tdkt.chuyenvien")
    page = client.get("/review/").get_data(as_text=True)
    assert "Hồ sơ đang thẩm định" in page
    assert 'name="dossier"' not in page and "Với các hồ sơ đã chọn" not in page
    assert 'value="receive"' not in page

    _submitted(1)
    page = client.get("/review/").get_data(as_text=True)
    assert 'name="dossier"' in page and "Với các hồ sơ đã chọn" in page and 'value="receive"' in page
