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

TITLE_LENGTH = 100


def _title_of(description):
    """The first non-blank line of DESCRIPTION, cut to the column (meeting.tasks.titles does the
    same for API clients that send no title)."""
    lines = [line.strip() for line in (description or "").splitlines() if line.strip()]
    first = lines[0] if lines else "—"
    return first if len(first) <= TITLE_LENGTH else first[:TITLE_LENGTH - 1] + "…"


def upgrade():
    # Tasks get a title of their own; tasks assigned before take their description's first line.
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=TITLE_LENGTH), nullable=True))
    tasks = sa.table('tasks', sa.column('id', sa.Integer), sa.column('description', sa.Text),
                     sa.column('title', sa.String))
    connection = op.get_bind()
    for task_id, description in connection.execute(sa.select(tasks.c.id, tasks.c.description)).all():
        connection.execute(tasks.update().where(tasks.c.id == task_id)
                           .values(title=_title_of(description)))
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.alter_column('title', existing_type=sa.String(length=TITLE_LENGTH), nullable=False)

    # A responsible unit's progress report is its part (配合单位报送的承担部分): a kind of its own,
    # so that the lead unit's reporting rhythm counts only the lead unit's reports.
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_progress_reports_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_progress_reports_kind'),
                                         "kind IN ('progress', 'part', 'completion')")
    op.execute(
        "UPDATE progress_reports SET kind = 'part' WHERE kind = 'progress' AND unit_id <> "
        "(SELECT tasks.lead_unit_id FROM tasks WHERE tasks.id = progress_reports.task_id)"
    )


def downgrade():
    op.execute("UPDATE progress_reports SET kind = 'progress' WHERE kind = 'part'")
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_progress_reports_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_progress_reports_kind'),
                                         "kind IN ('progress', 'completion')")
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_column('title')
