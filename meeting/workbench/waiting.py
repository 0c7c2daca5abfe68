"""What waits for a person's action, the longest waiting first, with its age in days: the
records behind the home page's "waiting for you" counts (meeting.accounts.worklist), one
query per kind of record with a LIMIT, whatever the data."""

from dataclasses import dataclass
from datetime import date, datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import and_, select

from meeting.accounts.models import User
from meeting.analytics.sql import rarely
from meeting.charter.rules import rules
from meeting.extensions import db
from meeting.items.models import Item
from meeting.meetings.models import AttendanceReply, Meeting, MinutesReceipt
from meeting.meetings.models import display_name as meeting_name
from meeting.meetings.queries import to_convene_filter
from meeting.tasks.models import Task
from meeting.workbench.figures import days_since
from meeting.workbench.lists import LIMIT, charters_of, liaison_units, live_seats, short
from workflows.agenda_item import APPROVERS, ASSIGNED_SOURCES, UNIT_SOURCE
from workflows.meeting import REPLY_STATES, SIGNERS
from workflows.roles import LIAISON, OFFICE, ROLES


@dataclass(frozen=True)
class Waiting:
    charter_id: int
    what: str
    title: str
    link: str
    since: datetime
    days: int


def waiting(user: User, today: date, limit: int = LIMIT) -> list[Waiting]:
    """What waits for USER's action in each of their joint meetings, the longest waiting first,
    with its age in days: the records behind the home page's "waiting for you" counts."""
    office = charters_of(user, OFFICE)
    approvers = [
        s.charter_id for s in live_seats(user) if s.role in rules(s.charter_id).get(APPROVERS, ())
    ]
    signers = charters_of(user, *SIGNERS)
    units = liaison_units(user)
    found: list[Waiting] = []

    def items(what: str, since, *conditions) -> None:
        query = (
            select(Item.charter_id, Item.id, Item.title, since)
            .where(*conditions, since.is_not(None))
            .order_by(since, Item.id)
            .limit(limit)
        )
        for charter_id, item_id, title, at in db.session.execute(query):
            link = url_for("items.show", item_id=item_id)
            found.append(
                Waiting(charter_id, what, title or _("(untitled)"), link, at, days_since(at, today))
            )

    def tasks(what: str, since, *conditions) -> None:
        query = (
            select(Task.charter_id, Task.id, Task.title, since)
            .where(*conditions)
            .order_by(since, Task.id)
            .limit(limit)
        )
        for charter_id, task_id, description, at in db.session.execute(query):
            link = url_for("tasks.show", task_id=task_id)
            found.append(
                Waiting(charter_id, what, short(description), link, at, days_since(at, today))
            )

    def meetings(what: str, since, *conditions) -> None:
        query = (
            select(Meeting, since)
            .where(*conditions, since.is_not(None))
            .order_by(since, Meeting.id)
            .limit(limit)
        )
        for meeting, at in db.session.execute(query):
            link = url_for("meetings.show", meeting_id=meeting.id)
            found.append(
                Waiting(
                    meeting.charter_id, what, meeting_name(meeting), link, at, days_since(at, today)
                )
            )

    if office:
        mine = Item.charter_id.in_(office)
        items(
            _("Items waiting for your review"), Item.submitted_at, mine, Item.state == "submitted"
        )
        items(
            _("Assigned work to submit"),
            Item.updated_at,
            mine,
            rarely(Item.source.in_(ASSIGNED_SOURCES)),  # most are units' (ix_..._source_state)
            Item.state.in_(("draft", "returned")),
        )
        tasks(
            _("Tasks asking to be confirmed done"),
            Task.updated_at,
            Task.charter_id.in_(office),
            # Rare: else SQLite walks every task in order of change looking for them.
            rarely(Task.state == "completion_requested"),
        )
        tasks(
            _("Extension requests to answer"),
            Task.updated_at,
            Task.charter_id.in_(office),
            rarely(Task.extension_date.is_not(None)),
        )
        meetings(
            _("Minutes signed off, to publish"),
            Meeting.minutes_signed_at,
            Meeting.charter_id.in_(office),
            Meeting.state == "minutes_signed",
        )
    for charter_id in charters_of(user, *ROLES):  # 五(一): planned meetings they convene
        meetings(
            _("Meetings waiting for you to convene"),
            Meeting.created_at,
            Meeting.charter_id == charter_id,
            to_convene_filter(user, charter_id),
        )
    if signers:
        meetings(
            _("Minutes waiting for your sign-off"),
            Meeting.updated_at,
            Meeting.charter_id.in_(signers),
            Meeting.state == "held",
        )
    if approvers:
        items(
            _("Items waiting for your approval"),
            Item.updated_at,
            Item.charter_id.in_(approvers),
            Item.state == "reviewed",
        )
    if units:
        theirs = and_(Item.unit_id.in_(units), Item.source == UNIT_SOURCE)
        items(
            _("Your unit's items returned for revision"),
            Item.updated_at,
            theirs,
            Item.state == "returned",
        )
        tasks(
            _("Tasks to accept"),
            Task.assigned_at,
            Task.lead_unit_id.in_(units),
            Task.state == "assigned",
        )
        replied = Meeting.replies.any(AttendanceReply.unit_id.in_(units))
        unit_charters = charters_of(user, LIAISON)
        meetings(
            _("Meeting notices to reply to"),
            Meeting.updated_at,
            Meeting.charter_id.in_(unit_charters),
            Meeting.state.in_(REPLY_STATES),
            ~replied,
        )
        receipts = (
            select(Meeting, MinutesReceipt.delivered_at)
            .join(MinutesReceipt, MinutesReceipt.meeting_id == Meeting.id)
            .where(MinutesReceipt.unit_id.in_(units), MinutesReceipt.acknowledged_at.is_(None))
            .order_by(MinutesReceipt.delivered_at, MinutesReceipt.id)
            .limit(limit)
        )
        for meeting, at in db.session.execute(receipts):
            link = url_for("meetings.show", meeting_id=meeting.id)
            found.append(
                Waiting(
                    meeting.charter_id,
                    _("Minutes to sign for"),
                    meeting_name(meeting),
                    link,
                    at,
                    days_since(at, today),
                )
            )
    found.sort(key=lambda row: row.since)
    return found[:limit]
