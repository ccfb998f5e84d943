"""Decision numbers: one counter row per authority, register and year, taken with UPDATE ...
RETURNING in the transaction that records the number; no duplicates, no gaps, restart each
1 January, never reused; e-office numbers checked unique."""
from __future__ import annotations

import multiprocessing
from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa

from awards.db import db
from awards.models import Authority, AwardForm, Decision, DecisionState, NumberCounter
from awards.services import decisions as svc
from config import TestConfig
from tests import factories as fx
from tests.conftest import is_postgres

WORKERS = 8
PER_WORKER = 50


def _approved(authority: Authority, form: AwardForm, day: date = date(2027, 1, 5)) -> Decision:
    d = Decision(authority=authority, authority_id=authority.id, award_form=form, award_form_id=form.id,
                 title="Về việc tặng Bằng khen", state=DecisionState.approved.value, decision_date=day)
    db.session.add(d)
    db.session.flush()
    return d


def _tinh():
    return db.session.scalar(sa.select(Authority).where(Authority.code == "CT-UBND-NB"))


def test_numbers_restart_each_year_and_are_never_reused(app, ctx):
    """Do numbers run 1, 2 in 2026, restart at 1 in 2027, and survive a revocation?"""
    fx.load_demo()
    auth, form = _tinh(), fx.form("BK-TINH")
    got = []
    for day in (date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 1)):
        d = _approved(auth, form, day)
        got.append((svc.allocate_number(db.session, d, actor=None, decision_date=day), d.year))
    db.session.commit()
    assert got == [(1, 2026), (2, 2026), (1, 2027)]
    first = db.session.scalars(sa.select(Decision).where(Decision.year == 2026, Decision.number == 1)).one()
    first.state = DecisionState.issued.value
    db.session.flush()
    svc.revoke_decision(db.session, first, actor=None, reason="Sai đối tượng.")
    db.session.commit()
    assert (first.state, first.number) == ("revoked", 1)
    d = _approved(auth, form, date(2026, 12, 31))
    assert svc.allocate_number(db.session, d, actor=None, decision_date=date(2026, 12, 31)) == 3


def test_rolled_back_number_is_given_again(app, ctx):
    """Does a transaction that rolls back after taking a number leave no gap?"""
    fx.load_demo()
    auth, form = _tinh(), fx.form("BK-TINH")
    d = _approved(auth, form)
    db.session.commit()
    assert svc.allocate_number(db.session, d, actor=None, decision_date=date(2027, 1, 5)) == 1
    db.session.rollback()
    d = db.session.get(Decision, d.id)
    assert svc.allocate_number(db.session, d, actor=None, decision_date=date(2027, 1, 5)) == 1


def test_external_number_is_checked_and_reserved(app, ctx):
    """Is an e-office number refused when used, and skipped by the register afterwards?"""
    fx.load_demo()
    auth, form = _tinh(), fx.form("BK-TINH")
    a = _approved(auth, form)
    svc.record_external_number(db.session, a, actor=None, number=7, decision_date=date(2027, 1, 5))
    db.session.commit()
    b = _approved(auth, form)
    with pytest.raises(svc.DecisionError, match="Số 07/QĐ-UBND năm 2027 đã được dùng"):
        svc.record_external_number(db.session, b, actor=None, number=7, decision_date=date(2027, 1, 5))
    db.session.rollback()
    b = _approved(auth, form)
    assert svc.allocate_number(db.session, b, actor=None, decision_date=date(2027, 1, 5)) == 8
    # The same number in another year is fine.
    c = _approved(auth, form, date(2028, 1, 3))
    svc.record_external_number(db.session, c, actor=None, number=7, decision_date=date(2028, 1, 3))
    db.session.commit()


