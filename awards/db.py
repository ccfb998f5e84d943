"""Database access: one SQLAlchemy engine per app, one session per app context.

SQLite is set up for a web server with several writers (WAL, busy_timeout, foreign keys, and
``BEGIN IMMEDIATE`` so that a transaction never has to upgrade a read lock to a write lock,
which would ignore busy_timeout: engineering.md §5). PostgreSQL goes through psycopg 3.

Each request, job or CLI command is one transaction; its caller commits. Services only flush.
"""
from __future__ import annotations

import contextlib
import threading
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Iterator

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


SQLITE_LOCK_TIMEOUT = 60  # seconds a writer waits for the others in this process


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def normalise_url(url: str, root: Path) -> str:
    """Use psycopg 3 for PostgreSQL and resolve relative SQLite paths against the project root."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    if u.drivername.startswith("sqlite") and u.database and u.database != ":memory:":
        path = Path(u.database)
        if not path.is_absolute():
            path = root / path
        path.parent.mkdir(parents=True, exist_ok=True)
        u = u.set(database=str(path))
    return u.render_as_string(hide_password=False)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if u.database in (None, "", ":memory:"):
            kwargs["poolclass"] = StaticPool
        else:
            # Keep a few connections open (each new one costs its PRAGMAs, about half a millisecond,
            # on every request) but never wait for one: waiting happens on SQLite's write lock
            # (busy_timeout), not on a pool that would time out under a deadline spike.
            kwargs.update(poolclass=QueuePool, pool_size=8, max_overflow=-1)
        engine = sa.create_engine(url, echo=echo, **kwargs)
        _configure_sqlite(engine)
        return engine
    return sa.create_engine(url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - trivial
        # Let SQLAlchemy, not pysqlite, emit BEGIN (the "sqlite_transactions" recipe).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    # Within one process, writers queue on a lock and are handed over at once; SQLite's own busy
    # handler polls with growing sleeps, which starves writers under a deadline spike. Across
    # processes, BEGIN IMMEDIATE + busy_timeout still serialise them.
    writer = threading.RLock()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if sqlite_read_only.get():
            # A read: WAL lets it run beside the writer; query_only makes an unplanned write fail
            # loudly instead of racing for a lock upgrade (see ensure_write_transaction).
            conn.exec_driver_sql("PRAGMA query_only=1")
            conn.exec_driver_sql("BEGIN")
            conn.info["awards_reader"] = True
            return
        conn.info.pop("awards_reader", None)
        conn.exec_driver_sql("PRAGMA query_only=0")
        if not writer.acquire(timeout=SQLITE_LOCK_TIMEOUT):
            raise sa.exc.OperationalError("BEGIN IMMEDIATE", (), TimeoutError("database is busy"))
        conn.info["awards_writer"] = True
        try:
            # Take the write lock at the start: a deferred transaction that later writes fails
            # with "database is locked" without waiting when another writer is active.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(conn)  # unless SQLAlchemy's error handling already rolled back and released
            raise

    def _release(conn):
        if conn.info.pop("awards_writer", False):
            writer.release()

    event.listen(engine, "commit", _release)
    event.listen(engine, "rollback", _release)


# Set by the web layer for safe (GET/HEAD) requests: their SQLite transactions are readers.
sqlite_read_only: ContextVar[bool] = ContextVar("sqlite_read_only", default=False)


def ensure_write_transaction(session: Session) -> None:
    """Make the session's next work a write transaction (SQLite: BEGIN IMMEDIATE).

    A safe request that must write (an audited download, a denied access) ends its read
    transaction, which holds no changes, and continues as a writer. No-op on PostgreSQL."""
    if not sqlite_read_only.get():
        return
    sqlite_read_only.set(False)
    if session.in_transaction():
        conn = session.connection()
        if conn.info.get("awards_reader"):
            if session.new or session.dirty or session.deleted:
                raise RuntimeError("a read transaction holds changes; write in a POST request")
            session.commit()


def is_sqlite(engine_or_session: Engine | Session | None = None) -> bool:
    bind = engine_or_session
    if bind is None:
        bind = db.engine
    if isinstance(bind, Session):
        bind = bind.get_bind()
    return bind.dialect.name == "sqlite"


class Database:
    """Binds one engine and session factory to each app; ``db.session`` is per app context."""

    _KEY = "awards_db"

    def init_app(self, app: Flask) -> None:
        url = normalise_url(app.config["DATABASE_URL"], Path(app.root_path).parent)
        app.config["DATABASE_URL"] = url
        engine = make_engine(url, echo=app.config.get("SQL_ECHO", False))
        from .pagecache import track_writes

        track_writes(engine)
        factory = sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
        app.extensions[self._KEY] = (engine, factory)
        app.teardown_appcontext(self._teardown)

    @staticmethod
    def _state(app: Flask | None = None) -> tuple[Engine, sessionmaker]:
        return (app or current_app).extensions[Database._KEY]

    @property
    def engine(self) -> Engine:
        return self._state()[0]

    @property
    def session(self) -> Session:
        sess = g.get("_awards_session")
        if sess is None:
            factory = self._state()[1]
            sess = factory()
            # Side effects queued during the transaction run after commit in their own session.
            sess.info["effect_session_factory"] = factory
            g._awards_session = sess
        return sess

    def new_session(self, app: Flask | None = None) -> Session:
        """A session outside the app-context one (threads, benchmarks, isolated audit writes)."""
        factory = self._state(app)[1]
        sess = factory()
        sess.info["effect_session_factory"] = factory
        return sess

    @staticmethod
    def _teardown(_exc: BaseException | None) -> None:
        sess = g.pop("_awards_session", None)
        if sess is not None:
            sess.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """Commit on success, roll back on error: for CLI commands and jobs."""
        sess = self.session
        try:
            yield sess
            sess.commit()
        except BaseException:
            sess.rollback()
            raise


db = Database()
