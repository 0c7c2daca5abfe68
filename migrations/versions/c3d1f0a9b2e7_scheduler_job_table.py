"""the scheduler's job table, made here: two schedulers starting at once on a fresh database
would otherwise both try to create it

Revision ID: c3d1f0a9b2e7
Revises: 8c495221cab1
Create Date: 2026-11-29 14:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c3d1f0a9b2e7'
down_revision = '8c495221cab1'
branch_labels = None
depends_on = None


def upgrade():
    # APScheduler 3's SQLAlchemyJobStore table, as it would create it (it checks first).
    bind = op.get_bind()
    if sa.inspect(bind).has_table('apscheduler_jobs'):
        return
    op.create_table('apscheduler_jobs',
    sa.Column('id', sa.Unicode(length=191), nullable=False),
    sa.Column('next_run_time', sa.Float(precision=25), nullable=True),
    sa.Column('job_state', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name='apscheduler_jobs_pkey')
    )
    op.create_index('ix_apscheduler_jobs_next_run_time', 'apscheduler_jobs', ['next_run_time'], unique=False)


def downgrade():
    # The job store recreates it when a scheduler starts; its jobs are defined at each start.
    op.execute("DROP TABLE IF EXISTS apscheduler_jobs")
