"""Tasks as the API gives them: built as the contract's models (meeting.contract.resources)."""

from datetime import date

from meeting.accounts.models import User
from meeting.contract import resources
from meeting.history import history_of
from meeting.items.serialize import history_json
from meeting.tasks.models import Task
from meeting.tasks.operations import available_events, is_overdue, warning_of
from meeting.timeutil import iso


def task_json(task: Task, user: User, today: date | None = None, with_history: bool = True) -> resources.TaskSummary:
    body = {
        "id": task.id,
        "item_id": task.item_id,
        "item_title": task.item.title,
        "lead_unit": task.lead_unit.code,
        "responsible_units": [unit.code for unit in task.responsible_units],
        "description": task.description,
        "deadline": task.deadline.isoformat(),
        "original_deadline": task.original_deadline.isoformat(),
        "working_days": task.working_days,
        "state": task.state,
        "version": task.version,
        "overdue": is_overdue(task, today),
        "warning": warning_of(task, today),
        "available_events": available_events(task, user),
        "extension_request": (
            {"new_deadline": task.extension_date.isoformat(), "reason": task.extension_reason}
            if task.extension_date
            else None
        ),
        "assigned_at": iso(task.assigned_at),
        "completed_at": iso(task.completed_at),
        "reports": [
            {
                "kind": r.kind,
                "unit": r.unit.code if r.unit else None,
                "author": r.author.username,
                "text": r.text,
                "at": iso(r.created_at),
            }
            for r in task.reports
        ],  # fmt: skip
    }
    if not with_history:
        return resources.TaskSummary(**body)
    return resources.Task(**body, history=[history_json(r) for r in history_of("task", task.id)])
