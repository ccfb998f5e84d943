"""Decisions: concurrent approvals, fresh login, issue checks, revocation, scope."""
from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa

from awards.db import db
from awards.models import AuditEvent, Award, Decision, Dossier, Signer
from awards.services import decisions as svc
from awards.services.transitions import StaleDossier, fire
from tests import factories as fx
from tests.awards.test_flows import PDF


def _ready(form_code="GK-XA", state="chairman_review", n=2):
    d = fx.make_dossier("X-GIAVIEN", form_code, state=state, complete=True)
    for i in range(n):
        fx.add_nominee(d, name=f"Hà Văn Minh {i + 1}", outcome="eligible")
    db.session.commit()
    return d


def _commune_chair() -> Signer:
    """The commune's signer row, linked to the account xa.chutich in the demo."""
    return db.session.scalar(sa.select(Signer).where(Signer.full_name == "Phạm Văn Tùng"))


def _submitted_decision(signer: Signer | None = None):
    d = _ready()
    dec = svc.prepare_decision(db.session, actor=fx.user("xa.vanphong"), form=fx.form("GK-XA"), dossiers=[d],
                               decision_date=date(2026, 7, 1), signer=signer or _commune_chair())
    svc.submit_decision(db.session, dec, actor=fx.user("xa.vanphong"), expected_version=dec.version)
    db.session.commit()
    return dec, d


def _load_in(s, model, oid, user_id):
    """Load in its own short transaction (SQLite allows one writer at a time)."""
    from awards.models import User

    obj, user = s.get(model, oid), s.get(User, user_id)
    s.commit()
    return obj, user


def test_two_approvals_of_one_dossier_one_wins(app, ctx):
    """Two sessions approve the same dossier at once: the first commits, the second is stale."""
    fx.load_demo()
    d = _ready()
    dossier_id, version, signer_id = d.id, d.version, fx.user("xa.chutich").id
    db.session.commit()
    s1, s2 = db.new_session(), db.new_session()
    try:
        d1, u1 = _load_in(s1, Dossier, dossier_id, signer_id)
        d2, u2 = _load_in(s2, Dossier, dossier_id, signer_id)
        fire(s1, d1, "approve", actor=u1)
        s1.commit()
        with pytest.raises(StaleDossier):
            fire(s2, d2, "approve", actor=u2)
            s2.commit()
    finally:
        s1.close()
        s2.close()
    db.session.expire_all()
    got = db.session.get(Dossier, dossier_id)
    assert got.state == "approved" and got.version == version + 1
    assert len([h for h in got.history if h.transition == "approve"]) == 1


def test_two_approvals_of_one_decision_one_wins(app, ctx):
    fx.load_demo()
    dec, d = _submitted_decision()
    decision_id, signer_id = dec.id, fx.user("xa.chutich").id
    db.session.commit()
    s1, s2 = db.new_session(), db.new_session()
    try:
        dec1, u1 = _load_in(s1, Decision, decision_id, signer_id)
        dec2, u2 = _load_in(s2, Decision, decision_id, signer_id)
        svc.approve_decision(s1, dec1, actor=u1, expected_version=dec1.version)
        s1.commit()
        with pytest.raises((svc.StaleDecision, StaleDossier)):
            svc.approve_decision(s2, dec2, actor=u2, expected_version=dec2.version)
            s2.commit()
    finally:
        s1.close()
        s2.close()
    db.session.expire_all()
    assert db.session.get(Decision, decision_id).state == "approved"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "decision.approved")) == 1


def test_approve_needs_fresh_login_and_the_signer(app, ctx):
    fx.load_demo()
    dec, d = _submitted_decision()
    clerk = app.test_client()
    fx.login(clerk, "xa.vanphong")
    assert clerk.post(f"/decisions/{dec.id}/approve", data={"version": dec.version}).status_code == 403
    chair = app.test_client()
    fx.login(chair, "xa.chutich")
    with chair.session_transaction() as s:
        s["fresh_at"] = 0
    r = chair.post(f"/decisions/{dec.id}/approve", data={"version": dec.version})
    assert r.status_code == 302 and "/auth/reauthenticate" in r.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Decision, dec.id).state == "submitted"
    # Another authority's signer cannot even see it.
    other = app.test_client()
    fx.login(other, "syt.giamdoc")
    assert other.get(f"/decisions/{dec.id}").status_code in (403, 404)


