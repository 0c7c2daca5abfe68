"""annual work reports 年度工作报告: one per joint meeting and year, drafted, edited, issued

Revision ID: f2a3b4c5d6e7
Revises: e1f2a3b4c5d6
Create Date: 2026-11-29 18:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f2a3b4c5d6e7"
down_revision = "e1f2a3b4c5d6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "annual_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=True),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("charter_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(state = 'issued') = (issued_at IS NOT NULL AND issued_by_id IS NOT NULL)",
            name=op.f("ck_annual_reports_issued_when_issued"),
        ),
        sa.CheckConstraint("state IN ('draft', 'issued')", name=op.f("ck_annual_reports_state")),
        sa.ForeignKeyConstraint(
            ["charter_id"], ["charters.id"], name=op.f("fk_annual_reports_charter_id_charters")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_annual_reports_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["users.id"], name=op.f("fk_annual_reports_issued_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annual_reports")),
        sa.UniqueConstraint("charter_id", "year", name="uq_annual_reports_year"),
    )
    with op.batch_alter_table("annual_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_annual_reports_charter_id"), ["charter_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("annual_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_annual_reports_charter_id"))
    op.drop_table("annual_reports")
