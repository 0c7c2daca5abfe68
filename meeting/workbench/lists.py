"""The workbench's short lists: what is due this week, the month's meetings, recent
activity, meetings to convene, delegations, escalations (what waits longest: `waiting`).

Each list is one query with a LIMIT (a count, where one is shown, comes with the rows as a
window function), whatever the data. Rows are plain tuples and columns, never lazy loads.
meeting.scope keeps out other joint meetings; the viewer's visibility rules come on top.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from meeting.accounts.models import Seat, User
from meeting.charter.models import Unit
from meeting.charter.rules import rules
from meeting.extensions import db
from meeting.history import History, actor_name, event_label
from meeting.items.models import Item
from meeting.items.queries import visible_items
from meeting.meetings.models import Delegation, Meeting
from meeting.meetings.models import display_name as meeting_name
from meeting.tasks.ledger import warning_is
from meeting.tasks.models import Task
from meeting.tasks.queries import visible_to
from meeting.timeutil import day_end_utc, day_start_utc
from workflows.meeting import KINDS_REGISTRY
from workflows.roles import CONVENER, GENERAL_CONVENER, LIAISON

LIMIT = 10
CONVENING_ROLES = (GENERAL_CONVENER, CONVENER)
CONVENED_BY_CONVENERS = [
    code for code, kind in KINDS_REGISTRY.items() if not kind.convened_by_office
]


def live_seats(user: User) -> list[Seat]:
    """USER's seats in joint meetings that are not archived (what the workbench spans)."""
    return [s for s in user.seats if s.charter is not None and s.charter.archived_at is None]


def charters_of(user: User, *roles: str) -> list[int]:
    """The joint meetings (live) in which USER holds one of ROLES."""
    return [seat.charter_id for seat in live_seats(user) if seat.role in roles]


def liaison_units(user: User) -> list[int]:
    """The member units USER is a liaison of, in every joint meeting (their department's)."""
    return [seat.unit_id for seat in live_seats(user) if seat.role == LIAISON and seat.unit_id]


