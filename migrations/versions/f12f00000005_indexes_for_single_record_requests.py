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


def upgrade():
    pass


def downgrade():
    pass
