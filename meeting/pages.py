"""What every page does with a refused action: roll back, say why in words, stay put."""

from dataclasses import dataclass, field

from flask import abort, flash, request
from flask_babel import gettext as _

from meeting.charter.loader import unit_by_code
from meeting.errors import InvalidInput, WorkflowError
from meeting.extensions import db
from meeting.pagination import COUNT_CAP, paginate
from workflows import agenda_item, task
from workflows import meeting as meeting_workflow
from workflows.i18n import N_

# The name a clerk knows each field by; the workflows' own labels first.
FIELD_LABELS = {
    "version": N_("Version"),
    "file": N_("File"),
    "item_id": N_("Item"),
    "decision": N_("Decision"),
    "attendance": N_("Attendance"),
    "delegate": N_("Delegate"),
    "meeting_id": N_("Meeting"),
    "starts_on": N_("From"),
    "ends_on": N_("To"),
    "period_end": N_("To"),
    "description": N_("What is to be done"),
    "deadline": N_("Deadline"),
    "working_days": N_("Working days"),
    "category": N_("Category"),
    "item_ids": N_("Agenda"),
    # the ledger's filters
    "unit": N_("Unit"),
    "state": N_("State"),
    "warning": N_("Warning"),
    "overdue": N_("Overdue"),
    "due_within": N_("Due in N days"),
    "meeting": N_("Meeting"),
    "year": N_("Year"),
    "duty": N_("Duty"),
    "unit_as": N_("Lead or shared"),
    "sort": N_("Sort"),
    "page": N_("Page"),
    "per_page": N_("Per page"),
    **meeting_workflow.FIELD_LABELS,
    **task.FIELD_LABELS,
    **agenda_item.FIELD_LABELS,
}


@dataclass
class Refusal:
    status: int
    fields: dict = field(default_factory=dict)


def describe(fields: dict, labels: dict | None = None) -> str:
    """ "标题:必填。" for each bad field; a unit code (attendance) is named by its unit."""
    labels = {**FIELD_LABELS, **(labels or {})}
    parts = []
    for name, message in fields.items():
        if name in labels:
            label = _(labels[name])
        else:
            unit = unit_by_code(name)
            label = unit.name if unit else name
        parts.append(f"{label}:{message}")
    return " ".join(parts)


def form_id(name: str) -> int:
    """The record id a form's field NAME holds; 0 (no record) for anything not an id."""
    from meeting import MAX_ID

    value = request.form.get(name, 0, type=int)
    return value if 0 < value <= MAX_ID else 0


MAX_PAGE = 100_000  # beyond any list's end; a bigger ?page= would overflow the OFFSET


def page_of(query, per_page: int, parameter: str = "page", cap: int | None = None):
    """The page of QUERY that `?page=` (or PARAMETER) asks for (a bad or huge one: the first,
    or the last possible), as Flask-SQLAlchemy's pagination with the total counted up to CAP
    (default `meeting.pagination.COUNT_CAP`; `page.more`: there are more)."""
    number = request.args.get(parameter, 1, type=int)
    number = min(max(number, 1), MAX_PAGE)
    return paginate(query, number, per_page, cap=cap or COUNT_CAP)


def attempt(operation, labels: dict | None = None) -> Refusal | None:
    """Run OPERATION and commit; or, if refused, roll back, flash the reason and return why.

    A record the user may not see is simply not found (404).
    """
    try:
        operation()
    except InvalidInput as error:
        db.session.rollback()
        flash(describe(error.fields, labels), "danger")
        return Refusal(422, error.fields)
    except WorkflowError as error:
        db.session.rollback()
        if error.status == 404:
            abort(404)
        flash(error.message, "danger" if error.status == 403 else "warning")
        return Refusal(error.status)
    return None
