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
    # Old rows keep params NULL: they show the title they were stored with.
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('params')
