"""issue 12: indexes for single-record requests

Revision ID: f12f00000005
Revises: f12e00000004
Create Date: 2026-11-29 23:50:00

"""

from alembic import op
import sqlalchemy as sa


revision = "f12f00000005"
down_revision = "f12e00000004"
branch_labels = None
depends_on = None

SUBMITTED = sa.text("submitted_at IS NOT NULL")


def upgrade():
    # The API's `total` of items counts the submitted ones from this small index alone
    # (meeting.api.items.visible_count).
    op.create_index("ix_items_submitted", "items", ["charter_id"], unique=False,
                    postgresql_where=SUBMITTED, sqlite_where=SUBMITTED)  # fmt: skip


def downgrade():
    op.drop_index("ix_items_submitted", table_name="items")
