"""`flask backup` and `flask restore` as a round trip, on the suite's database."""
from __future__ import annotations

import sqlalchemy as sa

from awards.db import db
from awards.models import AuditEvent, Unit, User
from tests import factories as f


def _counts():
    return {m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Unit, User, AuditEvent)}


def test_backup_and_restore_round_trip(app, ctx, runner, tmp_path):
    f.load_demo()
    before = _counts()
    out = tmp_path / "b.bak"
    r = runner.invoke(args=["backup", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert out.stat().st_size > 10_000 and "Đã sao lưu" in r.output
    # damage the data, then restore
    u = f.user("vanthu")
    u.full_name = "Đã bị sửa"
    db.session.add(Unit(code="EXTRA", name="Thêm sau sao lưu", kind="other", valid_from=f.date(2026, 1, 1), path="/"))
    db.session.commit()
    db.session.close()
    r = runner.invoke(args=["restore", "--yes", str(out)])
    assert r.exit_code == 0, r.output
    db.session.close()
    assert _counts() == before
    assert f.user("vanthu").full_name == "Ngô Thị Thanh Tâm"


def test_backup_of_missing_restore_file_is_clear(runner, tmp_path):
    r = runner.invoke(args=["restore", "--yes", str(tmp_path / "none.db")])
    assert r.exit_code != 0
