"""A deadline spike: 200 units submit at the same moment. No error, nothing lost, every audit row."""
from __future__ import annotations

import threading
from datetime import date

import sqlalchemy as sa

from awards.db import db
from awards.models import AuditEvent, Dossier, RoleAssignment, Unit, User, WorkflowHistory
from awards.services.passwords import hash_password
from tests import factories as f

UNITS = 200


def test_two_hundred_units_submit_at_once(app, ctx):
    f.load_demo()
    province = f.unit("NB")
    pw = hash_password("not-used-here-1234")
    dossier_ids = []
    for i in range(UNITS):
        u = Unit(code=f"SPIKE-{i:03d}", name=f"Ủy ban nhân dân xã Thử Nghiệm {i}", kind="commune",
                 parent=province, valid_from=date(2025, 7, 1), path="/")
        db.session.add(u)
        db.session.flush()
        u.path = f"{province.path}{u.id}/"
        head = User(username=f"spike.head{i}", full_name=f"Chủ tịch {i}", unit=u, password_hash=pw)
        head.roles.append(RoleAssignment(role="unit_head", scope_unit=u))
        db.session.add(head)
        d = f.make_dossier(f"SPIKE-{i:03d}", nominees=1, complete=True)
        dossier_ids.append((d.id, head.id))
    db.session.commit()

    from awards.services import transitions

    barrier = threading.Barrier(UNITS)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def submit(dossier_id: int, user_id: int) -> None:
        with app.app_context():
            s = db.new_session()
            try:
                barrier.wait(60)
                d = s.get(Dossier, dossier_id)
                transitions.fire(s, d, "submit", actor=s.get(User, user_id))
                s.commit()
            except BaseException as exc:  # noqa: BLE001
                s.rollback()
                with lock:
                    errors.append(exc)
            finally:
                s.close()

    threads = [threading.Thread(target=submit, args=pair) for pair in dossier_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    db.session.expire_all()
    ids = [d for d, _ in dossier_ids]
    states = db.session.scalars(sa.select(Dossier.state).where(Dossier.id.in_(ids))).all()
    assert states == ["submitted"] * UNITS
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkflowHistory)
                             .where(WorkflowHistory.dossier_id.in_(ids))) == UNITS
    audited = db.session.scalars(sa.select(AuditEvent.object_id).where(AuditEvent.action == "dossier.submit")).all()
    assert sorted(audited) == sorted(ids)
