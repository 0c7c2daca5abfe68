"""issue 16 (3/3): tasks' reporting rhythm

Revision ID: c16c00000003
Revises: b16b00000002
Create Date: 2026-11-29 17:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c16c00000003'
down_revision = 'b16b00000002'
branch_labels = None
depends_on = None


def upgrade():
    # 二(三), 三(三): each task's reporting rhythm (workflows.rhythm). Tasks assigned before have
    # none (NULL): nothing is chased for them until the office gives them one.
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rhythm', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('rhythm_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rhythm_dates', sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column('rhythm_since', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('rhythm_missed_before', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(op.f('ck_tasks_rhythm'), "rhythm IN ('every_days', 'monthly', 'dates')")
        batch_op.create_check_constraint(op.f('ck_tasks_rhythm_days'), "(rhythm_days IS NOT NULL) = (COALESCE(rhythm, '') = 'every_days')")
        batch_op.create_check_constraint(op.f('ck_tasks_rhythm_dates'), "(rhythm_dates IS NOT NULL) = (COALESCE(rhythm, '') = 'dates')")
        batch_op.create_check_constraint(op.f('ck_tasks_rhythm_since'), "(rhythm_since IS NULL) = (rhythm IS NULL)")
        batch_op.create_check_constraint(op.f('ck_tasks_rhythm_missed_before'), "rhythm_missed_before >= 0")


def downgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_tasks_rhythm_missed_before'), type_='check')
        batch_op.drop_constraint(op.f('ck_tasks_rhythm_since'), type_='check')
        batch_op.drop_constraint(op.f('ck_tasks_rhythm_dates'), type_='check')
        batch_op.drop_constraint(op.f('ck_tasks_rhythm_days'), type_='check')
        batch_op.drop_constraint(op.f('ck_tasks_rhythm'), type_='check')
        batch_op.drop_column('rhythm_missed_before')
        batch_op.drop_column('rhythm_since')
        batch_op.drop_column('rhythm_dates')
        batch_op.drop_column('rhythm_days')
        batch_op.drop_column('rhythm')
