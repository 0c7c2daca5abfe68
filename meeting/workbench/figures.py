"""The workbench's figures (工作台) and GET /api/v1/stats: each one database aggregate.

Every function here is one query (GROUP BY, COUNT, MIN, window functions), grouped by joint
meeting, so a page makes the same number of queries whatever the data and however many joint
meetings it spans. meeting.scope keeps out the joint meetings the viewer holds no role in; the
viewer's own visibility rules come on top, as the lists apply them: drafts of other units stay
out (`items.queries.visible_items`), a liaison counts only their unit's tasks
(`tasks.queries.visible_to`).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import DateTime, and_, case, func, literal_column, or_, select, true, type_coerce

from meeting.accounts.models import User
from meeting.charter.models import Unit
from meeting.charter.rules import rules
from meeting.extensions import db
from meeting.figures_cache import remembered
from meeting.items.models import Item
from meeting.items.queries import visible_items
from meeting.meetings.models import Meeting
from meeting.reports.operations import county_date
from meeting.tasks.ledger import warning_is
from meeting.tasks.models import Task
from meeting.tasks.queries import involves, visible_to
from meeting.timeutil import day_end_utc, day_start_utc, local
from workflows.meeting import PLENARY_KIND

# The year's plenary, as far as it got (API.md v1.1 `plenary_this_year`), latest stage first.
PLENARY_STAGES = {
    "held": ("held", "minutes_signed", "minutes_published"),
    "convened": ("convened", "in_session"),
    "planned": ("planned",),
}
PLENARY_STATUSES = ("none", "planned", "convened", "held")
WARNING_LEVELS = ("yellow", "red", "dark_red")  # the bands an open task is warned in
TREND_MONTHS = 12


def count_where(condition):
    """COUNT of the rows where CONDITION holds, as an aggregate (0 when there are none)."""
    one, zero = literal_column("1"), literal_column("0")  # constants, not parameters (PostgreSQL)
    return func.coalesce(func.sum(case((condition, one), else_=zero)), zero)


def _year_of(column, year: int | None):
    """COLUMN (a naive UTC time) falls in the county's YEAR; no condition without a year."""
    if year is None:
        return true()
    return and_(
        column >= day_start_utc(date(year, 1, 1)), column < day_start_utc(date(year + 1, 1, 1))
    )


# ---- items ----


@remembered
def items_by_state(
    viewer: User, charter_ids: list[int], unit_ids: list[int] | None = None, year: int | None = None
) -> dict[int, dict[str, int]]:
    """{joint meeting: {state: n}} of the items VIEWER sees (of UNIT_IDS, of items created in
    YEAR, when given)."""
    query = (
        visible_items(viewer)
        .with_only_columns(Item.charter_id, Item.state, func.count())
        .where(Item.charter_id.in_(charter_ids), _year_of(Item.created_at, year))
        .group_by(Item.charter_id, Item.state)
    )
    if unit_ids is not None:
        query = query.where(Item.unit_id.in_(unit_ids))
    figures: dict[int, dict[str, int]] = {charter_id: {} for charter_id in charter_ids}
    for charter_id, state, n in db.session.execute(query):
        figures[charter_id][state] = n
    return figures


@dataclass(frozen=True)
class QueueAge:
    """A queue of items: how many wait, and for how many days the oldest and the median."""

    count: int
    oldest_days: int | None
    median_days: float | None


