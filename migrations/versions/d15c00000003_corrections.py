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
    # 催签: when a unit was last reminded to sign for published minutes (once a day at most).
    # Corrections of decisions need no column: they are events in the history.
    with op.batch_alter_table('minutes_receipts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('minutes_receipts', schema=None) as batch_op:
        batch_op.drop_column('reminded_at')
