"""issue 12: the scheduler looks within a window after the day's first tick: when it last
looked at each joint meeting, and tasks by their last change

Revision ID: f12c00000002
Revises: f12b00000001
Create Date: 2026-11-29 23:50:00

"""

from alembic import op
import sqlalchemy as sa


revision = "f12c00000002"
down_revision = "f12b00000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scheduler_sweeps",
        sa.Column("charter_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.DateTime(), nullable=False),
        sa.Column("ran_at", sa.DateTime(), nullable=False),
        sa.Column("full_on", sa.Date(), nullable=False),
        sa.Column("rules_digest", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["charter_id"], ["charters.id"],
                                name=op.f("fk_scheduler_sweeps_charter_id_charters")),
        sa.PrimaryKeyConstraint("charter_id", name=op.f("pk_scheduler_sweeps")),
    )
    op.create_index("ix_tasks_updated", "tasks", ["updated_at"], unique=False)


def downgrade():
    op.drop_index("ix_tasks_updated", table_name="tasks")
    op.drop_table("scheduler_sweeps")
