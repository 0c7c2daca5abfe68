"""Tasks: /api/v1/items/{id}/tasks, /api/v1/tasks… (API.md); bulletins."""

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from meeting.api import bp
from meeting.api.items import json_body, visible_item
from meeting.api.pagination import paginated
from meeting.errors import NotFound
from meeting.extensions import db
from meeting.items.operations import rules
from meeting.tasks.deadlines import county_today
from meeting.tasks.ledger import Filters, ledger_query, tasks_of_item
from meeting.tasks.models import Task
from meeting.tasks.operations import assign_task, fire_task_event
from meeting.tasks.serialize import task_json
from workflows.roles import LIAISON


@bp.get("/items/<int:item_id>/tasks")
def item_tasks(item_id: int):
    item = visible_item(item_id)
    query = tasks_of_item(item.id, current_user)
    today = county_today()
    return paginated(query, lambda t: task_json(t, current_user, today, with_history=False))


@bp.post("/items/<int:item_id>/tasks")
def assign(item_id: int):
    """Assign a task: `lead_unit`, `responsible_units`, `deadline` or `working_days`, `description`."""
    task = assign_task(visible_item(item_id), current_user, json_body())
    db.session.commit()
    return task_json(task, current_user), 201


@bp.get("/tasks")
def list_tasks():
    """The ledger: `?unit=`, `?state=`, `?overdue=true`, `?warning=`, `?due_within=`,
    `?meeting=`, `?year=`, `?sort=`."""
    today = county_today()
    query = ledger_query(Filters.from_args(request.args), today, rules(), current_user)
    return paginated(query, lambda t: task_json(t, current_user, today, with_history=False))


@bp.get("/tasks/<int:task_id>")
def show_task(task_id: int):
    return task_json(visible_task(task_id), current_user)


@bp.post("/tasks/<int:task_id>/events/<event>")
def fire_task(task_id: int, event: str):
    task = fire_task_event(visible_task(task_id), event, current_user, json_body())
    db.session.commit()
    return task_json(task, current_user)


def visible_task(task_id: int) -> Task:
    """A task; a liaison sees only the tasks their unit is on."""
    task = db.session.get(Task, task_id)
    if task is None or (current_user.role == LIAISON and current_user.unit_id not in task.unit_ids):
        raise NotFound(_("There is no such page or record."))
    return task
