"""issue 12: stall figures kept as a snapshot

Revision ID: f12b00000001
Revises: e12a00000001
Create Date: 2026-11-29 23:50:00

"""

from alembic import op
import sqlalchemy as sa


revision = "f12b00000001"
down_revision = "e12a00000001"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
