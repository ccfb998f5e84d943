"""Council sessions: quorum and threshold from the workflow definition's VoteRule, exactly at and
one below; written opinions; standing review; results flowing into the workflow."""
from __future__ import annotations

import html
import re
from datetime import date

import pytest
import sqlalchemy as sa

from awards.db import db
from awards.demo_dossiers import PROVINCE_COUNCIL
from awards.models import CouncilSession, Dossier, Nominee
from awards.services import council as svc
from tests import factories as fx


def _setup(kind: str = "council", members: int = 10, nominees: int = 1):
    fx.load_demo()
    form, state = ("BK-TTG", "council") if kind == "council" else ("BK-TINH", "standing_review")
    d = fx.make_dossier("X-GIAVIEN", form, state=state, complete=True)
    for i in range(nominees):
        fx.add_nominee(d, name=f"Lê Văn Hùng {i + 1}", outcome="eligible")
    db.session.commit()
    secretary = fx.user("tdkt.truongphong")
    specs = [svc.MemberSpec(full_name=f"Ủy viên {i + 1}", is_standing=i < 3) for i in range(members)]
    cs = svc.create_session(db.session, actor=secretary, kind=kind, unit=fx.unit("NB"), title="Phiên họp",
                            meeting_date=date(2026, 7, 2), members=specs, dossiers=[d])
    db.session.commit()
    return cs, d, secretary


def _present(cs, secretary, n):
    svc.set_attendance(db.session, cs, actor=secretary, present_ids={m.id for m in cs.members[:n]})


# 10 members; quorum 4/5 → 8 present; threshold 1/2 of members → 5 yes.
@pytest.mark.parametrize(("yes", "state"), [(5, "public_comment"), (4, "rejected")])
def test_threshold_exactly_at_and_one_below(app, ctx, yes, state):
    """Does a nominee pass with exactly the threshold, and fail (dossier rejected) with one less?"""
    cs, d, sec = _setup()
    _present(cs, sec, 8)
    result = svc.record_tally(db.session, cs, cs.items[0], actor=sec, yes=yes, no=8 - yes, abstain=0)
    assert result.required_yes == 5 and result.passed is (yes == 5)
    out = svc.close_session(db.session, cs, actor=sec)
    db.session.commit()
    assert out == {d.id: state}
    assert db.session.get(Dossier, d.id).state == state
    n = db.session.get(Nominee, cs.items[0].nominee_id)
    assert (n.outcome == "ineligible") is (yes == 4)


@pytest.mark.parametrize(("present", "ok"), [(8, True), (7, False)])
def test_quorum_exactly_at_and_one_below(app, ctx, present, ok):
    """Can the session close with exactly 4/5 of members present, and not with one less?"""
    cs, d, sec = _setup()
    _present(cs, sec, present)
    svc.record_tally(db.session, cs, cs.items[0], actor=sec, yes=6, no=0, abstain=0)
    if ok:
        svc.close_session(db.session, cs, actor=sec)
        assert db.session.get(Dossier, d.id).state == "public_comment"
    else:
        with pytest.raises(svc.CouncilError, match="Không đủ số thành viên dự họp: cần ít nhất 8 trên 10"):
            svc.close_session(db.session, cs, actor=sec)
        db.session.rollback()
        assert db.session.get(Dossier, d.id).state == "council"


def test_impossible_tally_is_refused(app, ctx):
    """Are more votes than members present refused with a Vietnamese message?"""
    cs, d, sec = _setup(members=5)
    _present(cs, sec, 4)
    with pytest.raises(svc.CouncilError, match="vượt quá số thành viên có mặt"):
        svc.record_tally(db.session, cs, cs.items[0], actor=sec, yes=4, no=1, abstain=0)


def test_partial_pass_keeps_dossier(app, ctx):
    """With two nominees, one passing and one not: the dossier goes on, the other is ineligible."""
    cs, d, sec = _setup(members=5, nominees=2)
    _present(cs, sec, 5)
    svc.record_tally(db.session, cs, cs.items[0], actor=sec, yes=3, no=2, abstain=0)
    svc.record_tally(db.session, cs, cs.items[1], actor=sec, yes=2, no=3, abstain=0)
    svc.close_session(db.session, cs, actor=sec, conclusion="Thông qua 01 trường hợp.")
    db.session.commit()
    assert db.session.get(Dossier, d.id).state == "public_comment"
    outcomes = [db.session.get(Nominee, i.nominee_id).outcome for i in cs.items]
    assert outcomes == ["eligible", "ineligible"]


