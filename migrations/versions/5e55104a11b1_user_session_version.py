"""users.session_version: signing out or changing the password ends every other session

Revision ID: 5e55104a11b1
Revises: 284da392f42b
Create Date: 2026-11-29 12:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5e55104a11b1'
down_revision = '284da392f42b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
