"""The demo dossiers `seed-demo` loads (awards/demo_dossiers.py): made through the services by the
demo users, spread over the three workflows, idempotent, verifiable, and quick enough for `make run`."""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import docx
import pytest
import sqlalchemy as sa

from awards.db import db
from awards.demo import VN
from awards.demo_dossiers import DOSSIERS, DemoDossierError, demo_summary, seed_demo_dossiers
from awards.models import (
    AgendaItem, Attachment, AuditEvent, Award, AwardStatus, Certificate, CouncilSession, Decision, Dossier,
    Notification, Nominee, User, WorkflowHistory, utcnow,
)
from awards.rules.checks import quota_usage, submission_checklist
from awards.services import review
from awards.services.uploads import sniff
from awards.workflow import get_workflow
from tests import factories as fx

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(ctx):
    fx.load_demo()
    assert seed_demo_dossiers(db.session) is True
    db.session.commit()


def dossier(key: str) -> Dossier:
    return db.session.scalar(sa.select(Dossier).where(Dossier.title == DOSSIERS[key].title))


def counts() -> dict[str, int]:
    models = (Dossier, Nominee, Attachment, WorkflowHistory, AuditEvent, Decision, Award, Certificate,
              CouncilSession, AgendaItem, Notification)
    return {m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in models}


# ------------------------------------------------------------------------------------ what is there


def test_states_cover_the_three_workflows(demo):
    got = {(d.workflow, d.state) for d in db.session.scalars(sa.select(Dossier))}
    assert got == {
        ("bang_khen_tinh", s) for s in
        ("submitted", "returned", "appraising", "approved", "issued", "rejected", "withdrawn")
    } | {("de_nghi_cap_tren", "council")} | {
        ("giay_khen_xa", s) for s in ("draft", "submitted", "returned", "appraising", "chairman_review", "issued")
    }
    assert len(DOSSIERS) == db.session.scalar(sa.select(sa.func.count()).select_from(Dossier)) == 16
    kinds = {n.kind for n in db.session.scalars(sa.select(Nominee))}
    assert kinds == {"collective", "individual", "household"}
    units = {d.unit.code for d in db.session.scalars(sa.select(Dossier))}
    assert units == {"X-GIAVIEN", "SYT"}


def test_returned_dossiers_carry_their_reason_to_the_unit(demo, client):
    from awards.services.dossiers import last_return

    returned = db.session.scalars(sa.select(Dossier).where(Dossier.state == "returned")).all()
    assert len(returned) == 2
    fx.login(client, "xa.chuyenvien")
    for d in returned:
        h = last_return(d)
        assert h.actor.username in ("tdkt.chuyenvien", "xa.vanphong") and len(h.comment) > 40
        page = client.get(f"/dossiers/{d.id}").get_data(as_text=True)
        assert h.comment[:40] in page


def test_council_session_open_with_some_votes_and_decisions_awaiting(demo):
    council = db.session.scalars(sa.select(CouncilSession).where(CouncilSession.kind == "council")).one()
    assert council.is_open and council.present_count == len(council.members) - 1 and council.opinions
    counted = [i.counted for i in council.items]
    assert any(counted) and not all(counted)
    assert {i.dossier.state for i in council.items} == {"council"}
    standing = db.session.scalars(sa.select(CouncilSession).where(CouncilSession.kind == "standing")).one()
    assert not standing.is_open and all(i.agreed for i in standing.items)

    decisions = {(d.award_form.code, d.state, d.number is not None)
                 for d in db.session.scalars(sa.select(Decision))}
    assert decisions == {("BK-TINH", "issued", True), ("BK-TINH", "approved", False),
                         ("GK-XA", "issued", True), ("GK-XA", "submitted", False)}
    awaiting = db.session.scalars(sa.select(Decision).where(Decision.state == "approved")).one()
    assert awaiting.approved_by_id == fx.user("chutich").id and awaiting.number is None
    assert dossier("bk_syt_tongket").state == "approved"
    # The ineligible nominee is not on the commune's decision.
    issued_gk = db.session.scalars(sa.select(Decision).where(Decision.award_form.has(code="GK-XA"),
                                                             Decision.state == "issued")).one()
    names = {a.name for a in issued_gk.awards}
    assert "Phạm Văn Hiếu" not in names and "Chi hội Phụ nữ thôn Đông Đoài" in names


