"""The one transition service: roles and unit scope, optimistic locking, history and audit in the
same transaction, effects after commit, and concurrent firing."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from awards.db import db
from awards.models import AuditEvent, Dossier, WorkflowHistory
from awards.services import transitions
from awards.services.transitions import StaleDossier, TransitionRejected
from tests import factories as f
from tests.conftest import is_postgres, postgres_only


@pytest.fixture
def dossier(ctx):
    f.load_demo()
    d = f.make_dossier(nominees=2, complete=True)
    db.session.commit()
    return d


def test_head_submits_and_history_and_audit_are_written(dossier):
    result = transitions.fire(db.session, dossier, "submit", actor=f.user("xa.chutich"))
    db.session.commit()
    assert result.to_state == "submitted" and dossier.state == "submitted"
    h = db.session.scalars(sa.select(WorkflowHistory)).one()
    assert (h.from_state, h.to_state, h.transition) == ("draft", "submitted", "submit")
    assert set(h.snapshot["nominees"]) == {str(n.id) for n in dossier.nominees}
    ev = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "dossier.submit")).one()
    assert (ev.old_state, ev.new_state, ev.object_id) == ("draft", "submitted", dossier.id)


def test_clerk_cannot_submit_and_is_told_why(dossier):
    with pytest.raises(TransitionRejected) as exc:
        transitions.fire(db.session, dossier, "submit", actor=f.user("xa.chuyenvien"))
    assert "Thủ trưởng đơn vị" in str(exc.value)
    db.session.rollback()
    assert db.session.get(Dossier, dossier.id).state == "draft"


def test_board_role_of_another_scope_cannot_act(dossier):
    """The commune's own board specialist covers only the commune: not Sở Y tế's dossiers."""
    d = f.make_dossier("SYT", nominees=1, complete=True, state="submitted")
    db.session.commit()
    with pytest.raises(TransitionRejected):
        transitions.fire(db.session, d, "receive", actor=f.user("xa.vanphong"))
    db.session.rollback()
    transitions.fire(db.session, d, "receive", actor=f.user("tdkt.chuyenvien"))
    db.session.commit()
    assert d.state == "appraising"


def test_incomplete_dossier_gives_every_reason(ctx):
    f.load_demo()
    d = f.make_dossier()
    db.session.commit()
    opts = {o.transition.name: o for o in transitions.options(db.session, d, f.user("xa.chutich"))}
    reasons = " ".join(opts["submit"].reasons)
    assert not opts["submit"].allowed
    assert "chưa có đối tượng" in reasons and "tờ trình" in reasons and "biên bản" in reasons


def test_return_needs_a_comment(dossier):
    dossier.state = "submitted"
    db.session.commit()
    with pytest.raises(TransitionRejected, match="lý do"):
        transitions.fire(db.session, dossier, "return_to_unit", actor=f.user("tdkt.chuyenvien"))
    db.session.rollback()
    transitions.fire(db.session, dossier, "return_to_unit", actor=f.user("tdkt.chuyenvien"),
                     comment="Thiếu biên bản họp")
    db.session.commit()
    assert dossier.state == "returned"


def test_stale_form_is_refused_with_the_message(dossier):
    with pytest.raises(StaleDossier, match="vui lòng tải lại"):
        transitions.fire(db.session, dossier, "submit", actor=f.user("xa.chutich"),
                         expected_version=dossier.version - 1 if dossier.version > 1 else 99)


def test_concurrent_change_is_detected_by_the_version(app, dossier):
    """Two sessions load version 1; the second to write is told, not silently overwritten."""
    s2 = db.new_session()
    try:
        d2 = s2.get(Dossier, dossier.id)
        s2.commit()  # ends the read (SQLite serialises transactions); d2 keeps version 1
        transitions.fire(db.session, dossier, "submit", actor=f.user("xa.chutich"))
        db.session.commit()
        d2.title = "Sửa cùng lúc"
        with pytest.raises(sa.orm.exc.StaleDataError):
            s2.commit()
    finally:
        s2.rollback()
        s2.close()


def test_effects_run_only_after_commit(dossier, monkeypatch):
    seen = []
    monkeypatch.setitem(transitions.AFTER_COMMIT_HANDLERS, "notify", lambda s, p: seen.append(p["transition"]))
    transitions.fire(db.session, dossier, "submit", actor=f.user("xa.chutich"))
    db.session.flush()
    assert seen == []
    db.session.rollback()
    assert seen == []
    dossier = db.session.get(Dossier, dossier.id)
    transitions.fire(db.session, dossier, "submit", actor=f.user("xa.chutich"))
    db.session.commit()
    assert seen == ["submit"]


def _race(app, dossier_id: int, n: int) -> list[str]:
    barrier = threading.Barrier(n)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker():
        with app.app_context():
            s = db.new_session()
            try:
                barrier.wait()
                d = s.get(Dossier, dossier_id)
                actor = s.scalar(sa.select(f.User).where(f.User.username == "tdkt.chuyenvien"))
                transitions.fire(s, d, "receive", actor=actor)
                s.commit()
                out = "ok"
            except StaleDossier:
                out = "stale"
            except TransitionRejected:
                out = "rejected"
            finally:
                s.rollback()
                s.close()
            with lock:
                outcomes.append(out)

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


@postgres_only
def test_twenty_threads_fire_the_same_transition_on_postgres(app, dossier):
    dossier.state = "submitted"
    db.session.commit()
    outcomes = _race(app, dossier.id, 20)
    assert outcomes.count("ok") == 1
    assert outcomes.count("stale") + outcomes.count("rejected") == 19
    assert outcomes.count("stale") >= 1  # they loaded the same version concurrently
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkflowHistory)) == 1


@pytest.mark.skipif(is_postgres(), reason="SQLite variant")
def test_twenty_threads_fire_the_same_transition_on_sqlite(app, dossier):
    dossier.state = "submitted"
    db.session.commit()
    outcomes = _race(app, dossier.id, 20)
    assert outcomes.count("ok") == 1 and len(outcomes) == 20
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkflowHistory)) == 1


def test_savepoints_neither_run_nor_drop_the_effects(dossier, monkeypatch):
    seen = []
    monkeypatch.setitem(transitions.AFTER_COMMIT_HANDLERS, "notify", lambda s, p: seen.append(p["transition"]))
    transitions.fire(db.session, dossier, "submit", actor=f.user("xa.chutich"))
    db.session.begin_nested().commit()
    assert seen == []
    db.session.begin_nested().rollback()
    db.session.commit()
    assert seen == ["submit"]
