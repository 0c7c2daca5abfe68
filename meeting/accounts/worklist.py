"""The home page's "waiting for you": counts of what each role should act on, with links."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from meeting.accounts.models import User
from meeting.analytics.sql import rarely
from meeting.charter.rules import rules
from meeting.extensions import db
from meeting.items.models import Item
from meeting.meetings.models import Meeting, MinutesReceipt
from meeting.meetings.queries import to_convene_filter, to_reply_filter
from meeting.scope import current_charter_id
from meeting.tasks.deadlines import county_today
from meeting.tasks.models import Task
from workflows.agenda_item import APPROVERS, ASSIGNED_SOURCES, UNIT_SOURCE
from workflows.meeting import SIGNERS
from workflows.roles import LIAISON, OFFICE


def worklist(user: User) -> list[tuple[str, str, int, str]]:
    """(joint meeting, what, how many, where) for each role USER holds, in every joint meeting
    they are in; only lines with something waiting. The link switches to that joint meeting."""
    lines = []
    for seat in user.seats:
        if seat.charter is None or seat.charter.archived_at is not None:
            continue
        user.acting_in(seat.charter_id)
        label = seat.charter.short_name
        for what, count, link in _lines(user, seat.charter_id):
            if count:
                switch = url_for("charter.switch", code=seat.charter.code, next=link)
                lines.append((label, what, count, switch))
    user.acting_in(current_charter_id())
    return lines


def _lines(user: User, here: int) -> list[tuple[str, int, str]]:
    """What USER's role in joint meeting HERE should act on."""
    lines = []
    item, task = Item.charter_id == here, Task.charter_id == here
    if user.role == OFFICE:
        lines += [
            (_("Items waiting for your review"), _count(Item, item, Item.state == "submitted"),
             url_for("items.review_queue")),
            # 二(四), 三(五): assigned work the office registered and is still writing up.
            (_("Assigned work to submit"), _count(Item, item, rarely(Item.source.in_(ASSIGNED_SOURCES)),
                                                  Item.state.in_(("draft", "returned"))),
             url_for("items.index", state=["draft", "returned"], origin="assigned")),
            (_("Tasks asking to be confirmed done"), _count(Task, task, Task.state == "completion_requested"),
             url_for("tasks.ledger", state="completion_requested")),
            (_("Extension requests to answer"), _count(Task, task, Task.extension_date.is_not(None)),
             url_for("tasks.ledger", extension_pending="true")),
            (_("Overdue tasks"), _count(Task, task, Task.state != "done", Task.deadline < county_today()),
             url_for("tasks.ledger", overdue="true")),
            (_("Meetings held, minutes not yet published"),
             _count(Meeting, Meeting.charter_id == here, Meeting.state == "held"),
             url_for("meetings.index", state="held")),
            (_("Minutes signed off, to publish"),
             _count(Meeting, Meeting.charter_id == here, Meeting.state == "minutes_signed"),
             url_for("meetings.index", state="minutes_signed")),
        ]  # fmt: skip
    # 五(一): a planned plenary waits for the general convener (or a delegated convener).
    lines.append((_("Meetings waiting for you to convene"),
                  _count(Meeting, Meeting.charter_id == here, to_convene_filter(user, here)),
                  url_for("meetings.index", awaiting="convene")))  # fmt: skip
    if user.role in SIGNERS:
        lines.append((_("Minutes waiting for your sign-off"),
                      _count(Meeting, Meeting.charter_id == here, Meeting.state == "held"),
                      url_for("meetings.index", state="held")))  # fmt: skip
    if user.role in rules(here).get(APPROVERS, ()):
        lines.append((_("Items waiting for your approval"), _count(Item, item, Item.state == "reviewed"),
                      url_for("items.approval_queue")))  # fmt: skip
    if user.role == LIAISON:
        mine = (Item.unit_id == user.unit_id) & (Item.source == UNIT_SOURCE)  # theirs to write
        lines += [
            (_("Your unit's items returned for revision"), _count(Item, mine, Item.state == "returned"),
             url_for("items.mine", state="returned", origin="unit")),
            (_("Your unit's drafts"), _count(Item, mine, Item.state == "draft"),
             url_for("items.mine", state="draft", origin="unit")),
            (_("Tasks your unit leads, still open"), _count(Task, Task.lead_unit_id == user.unit_id,
                                                          Task.state != "done"),
             url_for("tasks.ledger", unit=user.unit.code, unit_as="lead", open="true")),
            (_("Meeting notices to reply to"),
             _count(Meeting, Meeting.charter_id == here, to_reply_filter(user, here)),
             url_for("meetings.index", awaiting="reply")),
            (_("Minutes to sign for"), _count(MinutesReceipt, MinutesReceipt.unit_id == user.unit_id,
                                              MinutesReceipt.acknowledged_at.is_(None)),
             url_for("meetings.index", receipt="pending")),
        ]  # fmt: skip
    return lines


def _count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))
