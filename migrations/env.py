"""Alembic environment: the models' metadata; the connection comes from ``flask init-db`` or
from DATABASE_URL when alembic is run by hand."""
from __future__ import annotations

import os
from pathlib import Path

from alembic import context

from awards import models  # noqa: F401  (registers every table)
from awards.db import Base, make_engine, normalise_url

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = normalise_url(os.environ.get("DATABASE_URL", "sqlite:///instance/awards.db"), Path(__file__).parent.parent)
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run `flask --app wsgi init-db`.")
run_migrations_online()
