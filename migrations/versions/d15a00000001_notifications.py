"""issue 15 (1/3): notifications stored as a kind and parameters

Revision ID: d15a00000001
Revises: c16c00000003
Create Date: 2026-11-29 20:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd15a00000001'
down_revision = 'c16c00000003'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
