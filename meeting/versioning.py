"""Optimistic locking and the audit trail, shared by items, meetings and tasks.

Every change checks the version the user last saw, bumps it, and writes one history row in
the same transaction. The mapper's version_id_col makes the UPDATE say WHERE version = <read>,
so two requests that read the same version cannot both write.
"""

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from meeting.accounts.models import User
from meeting.errors import InvalidInput, Stale
from meeting.extensions import db
from meeting.history import record
from meeting.timeutil import utcnow


def check_version(row, version) -> None:
    """Refuse VERSION unless it is ROW's current one: 422 when missing, 409 stale when old."""
    if version is None or version == "":
        raise InvalidInput({"version": _("Required: the version you last saw.")})
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise InvalidInput({"version": _("Must be a whole number.")}) from None
    if version != row.version:
        raise Stale(
            _("Someone else changed this since you opened it. Reload it and try again."),
            version=row.version,
        )


def save_change(kind: str, row, event: str, from_state: str | None, user: User | None,
                fields: dict) -> None:  # fmt: skip
    """Count the change in ROW's version and write its one history row; flush."""
    row.version += 1
    row.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        # Another request wrote this row between our read and our write. Inside a savepoint (a
        # batch of items) leaving its block undoes that item alone; a rollback here would undo
        # the items already done, and the batch would still report them done.
        message = _("Someone else changed this meanwhile; reload it.")
        if db.session().in_nested_transaction():
            raise Stale(message) from None  # the savepoint is closed: the row cannot be read
        db.session.rollback()
        raise Stale(message, version=row.version) from None
    record(kind, row.id, event, from_state, row.state, user, fields, charter_id=row.charter_id)
