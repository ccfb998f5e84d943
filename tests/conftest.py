"""Fixtures: the app on SQLite (a temp file) or on TEST_DATABASE_URL, a clean database per test,
clients logged in per role, factories and a query counter."""
from __future__ import annotations

import os
import re
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from awards import create_app
from awards.db import Base, db
from awards.pagecache import page_cache
from config import TestConfig


def _test_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return _test_url(tmp_path_factory)


@pytest.fixture(scope="session")
def app(database_url):
    cfg = TestConfig()
    cfg.DATABASE_URL = database_url
    app = create_app(cfg)
    with app.app_context():
        engine = db.engine
        Base.metadata.drop_all(engine)
        Base.metadata.create_all(engine)
    yield app
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        db.engine.dispose()


def _wipe(engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        else:
            for t in tables:
                conn.exec_driver_sql(f'DELETE FROM "{t}"')


@pytest.fixture(autouse=True)
def _clean_db(request):
    """Every test that uses the app starts from empty tables."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    yield
    with app.app_context():
        db.session.rollback()
        _wipe(db.engine)
    cache = page_cache(app)
    if cache is not None:
        cache.clear()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def session(ctx):
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def count_queries(app):
    """Counts SQL statements run inside the ``with`` block (Indico's count_queries).

    The page cache is emptied on entry: a count measures what rendering a page costs, not a hit."""

    @contextmanager
    def counter():
        with app.app_context():
            engine = db.engine
        cache = page_cache(app)
        if cache is not None:
            cache.clear()
        result = {"count": 0, "statements": []}

        def before(conn, cursor, statement, params, context, executemany):
            if re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)", statement, re.I):
                return
            result["count"] += 1
            result["statements"].append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield result
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counter


def is_postgres() -> bool:
    return (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql")


postgres_only = pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (TEST_DATABASE_URL)")
