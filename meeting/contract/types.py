"""Field types of the contract: one definition per kind of value, with its limits.

Each carries its JSON Schema, so what the OpenAPI document promises is what is checked.
"""

from datetime import UTC, date, datetime
from typing import Annotated

from flask import has_app_context
from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema

from meeting.timeutil import COUNTY_TZ

# Ids and versions fit PostgreSQL's integer column.
MAX_INT = 2**31 - 1


def _integral(value):
    """JSON Schema counts 3.0 as an integer: take it as 3 (3.5 stays a float, and is refused)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


Int = Annotated[int, BeforeValidator(_integral)]
RowId = Annotated[Int, Field(ge=1, le=MAX_INT)]
Version = Annotated[Int, Field(ge=1, le=MAX_INT, description="The version the caller last saw")]


def text(limit: int, required: bool = True):
    """Text of at most LIMIT characters, stripped; required text has a non-blank character."""
    pattern = r"\S" if required else None
    return Annotated[
        str, StringConstraints(max_length=limit, pattern=pattern), AfterValidator(str.strip)
    ]


Title = text(200)
Note = text(5000)  # a comment, reason, opinion or resolution on an agenda item
LongNote = text(10000)  # a task's progress, report, message or reason
Code = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9_-]+$")]


class _KnownUnits:
    """The document lists the member units' codes, as loaded from the charter when it is asked."""

    def __get_pydantic_json_schema__(self, core_schema, handler):
        schema = handler(core_schema)
        if has_app_context():
            from meeting.charter.models import Charter

            charter = Charter.current()
            if charter is not None:
                schema["enum"] = [unit.code for unit in charter.active_units]
        return schema


UnitCode = Annotated[Code, _KnownUnits()]
Username = Annotated[str, StringConstraints(min_length=1, max_length=80)]


# Dates of this millennium, month by month (far dates are typing mistakes); the pattern is the
# schema clients generate from, the validators what the server holds to.
_DAY = (r"((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
        r"|02-(0[1-9]|1[0-9]|2[0-8]))")  # fmt: skip
DATE_PATTERN = rf"^2[0-9]{{3}}-{_DAY}$"
MOMENT_PATTERN = rf"^2[0-9]{{3}}-{_DAY}T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9])?$"


def _date_text(value):
    """2026-12-31 as a date (JSON has no dates: this is how strict input takes one)."""
    if not isinstance(value, str):
        return value
    try:
        if len(value) != 10:
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
    """2026-12-01T09:30+08:00 as a time (JSON has no times: this is how strict input takes one)."""
    if not isinstance(value, str):
        return value
    try:
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
Timestamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
DateText = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
