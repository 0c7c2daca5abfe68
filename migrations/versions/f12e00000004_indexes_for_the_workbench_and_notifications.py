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


def upgrade():
    pass


def downgrade():
    pass
