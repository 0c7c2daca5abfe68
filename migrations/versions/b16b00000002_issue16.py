"""issue 16 (2/3): units' written opinions before a meeting (征求意见) and co-signature (会签)

Revision ID: b16b00000002
Revises: a16a00000001
Create Date: 2026-11-29 17:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b16b00000002'
down_revision = 'a16a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('opinion_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('charter_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('(closed_at IS NULL) = (closed_by_id IS NULL)', name=op.f('ck_opinion_rounds_closed_by_whom')),
    sa.ForeignKeyConstraint(['charter_id'], ['charters.id'], name=op.f('fk_opinion_rounds_charter_id_charters')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_opinion_rounds_closed_by_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_opinion_rounds_item_id_items')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_opinion_rounds_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opinion_rounds'))
    )
    with op.batch_alter_table('opinion_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opinion_rounds_charter_id'), ['charter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_opinion_rounds_item_id'), ['item_id'], unique=False)

    op.create_table('opinions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=30), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("answer IS NULL OR answer IN ('agree', 'agree_with_changes', 'disagree')", name=op.f('ck_opinions_answer')),
    sa.CheckConstraint('(answer IS NULL) = (answered_at IS NULL) AND (answer IS NULL) = (answered_by_id IS NULL)', name=op.f('ck_opinions_answered_by_whom')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_opinions_answered_by_id_users')),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_opinions_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['round_id'], ['opinion_rounds.id'], name=op.f('fk_opinions_round_id_opinion_rounds')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_opinions_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opinions')),
    sa.UniqueConstraint('round_id', 'unit_id', name=op.f('uq_opinions_round_id'))
    )
    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opinions_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_opinions_unit_id'), ['unit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opinions_unit_id'))
        batch_op.drop_index(batch_op.f('ix_opinions_round_id'))
    op.drop_table('opinions')
    with op.batch_alter_table('opinion_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opinion_rounds_item_id'))
        batch_op.drop_index(batch_op.f('ix_opinion_rounds_charter_id'))
    op.drop_table('opinion_rounds')
