"""official documents: minutes signed off before publishing (签发), attendance on leave (请假)
and sitting in (列席), units' replies to the meeting notice (参会回执)

Revision ID: e1f2a3b4c5d6
Revises: c3d1f0a9b2e7
Create Date: 2026-11-29 17:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e1f2a3b4c5d6'
down_revision = 'c3d1f0a9b2e7'
branch_labels = None
depends_on = None

OLD_STATES = "'planned', 'convened', 'in_session', 'held', 'minutes_published', 'cancelled'"
NEW_STATES = ("'planned', 'convened', 'in_session', 'held', 'minutes_signed', "
              "'minutes_published', 'cancelled'")


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('minutes_signed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('minutes_signed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('sitting_in', sa.Text(), server_default='', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_meetings_minutes_signed_by_id_users'), 'users', ['minutes_signed_by_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_meetings_state'), type_='check')
        batch_op.create_check_constraint(op.f('ck_meetings_state'), f"state IN ({NEW_STATES})")
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attendance_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attendance_status'), "status IN ('present', 'absent', 'deputy', 'leave')")

    op.create_table('attendance_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('attending', sa.Boolean(), nullable=False),
    sa.Column('attendee', sa.String(length=50), nullable=False),
    sa.Column('post', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('replied_by_id', sa.Integer(), nullable=False),
    sa.Column('replied_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("NOT attending OR attendee != ''", name=op.f('ck_attendance_replies_attendee_named')),
    sa.CheckConstraint("attending OR reason != ''", name=op.f('ck_attendance_replies_reason_when_absent')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_attendance_replies_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['replied_by_id'], ['users.id'], name=op.f('fk_attendance_replies_replied_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_attendance_replies_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_replies')),
    sa.UniqueConstraint('meeting_id', 'unit_id', name=op.f('uq_attendance_replies_meeting_id'))
    )
    with op.batch_alter_table('attendance_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_replies_meeting_id'), ['meeting_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attendance_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_replies_meeting_id'))
    op.drop_table('attendance_replies')
    op.execute("DELETE FROM attendance WHERE status = 'leave'")
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attendance_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_attendance_status'), "status IN ('present', 'absent', 'deputy')")
    op.execute("UPDATE meetings SET state = 'held' WHERE state = 'minutes_signed'")
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_meetings_state'), type_='check')
        batch_op.create_check_constraint(op.f('ck_meetings_state'), f"state IN ({OLD_STATES})")
        batch_op.drop_constraint(batch_op.f('fk_meetings_minutes_signed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('sitting_in')
        batch_op.drop_column('minutes_signed_at')
        batch_op.drop_column('minutes_signed_by_id')
