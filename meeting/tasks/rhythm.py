"""A task's reporting rhythm 报送节奏 (二(三) "及时通报工作进展情况", 三(三)) as the app keeps it.

The rule is `workflows.rhythm`; here are its columns on `tasks` (`rhythm`, `rhythm_days`,
`rhythm_dates`, `rhythm_since`, `rhythm_missed_before`), the charter's default
(`report_rhythm_default`), and a task's status as of a day: the periods it missed and the next
report due. Any report on the task (progress or completion, by the lead or a responsible unit)
covers the period it is dated in (county date). Missed reports are derived from the reports,
never stored, save those missed under a rhythm the office has since replaced: changing the
rhythm starts the new one on that day, and the periods the old one had closed unreported are
kept in `rhythm_missed_before`, so a count never drops.

Lists load the reports with the tasks (`selectinload(Task.reports)`, or `report_times` for a
whole joint meeting in one query) and count here, so a list makes the same queries for any
number of rows.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from flask_babel import gettext as _
from pydantic import BaseModel
from sqlalchemy import select

from meeting.errors import InvalidInput
from meeting.extensions import db
from meeting.tasks.models import ProgressReport, Task
from meeting.timeutil import local
from workflows import rhythm as workflow
from workflows.rhythm import Period, Rhythm

# Where a liaison can report progress: only there is a missed report chased.
REPORTING_STATES = ("assigned", "in_progress")


def default_rhythm(rules: dict) -> Rhythm | None:
    """The charter's `report_rhythm_default` (None: tasks get no rhythm unless given one)."""
    given = rules.get("report_rhythm_default")
    return Rhythm.from_dict(given) if given else None


def given_rhythm(model: BaseModel, since: date) -> Rhythm:
    """The rhythm of a request body's `report_rhythm` (meeting.contract.bodies.ReportRhythm),
    starting on SINCE; fixed dates must all be later than that day."""
    data = model.model_dump()
    rhythm = Rhythm(kind=data["kind"], days=data.get("days"), dates=tuple(data.get("dates") or ()))
    if rhythm.kind == "dates" and rhythm.dates[0] <= since:
        raise InvalidInput(
            {"report_rhythm": _("Each date must be later than %(d)s.", d=since.isoformat())}
        )
    return rhythm


def rhythm_of(task: Task) -> Rhythm | None:
    """TASK's rhythm (TASK: a Task or a row of its columns)."""
    if task.rhythm is None:
        return None
    return _rhythm(task.rhythm, task.rhythm_days, tuple(task.rhythm_dates or ()))


@lru_cache(maxsize=1024)  # rhythms are few and frozen: the export asks for one per task
def _rhythm(kind: str, days: int | None, dates: tuple[str, ...]) -> Rhythm:
    return Rhythm(kind=kind, days=days, dates=tuple(date.fromisoformat(d) for d in dates))


def set_rhythm(task: Task, rhythm: Rhythm | None, since: date) -> None:
    """Give TASK RHYTHM (None: none) from SINCE on."""
    for name, value in rhythm_columns(rhythm, since).items():
        setattr(task, name, value)


def rhythm_columns(rhythm: Rhythm | None, since: date) -> dict:
    """The `tasks` columns of RHYTHM (None: none) from SINCE on (a bulk insert takes them)."""
    return {
        "rhythm": rhythm.kind if rhythm else None,
        "rhythm_days": rhythm.days if rhythm else None,
        "rhythm_dates": rhythm.as_dict()["dates"] if rhythm and rhythm.kind == "dates" else None,
        "rhythm_since": since if rhythm else None,
    }


def rhythm_json(task: Task) -> dict | None:
    """TASK's rhythm as history keeps it: its JSON form and the day it took effect."""
    rhythm = rhythm_of(task)
    if rhythm is None:
        return None
    return {**rhythm.as_dict(), "since": task.rhythm_since.isoformat()}


@dataclass(frozen=True)
class RhythmStatus:
    """Where a task stands with its rhythm as of a day."""

    rhythm: Rhythm
    since: date
    missed: list[Period]  # under the current rhythm
    missed_before: int  # under rhythms it had before
    next_due: date | None

    @property
    def missed_count(self) -> int:
        return self.missed_before + len(self.missed)


Reports = Iterable[tuple[str, datetime]]  # (kind, created_at) of a task's reports


