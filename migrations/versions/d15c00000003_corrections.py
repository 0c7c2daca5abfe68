"""issue 15 (3/3): corrections of decisions

Revision ID: d15c00000003
Revises: d15b00000002
Create Date: 2026-11-29 20:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd15c00000003'
down_revision = 'd15b00000002'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
