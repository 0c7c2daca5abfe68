"""Reading one field of a request body, for every service function: text and dates.

Each reader returns the clean value, or records a message under the field's name in ERRORS
(the caller raises InvalidInput with all of them at once).
"""

from datetime import date

from flask_babel import gettext as _


def text_field(data: dict, name: str, errors: dict, limit: int, required: bool = True) -> str:
    """DATA[NAME] as stripped text of at most LIMIT characters ("" when absent or blank)."""
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[name] = _("Required.")
        return ""
    if not isinstance(value, str):
        errors[name] = _("Must be text.")
        return ""
    if len(value.strip()) > limit:
        errors[name] = _("At most %(n)d characters.", n=limit)
    return value.strip()


def date_field(data: dict, name: str, errors: dict, hint: str | None = None) -> date | None:
    """DATA[NAME] as a date written 2026-12-31; HINT replaces the usual message."""
    try:
        return date.fromisoformat(str(data.get(name) or ""))
    except ValueError:
        errors[name] = hint or _("Give a date such as 2026-12-31.")
        return None
