"""Who hears of a task: its units when they are put on it or taken off, the office when a unit
asks for something, the lead unit when the office urges or answers.

Receivers of `meeting.signals`; they add notifications to the session and never commit.
"""

from meeting import signals
from meeting.notifications.messages import task_params
from meeting.notifications.operations import liaisons_of, notify, users_with_roles
from meeting.tasks.models import Task
from workflows.roles import OFFICE

LEAD, OFFICE_STAFF = "lead", "office"

# event -> (who is told, the notification's kind, the field that is its body); what each kind
# says is in meeting.notifications.messages
MESSAGES = {
    "request_completion": (OFFICE_STAFF, "completion_requested", "report"),
    "urge": (LEAD, "task_urged", "message"),
    "request_extension": (OFFICE_STAFF, "extension_requested", "reason"),
    "grant_extension": (LEAD, "extension_granted", "new_deadline"),
    "refuse_extension": (LEAD, "extension_refused", "reason"),
}  # fmt: skip


@signals.task_assigned.connect
def notify_assigned(task: Task, units: list, **extra) -> None:
    """The liaisons of the units now on TASK."""
    if units:
        notify(liaisons_of(units), "task_assigned", body=task.description, link=f"/tasks/{task.id}",
               charter_id=task.charter_id, params=task_params(task))  # fmt: skip


@signals.task_released.connect
def notify_released(task: Task, units: list, reason: str, **extra) -> None:
    """The liaisons of the units taken off TASK, with the reason."""
    if units:
        notify(liaisons_of(units), "task_released", body=reason, link=f"/tasks/{task.id}",
               charter_id=task.charter_id, params=task_params(task))  # fmt: skip


@signals.task_event_fired.connect
def notify_task_event(task: Task, event: str, fields: dict, **extra) -> None:
    """The office hears of a unit's requests; the lead unit of the office's urging and answers."""
    if event not in MESSAGES:
        return
    who, kind, body = MESSAGES[event]
    here = task.charter_id
    users = users_with_roles(here, OFFICE) if who == OFFICE_STAFF else liaisons_of([task.lead_unit])
    notify(users, kind, body=fields[body], link=f"/tasks/{task.id}", charter_id=here,
           params=task_params(task))  # fmt: skip
