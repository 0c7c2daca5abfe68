"""issue 12: indexes for search, history and the calendar

Revision ID: f12d00000003
Revises: f12c00000002
Create Date: 2026-11-29 23:50:00

"""

revision = "f12d00000003"
down_revision = "f12c00000002"
branch_labels = None
depends_on = None


def upgrade():
    # None needed: the indexes already there serve them. Search pages walk
    # ix_items_charter_updated, ix_tasks_charter_deadline and ix_meetings_starts_at; the audit
    # history looks its kinds up in ix_history_subject / ix_history_charter_latest; the
    # calendar reads ix_meetings_starts_at. Kept in the chain as a no-op.
    pass


def downgrade():
    pass