@remembered
def queue_age(state: str, since, charter_ids: list[int], today: date) -> dict[int, QueueAge]:
    """{joint meeting: QueueAge} of the items in STATE, waiting since the column SINCE: the
    review queue (submitted, since submitted_at) or the approval queue (reviewed, since the
    review). The median is the middle row, or the two middle ones, by a window function."""
    rows = (
        select(
            Item.charter_id.label("charter_id"),
            since.label("since"),
            func.row_number()
            .over(partition_by=Item.charter_id, order_by=(since, Item.id))
            .label("n"),
            func.count().over(partition_by=Item.charter_id).label("total"),
        )
        .where(Item.state == state, Item.charter_id.in_(charter_ids))
        .subquery()
    )
    one, two = literal_column("1"), literal_column("2")
    middle = or_(rows.c.n == (rows.c.total + one) // two, rows.c.n == (rows.c.total + two) // two)
    in_middle = type_coerce(case((middle, rows.c.since)), DateTime)
    query = select(
        rows.c.charter_id,
        func.max(rows.c.total),
        func.min(rows.c.since),
        func.min(in_middle),
        func.max(in_middle),
    ).group_by(rows.c.charter_id)
    ages = {charter_id: QueueAge(0, None, None) for charter_id in charter_ids}
    for charter_id, total, oldest, low, high in db.session.execute(query):
        median = None
        if low is not None:
            median = (days_since(low, today) + days_since(high, today)) / 2
        ages[charter_id] = QueueAge(int(total), days_since(oldest, today), median)
    return ages


def days_since(moment: datetime | None, today: date) -> int | None:
    """Whole county days from MOMENT (naive UTC) to TODAY (None: no moment)."""
    if moment is None:
        return None
    return max(0, (today - local(moment).date()).days)


# ---- tasks ----


def _task_measures(today: date):
    done = Task.state == "done"
    return (
        count_where(Task.state != "done"),
        count_where(and_(Task.state != "done", Task.deadline < today)),
        count_where(done),
        count_where(and_(done, county_date(Task.completed_at) <= Task.deadline)),
    )


@dataclass(frozen=True)
class TaskCounts:
    """Tasks: open (overdue among them), done (on time among them: by their deadline)."""

    open: int = 0
    overdue: int = 0
    done: int = 0
    done_on_time: int = 0

    @property
    def total(self) -> int:
        return self.open + self.done

    @property
    def completion_rate(self) -> float | None:
        return self.done / self.total if self.total else None

    @property
    def on_time_rate(self) -> float | None:
        """The share of the done tasks done by their deadline."""
        return self.done_on_time / self.done if self.done else None


@dataclass(frozen=True)
class UnitTasks(TaskCounts):
    unit: str = ""  # the member unit's code
    name: str = ""


@remembered
def tasks_by_unit(
    viewer: User, charter_ids: list[int], today: date, year: int | None = None
) -> dict[int, list[UnitTasks]]:
    """{joint meeting: [UnitTasks]} per lead unit, in charter order, of the tasks VIEWER sees
    (assigned in YEAR, when given); overdue as of TODAY."""
    query = (
        select(Task.charter_id, Unit.code, Unit.name, *_task_measures(today))
        .join(Unit, Unit.id == Task.lead_unit_id)
        .where(
            visible_to(viewer), Task.charter_id.in_(charter_ids), _year_of(Task.assigned_at, year)
        )
        .group_by(Task.charter_id, Unit.id, Unit.code, Unit.name, Unit.position)
        .order_by(Task.charter_id, Unit.position)
    )
    figures: dict[int, list[UnitTasks]] = {charter_id: [] for charter_id in charter_ids}
    for charter_id, code, name, *counts in db.session.execute(query):
        figures[charter_id].append(UnitTasks(*(int(n) for n in counts), unit=code, name=name))
    return figures


@remembered
def task_counts(
    viewer: User, charter_ids: list[int], today: date, unit_ids: list[int] | None = None
) -> dict[int, TaskCounts]:
    """{joint meeting: TaskCounts} of the tasks VIEWER sees (that one of UNIT_IDS leads or
    shares, when given)."""
    query = (
        select(Task.charter_id, *_task_measures(today))
        .where(visible_to(viewer), Task.charter_id.in_(charter_ids))
        .group_by(Task.charter_id)
    )
    if unit_ids is not None:
        query = query.where(or_(*(involves(unit_id) for unit_id in unit_ids)))
    figures = {charter_id: TaskCounts() for charter_id in charter_ids}
    for charter_id, *counts in db.session.execute(query):
        figures[charter_id] = TaskCounts(*(int(n) for n in counts))
    return figures


@remembered
def warnings(viewer: User, charter_ids: list[int], today: date) -> dict[int, dict[str, int]]:
    """{joint meeting: {level: n}}: the open tasks VIEWER sees in each warning band (临期,
    超期, 严重超期), by each joint meeting's own bands (the ledger's `warning_is`)."""

    def in_band(level: str):
        return or_(
            *(
                and_(Task.charter_id == charter_id, warning_is(level, today, rules(charter_id)))
                for charter_id in charter_ids
            )
        )

    figures = {charter_id: dict.fromkeys(WARNING_LEVELS, 0) for charter_id in charter_ids}
    if not charter_ids:
        return figures
    query = (
        select(Task.charter_id, *(count_where(in_band(level)) for level in WARNING_LEVELS))
        .where(visible_to(viewer), Task.state != "done", Task.charter_id.in_(charter_ids))
        .group_by(Task.charter_id)
    )
    for charter_id, *counts in db.session.execute(query):
        figures[charter_id] = dict(zip(WARNING_LEVELS, (int(n) for n in counts), strict=True))
    return figures


def month_ends(today: date, months: int = TREND_MONTHS) -> list[date]:
    """The last day of each of the MONTHS months up to TODAY's, oldest first; TODAY stands
    for the current month's end (it has not come yet)."""
    ends = [today]
    first = today.replace(day=1)
    for _ in range(months - 1):
        end = first - timedelta(days=1)
        ends.insert(0, end)
        first = end.replace(day=1)
    return ends


@remembered
def overdue_trend(
    viewer: User, charter_ids: list[int], today: date, months: int = TREND_MONTHS
) -> dict[int, list[tuple[date, int]]]:
    """{joint meeting: [(month end, n)]}: how many of the tasks VIEWER sees were overdue at
    the end of each of the last MONTHS months (this month: today). A task was overdue at a day
    if it was assigned by then, its deadline had passed, and it was not done by that day's end
    (the deadline is the working one, moved by granted extensions)."""
    ends = month_ends(today, months)

    def overdue_at(end: date):
        after = day_end_utc(end)
        return and_(
            Task.assigned_at < after,
            Task.deadline < end,
            or_(Task.completed_at.is_(None), Task.completed_at >= after),
        )

    # Only tasks overdue at some month's end are weighed at each: not those done before the
    # first, nor those due after the last.
    ever = and_(
        Task.deadline < ends[-1],
        or_(Task.completed_at.is_(None), Task.completed_at >= day_end_utc(ends[0])),
    )
    query = (
        select(Task.charter_id, *(count_where(overdue_at(end)) for end in ends))
        .where(visible_to(viewer), Task.charter_id.in_(charter_ids), ever)
        .group_by(Task.charter_id)
    )
    figures = {charter_id: [(end, 0) for end in ends] for charter_id in charter_ids}
    for charter_id, *counts in db.session.execute(query):
        figures[charter_id] = list(zip(ends, (int(n) for n in counts), strict=True))
    return figures


# ---- meetings ----


@remembered
def plenary_status(charter_ids: list[int], year: int) -> dict[int, str]:
    """{joint meeting: none | planned | convened | held}: how far YEAR's plenary got (the
    furthest of the year's plenaries not cancelled)."""
    query = (
        select(Meeting.charter_id, Meeting.state)
        .where(
            Meeting.kind == PLENARY_KIND,
            Meeting.year == year,
            Meeting.state != "cancelled",
            Meeting.charter_id.in_(charter_ids),
        )
        .group_by(Meeting.charter_id, Meeting.state)
    )
    states: dict[int, set[str]] = {charter_id: set() for charter_id in charter_ids}
    for charter_id, state in db.session.execute(query):
        states[charter_id].add(state)
    return {charter_id: _stage(found) for charter_id, found in states.items()}


def _stage(states: set[str]) -> str:
    for stage, members in PLENARY_STAGES.items():
        if states & set(members):
            return stage
    return "none"


# ---- GET /api/v1/stats ----


def stats(viewer: User, charter_id: int, today: date, year: int | None = None) -> dict:
    """The dashboard figures of one joint meeting as VIEWER sees them (API.md v1.1): items by
    state, tasks by lead unit, the plenary of YEAR (default: this year). A YEAR given narrows
    items to those created in it and tasks to those assigned in it, as the ledger's `year`."""
    states = items_by_state(viewer, [charter_id], year=year)[charter_id]
    units = tasks_by_unit(viewer, [charter_id], today, year=year)[charter_id]
    return {
        "items_by_state": states,
        "tasks_by_unit": [
            {
                "unit": u.unit,
                "open": u.open,
                "overdue": u.overdue,
                "done": u.done,
                "done_on_time": u.done_on_time,
            }
            for u in units
        ],
        "plenary_this_year": plenary_status([charter_id], year or today.year)[charter_id],
    }
