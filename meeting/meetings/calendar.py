"""Meetings as iCalendar events, with Asia/Shanghai times, for calendar programs.

A calendar program reads the feed every few hours; it needs what is coming and what just was,
not every meeting ever held. The feed holds the meetings from three months back onward (at
most `MAX_EVENTS`), read with one query, and is remembered until something changes.

The events are written as content lines here rather than built as icalendar `Event`s: those
cost ~0.3 ms each, most of a feed of a hundred meetings. icalendar still escapes the text,
folds the long lines and describes the time zone.
"""

from datetime import datetime, timedelta
from functools import cache

from flask import Response
from icalendar import Timezone, vText
from icalendar.parser import Contentline
from sqlalchemy import select

from meeting.extensions import db
from meeting.figures_cache import remembered
from meeting.meetings.models import Meeting, display_name
from meeting.scope import visible_charter_ids
from meeting.timeutil import COUNTY_TZ, local, utcnow

DEFAULT_LENGTH = timedelta(hours=2)
WINDOW = timedelta(days=92)  # how far back the feed reaches: about three months
MAX_EVENTS = 200  # the most meetings a feed holds (the earliest ones)
ZONE = COUNTY_TZ.key


def feed_meetings() -> list[Meeting]:
    """The meetings of the feed, earliest first: those starting from `WINDOW` ago on, of every
    joint meeting the reader may see (meeting.scope); the first `MAX_EVENTS` if more."""
    query = (
        select(Meeting)
        .where(Meeting.starts_at >= utcnow() - WINDOW)
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(MAX_EVENTS)
    )
    return list(db.session.scalars(query))


def ics_bytes() -> bytes:
    """The feed of the request's person."""
    return feed_of(visible_charter_ids())


@remembered(shared=True)
def feed_of(charter_ids: list[int] | None) -> bytes:
    """The feed of the joint meetings CHARTER_IDS (None: all), which meeting.scope applies to
    its query: everyone who sees the same ones gets the same feed, remembered until something
    changes (meeting.figures_cache), as calendar programs ask again and again.

    Each meeting is labelled with its joint meeting when there are several. A cancelled
    meeting stays, as STATUS:CANCELLED with a higher SEQUENCE, so calendar programs that copied
    it take it off."""
    meetings = feed_meetings()
    several = len({meeting.charter_id for meeting in meetings}) > 1
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Lianxi//joint meeting//ZH",
             f"X-WR-TIMEZONE:{ZONE}", *county_time_zone()]  # fmt: skip
    for meeting in meetings:
        lines += event_lines(meeting, several)
    lines.append("END:VCALENDAR")
    return "".join(folded(line) + "\r\n" for line in lines).encode()


def event_lines(meeting: Meeting, several: bool) -> list[str]:
    """MEETING's VEVENT, one content line a property (unfolded)."""
    short_name = meeting.charter.short_name
    label = f"【{short_name}】" if several else ""
    ends_at = meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH
    return [
        "BEGIN:VEVENT",
        "SUMMARY:" + text(label + display_name(meeting)),
        f"DTSTART;TZID={ZONE}:{county_time(meeting.starts_at)}",
        f"DTEND;TZID={ZONE}:{county_time(ends_at)}",
        f"DTSTAMP:{meeting.updated_at:%Y%m%dT%H%M%SZ}",  # stored in UTC
        f"UID:meeting-{meeting.id}@lianxi",
        f"SEQUENCE:{meeting.version}",
        "CATEGORIES:" + text(short_name),
        "DESCRIPTION:" + text(meeting.title),
        "LOCATION:" + text(meeting.location or ""),
        "STATUS:" + ("CANCELLED" if meeting.state == "cancelled" else "CONFIRMED"),
        "END:VEVENT",
    ]


def text(value: str) -> str:
    """VALUE as an iCalendar TEXT (commas, semicolons, backslashes and newlines escaped)."""
    return vText(value).to_ical().decode()


def folded(line: str) -> str:
    """LINE folded into lines of at most 75 bytes, as iCalendar asks (most are shorter)."""
    return Contentline(line).to_ical().decode() if len(line.encode()) > 75 else line


def county_time(moment: datetime) -> str:
    """A stored (naive UTC) time as the county's local time, in the form TZID's values take."""
    return f"{local(moment):%Y%m%dT%H%M%S}"


@cache
def county_time_zone() -> tuple[str, ...]:
    """The VTIMEZONE of Asia/Shanghai, which the events' TZID names, as content lines; the same
    for every feed (icalendar takes ~15 ms to work it out)."""
    return tuple(line for line in Timezone.from_tzid(ZONE).content_lines() if line)


def ics_response() -> Response:
    """The calendar feed as a response."""
    # content_type, not mimetype: Werkzeug appends a charset to a text/* mimetype (twice).
    return Response(ics_bytes(), content_type="text/calendar; charset=utf-8")
