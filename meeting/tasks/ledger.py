"""The supervision ledger 督办台账: tasks filtered and sorted, for the page, the API and Excel."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, and_, false, or_, select
from sqlalchemy.orm import selectinload

from meeting.accounts.models import User
from meeting.charter.loader import unit_by_code
from meeting.charter.models import Unit
from meeting.errors import InvalidInput
from meeting.items.models import Item
from meeting.tasks.models import Task
from meeting.tasks.queries import involves, visible_to
from meeting.timeutil import day_start_utc
from workflows import task as workflow

SORTS = {
    "deadline": (Task.deadline.asc(), Task.id.asc()),
    "-deadline": (Task.deadline.desc(), Task.id.desc()),
    "assigned": (Task.assigned_at.desc(), Task.id.desc()),
    "state": (Task.state.asc(), Task.deadline.asc()),
    "unit": (Unit.position.asc(), Task.deadline.asc()),
}


@dataclass
class Filters:
    unit: str | None = None  # lead or responsible
    state: str | None = None
    warning: str | None = None  # none / yellow / red / dark_red
    overdue: bool = False
    due_within: int | None = None
    meeting: int | None = None
    year: int | None = None
    sort: str = "deadline"

    @classmethod
    def from_args(cls, args) -> "Filters":
        """Read the filters from a query string, refusing bad values with 422."""
        errors = {}
        filters = cls(unit=args.get("unit") or None, state=args.get("state") or None,
                      warning=args.get("warning") or None, sort=args.get("sort") or "deadline",
                      overdue=args.get("overdue") in ("true", "1", "on"))  # fmt: skip
        if filters.unit and unit_by_code(filters.unit) is None:
            errors["unit"] = _("Unknown unit.")
        if filters.state and filters.state not in workflow.STATES:
            errors["state"] = _("Choose one of: %(c)s.", c=", ".join(workflow.STATES))
        if filters.warning and filters.warning not in workflow.WARNINGS:
            errors["warning"] = _("Choose one of: %(c)s.", c=", ".join(workflow.WARNINGS))
        if filters.sort not in SORTS:
            errors["sort"] = _("Choose one of: %(c)s.", c=", ".join(SORTS))
        for name, upper in (("due_within", 3650), ("meeting", 2**31), ("year", 9998)):
            raw = str(args.get(name) or "")
            if not raw:
                continue
            if not (raw.isascii() and raw.isdigit() and 0 <= int(raw) <= upper):
                errors[name] = _("A whole number from 0 to %(n)d.", n=upper)
            else:
                setattr(filters, name, int(raw))
        if filters.year == 0:
            errors["year"] = _("A whole number from 0 to %(n)d.", n=9998)
        if errors:
            raise InvalidInput(errors)
        return filters


def ledger_query(filters: Filters, today: date, rules: dict, viewer: User) -> Select:
    """Tasks matching FILTERS as of TODAY; a liaison sees only tasks of their own unit."""
    query = (
        select(Task)
        .join(Unit, Task.lead_unit_id == Unit.id)
        .where(visible_to(viewer))
        .options(
            selectinload(Task.item),
            selectinload(Task.lead_unit),
            selectinload(Task.responsible_units),
            selectinload(Task.reports),
        )
    )
    if filters.unit:
        unit = unit_by_code(filters.unit)
        query = query.where(involves(unit.id) if unit else false())  # no such unit: no tasks
    if filters.state:
        query = query.where(Task.state == filters.state)
    open_ = Task.state != "done"
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