def status_of(task: Task, today: date, reports: Reports | None = None) -> RhythmStatus | None:
    """TASK's rhythm, missed periods and next report due as of TODAY (None: no rhythm).

    REPORTS: the task's reports as (kind, created_at); default: `task.reports`.
    """
    rhythm = rhythm_of(task)
    if rhythm is None:
        return None
    dates, stop = _report_dates(task, today, reports)
    return RhythmStatus(
        rhythm=rhythm,
        since=task.rhythm_since,
        missed=workflow.missed_periods(rhythm, task.rhythm_since, dates, today, stop),
        missed_before=task.rhythm_missed_before,
        next_due=workflow.next_due(rhythm, task.rhythm_since, dates, today, stop),
    )


def missed_reports(task: Task, today: date, reports: Reports | None = None) -> int:
    """How many reports TASK has missed by TODAY, under all the rhythms it has had (as
    `status_of(…).missed_count`, counted without listing the periods)."""
    rhythm = rhythm_of(task)
    if rhythm is None:
        return task.rhythm_missed_before
    dates, stop = _report_dates(task, today, reports)
    missed = workflow.missed_count(rhythm, task.rhythm_since, dates, today, stop)
    return task.rhythm_missed_before + missed


def _report_dates(
    task: Task, today: date, reports: Reports | None
) -> tuple[list[date], date | None]:
    """The county days of TASK's reports that count for its rhythm, and the day reporting
    stopped (None: still reported on)."""
    if reports is None:
        reports = [(report.kind, report.created_at) for report in task.reports]
    reports = list(reports)
    # The rhythm is the lead unit's: a responsible unit's part does not stand for its report.
    dates = [local(at).date() for kind, at in reports if kind != "part"]
    return dates, _stop(task, reports, today)


def _stop(task: Task, reports: list[tuple[str, datetime]], today: date) -> date | None:
    """The day reporting stopped: the task was confirmed done, or (waiting for that) asked for
    completion; None while it is reported on."""
    if task.state in REPORTING_STATES:
        return None
    if task.state == "done" and task.completed_at:
        return local(task.completed_at).date()
    asked = [at for kind, at in reports if kind == "completion"]
    return local(max(asked)).date() if asked else today


def report_times(charter_id: int, task_ids=None) -> dict[int, list[tuple[str, datetime]]]:
    """The reports of joint meeting CHARTER_ID's tasks (those of TASK_IDS, a subquery or list,
    if given) as {task id: [(kind, created_at)]}, in one query."""
    query = (
        select(ProgressReport.task_id, ProgressReport.kind, ProgressReport.created_at)
        .join(Task, Task.id == ProgressReport.task_id)
        .where(Task.charter_id == charter_id)
    )
    if task_ids is not None:
        query = query.where(ProgressReport.task_id.in_(task_ids))
    found = defaultdict(list)
    for task_id, kind, at in db.session.execute(query):
        found[task_id].append((kind, at))
    return found


def rhythm_label(rhythm: Rhythm | dict | None) -> str:
    """The rhythm in words: 每14天报送一次, 每月月底前报送, 于2026-12-31、2027-03-31前报送."""
    if rhythm is None:
        return _("No reporting rhythm")
    if isinstance(rhythm, dict):
        rhythm = Rhythm.from_dict(rhythm)
    if rhythm.kind == "every_days":
        return _("A report every %(n)d days", n=rhythm.days)
    if rhythm.kind == "monthly":
        return _("A report by the last day of each month")
    return _("A report by each of %(dates)s", dates="、".join(d.isoformat() for d in rhythm.dates))


DATE_SEPARATORS = re.compile(r"[\s,，、;；]+")


def rhythm_from_form(form) -> dict | None:
    """A page form's rhythm fields (`rhythm_kind`, `rhythm_days`, `rhythm_dates`: dates
    separated by spaces or commas) as a body's `report_rhythm`; None when no kind is chosen."""
    kind = (form.get("rhythm_kind") or "").strip()
    if not kind:
        return None
    data = {"kind": kind}
    days = (form.get("rhythm_days") or "").strip()
    if kind == "every_days" and days:
        data["days"] = days
    elif kind == "dates":
        data["dates"] = [d for d in DATE_SEPARATORS.split(form.get("rhythm_dates") or "") if d]
    return data
