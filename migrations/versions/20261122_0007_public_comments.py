"""Comments from the public on the lists posted for comment (công khai lấy ý kiến) before the
province proposes its nominees upward: one row per comment, with its time and client address.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

import awards.models.common

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "public_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("nominee_id", sa.Integer(), nullable=True),
        sa.Column("commenter_name", sa.String(length=120), nullable=False),
        sa.Column("contact", sa.String(length=120), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_dt", awards.models.common.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.CheckConstraint("length(body) <= 2000", name=op.f("ck_public_comment_body_length")),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"], name=op.f("fk_public_comment_dossier_id_dossier"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["nominee_id"], ["nominee.id"], name=op.f("fk_public_comment_nominee_id_nominee"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_comment")),
    )
    op.create_index(op.f("ix_public_comment_dossier_id"), "public_comment", ["dossier_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_public_comment_dossier_id"), table_name="public_comment")
    op.drop_table("public_comment")