def test_quotas_and_checks_hold(demo):
    rnd = fx.demo_round()
    for code in ("X-GIAVIEN", "SYT"):
        for (_rid, _fid), (used, limit) in quota_usage(db.session, [rnd.id], fx.unit(code).id).items():
            assert limit is None or used <= limit
    now = utcnow()
    ready = submission_checklist(db.session, dossier("gk_dongchua"), now)
    assert all(item.ok for item in ready)
    started = submission_checklist(db.session, dossier("gk_chidoan"), now)
    completeness = next(i for i in started if i.key == "completeness")
    assert any("tờ trình" in p for p in completeness.problems)
    # The complete draft is one click away from submission for the commune's chairman.
    from awards.services.transitions import options

    submit = next(o for o in options(db.session, dossier("gk_dongchua"), fx.user("xa.chutich"))
                  if o.transition.name == "submit")
    assert submit.allowed, submit


# ------------------------------------------------------------------------------------ how it got there


def test_every_state_change_went_through_the_services(demo):
    audits = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type == "dossier")).all()
    by_key = {}
    for a in audits:
        by_key.setdefault((a.object_id, a.action), []).append(a)
    for d in db.session.scalars(sa.select(Dossier)):
        wf = get_workflow(d.workflow)
        created = by_key[(d.id, "dossier.create")]
        assert [a.actor_name for a in created] == [{"X-GIAVIEN": "xa.chuyenvien", "SYT": "syt.chuyenvien"}[d.unit.code]]
        state = wf.initial
        for h in d.history:
            assert h.from_state == state, (d.title, h.transition)
            state = h.to_state
            t = wf.transition(h.transition)
            assert t.roles & h.actor.roles_covering(d.unit), (d.title, h.transition, h.actor.username)
            matching = [a for a in by_key[(d.id, f"dossier.{h.transition}")]
                        if a.actor_id == h.actor_id and a.old_state == h.from_state and a.new_state == h.to_state]
            assert matching, (d.title, h.transition)
            if h.transition in ("submit", "resubmit"):
                assert h.snapshot and h.snapshot["nominees"]
        assert state == d.state
        assert bool(d.history) == (d.state != wf.initial)
    # Files, nominees, appraisals, councils and decisions left their audit rows too.
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"attachment.upload", "nominee.add", "nominee.appraised", "dossier.appraisal_opinion",
            "council.session_created", "council.tally", "council.written_opinion", "council.session_closed",
            "decision.prepared", "decision.submitted", "decision.approved", "decision.numbered",
            "decision.issued", "demo.dossiers_seeded"} <= actions
    uploads = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                .where(AuditEvent.action == "attachment.upload"))
    assert uploads == db.session.scalar(sa.select(sa.func.count()).select_from(Attachment))


def test_notifications_reached_the_next_person(demo):
    clerk = fx.user("xa.chuyenvien")
    titles = db.session.scalars(sa.select(Notification.title).where(Notification.user_id == clerk.id)).all()
    assert titles  # the returned dossiers told the unit's clerk
    vanthu = fx.user("vanthu")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.user_id == vanthu.id)) > 0


def test_attachments_are_real_documents(demo):
    d = dossier("bk_giavien_tongket")
    files = {a.kind: a for a in d.attachments}
    assert set(files) == {"proposal", "minutes"}
    for a in files.values():
        assert sniff(a.data) == "docx" and a.size == len(a.data)
    proposal = "\n".join(c.text for t in docx.Document(io.BytesIO(files["proposal"].data)).tables
                         for row in t.rows for c in row.cells)
    assert "Nguyễn Thị Hằng" in proposal and "Đinh Văn Sáu" in proposal
    minutes = "\n".join(p.text for p in docx.Document(io.BytesIO(files["minutes"].data)).paragraphs)
    assert "Hội đồng Thi đua - Khen thưởng xã Gia Viễn" in minutes
    assert not dossier("gk_chidoan").attachments


def test_the_signed_scan_is_a_well_formed_pdf(demo):
    dec = db.session.scalars(sa.select(Decision).where(Decision.state == "issued").order_by(Decision.id)).first()
    pdf = dec.scan_data
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.endswith(b"%%EOF\n")
    xref = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", pdf).group(1))
    assert pdf[xref:].startswith(b"xref\n0 6\n")
    offsets = [int(x) for x in re.findall(rb"(\d{10}) 00000 n", pdf[xref:])]
    assert [pdf[o:].split(b"\n", 1)[0] for o in offsets] == [b"%d 0 obj" % i for i in range(1, 6)]
    assert b"QUYET DINH so 01/QD-UBND" in pdf


# ------------------------------------------------------------------------------------ what a visitor sees


