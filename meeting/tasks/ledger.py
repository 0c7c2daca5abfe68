"""The supervision ledger 督办台账: tasks filtered and sorted, for the page, the API and Excel."""

from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import selectinload

from meeting.accounts.models import User
from meeting.analytics.sql import json_elements
from meeting.charter.models import Unit
from meeting.items.models import Item
from meeting.scope import narrow
from meeting.tasks.models import ProgressReport, Task
from meeting.tasks.queries import visible_to
from meeting.timeutil import day_start_utc
from workflows import task as workflow

if TYPE_CHECKING:  # the query string's model; meeting.contract reads this module's SORTS
    from meeting.contract.queries import TaskQuery

SORTS = {
    "deadline": (Task.deadline.asc(), Task.id.asc()),
    "-deadline": (Task.deadline.desc(), Task.id.desc()),
    "assigned": (Task.assigned_at.desc(), Task.id.desc()),
    "state": (Task.state.asc(), Task.deadline.asc()),
    "unit": (Unit.position.asc(), Task.deadline.asc()),
}


# What a page of the ledger shows of each task, loaded with the page.
PAGE_LOADING = (
    selectinload(Task.item),
    selectinload(Task.lead_unit),
    selectinload(Task.responsible_units),
    selectinload(Task.reports),
)
# What the Excel export prints, and no more: at 50,000 tasks, loading each item's proposal
# and each report's text cost more than writing the workbook.
EXPORT_LOADING = (
    selectinload(Task.item).load_only(Item.title),
    selectinload(Task.lead_unit).load_only(Unit.name),
    selectinload(Task.responsible_units).load_only(Unit.name, Unit.position),
    selectinload(Task.reports).load_only(ProgressReport.kind, ProgressReport.created_at),
)


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