def test_stale_decision_form(app, ctx, client):
    fx.load_demo()
    dec, d = _submitted_decision()
    fx.login(client, "xa.chutich")
    r = client.post(f"/decisions/{dec.id}/approve", data={"version": dec.version - 1}, follow_redirects=True)
    assert "Đã có người khác thay đổi quyết định này" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Decision, dec.id).state == "submitted"


def test_issue_requires_a_pdf_and_nothing_is_saved_half(app, ctx, client):
    fx.load_demo()
    dec, d = _submitted_decision()
    svc.approve_decision(db.session, dec, actor=fx.user("xa.chutich"), expected_version=dec.version)
    db.session.commit()
    fx.login(client, "xa.vanphong")
    r = client.post(f"/decisions/{dec.id}/issue", data={"version": dec.version, "decision_date": "2026-07-03",
                                                        "scan": (io.BytesIO(b"<html>"), "qd.pdf")},
                    content_type="multipart/form-data", follow_redirects=True)
    assert "phải là tệp PDF" in r.get_data(as_text=True)
    db.session.expire_all()
    got = db.session.get(Decision, dec.id)
    assert got.state == "approved" and got.number is None
    assert all(a.status == "proposed" for a in got.awards)


def test_revoke_decision_and_single_award(app, ctx, client):
    """Is revocation audited, the number kept, and the register updated?"""
    fx.load_demo()
    dec, d = _submitted_decision()
    svc.approve_decision(db.session, dec, actor=fx.user("xa.chutich"), expected_version=dec.version)
    svc.issue_decision(db.session, dec, actor=fx.user("xa.vanphong"), scan_filename="qd.pdf", scan_data=PDF,
                       decision_date=date(2026, 7, 3))
    db.session.commit()
    assert dec.state == "issued" and dec.number == 1
    fx.login(client, "xa.chutich")
    a0 = dec.awards[0]
    r = client.post(f"/decisions/{dec.id}/awards/{a0.id}/revoke", data={"reason": "Phát hiện khai man thành tích."})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Award, a0.id).status == "revoked"
    dec = db.session.get(Decision, dec.id)
    r = client.post(f"/decisions/{dec.id}/revoke", data={"version": dec.version, "reason": ""})
    db.session.expire_all()
    assert db.session.get(Decision, dec.id).state == "issued"
    r = client.post(f"/decisions/{dec.id}/revoke", data={"version": dec.version, "reason": "Ban hành sai thẩm quyền."})
    db.session.expire_all()
    dec = db.session.get(Decision, dec.id)
    assert (dec.state, dec.number, dec.revoked_reason) == ("revoked", 1, "Ban hành sai thẩm quyền.")
    assert {a.status for a in dec.awards} == {"revoked"}
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"award.revoked", "decision.revoked", "decision.issued", "decision.numbered"} <= actions
    page = client.get(f"/decisions/{dec.id}").get_data(as_text=True)
    assert "Đã hủy" in page and "Ban hành sai thẩm quyền." in page
    # The next decision of the year does not reuse the revoked number.
    d2 = _ready(n=1)
    dec2 = svc.prepare_decision(db.session, actor=fx.user("xa.vanphong"), form=fx.form("GK-XA"), dossiers=[d2],
                                decision_date=date(2026, 7, 4))
    dec2.state = "approved"
    assert svc.allocate_number(db.session, dec2, actor=None, decision_date=date(2026, 7, 4)) == 2


def test_nominee_is_not_put_on_two_decisions(app, ctx):
    fx.load_demo()
    dec, d = _submitted_decision()
    with pytest.raises(svc.DecisionError, match="không có đối tượng đủ điều kiện"):
        svc.prepare_decision(db.session, actor=fx.user("xa.vanphong"), form=fx.form("GK-XA"), dossiers=[d],
                             decision_date=date(2026, 7, 1))


def test_decision_state_change_notifies_next_person(app, ctx):
    from awards.models import Notification

    fx.load_demo()
    dec, d = _submitted_decision()
    signer = fx.user("xa.chutich")
    notes = db.session.scalars(sa.select(Notification).where(Notification.user_id == signer.id)).all()
    assert any("chờ phê duyệt" in n.title and n.link == f"/decisions/{dec.id}" for n in notes)