def test_open_votes_are_counted_per_member(app, ctx):
    """Do individual votes of present members make the item's count (absent members cannot vote)?"""
    cs, d, sec = _setup(members=5)
    _present(cs, sec, 4)
    item = cs.items[0]
    choices = {m.id: c for m, c in zip(cs.members[:4], ["yes", "yes", "yes", "no"])}
    result = svc.record_open_votes(db.session, cs, item, actor=sec, choices=choices)
    assert (item.yes, item.no, result.passed) == (3, 1, True)
    with pytest.raises(svc.CouncilError, match="Chỉ thành viên có mặt"):
        svc.record_open_votes(db.session, cs, item, actor=sec, choices={cs.members[4].id: "yes"})


def test_written_opinion_only_for_absent_members(app, ctx):
    cs, d, sec = _setup(members=5)
    _present(cs, sec, 4)
    with pytest.raises(svc.CouncilError, match="có mặt tại phiên họp"):
        svc.add_written_opinion(db.session, cs, actor=sec, member=cs.members[0], content="Đồng ý", agrees=True)
    op = svc.add_written_opinion(db.session, cs, actor=sec, member=cs.members[4], content="Nhất trí đề nghị.",
                                 agrees=True)
    assert op.id and cs.opinions == [op]


def test_standing_review_agree_and_disagree(app, ctx):
    """Standing members: agreement moves the dossier to the chairman's tờ trình; none agreed sends
    it back to appraisal; too few standing members present is refused."""
    cs, d, sec = _setup(kind="standing", members=5)
    for item in cs.items:
        svc.record_standing(db.session, cs, item, actor=sec, agreed=False)
    _present(cs, sec, 1)
    db.session.commit()
    with pytest.raises(svc.CouncilError, match="Không đủ thành viên Thường trực"):
        svc.close_session(db.session, cs, actor=sec)
    db.session.rollback()
    cs = db.session.get(type(cs), cs.id)
    _present(cs, sec, 2)
    svc.close_session(db.session, cs, actor=sec)
    db.session.commit()
    assert db.session.get(Dossier, d.id).state == "appraising"


def test_stale_session_version(app, ctx, client):
    """Does a form with an old version get the conflict message instead of saving?"""
    cs, d, sec = _setup(members=5)
    fx.login(client, "tdkt.truongphong")
    old = cs.version
    client.post(f"/council/{cs.id}/attendance", data={"version": old, "present": [str(cs.members[0].id)]})
    r = client.post(f"/council/{cs.id}/attendance", data={"version": old, "present": []}, follow_redirects=True)
    assert "Đã có người khác cập nhật phiên họp này" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(cs), cs.id).present_count == 1


def test_council_member_cannot_record(app, ctx, client):
    """Can a plain council member see the session but not change it?"""
    cs, d, sec = _setup(members=5)
    fx.login(client, "hd.thanhvien")
    assert client.get(f"/council/{cs.id}").status_code == 200
    r = client.post(f"/council/{cs.id}/attendance", data={"version": cs.version})
    assert r.status_code == 403


def _waiting(kind: str, title: str):
    form, state = ("BK-TTG", "council") if kind == "council" else ("BK-TINH", "standing_review")
    d = fx.make_dossier("X-GIAVIEN", form, state=state, complete=True, title=title)
    fx.add_nominee(d, name="Nguyễn Thị Duyên", outcome="eligible")
    db.session.commit()
    return d


