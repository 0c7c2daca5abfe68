"""Row locks for the rules that must hold across web workers (PostgreSQL `SELECT … FOR UPDATE`).

Optimistic versions catch two writers of one row; these cover what a version cannot: the next
number of a joint meeting's series (meetings, minutes, bulletins) and "an item is on one open
meeting at most". The second request waits for the first to commit, then reads what it wrote.
SQLite needs none of it: a write request holds the database's one write lock from its BEGIN.
"""

from sqlalchemy import select

from meeting.charter.models import Charter
from meeting.extensions import db


def lock_joint_meeting(charter_id: int) -> None:
    """Hold joint meeting CHARTER_ID's numbering until this transaction ends."""
    lock_row(Charter, charter_id)


def lock_row(model, row_id: int) -> None:
    db.session.execute(select(model.id).where(model.id == row_id).with_for_update())
