"""Backups: SQLite's online backup API (safe while the app runs) or pg_dump for PostgreSQL,
and the matching restore."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    pass


def default_name(url: str) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    ext = "db" if make_url(url).get_backend_name() == "sqlite" else "dump"
    return f"awards-{stamp}.{ext}"


def _pg_env(url: str) -> tuple[list[str], dict[str, str]]:
    u = make_url(url)
    args = ["-h", u.host or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres"]
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = u.password
    return args + ["-d", u.database or "postgres"], env


def backup(url: str, out: Path) -> Path:
    """Write a consistent copy of the database at ``url`` to ``out``."""
    u = make_url(url)
    out.parent.mkdir(parents=True, exist_ok=True)
    if u.get_backend_name() == "sqlite":
        if not u.database or u.database == ":memory:":
            raise BackupError("Không thể sao lưu cơ sở dữ liệu SQLite trong bộ nhớ.")
        src = sqlite3.connect(u.database)
        dst = sqlite3.connect(out)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return out
    if u.get_backend_name() == "postgresql":
        if shutil.which("pg_dump") is None:
            raise BackupError("Không tìm thấy pg_dump: cài gói postgresql-client.")
        args, env = _pg_env(url)
        r = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(out), *args],
                           env=env, capture_output=True, text=True, timeout=3600)
        if r.returncode != 0:
            raise BackupError(f"pg_dump thất bại: {r.stderr.strip()}")
        return out
    raise BackupError(f"Không hỗ trợ sao lưu cơ sở dữ liệu {u.get_backend_name()}.")


def restore(url: str, source: Path) -> None:
    """Replace the database at ``url`` with the backup ``source`` (stop the app first)."""
    if not source.exists():
        raise BackupError(f"Không tìm thấy tệp sao lưu {source}.")
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        src = sqlite3.connect(source)
        dst = sqlite3.connect(u.database)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return
    if u.get_backend_name() == "postgresql":
        args, env = _pg_env(url)
        r = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                            *args, str(source)], env=env, capture_output=True, text=True, timeout=3600)
        if r.returncode != 0:
            raise BackupError(f"pg_restore thất bại: {r.stderr.strip()}")
        return
    raise BackupError(f"Không hỗ trợ phục hồi cơ sở dữ liệu {u.get_backend_name()}.")
