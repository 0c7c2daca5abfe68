"""issue 12: stall figures kept as a snapshot

Revision ID: f12b00000001
Revises: e12a00000001
Create Date: 2026-11-29 23:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f12b00000001"
down_revision = "e12a00000001"
branch_labels = None
depends_on = None


def upgrade():
    # Where items and tasks stall, computed in SQL now and then (meeting.analytics.stalls):
    # pages read these few rows instead of going through every history row.
    op.create_table(
        "stall_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("workflow", sa.String(length=20), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("subjects", sa.Integer(), nullable=False),
        sa.Column("current", sa.Integer(), nullable=False),
        sa.Column("median_days", sa.Float(), nullable=True),
        sa.Column("p90_days", sa.Float(), nullable=True),
        sa.Column("charter_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["charter_id"], ["charters.id"], name=op.f("fk_stall_figures_charter_id_charters")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_stall_figures_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stall_figures")),
    )
    op.create_index(
        op.f("ix_stall_figures_charter_id"), "stall_figures", ["charter_id"], unique=False
    )


def downgrade():
    op.drop_index("ix_stall_figures_charter_id", table_name="stall_figures")
    op.drop_table("stall_figures")
