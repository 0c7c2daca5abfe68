"""The scheduler's check of tasks' reporting rhythm (二(三) "及时通报工作进展情况", 三(三)).

A task the lead unit can report on (assigned, in progress) whose latest report period closed
with no report gets one reminder to the lead unit's liaisons: exactly once per missed period
(key: the task, `report_missed`, the period's due date), whatever restarts happen. Only the
latest missed period is reminded of (its reminder gives the count of all): a scheduler that was
down over several due dates, or a rhythm set long ago, sends one reminder, not a pile. A task
asking for completion or done is not chased.

Set-based: a query for the joint meeting's tasks, one for their reports, one for the lead units'
liaisons and the bulk reminder's own (meeting.scheduler.reminders.remind_all), however many
tasks there are. Each task is looked at once a day (`rhythm_checked_on`): periods close at
midnight, so the day's later ticks find nothing to look at.
"""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import or_, select, update

from meeting.accounts.models import Seat, User
from meeting.charter.models import Charter
from meeting.extensions import db
from meeting.items.models import Item
from meeting.scheduler.reminders import Due, remind_all
from meeting.scheduler.sweeps import Window, changed_ids
from meeting.tasks.deadlines import county_today
from meeting.tasks.models import Task
from meeting.tasks.rhythm import REPORTING_STATES, report_times, status_of
from workflows.roles import LIAISON

REASON = "report_missed"


def missed_reports(now: datetime, charter: Charter, window: Window | None = None) -> int:
    """Remind the lead unit of each task whose latest report period closed unreported. Within
    a WINDOW (a later tick of the same county day) only tasks changed since are looked at."""
    today = county_today(now)
    unchecked = (
        Task.charter_id == charter.id,
        Task.state.in_(REPORTING_STATES),
        Task.rhythm.is_not(None),
        Task.rhythm_since < today,  # a rhythm started today has no period closed yet
        # Periods close at midnight: a task looked at today has nothing new until tomorrow.
        # (Not "before today": a tick run for a day ahead, `flask scheduler tick --at`, must
        # not silence the days up to it.)
        or_(Task.rhythm_checked_on.is_(None), Task.rhythm_checked_on != today),
    )
    if window is not None:
        unchecked += (Task.id.in_(changed_ids(Task, charter.id, window.changed_after)),)
    chased = (
        select(Task, Item.title)
        .join(Item, Item.id == Task.item_id)
        .where(*unchecked)
        .order_by(Task.id)
    )
    rows = db.session.execute(chased).all()
    if not rows:
        return 0
    reports = report_times(charter.id, chased.with_only_columns(Task.id).order_by(None))
    _mark_checked([task.id for task, _title in rows], today)
    late = []
    for task, title in rows:
        status = status_of(task, today, reports.get(task.id, []))
        if status.missed:
            late.append((task, title, status))
    if not late:
        return 0
    liaisons = _liaisons({task.lead_unit_id for task, _title, _status in late})
    dues = []
    for task, title, status in late:
        period = status.missed[-1]
        dues.append(
            Due(
                key=(f"task:{task.id}", REASON, period.due.isoformat()),
                users=tuple(liaisons.get(task.lead_unit_id, ())),
                kind=REASON,
                title="",
                body=task.description,
                link=f"/tasks/{task.id}",
                params={
                    "task_id": task.id,
                    "task": task.title or title,
                    "item": title,
                    "start": period.start.isoformat(),
                    "due": period.due.isoformat(),
                    "n": status.missed_count,
                },
            )
        )
    return remind_all(dues, now, charter.id)


CHECKED_BATCH = 5000  # ids in one UPDATE: under SQLite's limit of bound parameters


def _mark_checked(task_ids: list[int], today) -> None:
    """Mark the tasks read (by id: not a task that came into the query's reach meanwhile)."""
    for start in range(0, len(task_ids), CHECKED_BATCH):
        db.session.execute(
            update(Task)
            .where(Task.id.in_(task_ids[start : start + CHECKED_BATCH]))
            .values(rhythm_checked_on=today),
            execution_options={"synchronize_session": False},
        )


def _liaisons(unit_ids: set[int]) -> dict[int, list[User]]:
    """The active liaisons of UNIT_IDS, by unit, in one query."""
    found = defaultdict(list)
    query = (
        select(Seat.unit_id, User)
        .join(User, User.id == Seat.user_id)
        .where(Seat.role == LIAISON, Seat.unit_id.in_(unit_ids), User.active)
    )
    for unit_id, user in db.session.execute(query):
        found[unit_id].append(user)
    return found
