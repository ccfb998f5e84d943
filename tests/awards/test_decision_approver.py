"""Only the account linked to a decision's chosen signer approves or returns it; the admin links
signers to accounts; the decision list says which authority issued each number."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from awards.db import db
from awards.models import AuditEvent, Decision, RoleAssignment, Signer, User
from awards.services import decisions as svc
from awards.services.passwords import hash_password
from tests import factories as fx
from tests.awards.test_flows import client_for, reload


def _signer(name: str) -> Signer:
    return db.session.scalar(sa.select(Signer).where(Signer.full_name == name))


def _draft(form_code: str, signer_name: str | None, unit_state: str = "chairman_review") -> Decision:
    d = fx.make_dossier("X-GIAVIEN", form_code, state=unit_state, complete=True)
    fx.add_nominee(d, name="Hà Văn Minh", outcome="eligible")
    db.session.commit()
    preparer = "xa.vanphong" if form_code == "GK-XA" else "tdkt.chuyenvien"
    dec = svc.prepare_decision(db.session, actor=fx.user(preparer), form=fx.form(form_code), dossiers=[d],
                               decision_date=date(2026, 7, 1),
                               signer=_signer(signer_name) if signer_name else None)
    db.session.commit()
    return dec


def _submitted(form_code: str, signer_name: str) -> Decision:
    dec = _draft(form_code, signer_name, "chairman_review" if form_code == "GK-XA" else "chairman_submission")
    board = "xa.vanphong" if form_code == "GK-XA" else "tdkt.truongphong"
    svc.submit_decision(db.session, dec, actor=fx.user(board), expected_version=dec.version)
    db.session.commit()
    return dec


def _second_commune_signer() -> User:
    """A vice-chairman of the commune: the signer role at the commune, no signer row of his own."""
    u = User(username="xa.phochutich", full_name="Lương Văn Sơn", position="Phó Chủ tịch UBND xã",
             unit=fx.unit("X-GIAVIEN"), password_hash=hash_password(fx.DEMO_PASSWORD))
    u.roles.append(RoleAssignment(role="signer", scope_unit=fx.unit("X-GIAVIEN")))
    db.session.add(u)
    db.session.commit()
    return u


def test_demo_signers_are_linked_to_the_demo_accounts(app, ctx):
    fx.load_demo()
    assert _signer("Lê Thị Hồng Vân").user.username == "chutich"
    assert _signer("Phạm Văn Tùng").user.username == "xa.chutich"
    assert _signer("Trần Minh Khôi").user is None


def test_only_the_signers_account_approves(app, ctx):
    fx.load_demo()
    other = _second_commune_signer()
    dec = _submitted("GK-XA", "Phạm Văn Tùng")
    assert svc.approver_of(dec).username == "xa.chutich"
    version = dec.version
    with pytest.raises(svc.DecisionError, match="chỉ tài khoản của người ký \\(xa.chutich\\)"):
        svc.approve_decision(db.session, dec, actor=other, expected_version=dec.version)
    db.session.rollback()
    with pytest.raises(svc.DecisionError, match="chỉ tài khoản của người ký"):
        svc.return_decision(db.session, dec, actor=other, reason="Sai.", expected_version=dec.version)
    db.session.rollback()
    dec = reload(Decision, dec.id)
    assert dec.state == "submitted" and dec.version == version
    assert {d.state for d in svc.decision_dossiers(db.session, dec)} == {"chairman_review"}
    svc.approve_decision(db.session, dec, actor=fx.user("xa.chutich"), expected_version=dec.version)
    db.session.commit()
    assert reload(Decision, dec.id).approved_by_id == fx.user("xa.chutich").id


def test_the_vice_chair_cannot_approve_what_the_chairman_signs(app, ctx):
    """The reviewer's case: a decision printed «CHỦ TỊCH Trần Minh Khôi», the vice-chair's account."""
    fx.load_demo()
    dec = _draft("BK-TINH", "Trần Minh Khôi", "chairman_submission")
    # Submission already says the chairman has no account.
    with pytest.raises(svc.DecisionError, match="chưa được liên kết với tài khoản"):
        svc.submit_decision(db.session, dec, actor=fx.user("tdkt.truongphong"), expected_version=dec.version)
    db.session.rollback()
    # A decision already submitted naming him (e.g. before this rule): the vice-chair still cannot approve.
    dec = reload(Decision, dec.id)
    dec.signer = _signer("Lê Thị Hồng Vân")
    db.session.flush()
    svc.submit_decision(db.session, dec, actor=fx.user("tdkt.truongphong"), expected_version=dec.version)
    dec.signer = _signer("Trần Minh Khôi")
    db.session.commit()
    chair = client_for(app, "chutich")
    page = chair.get(f"/decisions/{dec.id}").get_data(as_text=True)
    assert f"/decisions/{dec.id}/approve" not in page
    assert "chưa được liên kết với tài khoản" in page
    r = chair.post(f"/decisions/{dec.id}/approve", data={"version": dec.version}, follow_redirects=True)
    body = r.get_data(as_text=True)
    assert "Người ký «Trần Minh Khôi» (CHỦ TỊCH) chưa được liên kết" in body
    assert "Quản trị › Cơ quan có thẩm quyền" in body
    dec = reload(Decision, dec.id)
    assert dec.state == "submitted" and dec.approved_by_id is None
    assert {d.state for d in svc.decision_dossiers(db.session, dec)} == {"chairman_review"}


def test_decision_page_says_who_may_approve(app, ctx):
    fx.load_demo()
    _second_commune_signer()
    dec = _submitted("GK-XA", "Phạm Văn Tùng")
    other = client_for(app, "xa.phochutich")
    page = other.get(f"/decisions/{dec.id}").get_data(as_text=True)
    assert "chỉ tài khoản" in page and "xa.chutich" in page
    assert f"/decisions/{dec.id}/approve" not in page and f"/decisions/{dec.id}/return" not in page
    r = other.post(f"/decisions/{dec.id}/approve", data={"version": dec.version}, follow_redirects=True)
    assert "chỉ tài khoản của người ký (xa.chutich)" in r.get_data(as_text=True)
    assert reload(Decision, dec.id).state == "submitted"
    chair = client_for(app, "xa.chutich")
    page = chair.get(f"/decisions/{dec.id}").get_data(as_text=True)
    assert f"/decisions/{dec.id}/approve" in page and f"/decisions/{dec.id}/return" in page


def test_submission_needs_a_signer(app, ctx):
    fx.load_demo()
    dec = _draft("GK-XA", None)
    with pytest.raises(svc.DecisionError, match="chưa chọn người ký"):
        svc.submit_decision(db.session, dec, actor=fx.user("xa.vanphong"), expected_version=dec.version)
    db.session.rollback()
    assert reload(Decision, dec.id).state == "draft"


def test_admin_links_a_signer_to_an_eligible_account_only(app, ctx):
    fx.load_demo()
    other = _second_commune_signer()
    tung, khoi = _signer("Phạm Văn Tùng"), _signer("Trần Minh Khôi")
    admin = client_for(app, "admin")
    page = admin.get(f"/admin/signers/{khoi.id}/edit").get_data(as_text=True)
    # Province signers only: chutich, not the commune's accounts nor the clerk.
    assert "(chutich)" in page and "(xa.chutich)" not in page and "(vanthu)" not in page
    base = {"full_name": khoi.full_name, "position_title": khoi.position_title, "is_head": "y",
            "position_order": "0", "active": "y"}
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    for username, message in [("vanthu", "vui lòng chọn lại"),
                              ("xa.chutich", "vui lòng chọn lại"),
                              ("chutich", "đã được liên kết với người ký Lê Thị Hồng Vân")]:
        r = admin.post(f"/admin/signers/{khoi.id}/edit", data=dict(base, user_id=fx.user(username).id))
        assert r.status_code == 400 and message in r.get_data(as_text=True), username
    db.session.expire_all()
    assert _signer("Trần Minh Khôi").user_id is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before
    # The service refuses the same, whoever calls it.
    from awards.services import admin as admin_svc
    with pytest.raises(admin_svc.AdminError, match="không phải tài khoản đang hoạt động có vai trò người ký"):
        admin_svc.update_signer(db.session, _signer("Trần Minh Khôi"), actor=None, user_id=fx.user("xa.chutich").id)
    db.session.rollback()
    # The commune's vice-chairman can be linked to the commune's signer row: audited.
    r = admin.post(f"/admin/signers/{tung.id}/edit",
                   data={"full_name": tung.full_name, "position_title": tung.position_title, "is_head": "y",
                         "position_order": "0", "active": "y", "user_id": other.id})
    assert r.status_code == 302
    db.session.expire_all()
    assert _signer("Phạm Văn Tùng").user_id == other.id
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "signer.update")
                               .order_by(AuditEvent.id.desc())).first()
    assert event is not None and "user_id" in event.details
    assert "xa.phochutich" in admin.get(f"/admin/authorities/{tung.authority_id}").get_data(as_text=True)


def test_decision_list_names_the_issuing_authority(app, ctx):
    fx.load_demo()
    commune = _draft("GK-XA", "Phạm Văn Tùng")
    province = _draft("BK-TINH", "Lê Thị Hồng Vân", "chairman_submission")
    for dec in (commune, province):
        dec.state = "approved"
        svc.allocate_number(db.session, dec, actor=None, decision_date=date(2026, 7, 2))
    db.session.commit()
    assert commune.number_label == province.number_label
    page = client_for(app, "admin").get("/decisions/").get_data(as_text=True)
    assert "Cơ quan ban hành" in page
    rows = [r for r in page.split("<tr>") if commune.number_label in r]
    assert len(rows) == 2
    assert any("Xã Gia Viễn" in r for r in rows) and any("UBND tỉnh" in r for r in rows)
