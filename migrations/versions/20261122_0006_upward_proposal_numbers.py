"""The number and date of the province's tờ trình to the higher level: one row per dossier and
upward award form, numbered once by the văn thư in the authority's TTr register (number_counter,
register 'TTr') or recorded from the e-office system.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

import awards.models.common

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "upward_proposal_number",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("award_form_id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(length=40), nullable=False),
        sa.Column("proposal_date", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("numbered_by_id", sa.Integer(), nullable=True),
        sa.Column("numbered_dt", awards.models.common.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('register', 'e-office')", name=op.f("ck_upward_proposal_number_source")),
        sa.CheckConstraint("number > 0", name=op.f("ck_upward_proposal_number_number_positive")),
        sa.ForeignKeyConstraint(["authority_id"], ["authority.id"],
                                name=op.f("fk_upward_proposal_number_authority_id_authority")),
        sa.ForeignKeyConstraint(["award_form_id"], ["award_form.id"],
                                name=op.f("fk_upward_proposal_number_award_form_id_award_form")),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"],
                                name=op.f("fk_upward_proposal_number_dossier_id_dossier")),
        sa.ForeignKeyConstraint(["numbered_by_id"], ["user_account.id"],
                                name=op.f("fk_upward_proposal_number_numbered_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upward_proposal_number")),
        # One tờ trình per dossier and upward form, numbered once; the register's backstop.
        sa.UniqueConstraint("dossier_id", "award_form_id", name="uq_upward_proposal_number_form"),
        sa.UniqueConstraint("authority_id", "year", "number", name="uq_upward_proposal_number_number"),
    )


def downgrade() -> None:
    op.drop_table("upward_proposal_number")
