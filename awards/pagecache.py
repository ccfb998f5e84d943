"""A render cache for the heavy read pages (the board's queue, appraisal and dossier pages).

A cached page is keyed by what it was rendered from: the endpoint and full path, the user (and
the session version, so log-out-everywhere also ends cached pages), the locale, and the *data
generation*: a counter in the ``data_generation`` row that every committed write transaction
moves in the same transaction (see :func:`track_writes`). A commit anywhere therefore makes every
earlier entry unreachable; entries also expire after ``PAGE_CACHE_TTL`` seconds, which bounds
what depends on the clock alone (a window that closes while nobody writes).

Why it is safe:

- Reads and the generation come from the same transaction. On SQLite a GET is one WAL snapshot;
  on PostgreSQL (read committed) a page read after generation G holds data at least as new as G,
  and the writer's counter moves with its data, so an entry under G never misses a commit the
  reader saw as G.
- Only 200 text/html answers of GET views are stored, and GET requests cannot write (SQLite
  readers run with ``query_only``; audited reads such as downloads are not cached views).
- Access checks run on every request: the decorator sits inside ``login_required`` /
  ``role_required``, the user loader re-reads the user, and role or scope changes are writes.
- The session's CSRF token is not stored: it is replaced by a placeholder in the cache and the
  current session's token is put back on every hit. A request with flash messages waiting
  bypasses the cache (they are consumed by the render).

Each worker process holds its own bounded cache (``PAGE_CACHE_SIZE`` entries); there is nothing
to share or invalidate across processes because the key carries the generation.
"""
from __future__ import annotations

import re
import threading
import uuid
from functools import wraps
from typing import Any, Callable

import sqlalchemy as sa
from cachetools import TTLCache
from flask import Flask, current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

_KEY = "awards_page_cache"
CSRF_PLACEHOLDER = "\x00awards-csrf\x00"

# Data statements that change what a page may show. DDL is left out: migrations run with the
# app stopped, and the data_generation table may not exist yet (or any more) in their transaction.
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)
# The append-only audit log is shown by no cached page: a transaction that only appends to it (a
# download, a denied access, a failed login) leaves the cached pages valid.
_AUDIT_ONLY = re.compile(r'\s*INSERT\s+INTO\s+"?audit_event"?\s', re.I)
_DDL = re.compile(r"\s*(CREATE|DROP|ALTER)\b", re.I)
_BUMP = sa.text(
    "INSERT INTO data_generation (id, epoch, counter) VALUES (1, :epoch, 1) "
    "ON CONFLICT (id) DO UPDATE SET counter = data_generation.counter + 1"
)
_READ = sa.text("SELECT epoch, counter FROM data_generation WHERE id = 1")


def track_writes(engine: Engine) -> None:
    """Move the data generation in every transaction that wrote, just before it commits."""

    @event.listens_for(engine, "before_cursor_execute")
    def _note(conn: Connection, _cursor, statement: str, *_args) -> None:
        if _WRITE.match(statement):
            if (not _AUDIT_ONLY.match(statement) and "data_generation" not in statement
                    and "alembic_version" not in statement):
                conn.info["awards_wrote"] = True
        elif _DDL.match(statement):
            conn.info["awards_ddl"] = True

    def _bump(conn: Connection) -> None:
        wrote = conn.info.pop("awards_wrote", False)
        if conn.info.pop("awards_ddl", False) or not wrote:
            return
        conn.execute(_BUMP, {"epoch": uuid.uuid4().hex})

    def _forget(conn: Connection) -> None:
        conn.info.pop("awards_wrote", None)
        conn.info.pop("awards_ddl", None)

    # First among the commit listeners: the counter must move inside the transaction, before
    # SQLite's in-process writer lock is handed on (awards.db._configure_sqlite).
    event.listen(engine, "commit", _bump, insert=True)
    event.listen(engine, "rollback", _forget)


def generation_columns() -> tuple:
    """The generation as two scalar subqueries, for a query every request runs anyway (the user
    loader), so that a page costs no extra round trip for it."""
    from .models import DataGeneration

    return (sa.select(DataGeneration.epoch).where(DataGeneration.id == 1).scalar_subquery(),
            sa.select(DataGeneration.counter).where(DataGeneration.id == 1).scalar_subquery())


def remember_generation(epoch: str | None, counter: int | None) -> None:
    g._awards_generation = f"{epoch}:{counter}" if epoch is not None else None


def current_generation(sess) -> str | None:
    """The generation this request reads at (one query, once per request); None = not cacheable."""
    if "_awards_generation" not in g:
        row = sess.execute(_READ).first()
        g._awards_generation = f"{row[0]}:{row[1]}" if row else None
    return g._awards_generation


class PageCache:
    def __init__(self, maxsize: int, ttl: float) -> None:
        self._entries: TTLCache = TTLCache(maxsize=maxsize, ttl=ttl)
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple) -> str | None:
        with self._lock:
            body = self._entries.get(key)
            if body is None:
                self.misses += 1
            else:
                self.hits += 1
            return body

    def put(self, key: tuple, body: str) -> None:
        with self._lock:
            self._entries[key] = body

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def init_page_cache(app: Flask) -> None:
    size = int(app.config.get("PAGE_CACHE_SIZE", 0) or 0)
    ttl = float(app.config.get("PAGE_CACHE_TTL", 60) or 0)
    app.extensions[_KEY] = PageCache(size, ttl) if size > 0 and ttl > 0 else None


def page_cache(app: Flask | None = None) -> PageCache | None:
    return (app or current_app).extensions.get(_KEY)


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve a GET view's rendered HTML from the page cache; place it under the access decorators."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        from .db import db

        cache = page_cache()
        if (cache is None or request.method != "GET" or not current_user.is_authenticated
                or session.get("_flashes")):
            return view(*args, **kwargs)
        generation = current_generation(db.session)
        if generation is None:
            return view(*args, **kwargs)
        key = (request.endpoint, request.full_path, current_user.id,
               getattr(current_user, "session_version", None), str(get_locale()), generation)
        body = cache.get(key)
        if body is not None:
            resp = make_response(body.replace(CSRF_PLACEHOLDER, generate_csrf()))
            resp.headers["X-Page-Cache"] = "hit"
            return resp
        resp = make_response(view(*args, **kwargs))
        if resp.status_code == 200 and resp.mimetype == "text/html" and not resp.is_streamed:
            text = resp.get_data(as_text=True)
            token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
            cache.put(key, text.replace(token, CSRF_PLACEHOLDER) if token else text)
            resp.headers["X-Page-Cache"] = "miss"
        return resp

    return wrapper
