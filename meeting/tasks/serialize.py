"""Tasks as the API gives them: built as the contract's models (meeting.contract.resources)."""

from datetime import date

from meeting.accounts.models import User
from meeting.contract import resources
from meeting.history import history_as_sent
from meeting.items.serialize import history_json
from meeting.tasks.deadlines import county_today
from meeting.tasks.models import Task
from meeting.tasks.operations import available_events, is_overdue, warning_of
from meeting.tasks.rhythm import status_of


def task_json(
    task: Task, user: User, today: date | None = None, with_history: bool = True
) -> resources.TaskSummary:
    """The task's own columns, its units and reports, and what USER may do with it."""
    extension = None
    if task.extension_date:
        extension = resources.ExtensionRequest(
            new_deadline=task.extension_date, reason=task.extension_reason
        )
    status = status_of(task, today or county_today())
    rhythm = None
    if status:
        rhythm = resources.TaskRhythm(
            kind=status.rhythm.kind, days=status.rhythm.days, dates=list(status.rhythm.dates),
            since=status.since,
        )  # fmt: skip
    computed = {
        "report_rhythm": rhythm,
        "next_report_due": status.next_due if status else None,
        "missed_reports": status.missed_count if status else task.rhythm_missed_before,
        "item_title": task.item.title,
        "lead_unit": task.lead_unit.code,
        "responsible_units": [unit.code for unit in task.responsible_units],
        "overdue": is_overdue(task, today),
        "warning": warning_of(task, today),
        "available_events": available_events(task, user),
        "extension_request": extension,
        "reports": [
            resources.Report.of(
                report,
                unit=report.unit.code if report.unit else None,
                author=report.author.username,
                at=report.created_at,
            )
            for report in task.reports
        ],  # fmt: skip
    }
    if not with_history:
        return resources.TaskSummary.of(task, **computed)
    history = [history_json(row) for row in history_as_sent("task", task.id)]
    return resources.Task.of(task, **computed, history=history)
