"""Meeting lists: by kind, state, and upcoming or past."""

from sqlalchemy import Select, select

from meeting.meetings.models import Meeting
from meeting.timeutil import utcnow


def meetings_query(kind: str | None, state: str | None, when: str | None) -> Select:
    query = select(Meeting)
    if kind:
        query = query.where(Meeting.kind == kind)
    if state:
        query = query.where(Meeting.state == state)
    if when == "upcoming":
        return query.where(Meeting.starts_at >= utcnow()).order_by(Meeting.starts_at, Meeting.id)
    if when == "past":
        query = query.where(Meeting.starts_at < utcnow())
    return query.order_by(Meeting.starts_at.desc(), Meeting.id.desc())
