"""issue 12: indexes that let lists stop after a page; tasks' rhythm checked once a day

Revision ID: e12a00000001
Revises: d15c00000003
Create Date: 2026-11-29 20:50:00

"""

from alembic import op
import sqlalchemy as sa


revision = "e12a00000001"
down_revision = "d15c00000003"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_items_charter_updated", "items", ["charter_id", "updated_at", "id"]),
    ("ix_items_charter_state_submitted", "items", ["charter_id", "state", "submitted_at"]),
    ("ix_items_charter_state_approved", "items", ["charter_id", "state", "approved_at"]),
    ("ix_items_charter_title", "items", ["charter_id", "title"]),
    ("ix_items_charter_source_state", "items", ["charter_id", "source", "state"]),
    ("ix_items_visible", "items", ["charter_id", "submitted_at", "source", "unit_id"]),
    ("ix_items_charter_created", "items", ["charter_id", "created_at", "id"]),
    ("ix_tasks_charter_deadline", "tasks", ["charter_id", "deadline", "id"]),
    ("ix_tasks_charter_state_deadline", "tasks", ["charter_id", "state", "deadline"]),
    ("ix_tasks_charter_extension", "tasks", ["charter_id", "extension_date"]),
    ("ix_history_charter_latest", "history", ["charter_id", "subject_kind", "id"]),
    ("ix_notifications_user_latest", "notifications", ["user_id", "created_at", "id"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    # The scheduler looks at a task's reporting rhythm once a day (meeting.scheduler.rhythm).
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rhythm_checked_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("rhythm_checked_on")
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
