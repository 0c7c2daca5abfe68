"""Tasks: /api/v1/items/{id}/tasks, /api/v1/tasks… (API.md); bulletins."""

from functools import partial

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from meeting.accounts.models import User
from meeting.api import bp
from meeting.api.contract import WRITE, operation
from meeting.api.items import visible_item
from meeting.api.pagination import paginated
from meeting.charter.rules import rules
from meeting.contract import bodies, resources
from meeting.contract.queries import Query, TaskQuery
from meeting.errors import NotFound
from meeting.figures_cache import remembered
from meeting.pagination import narrow_count
from meeting.tasks import queries
from meeting.tasks.deadlines import county_today
from meeting.tasks.ledger import ledger_query, tasks_of_item
from meeting.tasks.models import ProgressReport, Task
from meeting.tasks.operations import assign_task, fire_task_event
from meeting.tasks.serialize import task_json


@bp.get("/items/<int:item_id>/tasks")
@operation("The tasks of an item the caller may see", query=Query,
           returns={200: resources.Page[resources.TaskSummary]})  # fmt: skip
def item_tasks(item_id: int, args: Query):
    item = visible_item(item_id)
    today = county_today()
    render = partial(task_json, user=current_user, today=today, with_history=False)
    return paginated(tasks_of_item(item.id, current_user), render, args)


@bp.post("/items/<int:item_id>/tasks")
@operation("Assign a task of an adopted item (the office, 五(四))", body=bodies.TaskAssignment,
           returns={201: resources.Task}, errors=WRITE,
           rules=("a deadline not in the past, or working_days (exactly one of them)",
                  "report_rhythm's fixed dates later than today"))  # fmt: skip
def assign(item_id: int, body: dict):
    return task_json(assign_task(visible_item(item_id), current_user, body), current_user), 201


@bp.get("/tasks")
@operation("The supervision ledger (督办台账)", query=TaskQuery,
           returns={200: resources.Page[resources.TaskSummary]})  # fmt: skip
def list_tasks(args: TaskQuery):
    today = county_today()
    query = ledger_query(args, today, rules(), current_user)
    render = partial(task_json, user=current_user, today=today, with_history=False)
    filters = args.model_dump(exclude={"page", "per_page", "sort"})
    count = lambda _query: ledger_total(current_user, filters, today)  # noqa: E731
    return paginated(query, render, args, counter=count)


@remembered
def ledger_total(user: User, filters: dict, today) -> int:
    """How many tasks the ledger gives USER with FILTERS as of TODAY: the list's exact `total`,
    remembered until something changes (meeting.figures_cache), as counting is linear in the
    tasks and an integration polls the same list again and again."""
    args = TaskQuery.model_construct(**filters)
    return narrow_count(ledger_query(args, today, rules(), user, loading=()))


@bp.get("/tasks/<int:task_id>")
@operation("One task, with its reports and history", returns={200: resources.Task})
def show_task(task_id: int):
    return task_json(visible_task(task_id), current_user)


@bp.post("/tasks/<int:task_id>/events/<event>")
@operation("Fire a task event (DOMAIN.md's task table)", body=bodies.TASK_EVENT_BODIES,
           body_by="event", returns={200: resources.Task}, errors=WRITE,
           rules={"request_extension": ("new_deadline is later than the current deadline",),
                  "change_rhythm": ("the new rhythm starts today: fixed dates later than today",)})  # fmt: skip
def fire_task(task_id: int, event: str, body: dict):
    task = fire_task_event(visible_task(task_id), event, current_user, body)
    return task_json(task, current_user)


# What `task_json` reads of a task beside its own row, loaded with it: a query per relation,
# however many units or reports it has.
AS_SENT = (
    joinedload(Task.item),
    joinedload(Task.lead_unit),
    joinedload(Task.responsible_units),
    selectinload(Task.reports).options(
        joinedload(ProgressReport.unit), joinedload(ProgressReport.author).lazyload(User.seats)
    ),
)


def visible_task(task_id: int) -> Task:
    """A task; a liaison sees only the tasks their unit is on."""
    task = queries.visible_task(task_id, current_user, *AS_SENT)
    if task is None:
        raise NotFound(_("There is no such page or record."))
    return task
