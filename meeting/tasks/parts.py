"""The parts of a task's responsible units (配合单位): each unit's latest part and how many it
reported, read from the task's reports already loaded (no query per unit)."""

from collections import defaultdict
from dataclasses import dataclass

from meeting.charter.models import Unit
from meeting.tasks.models import ProgressReport, Task


@dataclass(frozen=True)
class Part:
    unit: Unit
    latest: ProgressReport | None  # None: the unit has not reported its part yet
    count: int


def parts_of(task: Task) -> list[Part]:
    """One line per responsible unit now on TASK, in the charter's order."""
    reported: dict[int, list[ProgressReport]] = defaultdict(list)
    for report in task.reports:
        if report.kind == "part":
            reported[report.unit_id].append(report)
    return [
        Part(unit, reported[unit.id][-1] if reported[unit.id] else None, len(reported[unit.id]))
        for unit in task.responsible_units
    ]
