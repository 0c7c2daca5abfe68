"""Field types of the contract: one definition per kind of value, with its limits.

Each carries its JSON Schema, so what the OpenAPI document promises is what is checked.
"""

import re
from datetime import UTC, date, datetime
from typing import Annotated

from flask import g, has_app_context
from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema

from meeting.timeutil import COUNTY_TZ, iso
from workflows.i18n import N_

# Ids and versions fit PostgreSQL's integer column.
MAX_INT = 2**31 - 1


def _integral(value):
    """JSON Schema counts 3.0 as an integer: take it as 3 (3.5 stays a float, and is refused)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def whole(**limits):
    """A whole number within LIMITS (ge, le, description)."""
    return Annotated[int, Field(**limits), BeforeValidator(_integral)]


RowId = whole(ge=1, le=MAX_INT)
Version = whole(ge=1, le=MAX_INT, description="The version the caller last saw")


# What JSON Schema's (ECMAScript's) \s matches: the blanks stripped from text, so that "has a
# non-blank character" means the same to a client's validator and to ours.
BLANKS = " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def _strip(value: str) -> str:
    return value.strip(BLANKS)


def storable(value: str) -> bool:
    """Whether a database keeps VALUE as sent: no NUL (PostgreSQL refuses it), no lone
    surrogate (not UTF-8)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _storable(value: str) -> str:
    if not storable(value):
        raise ValueError(_("Must be text."))
    return value


# "A character that is not blank", spelled out: engines disagree on what \S excludes (U+0085).
NOT_BLANK = "[^" + BLANKS.replace("\t", r"\t").replace("\n", r"\n").replace("\v", r"\v").replace(
    "\f", r"\f").replace("\r", r"\r") + "]"  # fmt: skip


NO_NUL = r"[^\x00]*"


def text(limit: int, required: bool = True):
    """Text of at most LIMIT characters, stripped; required text has a non-blank character."""
    pattern = f"^{NO_NUL}{NOT_BLANK[:-1]}\\x00]{NO_NUL}$" if required else f"^{NO_NUL}$"
    return Annotated[
        str,
        StringConstraints(max_length=limit, pattern=pattern),
        AfterValidator(_storable),
        AfterValidator(_strip),
    ]


Title = text(200)
Note = text(5000)  # a comment, reason, opinion or resolution on an agenda item
LongNote = text(10000)  # a task's progress, report, message or reason


class Known:
    """A value one of a list the database holds (the member units' codes, the conveners'
    usernames): the document lists them as an enum, and input is held to the same list."""

    def __init__(self, name: str, values, message: str, listed: bool = True):
        # LISTED: whether the document shows the values (people's usernames it does not).
        self.name, self.values, self.message, self.listed = name, values, message, listed

    def current(self) -> list[str] | None:
        """The allowed values, read once per request; None outside the app (no check)."""
        if not has_app_context():
            return None
        cache = g.setdefault("known_values", {})
        if self.name not in cache:
            cache[self.name] = self.values()
        return cache[self.name]

    def __call__(self, value: str) -> str:
        allowed = self.current()
        if allowed is not None and value not in allowed:
            raise ValueError(_(self.message))
        return value

    def __get_pydantic_json_schema__(self, core_schema, handler):
        schema = handler(core_schema)
        if self.listed and (allowed := self.current()) is not None:
            schema["enum"] = allowed
        return schema


def _unit_codes() -> list[str]:
    """Member units' codes of the joint meetings the caller sees (the current one first)."""
    from sqlalchemy import select

    from meeting.charter.models import Charter, Unit
    from meeting.extensions import db

    current = Charter.current()
    query = (
        select(Unit.code)
        .where(Unit.active)
        .order_by(
            Unit.charter_id != (current.id if current else None), Unit.charter_id, Unit.position
        )
    )
    return list(dict.fromkeys(db.session.scalars(query)))


def _joint_meeting_codes() -> list[str]:
    from sqlalchemy import select

    from meeting.charter.models import Charter
    from meeting.extensions import db

    return list(db.session.scalars(select(Charter.code).order_by(Charter.id)))


