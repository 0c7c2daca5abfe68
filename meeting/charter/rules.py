"""The current charter's rules of procedure, as one request sees them."""

from flask import g

from meeting.charter.models import Charter


def rules() -> dict:
    """The charter's rules of procedure, read once per request (lists ask for them per row)."""
    if "charter_rules" not in g:
        charter = Charter.current()
        g.charter_rules = charter.rules if charter else {}
    return g.charter_rules
