"""joint meetings: departments, seats, charter_id on every record

A database that ran one joint meeting comes across with nothing lost: each unit's department
is made from its code and name, each user's role and unit become a seat in that joint meeting
(an administrator's a county-wide one), and every item, meeting, task, bulletin, delegation,
notification and history row is marked as that joint meeting's. Reminder keys that named no
joint meeting (the plenary's and the bulletin's) gain its id, so nothing is sent twice.

Revision ID: aebf6b16d5a8
Revises: 5e55104a11b1
Create Date: 2026-11-29 13:24:25.248272

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'aebf6b16d5a8'
down_revision = '5e55104a11b1'
branch_labels = None
depends_on = None


# The one joint meeting a database ran before this revision.
THE_CHARTER = "(SELECT MIN(id) FROM charters)"


def upgrade():
    op.create_table('departments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_departments')),
    sa.UniqueConstraint('code', name=op.f('uq_departments_code'))
    )
    op.create_table('seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('charter_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(role = 'admin') = (charter_id IS NULL)", name=op.f('ck_seats_admin_county_wide')),
    sa.CheckConstraint("role IN ('general_convener', 'convener', 'office', 'liaison', 'observer', 'admin')", name=op.f('ck_seats_role')),
    sa.CheckConstraint("role NOT IN ('liaison') OR unit_id IS NOT NULL", name=op.f('ck_seats_liaison_has_unit')),
    sa.ForeignKeyConstraint(['charter_id'], ['charters.id'], name=op.f('fk_seats_charter_id_charters')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_seats_unit_id_units')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_seats_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seats')),
    sa.UniqueConstraint('user_id', 'charter_id', name='uq_seats_user_charter')
    )
    with op.batch_alter_table('seats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seats_charter_id'), ['charter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seats_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seats_user_id'), ['user_id'], unique=False)

    # Departments from the units; each unit becomes its department's membership.
    op.execute("INSERT INTO departments (code, name) SELECT code, MIN(name) FROM units GROUP BY code")
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
    op.execute("UPDATE units SET department_id = (SELECT d.id FROM departments d WHERE d.code = units.code)")
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.alter_column('department_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_units_department_id'), ['department_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_units_department_id_departments'), 'departments', ['department_id'], ['id'])

    # Roles become seats: in the one joint meeting, or county-wide for an administrator.
    # Without a charter a role other than admin has no joint meeting to go to: refuse rather
    # than lose it.
    connection = op.get_bind()
    stranded = connection.execute(sa.text(
        "SELECT COUNT(*) FROM users WHERE role <> 'admin' AND NOT EXISTS (SELECT 1 FROM charters)"
    )).scalar()
    if stranded:
        raise RuntimeError(
            f"{stranded} user(s) hold a joint meeting role but no charter is loaded: load the "
            "charter with the previous version (`flask charter load`), then upgrade again"
        )
    op.execute(
        "INSERT INTO seats (user_id, charter_id, role, unit_id) "
        f"SELECT id, CASE WHEN role = 'admin' THEN NULL ELSE {THE_CHARTER} END, role, unit_id "
        "FROM users WHERE role = 'admin' OR EXISTS (SELECT 1 FROM charters)"
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(
        "UPDATE users SET department_id = "
        "(SELECT u.department_id FROM units u WHERE u.id = users.unit_id)"
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_liaison_has_unit'), type_='check')
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_users_unit_id_units'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_users_department_id_departments'), 'departments', ['department_id'], ['id'])
        batch_op.drop_column('unit_id')
        batch_op.drop_column('role')

    with op.batch_alter_table('charters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(), nullable=True))

    # Every record belongs to the one joint meeting.
    for table in ('bulletins', 'delegations', 'items', 'meetings', 'tasks'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('charter_id', sa.Integer(), nullable=True))
        op.execute(f"UPDATE {table} SET charter_id = {THE_CHARTER}")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('charter_id', existing_type=sa.Integer(), nullable=False)
            batch_op.create_index(batch_op.f(f'ix_{table}_charter_id'), ['charter_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_charter_id_charters'), 'charters', ['charter_id'], ['id'])
    for table in ('history', 'notifications'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('charter_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_charter_id'), ['charter_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_charter_id_charters'), 'charters', ['charter_id'], ['id'])
        op.execute(f"UPDATE {table} SET charter_id = {THE_CHARTER}")

    # Numbers are per joint meeting.
    with op.batch_alter_table('bulletins', schema=None) as batch_op:
        batch_op.drop_constraint('uq_bulletins_year_number', type_='unique')
        batch_op.create_unique_constraint('uq_bulletins_year_number', ['charter_id', 'year', 'number'])
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint('uq_meetings_kind_year_number', type_='unique')
        batch_op.create_unique_constraint('uq_meetings_kind_year_number', ['charter_id', 'kind', 'year', 'number'])
        batch_op.drop_constraint('uq_meetings_minutes_number', type_='unique')
        batch_op.create_unique_constraint('uq_meetings_minutes_number', ['charter_id', 'minutes_year', 'minutes_number'])

    # Reminder keys of the joint meeting as a whole name it now (see meeting.scheduler.checks).
    op.execute(
        f"UPDATE reminders SET subject = 'plenary:' || {THE_CHARTER} || ':' || SUBSTR(subject, 9) "
        "WHERE subject LIKE 'plenary:%'"
    )
    op.execute(f"UPDATE reminders SET subject = 'bulletin:' || {THE_CHARTER} WHERE subject = 'bulletin'")


def downgrade():
    """Back to one joint meeting per database: each user keeps their first seat's role."""
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.VARCHAR(length=30), nullable=True))
        batch_op.add_column(sa.Column('unit_id', sa.INTEGER(), nullable=True))
    first_seat = "(SELECT MIN(s.id) FROM seats s WHERE s.user_id = users.id)"
    op.execute(f"UPDATE users SET role = COALESCE((SELECT role FROM seats WHERE id = {first_seat}), 'observer')")
    op.execute(f"UPDATE users SET unit_id = (SELECT unit_id FROM seats WHERE id = {first_seat})")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('role', existing_type=sa.VARCHAR(length=30), nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_users_department_id_departments'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_users_unit_id_units'), 'units', ['unit_id'], ['id'])
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('department_id')
        batch_op.create_check_constraint('role', "role IN ('general_convener', 'convener', 'office', 'liaison', 'observer', 'admin')")
        batch_op.create_check_constraint('liaison_has_unit', "role NOT IN ('liaison') OR unit_id IS NOT NULL")
    # Reminder keys as the single-joint-meeting scheduler wrote them.
    op.execute("UPDATE reminders SET subject = 'bulletin' WHERE subject LIKE 'bulletin:%'")
    op.execute(
        "UPDATE reminders SET subject = 'plenary:' || SUBSTR(subject, LENGTH(subject) - 3) "
        "WHERE subject LIKE 'plenary:%:%'"
    )

    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_units_department_id_departments'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_units_department_id'))
        batch_op.drop_column('department_id')

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tasks_charter_id_charters'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_tasks_charter_id'))
        batch_op.drop_column('charter_id')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_charter_id_charters'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notifications_charter_id'))
        batch_op.drop_column('charter_id')

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meetings_charter_id_charters'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_meetings_charter_id'))
        batch_op.drop_constraint('uq_meetings_minutes_number', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_meetings_minutes_number'), ['minutes_year', 'minutes_number'])
        batch_op.drop_constraint('uq_meetings_kind_year_number', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_meetings_kind_year_number'), ['kind', 'year', 'number'])
        batch_op.drop_column('charter_id')

    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_items_charter_id_charters'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_items_charter_id'))
        batch_op.drop_column('charter_id')

    with op.batch_alter_table('history', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_history_charter_id_charters'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_history_charter_id'))
        batch_op.drop_column('charter_id')

    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_delegations_charter_id_charters'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_delegations_charter_id'))
        batch_op.drop_column('charter_id')

    with op.batch_alter_table('charters', schema=None) as batch_op:
        batch_op.drop_column('archived_at')

    with op.batch_alter_table('bulletins', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_bulletins_charter_id_charters'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_bulletins_charter_id'))
        batch_op.drop_constraint('uq_bulletins_year_number', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_bulletins_year_number'), ['year', 'number'])
        batch_op.drop_column('charter_id')

    with op.batch_alter_table('seats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seats_user_id'))
        batch_op.drop_index(batch_op.f('ix_seats_unit_id'))
        batch_op.drop_index(batch_op.f('ix_seats_charter_id'))

    op.drop_table('seats')
    op.drop_table('departments')
