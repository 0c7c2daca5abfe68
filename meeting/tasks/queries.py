"""Which tasks a user sees: `workflows.task.liaison_sees`, for one row and as SQL for lists."""

from sqlalchemy import ColumnElement, false, or_, true

from meeting.accounts.models import User
from meeting.charter.models import Unit
from meeting.extensions import db
from meeting.tasks.models import Task
from workflows import task as workflow


def visible_task(task_id: int, viewer: User, *options) -> Task | None:
    """Task TASK_ID if VIEWER may see it (pages answer 404 and the API not_found otherwise),
    loaded with OPTIONS."""
    task = db.session.get(Task, task_id, options=options)
    if task is None:
        return None
    viewer.acting_in(task.charter_id)
    if not workflow.liaison_sees(viewer.role, viewer.unit_id, task.unit_ids):
        return None
    return task


def visible_to(viewer: User) -> ColumnElement[bool]:
    """The tasks VIEWER sees, as a WHERE clause: `liaison_sees` over the task table, in each
    joint meeting by the role VIEWER holds there."""
    if viewer.is_admin:
        return true()
    per_meeting = []
    for seat in viewer.seats:
        if seat.charter_id is None:
            continue
        if not workflow.scoped_to_unit(seat.role):
            per_meeting.append(Task.charter_id == seat.charter_id)
        elif seat.unit_id is not None:
            per_meeting.append(involves(seat.unit_id))  # a unit is of one joint meeting
    return or_(false(), *per_meeting)


def involves(unit_id: int) -> ColumnElement[bool]:
    """Tasks UNIT_ID leads or is responsible for."""
    return or_(Task.lead_unit_id == unit_id, Task.responsible_units.any(Unit.id == unit_id))