def _requesters() -> list[str]:
    from sqlalchemy import select

    from meeting.accounts.models import Seat, User
    from meeting.extensions import db
    from workflows.meeting import REQUESTERS

    query = (
        select(User.username)
        .join(Seat, Seat.user_id == User.id)
        .where(Seat.role.in_(REQUESTERS), User.active)
        .order_by(User.id)
    )
    return list(dict.fromkeys(db.session.scalars(query)))


_UNITS = Known("units", _unit_codes, N_("Unknown unit."))
_REQUESTERS = Known("requesters", _requesters, N_("Name the convener who asked for this meeting."),
                    listed=False)  # fmt: skip
# Joint meetings' codes are not listed: the document is public.
_JOINT_MEETINGS = Known("joint_meetings", _joint_meeting_codes, N_("Unknown joint meeting."),
                        listed=False)  # fmt: skip
JointMeetingCode = Annotated[
    str, StringConstraints(min_length=1, max_length=64), AfterValidator(_JOINT_MEETINGS)
]
UnitCode = Annotated[
    str, StringConstraints(min_length=1, max_length=64), AfterValidator(_UNITS), _UNITS
]

# A new account's sign-in name: no spaces.
AccountName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[^\s\x00]+$"),
    AfterValidator(_storable),
]

Username = Annotated[
    str,
    StringConstraints(min_length=1, max_length=80, pattern=f"^{NO_NUL}$"),
    AfterValidator(_storable),
]
# Not listed in the (public) document: usernames are people's sign-in names.
Requester = Annotated[
    Username, AfterValidator(_REQUESTERS), Field(description="The username of a convener")
]


# Dates of this millennium, month by month (far dates are typing mistakes); the pattern is the
# schema clients generate from, the validators what the server holds to.
_DAY = (r"((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
        r"|02-(0[1-9]|1[0-9]|2[0-8]))")  # fmt: skip
_LEAP_DAY = r"(2[0-9](0[48]|[2468][048]|[13579][26])|2[048]00)-02-29"
_DATE = rf"(2[0-9]{{3}}-{_DAY}|{_LEAP_DAY})"
DATE_PATTERN = rf"^{_DATE}$"
MOMENT_PATTERN = (
    rf"^{_DATE}T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9])?$"
)


def _date_text(value):
    """2026-12-31 as a date (JSON has no dates: this is how strict input takes one)."""
    if not isinstance(value, str):
        return value
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(_("Give a date such as 2026-12-31.")) from None


def _in_range(value: date) -> date:
    if not 2000 <= value.year <= 2999:
        raise ValueError(_("Give a date such as 2026-12-31."))
    return value


CountyDate = Annotated[
    date,
    BeforeValidator(_date_text),
    AfterValidator(_in_range),
    WithJsonSchema({"type": "string", "pattern": DATE_PATTERN, "description": "YYYY-MM-DD"}),
]


def _moment(value: datetime) -> datetime:
    """County time when no offset is given; stored as naive UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=COUNTY_TZ)
    if not 2000 <= value.year <= 2999:
        raise ValueError(_("Use a time such as 2026-12-01T09:30+08:00."))
    return value.astimezone(UTC).replace(tzinfo=None)


def _moment_text(value):
    """2026-12-01T09:30+08:00 as a time (JSON has no times: this is how strict input takes one),
    written exactly as the document's pattern says."""
    if not isinstance(value, str):
        return value
    try:
        if not re.fullmatch(MOMENT_PATTERN, value):
            raise ValueError
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(_("Use a time such as 2026-12-01T09:30+08:00.")) from None


Moment = Annotated[
    datetime,
    BeforeValidator(_moment_text),
    AfterValidator(_moment),
    WithJsonSchema({"type": "string", "pattern": MOMENT_PATTERN,
                    "description": "ISO 8601; without an offset, county time (Asia/Shanghai)"}),
]  # fmt: skip

# Times in responses: ISO 8601 with the county's offset, as `meeting.timeutil.iso` writes them.
# A stored time or date is written as such when a resource is built from a row.
Timestamp = Annotated[
    str,
    BeforeValidator(lambda v: iso(v) if isinstance(v, datetime) else v),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
DateText = Annotated[
    str,
    BeforeValidator(lambda v: v.isoformat() if isinstance(v, date) else v),
    WithJsonSchema({"type": "string", "format": "date"}),
]