def test_new_session_kind_switch_and_post_keep_the_chosen_kind(app, ctx, client):
    """Can a standing session be set up from the page's own controls: a GET form (no inline script)
    switches the kind and its waiting dossiers, and the POST keeps the kind it carries whatever the
    address says?"""
    fx.load_demo()
    d = _waiting("standing", "Hồ sơ chờ Thường trực")
    fx.login(client, "tdkt.truongphong")
    page = client.get("/council/new").get_data(as_text=True)
    assert "Không có hồ sơ nào đang chờ loại phiên họp này." in page
    assert '<form method="get" action="/council/new"' in page and ">Chọn</button>" in page
    assert "<script>" not in page and "onchange" not in page

    page = client.get("/council/new?kind=standing").get_data(as_text=True)
    assert f'name="dossier" value="{d.id}"' in page
    assert '<option value="standing" selected>' in page
    assert 'action="/council/new?kind=standing"' in page and '<input type="hidden" name="kind" value="standing">' in page

    # a stale address (?kind=council) does not override the kind the form carries
    r = client.post("/council/new?kind=council", data={
        "kind": "standing", "title": "Phiên họp Thường trực", "meeting_date": "2026-07-02",
        "members": "Bùi Quang Huy | Ủy viên Thư ký | TT", "dossier": [str(d.id)]})
    assert r.status_code == 302, r.get_data(as_text=True)
    cs = db.session.scalars(sa.select(CouncilSession)).one()
    assert cs.kind == "standing" and [i.dossier_id for i in cs.items] == [d.id]

    # a failed POST re-renders the same kind
    _waiting("standing", "Hồ sơ thứ hai")
    r = client.post("/council/new?kind=council", data={
        "kind": "standing", "title": "", "meeting_date": "2026-07-02", "members": "A | B | TT"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Vui lòng nhập tên phiên họp." in page
    assert '<option value="standing" selected>' in page and "Hồ sơ thứ hai" in page


def test_new_session_members_prefilled_for_each_kind(app, ctx, client):
    """Are members pre-filled from the latest session (a standing session: its standing members,
    marked TT), and without any session from the accounts (standing: only the standing ones)?"""
    fx.load_demo()
    fx.login(client, "tdkt.truongphong")

    def members(kind):
        page = client.get(f"/council/new?kind={kind}").get_data(as_text=True)
        text = re.search(r'<textarea[^>]*name="members"[^>]*>(.*?)</textarea>', page, re.S).group(1)
        return [line.strip() for line in html.unescape(text).strip().splitlines()]

    # no session yet: the council's accounts; the standing committee only those marked TT
    council = members("council")
    assert "Đặng Văn Hòa | Thành viên Hội đồng TĐKT tỉnh" in council
    assert all(line.endswith("| TT") for line in members("standing"))
    assert len(members("standing")) == sum(line.endswith("| TT") for line in council) >= 1

    d = _waiting("council", "Hồ sơ chờ Hội đồng")
    specs = [svc.MemberSpec(full_name=name, position_title=pos, is_standing=standing)
             for name, pos, standing in PROVINCE_COUNCIL]
    svc.create_session(db.session, actor=fx.user("tdkt.truongphong"), kind="council", unit=fx.unit("NB"),
                       title="Phiên họp", meeting_date=date(2026, 7, 2), members=specs, dossiers=[d])
    db.session.commit()
    expected = [f"{n} | {p}" + (" | TT" if s else "") for n, p, s in PROVINCE_COUNCIL]
    assert members("council") == expected
    assert members("standing") == [f"{n} | {p} | TT" for n, p, s in PROVINCE_COUNCIL if s]


def test_dashboard_lists_the_members_open_sessions(app, ctx, client):
    """Does a council member's dashboard show the open session they sit on, with a link, and no
    longer once it is closed?"""
    cs, d, sec = _setup(members=3)
    member = fx.user("hd.thanhvien")
    cs.members[1].user_id = member.id
    db.session.commit()
    fx.login(client, "hd.thanhvien")
    page = client.get("/").get_data(as_text=True)
    assert "Phiên họp đang mở mà bạn là thành viên" in page
    assert f'href="/council/{cs.id}"' in page

    other = app.test_client()
    fx.login(other, "tdkt.chuyenvien")
    assert f'href="/council/{cs.id}"' not in other.get("/").get_data(as_text=True)

    cs.status = "closed"
    db.session.commit()
    assert f'href="/council/{cs.id}"' not in client.get("/").get_data(as_text=True)
