"""issue 12: indexes for the workbench and notifications

Revision ID: f12e00000004
Revises: f12d00000003
Create Date: 2026-11-29 23:50:00

"""

from alembic import op
import sqlalchemy as sa


revision = "f12e00000004"
down_revision = "f12d00000003"
branch_labels = None
depends_on = None

# The workbench's task figures (by lead unit, the overdue trend) read only this index.
TASK_FIGURES = ["charter_id", "lead_unit_id", "state", "deadline", "completed_at", "assigned_at"]
# The review queue's index, widened by what decides who sees an item (items.queries): the
# workbench's items by state are then counted from the index alone.
QUEUE = ["charter_id", "state", "submitted_at"]
ITEM_FIGURES = [*QUEUE, "source", "unit_id"]


def upgrade():
    # A person's notification kinds one lookup each, and their exact count index-only.
    op.create_index(
        "ix_notifications_user_kind", "notifications", ["user_id", "kind", "charter_id"]
    )
    op.create_index("ix_tasks_charter_figures", "tasks", TASK_FIGURES)
    op.drop_index("ix_items_charter_state_submitted", table_name="items")
    op.create_index("ix_items_charter_state_submitted", "items", ITEM_FIGURES)


def downgrade():
    op.drop_index("ix_items_charter_state_submitted", table_name="items")
    op.create_index("ix_items_charter_state_submitted", "items", QUEUE)
    op.drop_index("ix_tasks_charter_figures", table_name="tasks")
    op.drop_index("ix_notifications_user_kind", table_name="notifications")
