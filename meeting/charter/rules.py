"""A joint meeting's rules of procedure, as one request sees them."""

from flask import g, has_request_context

from meeting.charter.models import Charter
from meeting.extensions import db


def rules(charter_id: int | None = None) -> dict:
    """The rules of joint meeting CHARTER_ID (default: the current one), read once per
    request (lists ask for them per row)."""
    if charter_id is None:
        current = Charter.current()
        charter_id = current.id if current else None
    if charter_id is None:
        return {}
    if not has_request_context():
        charter = db.session.get(Charter, charter_id)
        return charter.rules if charter else {}
    cache = g.setdefault("charter_rules", {})
    if charter_id not in cache:
        charter = db.session.get(Charter, charter_id)
        cache[charter_id] = charter.rules if charter else {}
    return cache[charter_id]
