"""The supervision ledger 督办台账: tasks filtered and sorted, for the page, the API and Excel."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Row, Select, and_, bindparam, exists, or_, select
from sqlalchemy.orm import aliased, selectinload

from meeting.accounts.models import User
from meeting.analytics.sql import json_elements
from meeting.charter.models import Unit
from meeting.extensions import db
from meeting.items.models import Item
from meeting.scope import narrow
from meeting.tasks.models import ProgressReport, Task, responsible_units
from meeting.tasks.queries import visible_to
from meeting.timeutil import day_start_utc
from workflows import task as workflow

if TYPE_CHECKING:  # the query string's model; meeting.contract reads this module's SORTS
    from meeting.contract.queries import TaskQuery

SORTS = {
    "deadline": (Task.deadline.asc(), Task.id.asc()),
    "-deadline": (Task.deadline.desc(), Task.id.desc()),
    "assigned": (Task.assigned_at.desc(), Task.id.desc()),
    # Ties broken by id, so that a page boundary never falls inside a tie differently twice.
    "state": (Task.state.asc(), Task.deadline.asc(), Task.id.asc()),
    "unit": (Unit.position.asc(), Task.deadline.asc(), Task.id.asc()),
}


# What a page of the ledger shows of each task, loaded with the page.
PAGE_LOADING = (
    selectinload(Task.item),
    selectinload(Task.lead_unit),
    selectinload(Task.responsible_units),
    selectinload(Task.reports),
)
# What the Excel export prints of each task besides its units and reports, read as plain
# rows: at 50,000 tasks, building ORM objects (and their items, units, reports) cost more than
# writing the workbook. Named as Task's attributes: `warning_of` and `missed_reports` read them.
EXPORT_COLUMNS = (
    Task.id, Task.charter_id, Task.title, Task.description, Task.state, Task.assigned_at,
    Task.original_deadline, Task.deadline, Task.completed_at, Task.rhythm, Task.rhythm_days,
    Task.rhythm_dates, Task.rhythm_since, Task.rhythm_missed_before,
)  # fmt: skip


@dataclass(slots=True)
class ExportedTask:
    """A task as the Excel export prints it: plain values, no ORM objects."""

    task: Row  # EXPORT_COLUMNS, then `item_title` and `lead_unit` (its name)
    responsible_units: list[str]  # names, in the units' order
    reports: list[tuple[str, datetime]]  # (kind, created_at)


def ledger_query(filters: "TaskQuery", today: date, rules: dict, viewer: User,
                 loading=PAGE_LOADING) -> Select:  # fmt: skip
    """Tasks matching FILTERS (the ledger's query string, meeting.contract.queries.TaskQuery)
    as of TODAY, loaded with LOADING; a liaison sees only tasks of their own unit."""
    query = select(Task).where(visible_to(viewer)).options(*loading)
    if filters.sort == "unit":  # joined only to sort: counting the list reads the tasks alone
        query = query.join(Unit, Task.lead_unit_id == Unit.id)
    query = narrow(query, Task.charter_id, filters.joint_meeting)
    if filters.unit:
        units = select(Unit.id).where(Unit.code == filters.unit)  # in any joint meeting shown
        leads, shares = Task.lead_unit_id.in_(units), Task.responsible_units.any(Unit.id.in_(units))
        as_ = {"lead": leads, "responsible": shares}.get(filters.unit_as)
        query = query.where(or_(leads, shares) if as_ is None else as_)
    if filters.duty:  # tasks of items citing a charter duty (the analytics' matrix links here)
        refs = json_elements(Item.duty_refs)
        cites = exists().select_from(refs).where(refs.c.value == filters.duty)
        query = query.where(Task.item_id.in_(select(Item.id).where(cites)))
    if filters.state:
        query = query.where(Task.state == filters.state)
    open_ = Task.state != "done"
    if filters.open:  # a liaison's "tasks your unit leads, still open"
        query = query.where(open_)
    if filters.extension_pending:  # the office's "extension requests to answer"
        query = query.where(Task.extension_date.is_not(None))
    if filters.overdue:
        query = query.where(open_, Task.deadline < today)
    if filters.warning:
        query = query.where(warning_is(filters.warning, today, rules))
    if filters.due_within is not None:
        until = today + timedelta(days=filters.due_within)
        query = query.where(open_, Task.deadline >= today, Task.deadline <= until)
    if filters.meeting:
        query = query.where(
            Task.item_id.in_(select(Item.id).where(Item.meeting_id == filters.meeting))
        )
    if filters.year:
        start = day_start_utc(date(filters.year, 1, 1))
        query = query.where(
            Task.assigned_at >= start,
            Task.assigned_at < day_start_utc(date(filters.year + 1, 1, 1)),
        )
    return query.order_by(*SORTS[filters.sort])


def exported_tasks(filters: "TaskQuery", today: date, rules: dict, viewer: User,
                   batch: int = 1000) -> Iterator[ExportedTask]:  # fmt: skip
    """The tasks of the ledger (`ledger_query`: the same filters, visibility and order) as the
    export prints them, streamed BATCH at a time: each batch's responsible units and reports
    in one query each."""
    item, lead = aliased(Item), aliased(Unit)  # aliased: the filters' subqueries name Item, Unit
    query = (
        ledger_query(filters, today, rules, viewer, loading=())
        .with_only_columns(
            *EXPORT_COLUMNS, item.title.label("item_title"), lead.name.label("lead_unit")
        )
        .join(item, item.id == Task.item_id)
        .join(lead, lead.id == Task.lead_unit_id)
        .execution_options(yield_per=batch)
    )
    for rows in db.session.execute(query).partitions():
        ids = [row.id for row in rows]
        shares, reports = _responsible_unit_names(ids), _reports(ids)
        for row in rows:
            yield ExportedTask(row, shares[row.id], reports[row.id])


def _responsible_unit_names(task_ids: list[int]) -> defaultdict[int, list[str]]:
    """{task id: its responsible units' names, in order} of TASK_IDS."""
    query = (
        select(responsible_units.c.task_id, Unit.name)
        .join(Unit, Unit.id == responsible_units.c.unit_id)
        .where(_among(responsible_units.c.task_id, task_ids))
        .order_by(Unit.position, Unit.id)
    )
    names = defaultdict(list)
    for task_id, name in db.session.execute(query):
        names[task_id].append(name)
    return names


def _reports(task_ids: list[int]) -> defaultdict[int, list[tuple[str, datetime]]]:
    """{task id: [(kind, created_at) of its reports]} of TASK_IDS."""
    query = select(ProgressReport.task_id, ProgressReport.kind, ProgressReport.created_at).where(
        _among(ProgressReport.task_id, task_ids)
    )
    found = defaultdict(list)
    for task_id, kind, at in db.session.execute(query):
        found[task_id].append((kind, at))
    return found


def _among(column, task_ids: list[int]):
    """COLUMN IN (TASK_IDS), the ids (integers read from the database) written into the SQL:
    a thousand bound parameters cost PostgreSQL's driver more than running the query."""
    return column.in_(bindparam("task_ids", task_ids, expanding=True, literal_execute=True))


def tasks_of_item(item_id: int, viewer: User) -> Select:
    """An item's tasks as VIEWER may see them: a liaison only those of their own unit."""
    query = select(Task).where(Task.item_id == item_id, visible_to(viewer))
    return query.order_by(Task.id)


def warning_is(level: str, today: date, rules: dict):
    """Tasks at warning LEVEL as of TODAY: the charter's `WarningBands` as a WHERE clause."""
    low, high = workflow.WarningBands.from_rules(rules).deadlines(level, today)
    in_band = [Task.state != "done"]
    if low is not None:
        in_band.append(Task.deadline >= low)
    if high is not None:
        in_band.append(Task.deadline <= high)
    band = and_(*in_band)
    return or_(Task.state == "done", band) if level == "none" else band
