"""Numbering the province's tờ trình from 8 processes at once: every process also races for the
same tờ trình first. No duplicate and no gap in the TTr register, exactly one number for the
contested tờ trình, and a rollback gives its number back."""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa

from awards.db import db
from awards.models import Dossier, NumberCounter, UpwardProposalNumber
from awards.services import decisions as svc
from config import TestConfig
from tests import factories as fx
from tests.awards.test_numbering import spawn_workers
from tests.conftest import is_postgres

WORKERS = 8
PER_WORKER = 50
DAY = date(2026, 2, 5)


def _worker(url: str, form_id: int, contested: int, own: list[int], queue) -> None:
    from awards import create_app

    cfg = TestConfig()
    cfg.DATABASE_URL = url
    app = create_app(cfg)
    got, refused = [], 0
    with app.app_context():
        session = db.session
        for i, dossier_id in enumerate([contested, *own]):
            try:
                row = svc.number_upward_proposal(session, session.get(Dossier, dossier_id), form_id, actor=None,
                                                 proposal_date=DAY, today=DAY)
            except svc.DecisionError:
                session.rollback()
                refused += 1
                continue
            number = row.number
            if i % 10 == 9:  # one in ten gives up after taking a number
                session.rollback()
                continue
            session.commit()
            got.append(number)
        db.engine.dispose()
    queue.put((got, refused))


def _signed_dossiers(n: int) -> list[int]:
    ids = []
    for _ in range(n):
        d = fx.make_dossier("X-GIAVIEN", "BK-TTG", state="awaiting_central")
        fx.add_nominee(d, outcome="eligible")
        ids.append(d.id)
    db.session.commit()
    return ids


def _race(url: str) -> tuple[list[int], int]:
    ids = _signed_dossiers(1 + WORKERS * PER_WORKER)
    form_id = fx.form("BK-TTG").id
    db.session.commit()
    args = [(url, form_id, ids[0], ids[1 + w * PER_WORKER:1 + (w + 1) * PER_WORKER]) for w in range(WORKERS)]
    results = spawn_workers(_worker, args)
    return [n for got, _ in results for n in got], sum(refused for _, refused in results)


def _assert_dense(numbers: list[int], refused: int) -> None:
    expected = WORKERS * (PER_WORKER - PER_WORKER // 10) + 1  # + the contested tờ trình, numbered once
    assert refused == WORKERS - 1
    assert not [n for n, c in Counter(numbers).items() if c > 1]
    assert sorted(numbers) == list(range(1, expected + 1))
    db.session.expire_all()
    rows = list(db.session.scalars(sa.select(UpwardProposalNumber.number)))
    assert sorted(rows) == sorted(numbers)
    counter = db.session.scalar(sa.select(NumberCounter.last_number).where(NumberCounter.register == "TTr"))
    assert counter == expected


def test_concurrent_numbering_sqlite_file(tmp_path):
    app, url = fx.demo_app_on_sqlite_file(tmp_path / "ttr.db")
    with app.app_context():
        numbers, refused = _race(url)
        _assert_dense(numbers, refused)
        db.engine.dispose()


@pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_concurrent_numbering_postgres(app, ctx, database_url):
    fx.load_demo()
    numbers, refused = _race(database_url)
    _assert_dense(numbers, refused)


@pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_two_clerks_at_once_on_one_tờ_trình_postgres(app, ctx):
    """The second clerk read no number yet and waits on the register's row lock; when the first
    commits, the UNIQUE constraint refuses the second, whose number goes back to the register."""
    import threading
    import time

    from sqlalchemy.orm import Session

    fx.load_demo()
    dossier_id, form_id = _signed_dossiers(1)[0], fx.form("BK-TTG").id
    first, second = Session(db.engine), Session(db.engine)
    try:
        svc.number_upward_proposal(first, first.get(Dossier, dossier_id), form_id, actor=None, proposal_date=DAY,
                                   today=DAY)
        outcome = {}

        def other_clerk():
            with app.app_context():
                try:
                    svc.number_upward_proposal(second, second.get(Dossier, dossier_id), form_id, actor=None,
                                               proposal_date=DAY, today=DAY)
                    second.commit()
                    outcome["error"] = None
                except svc.DecisionError as exc:
                    outcome["error"] = str(exc)

        t = threading.Thread(target=other_clerk)
        t.start()
        time.sleep(0.5)
        assert t.is_alive()  # waiting for the first clerk's transaction
        first.commit()
        t.join(30)
        assert "Tờ trình này vừa được cấp số" in outcome["error"]
    finally:
        first.close()
        second.close()
    db.session.expire_all()
    assert list(db.session.scalars(sa.select(UpwardProposalNumber.number))) == [1]
    assert db.session.scalar(sa.select(NumberCounter.last_number).where(NumberCounter.register == "TTr")) == 1
