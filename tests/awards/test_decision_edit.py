"""Editing a draft decision: what the DOCX then prints, optimistic locking, the audit diff, and the
rule that nothing is editable once the draft has gone to the chairman."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from awards.db import db
from awards.models import AuditEvent, Award, Decision, Dossier, Signer
from awards.services import decisions as svc
from tests import factories as fx
from tests.awards.test_flows import PDF, client_for, reload
from tests.documents import all_paragraphs, cell_paragraphs, find_paragraph, open_docx, table_rows, xml_part

HOSTILE = "<script>alert('x')</script> & \"Công ty\" <b>A</b>"


def _draft(n_individuals: int = 3, with_collective: bool = True) -> tuple[Decision, Dossier]:
    """A provincial Bằng khen draft (board: tdkt.chuyenvien) dated 01/7/2026."""
    d = fx.make_dossier("X-GIAVIEN", "BK-TINH", state="chairman_submission", complete=True)
    if with_collective:
        fx.add_nominee(d, kind="collective", name="Thôn Tập Ninh", address="Xã Gia Viễn", outcome="eligible")
    for i, name in enumerate(["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"][:n_individuals]):
        fx.add_nominee(d, name=name, outcome="eligible", gender="female" if i % 2 else "male")
    db.session.commit()
    dec = svc.prepare_decision(db.session, actor=fx.user("tdkt.chuyenvien"), form=fx.form("BK-TINH"), dossiers=[d],
                               decision_date=date(2026, 7, 1))
    db.session.commit()
    return dec, d


def _form_data(dec: Decision, **overrides) -> dict:
    """The edit form as the page fills it, with ``overrides``."""
    values = svc.draft_values(dec)
    data = {k: ("" if v is None else v) for k, v in values.items()}
    for k in ("decision_date", "proposal_date"):
        data[k] = values[k].isoformat() if values[k] else ""
    data["version"] = dec.version
    groups: dict[str, list[Award]] = {}
    for a in dec.awards:
        groups.setdefault(a.kind, []).append(a)
    for members in groups.values():
        for i, a in enumerate(members, 1):
            data[f"order-{a.id}"] = str(i)
    data.update(overrides)
    return data


def _paragraph_texts(data: bytes) -> list[str]:
    return [p.text for p in all_paragraphs(open_docx(data))]


def _deputy() -> Signer:
    return db.session.scalar(sa.select(Signer).where(Signer.full_name == "Lê Thị Hồng Vân"))


def test_edit_page_shows_the_draft_and_the_signers_with_their_capacity(app, ctx):
    fx.load_demo()
    dec, _ = _draft()
    spec = client_for(app, "tdkt.chuyenvien")
    page = spec.get(f"/decisions/{dec.id}").get_data(as_text=True)
    assert f"/decisions/{dec.id}/edit" in page
    page = spec.get(f"/decisions/{dec.id}/edit").get_data(as_text=True)
    assert "Giám đốc Sở Nội vụ" in page  # the authority's proposer, editable
    assert "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;" in page
    assert "Lưu: VT, TĐKT." in page and "Như Điều 3;" in page
    assert "Trần Minh Khôi — CHỦ TỊCH" in page
    assert "Lê Thị Hồng Vân — KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" in page
    assert page.count('name="remove-') == 4 and page.count('name="order-') == 4


def test_saved_edit_is_what_the_docx_prints(app, ctx):
    """Title, căn cứ, proposer line, signer and capacity, nơi nhận, order and removal reach the DOCX."""
    fx.load_demo()
    dec, d = _draft()
    by_name = {a.name: a for a in dec.awards}
    version = dec.version
    spec = client_for(app, "tdkt.chuyenvien")
    data = _form_data(
        dec,
        title="Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho các tập thể, cá nhân tiêu biểu",
        legal_basis="Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;\n"
                    "- Căn cứ Quyết định số 25/2025/QĐ-UBND ngày 20 tháng 8 năm 2025 của UBND tỉnh;\n\n",
        proposer="Giám đốc Sở Nội vụ",
        proposal_number="45/TTr-SNV", proposal_date="2026-06-25",
        signer_id=str(_deputy().id),
        copy_to="Như Điều 3;\nSở Tài chính;\nLưu: VT, TĐKT, NC.",
        **{f"order-{by_name['Nguyễn Văn An'].id}": "3", f"order-{by_name['Lê Văn Cường'].id}": "1",
           f"remove-{by_name['Trần Thị Bình'].id}": "1"},
    )
    r = spec.post(f"/decisions/{dec.id}/edit", data=data)
    assert r.status_code == 302, r.get_data(as_text=True)
    dec = reload(Decision, dec.id)
    assert dec.version == version + 1
    assert [a.name for a in dec.awards] == ["Thôn Tập Ninh", "Lê Văn Cường", "Nguyễn Văn An"]
    assert dec.total_amount == 7_590_000 + 2 * 3_800_000
    assert dec.signer.full_name == "Lê Thị Hồng Vân"

    out = spec.get(f"/decisions/{dec.id}/decision.docx")
    assert out.status_code == 200
    document = open_docx(out.data)
    assert find_paragraph(document, "Về việc tặng").text.endswith("cho các tập thể, cá nhân tiêu biểu")
    assert find_paragraph(document, "Căn cứ Luật Thi đua").text == (
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;")
    assert find_paragraph(document, "Căn cứ Quyết định số 25/2025").text.endswith("của UBND tỉnh;")
    with pytest.raises(AssertionError):
        find_paragraph(document, "Căn cứ Nghị định số 152/2025")  # taken out by the board
    assert find_paragraph(document, "Theo đề nghị").text == (
        "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 45/TTr-SNV ngày 25 tháng 6 năm 2026.")
    signature = document.tables[1]
    signer = [p.text for p in cell_paragraphs(signature, 0, 1) if p.text]
    assert signer == ["KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "Lê Thị Hồng Vân"]
    copy_to = [p.text for p in cell_paragraphs(signature, 0, 0) if p.text]
    assert copy_to[1:] == ["- Như Điều 3;", "- Sở Tài chính;", "- Lưu: VT, TĐKT, NC."]
    annex = [r for r in table_rows(document.tables[-1])[1:] if len(r) == 3]
    assert [r[1] for r in annex] == ["Thôn Tập Ninh", "Ông Lê Văn Cường", "Ông Nguyễn Văn An"]
    assert "Trần Thị Bình" not in xml_part(out.data)
    assert "cho 01 tập thể và 02 cá nhân" in find_paragraph(document, "Điều 1.").text

    # One audit row with the before and after of each change, the removed and the moved.
    ev = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "decision.updated")).one()
    assert ev.actor_name == "tdkt.chuyenvien" and ev.object_id == dec.id
    ch = ev.details["changes"]
    assert ch["signer"] == [None, "Lê Thị Hồng Vân (KT. CHỦ TỊCH)"]
    assert ch["proposal_number"] == [None, "45/TTr-SNV"]
    assert ch["copy_to"][1] == ["Như Điều 3;", "Sở Tài chính;", "Lưu: VT, TĐKT, NC."]
    assert ch["total_amount"] == [7_590_000 + 3 * 3_800_000, 7_590_000 + 2 * 3_800_000]
    assert len(ch["legal_basis"][0]) == 4 and len(ch["legal_basis"][1]) == 2
    assert "proposer" not in ch  # unchanged
    assert ev.details["removed"] == [{"award_id": by_name["Trần Thị Bình"].id,
                                      "nominee_id": by_name["Trần Thị Bình"].nominee_id, "name": "Trần Thị Bình"}]
    assert [m[1] for m in ev.details["moved"]] == ["Lê Văn Cường", "Nguyễn Văn An"]

    # The removed nominee is back with its dossier: ready for another decision.
    ready = svc.ready_dossiers(db.session, fx.form("BK-TINH"))
    assert [x.id for x in ready] == [d.id]
    again = svc.prepare_decision(db.session, actor=fx.user("tdkt.chuyenvien"), form=fx.form("BK-TINH"),
                                 dossiers=[reload(Dossier, d.id)], decision_date=date(2026, 7, 2))
    assert [a.name for a in again.awards] == ["Trần Thị Bình"]


def test_hostile_text_is_literal_in_the_docx(app, ctx):
    fx.load_demo()
    dec, _ = _draft(n_individuals=1, with_collective=False)
    spec = client_for(app, "tdkt.chuyenvien")
    r = spec.post(f"/decisions/{dec.id}/edit", data=_form_data(
        dec, title=f"Về việc {HOSTILE}", proposer=f"Giám đốc {HOSTILE}",
        legal_basis=f"Căn cứ {HOSTILE};", copy_to=f"Như Điều 3;\n{HOSTILE};", achievement_phrase=f"đã {HOSTILE}"))
    assert r.status_code == 302
    page = spec.get(f"/decisions/{dec.id}/edit").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    out = spec.get(f"/decisions/{dec.id}/decision.docx").data
    texts = "\n".join(_paragraph_texts(out))
    for line in (f"Về việc {HOSTILE}", f"Căn cứ {HOSTILE};", f"Theo đề nghị của Giám đốc {HOSTILE}.",
                 f"- {HOSTILE};"):
        assert line in texts, line
    xml = xml_part(out)
    assert "<script>" not in xml and "&lt;script&gt;alert(" in xml


def test_untouched_basis_follows_the_date_an_edited_one_stays(app, ctx):
    """The căn cứ of a new rule period (Luật sửa đổi 2026 from 01/10/2026) reach an untouched
    draft when its date moves; lines typed by the board stay as typed."""
    fx.load_demo()
    dec, _ = _draft(n_individuals=1)
    spec = client_for(app, "tdkt.chuyenvien")
    assert spec.post(f"/decisions/{dec.id}/edit", data=_form_data(dec, decision_date="2026-10-05")).status_code == 302
    dec = reload(Decision, dec.id)
    assert any("2026" in line and "Luật" in line for line in dec.snapshot["legal_basis"][2:4])
    assert not dec.snapshot.get("legal_basis_edited")
    typed = "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;\nCăn cứ Quy định của tỉnh;"
    assert spec.post(f"/decisions/{dec.id}/edit", data=_form_data(dec, legal_basis=typed)).status_code == 302
    dec = reload(Decision, dec.id)
    assert spec.post(f"/decisions/{dec.id}/edit",
                     data=_form_data(dec, decision_date="2026-07-20")).status_code == 302
    dec = reload(Decision, dec.id)
    assert dec.snapshot["legal_basis"] == ["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
                                           "Căn cứ Quy định của tỉnh"]
    assert dec.snapshot["base_salary"] == 2_530_000 and dec.decision_date == date(2026, 7, 20)
    # Money computed again at numbering keeps the typed căn cứ too.
    svc.apply_money(db.session, dec, date(2026, 10, 2))
    assert dec.snapshot["legal_basis"][1] == "Căn cứ Quy định của tỉnh"


def test_nothing_changed_writes_nothing(app, ctx):
    fx.load_demo()
    dec, _ = _draft(n_individuals=1)
    version = dec.version
    spec = client_for(app, "tdkt.chuyenvien")
    r = spec.post(f"/decisions/{dec.id}/edit", data=_form_data(dec), follow_redirects=True)
    assert "Không có thay đổi nào để lưu." in r.get_data(as_text=True)
    assert reload(Decision, dec.id).version == version
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "decision.updated")) == 0


@pytest.mark.parametrize("overrides, message", [
    ({"title": "  "}, "Vui lòng nhập trích yếu của quyết định."),
    ({"legal_basis": "\n \n"}, "Vui lòng nhập ít nhất một dòng căn cứ."),
    ({"proposer": ""}, "Vui lòng nhập người đề nghị"),
    ({"proposal_date": "2026-07-05"}, "Ngày tờ trình không được sau ngày quyết định."),
    ({"decision_date": "2026-02-31"}, "Ngày không hợp lệ; vui lòng nhập theo dạng ngày/tháng/năm."),
    ({"order-FIRST": "-2"}, "thứ tự phải là số nguyên dương"),
    ({"remove-ALL": "1"}, "Dự thảo phải còn ít nhất một người nhận"),
    ({"signer_id": "COMMUNE"}, "Người ký phải là một trong những người ký đang hoạt động"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(app, ctx, overrides, message):
    fx.load_demo()
    dec, _ = _draft(n_individuals=2)
    before = (dec.title, dec.version, [a.id for a in dec.awards], dict(dec.snapshot))
    data = _form_data(dec, title="Về việc tặng Bằng khen (sửa)")
    for key, value in overrides.items():
        if key == "order-FIRST":
            data[f"order-{dec.awards[0].id}"] = value
        elif key == "remove-ALL":
            data.update({f"remove-{a.id}": "1" for a in dec.awards})
        elif value == "COMMUNE":
            data[key] = str(db.session.scalar(sa.select(Signer.id).where(Signer.full_name == "Phạm Văn Tùng")))
        else:
            data[key] = value
    spec = client_for(app, "tdkt.chuyenvien")
    r = spec.post(f"/decisions/{dec.id}/edit", data=data)
    assert r.status_code == 200
    assert message in r.get_data(as_text=True)
    dec = reload(Decision, dec.id)
    assert (dec.title, dec.version, [a.id for a in dec.awards], dict(dec.snapshot)) == before


def test_stale_form_is_refused_with_409_and_keeps_the_other_edit(app, ctx):
    """Two editors load the page; the second save does not overwrite the first."""
    fx.load_demo()
    dec, _ = _draft(n_individuals=1)
    first, second = client_for(app, "tdkt.chuyenvien"), client_for(app, "tdkt.truongphong")
    stale = _form_data(dec, title="Về việc tặng Bằng khen — bản của Trưởng phòng",
                       proposer="Phó Giám đốc Sở Nội vụ")
    assert first.post(f"/decisions/{dec.id}/edit",
                      data=_form_data(dec, title="Về việc tặng Bằng khen — bản của chuyên viên")).status_code == 302
    r = second.post(f"/decisions/{dec.id}/edit", data=stale)
    assert r.status_code == 409
    page = r.get_data(as_text=True)
    assert "Đã có người khác sửa dự thảo này" in page
    assert "bản của chuyên viên" in page  # the form now holds what is stored
    assert "bản của Trưởng phòng" in page and "Phó Giám đốc Sở Nội vụ" in page  # what was typed, to copy
    dec = reload(Decision, dec.id)
    assert dec.title == "Về việc tặng Bằng khen — bản của chuyên viên"
    assert "proposer" not in dec.snapshot
    assert f'name="version" value="{dec.version}"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "decision.updated")) == 1


def test_two_sessions_reordering_one_draft_one_wins(app, ctx):
    """Reordering alone moves the version, so a concurrent save of the same draft is stale."""
    fx.load_demo()
    dec, _ = _draft(n_individuals=2, with_collective=False)
    decision_id, user_id = dec.id, fx.user("tdkt.chuyenvien").id
    db.session.commit()  # SQLite: one writer at a time
    s1, s2 = db.new_session(), db.new_session()
    try:
        from tests.awards.test_decisions import _load_in

        dec1, u1 = _load_in(s1, Decision, decision_id, user_id)
        dec2, u2 = _load_in(s2, Decision, decision_id, user_id)
        a, b = [x.id for x in dec1.awards]
        base = {k: v for k, v in svc.draft_values(dec1).items()}
        edit1 = svc.DraftEdit(title=base["title"], decision_date=base["decision_date"], proposer=base["proposer"],
                              legal_basis=base["legal_basis"].splitlines(), copy_to=base["copy_to"].splitlines(),
                              achievement_phrase=base["achievement_phrase"], fund_source=base["fund_source"],
                              order={a: 2, b: 1})
        details = svc.update_draft(s1, dec1, edit1, actor=u1, expected_version=dec1.version)
        assert list(details) == ["changes", "moved"] and details["changes"] == {}
        s1.commit()
        edit2 = svc.DraftEdit(**{**edit1.__dict__, "title": "Về việc khác", "order": {}})
        with pytest.raises(svc.StaleDecision):
            svc.update_draft(s2, dec2, edit2, actor=u2, expected_version=dec2.version)
            s2.commit()
    finally:
        s1.close()
        s2.close()
    dec = reload(Decision, decision_id)
    assert [x.id for x in dec.awards] == [b, a] and dec.title != "Về việc khác"


def _advance(dec: Decision, to: str) -> Decision:
    if dec.signer is None:  # only the signer's linked account (chutich: Lê Thị Hồng Vân) approves
        dec.signer = _deputy()
        db.session.flush()
    svc.submit_decision(db.session, dec, actor=fx.user("tdkt.truongphong"), expected_version=dec.version)
    if to in ("approved", "numbered", "issued"):
        svc.approve_decision(db.session, dec, actor=fx.user("chutich"), expected_version=dec.version)
    if to == "numbered":
        svc.allocate_number(db.session, dec, actor=fx.user("vanthu"), decision_date=date(2026, 7, 3))
    if to == "issued":
        svc.issue_decision(db.session, dec, actor=fx.user("vanthu"), scan_filename="qd.pdf", scan_data=PDF,
                           decision_date=date(2026, 7, 3))
    db.session.commit()
    return dec


@pytest.mark.parametrize("state", ["submitted", "approved", "numbered", "issued"])
def test_nothing_is_editable_once_submitted(app, ctx, state):
    """Server-side: the page, the POST and the service all refuse, not only the hidden button."""
    fx.load_demo()
    dec, _ = _draft(n_individuals=1)
    data = _form_data(dec, title="Về việc sửa sau khi trình")
    dec = _advance(dec, state)
    snapshot = (dec.title, dec.version, dec.signer_id, [a.id for a in dec.awards])
    lead = client_for(app, "tdkt.truongphong")
    page = lead.get(f"/decisions/{dec.id}").get_data(as_text=True)
    assert f"/decisions/{dec.id}/edit" not in page
    r = lead.get(f"/decisions/{dec.id}/edit", follow_redirects=True)
    assert "Chỉ sửa được dự thảo chưa trình Chủ tịch" in r.get_data(as_text=True)
    data["version"] = dec.version
    r = lead.post(f"/decisions/{dec.id}/edit", data=data, follow_redirects=True)
    assert "Chỉ sửa được dự thảo chưa trình Chủ tịch" in r.get_data(as_text=True)
    dec = reload(Decision, dec.id)
    assert (dec.title, dec.version, dec.signer_id, [a.id for a in dec.awards]) == snapshot
    base = svc.draft_values(dec)
    edit = svc.DraftEdit(title="Về việc sửa", decision_date=base["decision_date"], proposer=base["proposer"],
                         legal_basis=base["legal_basis"].splitlines())
    with pytest.raises(svc.DecisionError, match="không sửa được nữa"):
        svc.update_draft(db.session, dec, edit, actor=fx.user("tdkt.truongphong"), expected_version=dec.version)
    db.session.rollback()


def test_a_draft_returned_by_the_chairman_is_editable_again(app, ctx):
    fx.load_demo()
    dec, _ = _draft(n_individuals=1)
    dec = _advance(dec, "submitted")
    svc.return_decision(db.session, dec, actor=fx.user("chutich"), reason="Sửa căn cứ.", expected_version=dec.version)
    db.session.commit()
    spec = client_for(app, "tdkt.chuyenvien")
    page = spec.get(f"/decisions/{dec.id}/edit").get_data(as_text=True)
    assert "Sửa căn cứ." in page
    r = spec.post(f"/decisions/{dec.id}/edit", data=_form_data(dec, legal_basis="Căn cứ Luật Thi đua, khen thưởng;"))
    assert r.status_code == 302
    assert reload(Decision, dec.id).snapshot["legal_basis"] == ["Căn cứ Luật Thi đua, khen thưởng"]


@pytest.mark.parametrize("username, status", [
    ("chutich", 403),        # the signer approves, does not edit
    ("vanthu", 403),         # the clerk numbers
    ("hd.thanhvien", 403),   # a council member
    ("xa.vanphong", 404),    # a commune's board: the provincial decision lies outside its scope
    ("syt.chuyenvien", 403),
])
def test_only_the_board_of_the_authority_may_edit(app, ctx, username, status):
    fx.load_demo()
    dec, _ = _draft(n_individuals=1)
    c = client_for(app, username)
    assert c.get(f"/decisions/{dec.id}/edit").status_code == status
    r = c.post(f"/decisions/{dec.id}/edit", data=_form_data(dec, title="Về việc xâm nhập"))
    assert r.status_code == status
    assert reload(Decision, dec.id).title != "Về việc xâm nhập"


def test_a_row_moved_to_a_place_goes_before_the_row_that_had_it(app, ctx):
    fx.load_demo()
    dec, _ = _draft(n_individuals=4, with_collective=False)
    by_name = {a.name: a.id for a in dec.awards}
    spec = client_for(app, "tdkt.chuyenvien")
    r = spec.post(f"/decisions/{dec.id}/edit", data=_form_data(dec, **{f"order-{by_name['Phạm Thị Dung']}": "2"}))
    assert r.status_code == 302
    assert [a.name for a in reload(Decision, dec.id).awards] == [
        "Nguyễn Văn An", "Phạm Thị Dung", "Trần Thị Bình", "Lê Văn Cường"]
