"""The data generation row (the page cache's key, see awards/pagecache.py) and a covering index
for the quota count.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_generation",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("epoch", sa.String(length=32), nullable=False),
        sa.Column("counter", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_data_generation_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_generation")),
    )
    op.create_index("ix_nominee_dossier_form", "nominee", ["dossier_id", "award_form_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_nominee_dossier_form", table_name="nominee")
    op.drop_table("data_generation")
