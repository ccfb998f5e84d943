"""The factory, configuration, databases, migrations, demo province, audit log and security headers."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from awards import create_app
from awards.cli import upgrade_database
from awards.db import Base, db, make_engine, normalise_url
from awards.models import AuditEvent, AuditLogIsAppendOnly, Nominee, RuleSet, Unit, User
from config import Config, ProductionConfig, TestConfig
from tests import factories as f
from tests.conftest import is_postgres

ROOT = Path(__file__).resolve().parents[2]


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["WTF_CSRF_ENABLED"] is not False
    assert app.config["REMEMBER_COOKIE_DURATION"].days <= 1
    resp = app.test_client().get("/auth/login")
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=")
    with app.app_context():
        db.engine.dispose()


def test_security_headers(client):
    resp = client.get("/auth/login")
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_no_inline_script_in_templates():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for chunk in text.split("<script")[1:]:
            head = chunk.split(">", 1)[0]
            assert "src=" in head, f"inline <script> in {path.relative_to(ROOT)}"
        assert " onclick=" not in text and " onsubmit=" not in text, path


def test_sqlite_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    engine.dispose()


def test_relative_sqlite_url_lives_in_project(tmp_path):
    url = normalise_url("sqlite:///instance/x.db", tmp_path)
    assert url == f"sqlite:///{tmp_path / 'instance' / 'x.db'}"
    assert normalise_url("postgresql://u@h/db", tmp_path).startswith("postgresql+psycopg://")


def _fresh_migrated_engine(tmp_path):
    if is_postgres():
        url = os.environ["TEST_DATABASE_URL"]
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS migr CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA migr")
        engine.dispose()
        engine = sa.create_engine(url, connect_args={"options": "-csearch_path=migr"})
        return engine, "migr"
    return make_engine(f"sqlite:///{tmp_path / 'migrated.db'}"), None


def test_migrations_match_the_models(tmp_path):
    """Production never calls create_all: the migrations alone must build the models' schema."""
    engine, schema = _fresh_migrated_engine(tmp_path)
    try:
        upgrade_database(engine)
        def include(obj, name, type_, reflected, compare_to):
            # the register's trigram index is an expression index made by migration 0003 (PostgreSQL)
            return not (type_ == "index" and name == "ix_award_name_folded_trgm")

        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": False, "include_object": include})
            diff = compare_metadata(ctx, Base.metadata)
            if schema:
                assert conn.exec_driver_sql(
                    "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_award_name_folded_trgm' "
                    f"AND schemaname = '{schema}'").scalar() == 1
        assert diff == [], diff
        # the audit log refuses UPDATE and DELETE in the database itself
        with engine.begin() as conn:
            conn.execute(sa.insert(AuditEvent.__table__).values(action="x", occurred_dt=sa.func.now()))
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(sa.update(AuditEvent.__table__).values(action="y"))
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(sa.delete(AuditEvent.__table__))
    finally:
        if schema:
            with engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA migr CASCADE")
        engine.dispose()


def test_init_db_and_seed_demo_commands(tmp_path):
    """The commands `make run` uses, in a subprocess as a user would run them."""
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", AWARDS_ENV="development")
    env.pop("TEST_DATABASE_URL", None)
    run = lambda *a: subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *a], cwd=ROOT, env=env,  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    r = run("init-db")
    assert r.returncode == 0, r.stderr
    r = run("seed-demo")
    assert r.returncode == 0, r.stderr
    assert "Đã tạo dữ liệu mẫu" in r.stdout and "tdkt.chuyenvien" in r.stdout
    r = run("seed-demo")
    assert "đã có sẵn" in r.stdout
    r = run("workflows", "check")
    assert r.returncode == 0 and "bang_khen_tinh" in r.stdout


def test_seed_demo_is_idempotent_and_complete(ctx):
    f.load_demo()
    counts = {m: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Unit, User, RuleSet)}
    f.load_demo()
    assert counts == {m: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Unit, User, RuleSet)}
    kinds = {u.kind for u in db.session.scalars(sa.select(Unit))}
    assert {"province", "department", "office", "commune", "ward", "enterprise", "association"} <= kinds
    roles = {r.role for u in db.session.scalars(sa.select(User)) for r in u.roles}
    from awards.models import Role
    assert roles == set(Role.values())
    rnd = f.demo_round()
    assert rnd.status == "open" and rnd.movement.plan_number == "132/KH-UBND"


def test_audit_log_is_append_only_in_the_orm(ctx):
    from awards.services import audit
    ev = audit.record(db.session, "test.event")
    db.session.commit()
    ev.action = "changed"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, ev.id))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("fields,constraint", [
    ({"kind": "individual", "gender": None, "birth_year": 1980}, "individual_fields"),
    ({"kind": "individual", "gender": "male", "birth_year": None}, "individual_fields"),
    ({"kind": "household", "gender": "female", "address": None}, "household_fields"),
    ({"kind": "individual", "gender": "male", "birth_year": 1980, "citizen_id": "12345"}, "citizen_id_length"),
    ({"kind": "alien"}, "kind"),
])
def test_database_checks_required_fields_per_kind(ctx, fields, constraint):
    f.load_demo()
    d = f.make_dossier()
    db.session.commit()
    n = Nominee(dossier_id=d.id, name="Tên", award_form_id=d.award_form_id, **fields)
    db.session.add(n)
    with pytest.raises(sa.exc.IntegrityError, match=f"(?i)({constraint}|check)"):
        db.session.flush()
    db.session.rollback()


def test_testing_config_uses_test_database():
    assert TestConfig().DATABASE_URL == (os.environ.get("TEST_DATABASE_URL") or "sqlite:///:memory:")
    assert Config().DATABASE_URL.startswith(("sqlite", "postgresql"))