def test_issued_awards_verify_on_the_public_page(demo, client):
    summary = demo_summary(db.session)
    assert summary.total == 16 and summary.sample is not None
    code, name, form, number = summary.sample
    page = client.get(f"/registry/verify/{code}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and name in text and number in text
    active = db.session.scalars(
        sa.select(Certificate).join(Certificate.award).where(Award.status == AwardStatus.active.value)).all()
    assert len(active) == 3 + 3  # the province's 3 recipients and the commune's 3 eligible ones
    for cert in active:
        r = client.get(f"/registry/verify/{cert.verification_code}")
        assert r.status_code == 200 and cert.award.name in r.get_data(as_text=True)
    assert client.get("/registry/verify/khong-co-ma-nay").status_code == 404


def test_register_lists_the_issued_awards(demo, client):
    fx.login(client, "vanthu")
    page = client.get("/registry/").get_data(as_text=True)
    assert "Ban Công tác Mặt trận thôn Vân Long" in page and "Đinh Văn Sáu" in page


@pytest.mark.parametrize("username, states", [
    ("tdkt.chuyenvien", {"submitted", "appraising"}),
    ("tdkt.truongphong", {"council"}),
    ("vanthu", {"approved"}),
    ("xa.chuyenvien", {"draft", "returned"}),
    ("xa.vanphong", {"submitted", "appraising"}),
    ("xa.chutich", {"chairman_review"}),
    ("syt.chuyenvien", set()),
])
def test_work_queues(demo, username, states):
    page = review.queue(db.session, fx.user(username), review.QueueFilters(per_page=100))
    assert states <= {d.state for d, _ in page.rows}, {d.state for d, _ in page.rows}


def test_specialist_sees_a_full_queue_in_the_browser(demo, client):
    fx.login(client, "tdkt.chuyenvien")
    page = client.get("/review/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for key in ("bk_syt_congdoan", "bk_syt_dieuduong"):
        assert DOSSIERS[key].title in text, key
    assert DOSSIERS["gk_htx"].title not in text  # the commune's own Giấy khen is the commune's work
    commune = client.application.test_client()
    fx.login(commune, "xa.vanphong")
    assert DOSSIERS["gk_htx"].title in commune.get("/review/").get_data(as_text=True)


# ------------------------------------------------------------------------------------ idempotence, errors


def test_second_run_changes_nothing(demo):
    before = counts()
    assert seed_demo_dossiers(db.session) is False
    db.session.commit()
    assert counts() == before


def test_refused_without_the_demo_province(ctx):
    with pytest.raises(DemoDossierError, match="seed-demo"):
        seed_demo_dossiers(db.session)


def test_refused_when_the_round_has_closed(ctx):
    fx.load_demo(today=utcnow().astimezone(VN).date() - timedelta(days=40))
    with pytest.raises(DemoDossierError, match="không còn nhận hồ sơ"):
        seed_demo_dossiers(db.session)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Dossier)) == 0


# ------------------------------------------------------------------------------------ the command


def _flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_seed_demo_command_on_a_fresh_sqlite_file(tmp_path):
    """`make run`'s commands on a new database: the dossiers come with the province, fast."""
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'demo.db'}", AWARDS_ENV="development")
    env.pop("TEST_DATABASE_URL", None)
    assert _flask(env, "init-db").returncode == 0
    started = time.perf_counter()
    r = _flask(env, "seed-demo")
    seconds = time.perf_counter() - started
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "Đã tạo dữ liệu mẫu" in out and "Đã tạo 16 hồ sơ mẫu" in out and "tdkt.chuyenvien" in out
    assert "Đã ban hành quyết định" in out and "Hội đồng Thi đua - Khen thưởng tỉnh xét" in out
    code = re.search(r"/registry/verify/([A-Za-z0-9_-]{22})", out).group(1)
    print(f"seed-demo with dossiers on a fresh SQLite file: {seconds:.1f} s")
    assert seconds < 60
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM certificate WHERE verification_code = :c"), {"c": code}) == 1
        assert conn.scalar(sa.text("SELECT count(*) FROM dossier")) == 16
    engine.dispose()
    again = _flask(env, "seed-demo")
    assert again.returncode == 0 and "đã có sẵn" in again.stdout and "Hồ sơ mẫu đã có sẵn" in again.stdout


def test_seed_demo_no_dossiers_flag(tmp_path):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'bare.db'}", AWARDS_ENV="development")
    env.pop("TEST_DATABASE_URL", None)
    assert _flask(env, "init-db").returncode == 0
    r = _flask(env, "seed-demo", "--no-dossiers")
    assert r.returncode == 0, r.stderr
    assert "Đã tạo dữ liệu mẫu" in r.stdout and "hồ sơ mẫu" not in r.stdout
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'bare.db'}")
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM dossier")) == 0
        assert conn.scalar(sa.text("SELECT count(*) FROM user_account")) > 0
    engine.dispose()


def test_user_model_unchanged_by_demo_dossiers(demo):
    """The dossiers add no account: the demo logins stay those `seed-demo` prints."""
    from awards.demo import USERS

    assert {u.username for u in db.session.scalars(sa.select(User))} == {u[0] for u in USERS}