def short(text: str, limit: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---- tasks: due this week, escalated ----


@dataclass(frozen=True)
class TaskLine:
    charter_id: int
    id: int
    description: str
    deadline: date
    lead_unit: str
    days_left: int


def _task_lines(query, today: date, limit: int) -> tuple[int, list[TaskLine]]:
    """(how many in all, the first LIMIT) of QUERY's tasks; the count is a window function."""
    query = (
        query.add_columns(func.count().over())
        .join(Unit, Unit.id == Task.lead_unit_id)
        .order_by(Task.deadline, Task.id)
        .limit(limit)
    )
    rows = db.session.execute(query).all()
    lines = [
        TaskLine(charter_id, task_id, short(description), deadline, unit, (deadline - today).days)
        for charter_id, task_id, description, deadline, unit, _total in rows
    ]
    return (rows[0][-1] if rows else 0), lines


def _task_columns():
    return select(Task.charter_id, Task.id, Task.title, Task.deadline, Unit.name)


def due_this_week(
    user: User, charter_ids: list[int], today: date, limit: int = LIMIT
) -> tuple[int, list[TaskLine]]:
    """The open tasks of CHARTER_IDS that USER sees (a liaison: their unit's) whose deadline
    falls from TODAY to this week's Sunday, soonest first."""
    sunday = today + timedelta(days=6 - today.weekday())
    query = _task_columns().where(
        visible_to(user),
        Task.charter_id.in_(charter_ids),
        Task.state != "done",
        Task.deadline >= today,
        Task.deadline <= sunday,
    )
    return _task_lines(query, today, limit)


def escalations(
    user: User, charter_ids: list[int], today: date, limit: int = LIMIT
) -> tuple[int, list[TaskLine]]:
    """The tasks seriously overdue 严重超期 (dark red: escalated to the conveners) in
    CHARTER_IDS, longest overdue first."""
    if not charter_ids:
        return 0, []
    band = or_(
        *(
            and_(Task.charter_id == charter_id, warning_is("dark_red", today, rules(charter_id)))
            for charter_id in charter_ids
        )
    )
    query = _task_columns().where(visible_to(user), Task.charter_id.in_(charter_ids), band)
    return _task_lines(query, today, limit)


# ---- meetings ----


def meetings_between(first: date, last: date, limit: int = 200) -> list[Meeting]:
    """The meetings (not cancelled) of the joint meetings the request sees, from FIRST to
    LAST (county days), in order."""
    query = (
        select(Meeting)
        .where(
            Meeting.starts_at >= day_start_utc(first),
            Meeting.starts_at < day_end_utc(last),
            Meeting.state != "cancelled",
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def meetings_to_convene(charter_ids: list[int], limit: int = LIMIT) -> tuple[int, list[Meeting]]:
    """The planned plenary and ad-hoc meetings of CHARTER_IDS (whose notice is not out yet),
    soonest first, and how many in all."""
    if not charter_ids:
        return 0, []
    query = (
        select(Meeting, func.count().over())
        .where(
            Meeting.charter_id.in_(charter_ids),
            Meeting.state == "planned",
            Meeting.kind.in_(CONVENED_BY_CONVENERS),
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(limit)
    )
    rows = db.session.execute(query).all()
    return (rows[0][1] if rows else 0), [meeting for meeting, _ in rows]


@dataclass(frozen=True)
class DelegationLine:
    charter_id: int
    delegator: str
    delegate: str
    meeting: Meeting | None
    starts_on: date | None
    ends_on: date | None


def live_delegations(user: User, today: date, limit: int = LIMIT) -> list[DelegationLine]:
    """The delegations 委托 USER gave or holds that still count: not revoked, for a meeting
    not convened yet or a period not over."""
    delegator, delegate = aliased(User), aliased(User)
    query = (
        select(Delegation, delegator, delegate, Meeting)
        .join(delegator, delegator.id == Delegation.delegator_id)
        .join(delegate, delegate.id == Delegation.delegate_id)
        .outerjoin(Meeting, Meeting.id == Delegation.meeting_id)
        .where(
            or_(Delegation.delegator_id == user.id, Delegation.delegate_id == user.id),
            Delegation.revoked_at.is_(None),
            or_(Meeting.state == "planned", Delegation.ends_on >= today),
        )
        .order_by(Delegation.id.desc())
        .limit(limit)
    )
    return [
        DelegationLine(d.charter_id, giver.name, holder.name, meeting, d.starts_on, d.ends_on)
        for d, giver, holder, meeting in db.session.execute(query)
    ]


# ---- recent activity ----


@dataclass(frozen=True)
class Activity:
    charter_id: int | None
    at: datetime
    kind: str  # item, task, meeting
    what: str  # the event, in words
    title: str
    link: str
    actor: str  # the person's name (an id until recent_activity names them)
    role: str


def recent_activity(user: User, limit: int = LIMIT) -> list[Activity]:
    """The latest history rows of the items, tasks and meetings USER may see (a liaison: their
    unit's tasks; nobody: another unit's drafts), newest first; what changed, not the fields."""
    columns = (
        History.id,
        History.charter_id,
        History.at,
        History.event,
        History.actor_id,
        History.role,
    )
    found = []
    # Joined, not `Item.id IN (visible ids)`: that list is every item, built before the latest
    # ten rows are found.
    items = (
        visible_items(user)
        .with_only_columns(*columns, Item.id, Item.title)
        .join(History, _history_of("item", Item))
        .order_by(History.id.desc())
        .limit(limit)
    )
    for row_id, charter_id, at, event, actor, role, item_id, title in db.session.execute(items):
        found.append(
            (
                row_id,
                Activity(
                    charter_id,
                    at,
                    "item",
                    event_label("item", event),
                    title or _("(untitled)"),
                    url_for("items.show", item_id=item_id),
                    actor,
                    role,
                ),
            )
        )
    tasks = (
        select(*columns, Task.id, Task.title)
        .join(Task, _history_of("task", Task))
        .where(visible_to(user))
        .order_by(History.id.desc())
        .limit(limit)
    )
    for row_id, charter_id, at, event, actor, role, task_id, text in db.session.execute(tasks):
        found.append(
            (
                row_id,
                Activity(
                    charter_id,
                    at,
                    "task",
                    event_label("task", event),
                    short(text),
                    url_for("tasks.show", task_id=task_id),
                    actor,
                    role,
                ),
            )
        )
    meetings = (
        select(*columns, Meeting)
        .join(Meeting, and_(History.subject_kind == "meeting", History.subject_id == Meeting.id))
        .order_by(History.id.desc())
        .limit(limit)
    )
    for row_id, charter_id, at, event, actor, role, meeting in db.session.execute(meetings):
        found.append(
            (
                row_id,
                Activity(
                    charter_id,
                    at,
                    "meeting",
                    event_label("meeting", event),
                    meeting_name(meeting),
                    url_for("meetings.show", meeting_id=meeting.id),
                    actor,
                    role,
                ),
            )
        )
    found.sort(key=lambda pair: pair[0], reverse=True)
    latest = [activity for _, activity in found[:limit]]
    # Rows keep who acted by id: their names are read in one query, as people know them.
    ids = {activity.actor for activity in latest if activity.actor}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    return [replace(a, actor=actor_name(people.get(a.actor))) for a in latest]


def _history_of(kind: str, model):
    """The join of history rows of KIND to MODEL's rows, on the joint meeting too: so the
    database walks the joint meeting's latest rows (ix_history_charter_latest) and stops."""
    return and_(
        History.subject_kind == kind,
        History.subject_id == model.id,
        History.charter_id == model.charter_id,
    )
