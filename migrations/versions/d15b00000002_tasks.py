"""issue 15 (2/3): task titles and responsible units' parts

Revision ID: d15b00000002
Revises: d15a00000001
Create Date: 2026-11-29 20:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd15b00000002'
down_revision = 'd15a00000001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