def test_unique_constraint_is_the_backstop(app, ctx):
    """Does the database refuse two decisions with one number of one authority and year?"""
    fx.load_demo()
    auth, form = _tinh(), fx.form("BK-TINH")
    for _ in range(2):
        d = _approved(auth, form)
        d.number, d.year = 5, 2027
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_clerk_numbering_needs_fresh_login(app, ctx, client):
    """Is the clerk sent to re-enter the password when the login is not fresh?"""
    fx.load_demo()
    d = _approved(_tinh(), fx.form("BK-TINH"))
    db.session.commit()
    fx.login(client, "vanthu")
    with client.session_transaction() as s:
        s["fresh_at"] = 0
    r = client.post(f"/decisions/{d.id}/number", data={"version": d.version, "decision_date": "2027-01-05",
                                                       "source": "register"})
    assert r.status_code == 302 and "/auth/reauthenticate" in r.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Decision, d.id).number is None


# ------------------------------------------------------------------------------- concurrency

def _worker(url: str, authority_id: int, form_id: int, n: int, queue) -> None:
    from awards import create_app

    cfg = TestConfig()
    cfg.DATABASE_URL = url
    app = create_app(cfg)
    got = []
    with app.app_context():
        for i in range(n):
            sess = db.session
            d = Decision(authority_id=authority_id, award_form_id=form_id, title="QĐ", state="approved",
                         decision_date=date(2027, 1, 5))
            sess.add(d)
            sess.flush()
            number = svc.allocate_number(sess, d, actor=None, decision_date=date(2027, 1, 5))
            if i % 10 == 9:  # one in ten gives up after taking a number
                sess.rollback()
                continue
            sess.commit()
            got.append(number)
        db.engine.dispose()
    queue.put(got)


def _run_workers(url: str, authority_id: int, form_id: int) -> list[int]:
    results = spawn_workers(_worker, [(url, authority_id, form_id, PER_WORKER)] * WORKERS)
    return [n for r in results for n in r]


def spawn_workers(target, args_list: list[tuple]) -> list:
    """Run ``target(*args, queue)`` in one spawned process per ``args`` and return what each put
    on the queue; fails when a process dies or all do not finish within ten minutes."""
    mp = multiprocessing.get_context("spawn")
    queue = mp.Queue()
    procs = [mp.Process(target=target, args=(*args, queue)) for args in args_list]
    for p in procs:
        p.start()
    import queue as queue_mod
    import time

    results, deadline = [], time.monotonic() + 600
    while len(results) < len(procs):
        try:
            results.append(queue.get(timeout=1))
        except queue_mod.Empty:
            failed = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
            assert not failed, f"a numbering worker failed (exit codes {failed})"
            assert time.monotonic() < deadline, "numbering workers did not finish in time"
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return results


def _assert_dense(numbers: list[int], rows: list[int]) -> None:
    expected = WORKERS * (PER_WORKER - PER_WORKER // 10)
    assert len(numbers) == expected
    assert not [n for n, c in Counter(numbers).items() if c > 1]
    assert sorted(numbers) == list(range(1, expected + 1))
    assert sorted(rows) == sorted(numbers)


def test_concurrent_numbering_sqlite_file(tmp_path):
    """8 processes × 50 numbers on a SQLite file: no duplicate, no gap."""
    app, url = fx.demo_app_on_sqlite_file(tmp_path / "numbers.db")
    with app.app_context():
        auth, form = _tinh(), fx.form("BK-TINH")
        ids = (auth.id, form.id)
        db.engine.dispose()
    numbers = _run_workers(url, *ids)
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Decision.number).where(Decision.year == 2027)))
        counter = db.session.scalar(sa.select(NumberCounter.last_number).where(NumberCounter.register == "QĐ"))
        db.engine.dispose()
    _assert_dense(numbers, rows)
    assert counter == len(numbers)


@pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_concurrent_numbering_postgres(app, ctx, database_url):
    """8 processes × 50 numbers on PostgreSQL: no duplicate, no gap."""
    fx.load_demo()
    ids = (_tinh().id, fx.form("BK-TINH").id)
    db.session.commit()
    numbers = _run_workers(database_url, *ids)
    db.session.expire_all()
    rows = list(db.session.scalars(sa.select(Decision.number).where(Decision.year == 2027)))
    _assert_dense(numbers, rows)
