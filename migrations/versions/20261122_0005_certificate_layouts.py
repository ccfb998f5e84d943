"""Certificate layouts on pre-printed blanks: per award form, dated, one row per printed field
(position and width in mm, font size, alignment) and the blank's paper size and orientation.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

import awards.models.common

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FIELDS = ("recipient", "recipient_detail", "achievement", "decision_line", "serial", "verification_code", "qr",
          "place_date", "signer_title", "signer_name")


def upgrade() -> None:
    op.create_table(
        "certificate_layout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_form_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("page_size", sa.String(length=8), nullable=False),
        sa.Column("orientation", sa.String(length=12), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_dt", awards.models.common.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("orientation IN ('landscape', 'portrait')", name=op.f("ck_certificate_layout_orientation")),
        sa.CheckConstraint("page_size IN ('A4', 'A3')", name=op.f("ck_certificate_layout_page_size")),
        sa.ForeignKeyConstraint(["award_form_id"], ["award_form.id"],
                                name=op.f("fk_certificate_layout_award_form_id_award_form"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"],
                                name=op.f("fk_certificate_layout_updated_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_layout")),
        sa.UniqueConstraint("award_form_id", "valid_from", name="uq_certificate_layout_form_date"),
    )
    op.create_table(
        "certificate_layout_field",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("layout_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("printed", sa.Boolean(), nullable=False),
        sa.Column("x_mm", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column("y_mm", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column("width_mm", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column("font_size_pt", sa.Numeric(precision=4, scale=1), nullable=True),
        sa.Column("align", sa.String(length=8), nullable=True),
        sa.CheckConstraint("align IS NULL OR align IN ('left', 'center', 'right')",
                           name=op.f("ck_certificate_layout_field_align")),
        sa.CheckConstraint("field = 'qr' OR (font_size_pt IS NOT NULL AND align IS NOT NULL)",
                           name=op.f("ck_certificate_layout_field_text_style")),
        sa.CheckConstraint("field IN (" + ", ".join(f"'{f}'" for f in FIELDS) + ")",
                           name=op.f("ck_certificate_layout_field_field")),
        sa.CheckConstraint("font_size_pt IS NULL OR font_size_pt > 0",
                           name=op.f("ck_certificate_layout_field_font_size")),
        sa.CheckConstraint("x_mm >= 0 AND y_mm >= 0 AND width_mm > 0",
                           name=op.f("ck_certificate_layout_field_geometry")),
        sa.ForeignKeyConstraint(["layout_id"], ["certificate_layout.id"],
                                name=op.f("fk_certificate_layout_field_layout_id_certificate_layout"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_layout_field")),
        sa.UniqueConstraint("layout_id", "field", name="uq_certificate_layout_field"),
    )


def downgrade() -> None:
    op.drop_table("certificate_layout_field")
    op.drop_table("certificate_layout")
