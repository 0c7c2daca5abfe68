"""Meetings as iCalendar events, with Asia/Shanghai times, for calendar programs."""

from datetime import timedelta

from flask import Response
from icalendar import Calendar, Event
from sqlalchemy import select

from meeting.extensions import db
from meeting.meetings.models import Meeting, display_name
from meeting.timeutil import local

DEFAULT_LENGTH = timedelta(hours=2)


def ics_bytes() -> bytes:
    """Every meeting of every joint meeting the reader may see (each labelled with its joint
    meeting when there are several). A cancelled meeting stays, as STATUS:CANCELLED with a
    higher SEQUENCE, so calendar programs that copied it take it off."""
    calendar = Calendar()
    calendar.add("prodid", "-//Lianxi//joint meeting//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.starts_at))
    meetings = list(meetings)
    several = len({meeting.charter_id for meeting in meetings}) > 1
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.id}@lianxi")
        label = f"【{meeting.charter.short_name}】" if several else ""
        event.add("summary", label + display_name(meeting))
        event.add("categories", [meeting.charter.short_name])
        event.add("dtstart", local(meeting.starts_at))
        event.add("dtend", local(meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH))
        event.add("dtstamp", local(meeting.updated_at))
        event.add("location", meeting.location)
        event.add("description", meeting.title)
        event.add("sequence", meeting.version)
        event.add("status", "CANCELLED" if meeting.state == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def ics_response() -> Response:
    """The calendar feed as a response."""
    # content_type, not mimetype: Werkzeug appends a charset to a text/* mimetype (twice).
    return Response(ics_bytes(), content_type="text/calendar; charset=utf-8")
