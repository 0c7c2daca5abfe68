"""issue 16 (1/3): work assigned by the county government or the joint meeting; agenda cut-off before a plenary

Revision ID: a16a00000001
Revises: f2a3b4c5d6e7
Create Date: 2026-11-29 17:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a16a00000001'
down_revision = 'f2a3b4c5d6e7'
branch_labels = None
depends_on = None


SOURCES = "'unit', 'county_government', 'joint_meeting'"
SOURCE_DOCUMENT = (
    "(source = 'unit' AND source_title IS NULL AND source_number IS NULL AND source_date IS NULL)"
    " OR (source <> 'unit' AND source_title IS NOT NULL)"
)


def upgrade():
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=30), server_default='unit', nullable=False))
        batch_op.add_column(sa.Column('source_title', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('source_number', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('source_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('admitted_meeting_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_items_admitted_meeting_id_meetings'), 'meetings', ['admitted_meeting_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_items_source'), f"source IN ({SOURCES})")
        batch_op.create_check_constraint(op.f('ck_items_source_document'), SOURCE_DOCUMENT)
    # Items approved before: the agenda cut-off counts from their last approval on record.
    op.execute(
        "UPDATE items SET approved_at = (SELECT MAX(history.at) FROM history"
        " WHERE history.subject_kind = 'item' AND history.subject_id = items.id"
        " AND history.event = 'approve')"
    )


def downgrade():
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_items_source_document'), type_='check')
        batch_op.drop_constraint(op.f('ck_items_source'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_items_admitted_meeting_id_meetings'), type_='foreignkey')
        batch_op.drop_column('admitted_meeting_id')
        batch_op.drop_column('approved_at')
        batch_op.drop_column('source_date')
        batch_op.drop_column('source_number')
        batch_op.drop_column('source_title')
        batch_op.drop_column('source')
