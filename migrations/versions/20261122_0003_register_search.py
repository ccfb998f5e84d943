"""PostgreSQL register search: unaccent + pg_trgm, an IMMUTABLE unaccent wrapper and a GIN trigram
index on lower(immutable_unaccent(award.name)). Nothing to do on SQLite (it uses award.name_key).

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _schema_of(bind, extension: str) -> str:
    name = bind.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        f"WHERE e.extname = '{extension}'"
    ).scalar_one()
    return bind.dialect.identifier_preparer.quote_identifier(name)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    unaccent = _schema_of(bind, "unaccent")
    op.execute(
        "CREATE OR REPLACE FUNCTION immutable_unaccent(text) RETURNS text "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
        f"AS $$ SELECT {unaccent}.unaccent('{unaccent}.unaccent'::regdictionary, $1) $$"
    )
    trgm = _schema_of(bind, "pg_trgm")
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_award_name_folded_trgm ON award "
        f"USING gin (lower(immutable_unaccent(name)) {trgm}.gin_trgm_ops)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_award_name_folded_trgm")
    op.execute("DROP FUNCTION IF EXISTS immutable_unaccent(text)")
