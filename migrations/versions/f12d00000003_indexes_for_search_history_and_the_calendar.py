"""issue 12: indexes for search, history and the calendar

Revision ID: f12d00000003
Revises: f12c00000002
Create Date: 2026-11-29 23:50:00

"""

from alembic import op
import sqlalchemy as sa


revision = "f12d00000003"
down_revision = "f12c00000002"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
