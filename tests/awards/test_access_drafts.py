"""A dossier never submitted (a draft, or withdrawn before submitting) is its unit's business:
only the unit's own clerk and head and the administrator see it, with its nominees and files.
Everyone else gets 404 and an audited denial, and lists leave it out."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from awards.db import db
from awards.models import AuditEvent
from awards.services import transitions
from tests import factories as fx

# Province-level roles and the commune's own office/board for a province-level (BK-TINH) form.
OUTSIDERS = ["tdkt.chuyenvien", "tdkt.truongphong", "hd.thanhvien", "chutich", "vanthu", "xa.vanphong"]
INSIDERS = ["xa.chuyenvien", "xa.chutich", "admin"]


@pytest.fixture
def draft(app, ctx):
    fx.load_demo()
    d = fx.make_dossier("X-GIAVIEN", "BK-TINH", nominees=1, complete=True, title="Bản nháp riêng của xã")
    db.session.commit()
    return {"dossier": d.id, "attachment": d.attachments[0].id, "nominee": d.nominees[0].id}


def _paths(ids):
    did, aid, nid = ids["dossier"], ids["attachment"], ids["nominee"]
    return [f"/dossiers/{did}", f"/dossiers/{did}/attachments/{aid}", f"/dossiers/{did}/nominees/{nid}",
            f"/dossiers/{did}/history", f"/dossiers/{did}/export.xlsx", f"/review/{did}",
            f"/review/{did}/files/{aid}"]


def _client(app, username):
    c = app.test_client()
    assert fx.login(c, username).status_code == 302
    return c


@pytest.mark.parametrize("username", OUTSIDERS)
def test_others_get_404_and_an_audit_row_for_a_draft(app, draft, username):
    c = _client(app, username)
    for path in _paths(draft):
        assert c.get(path).status_code == 404, (username, path)
    denied = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "access_denied")).all()
    assert any(e.details.get("object_type") == "dossier" and e.details.get("object_id") == draft["dossier"]
               and e.details["status"] == 404 for e in denied)
    assert "Bản nháp riêng của xã" not in c.get("/dossiers/").get_data(as_text=True)
    assert "Bản nháp riêng của xã" not in c.get("/review/").get_data(as_text=True)


@pytest.mark.parametrize("username", INSIDERS)
def test_the_unit_and_the_admin_see_their_draft(app, draft, username):
    c = _client(app, username)
    assert c.get(f"/dossiers/{draft['dossier']}").status_code == 200
    assert c.get(f"/dossiers/{draft['dossier']}/attachments/{draft['attachment']}").status_code == 200
    assert "Bản nháp riêng của xã" in c.get("/dossiers/").get_data(as_text=True)


def test_visible_once_submitted_even_after_a_cached_404(app, draft):
    """The rule depends on database state only: the board's cached denial ends with the submit."""
    board = _client(app, "tdkt.chuyenvien")
    did = draft["dossier"]
    assert board.get(f"/review/{did}").status_code == 404
    assert board.get(f"/dossiers/{did}").status_code == 404
    from awards.models import Dossier

    d = db.session.get(Dossier, did)
    transitions.fire(db.session, d, "submit", actor=fx.user("xa.chutich"))
    db.session.commit()
    assert board.get(f"/review/{did}").status_code == 200
    assert board.get(f"/dossiers/{did}").status_code == 200
    assert board.get(f"/review/{did}/files/{draft['attachment']}").status_code == 200


def test_withdrawn_before_submission_stays_private_withdrawn_after_does_not(app, draft):
    from awards.access import get_scoped_or_404
    from awards.models import Dossier
    from werkzeug.exceptions import NotFound

    d = db.session.get(Dossier, draft["dossier"])
    transitions.fire(db.session, d, "withdraw", actor=fx.user("xa.chutich"), comment="Không đề nghị nữa")
    db.session.commit()
    assert d.state == "withdrawn" and d.submitted_dt is None
    board = fx.user("tdkt.chuyenvien")
    with app.test_request_context():
        with pytest.raises(NotFound):
            get_scoped_or_404(Dossier, d.id, board)
        assert get_scoped_or_404(Dossier, d.id, fx.user("xa.chuyenvien")).id == d.id

    later = fx.make_dossier("X-GIAVIEN", "BK-TINH", nominees=1, complete=True, title="Rút sau khi trả lại")
    db.session.commit()
    transitions.fire(db.session, later, "submit", actor=fx.user("xa.chutich"))
    transitions.fire(db.session, later, "return_to_unit", actor=board, comment="Bổ sung biên bản")
    transitions.fire(db.session, later, "withdraw", actor=fx.user("xa.chutich"), comment="Không đề nghị nữa")
    db.session.commit()
    assert later.state == "withdrawn" and later.submitted_dt is not None
    with app.test_request_context():
        assert get_scoped_or_404(Dossier, later.id, board).id == later.id
