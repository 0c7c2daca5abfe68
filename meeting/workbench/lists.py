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


def _task_lines(conditions: list, today: date, limit: int) -> tuple[int, list[TaskLine]]:
    """(how many in all, the first LIMIT by deadline) of the tasks where CONDITIONS hold. The
    rows walk the deadline's index and stop after LIMIT; the count is a subquery the tasks'
    indexes answer alone (a window count reads every row, with its unit, before the first)."""
    total = select(func.count(Task.id)).where(*conditions).correlate(None).scalar_subquery()
    query = (
        select(Task.charter_id, Task.id, Task.title, Task.deadline, Unit.name, total)
        .join(Unit, Unit.id == Task.lead_unit_id)
        .where(*conditions)
        .order_by(Task.deadline, Task.id)
        .limit(limit)
    )
    rows = db.session.execute(query).all()
    lines = [
        TaskLine(charter_id, task_id, short(description), deadline, unit, (deadline - today).days)
        for charter_id, task_id, description, deadline, unit, _total in rows
    ]
    return (rows[0][-1] if rows else 0), lines


def due_this_week(
    user: User, charter_ids: list[int], today: date, limit: int = LIMIT
) -> tuple[int, list[TaskLine]]:
    """The open tasks of CHARTER_IDS that USER sees (a liaison: their unit's) whose deadline
    falls from TODAY to this week's Sunday, soonest first."""
    sunday = today + timedelta(days=6 - today.weekday())
    conditions = [
        visible_to(user),
        Task.charter_id.in_(charter_ids),
        Task.state != "done",
        Task.deadline >= today,
        Task.deadline <= sunday,
    ]
    return _task_lines(conditions, today, limit)


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
    return _task_lines([visible_to(user), Task.charter_id.in_(charter_ids), band], today, limit)


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
    found = []
    items = _latest(user, "item", Item, visible_items(user), Item.title, limit)
    for row_id, charter_id, at, event, actor, role, item_id, title in items:
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
    tasks = _latest(user, "task", Task, select(Task).where(visible_to(user)), Task.title, limit)
    for row_id, charter_id, at, event, actor, role, task_id, text in tasks:
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
    # Whoever holds a role in a joint meeting sees its meetings: no subject to ask about first.
    rows = _latest(user, "meeting", Meeting, None, None, limit).all()
    by_id = _meetings({meeting_id for *_, meeting_id in rows})  # a meeting's name needs more
    for row_id, charter_id, at, event, actor, role, meeting_id in rows:
        meeting = by_id.get(meeting_id)
        if meeting is None:
            continue
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


_HISTORY_COLUMNS = (
    History.id,
    History.charter_id,
    History.at,
    History.event,
    History.actor_id,
    History.role,
)


def _meetings(ids: set[int]) -> dict[int, Meeting]:
    """The meetings of IDS by id, in one query (a page's few)."""
    return {m.id: m for m in db.session.scalars(select(Meeting).where(Meeting.id.in_(ids)))}


def _latest(user: User, kind: str, model, visible, title, limit: int):
    """The latest LIMIT history rows of KIND (about MODEL's rows) in USER's joint meetings
    whose subject is among VISIBLE (a query of the rows USER sees; None: every row), with the
    subject's id and its column TITLE (unless None).

    The database walks the joint meeting's latest rows backwards (ix_history_charter_latest)
    and asks of each whether its subject is visible (EXISTS: a primary-key lookup), so it stops
    after LIMIT rows whatever the data. Written as a join, SQLite first reads every subject
    into a Bloom filter, or starts from the subjects and sorts all their history."""
    subject = model.id == History.subject_id
    columns = [*_HISTORY_COLUMNS, History.subject_id]
    if title is not None:
        columns.append(select(title).where(subject).scalar_subquery())
    query = (
        select(*columns)
        .where(History.subject_kind == kind, History.charter_id.in_(user.charter_ids))
        .order_by(History.id.desc())
        .limit(limit)
    )
    if visible is not None:
        seen = visible.with_only_columns(model.id).where(
            subject, model.charter_id == History.charter_id
        )
        query = query.where(seen.exists())
    return db.session.execute(query)
