"""issue 12: indexes for the scheduler

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
    pass


def downgrade():
    pass
