"""The scheduler's jobs, each a plain function of the time it runs as (naive UTC `now`) and
the joint meeting it checks.

They read that joint meeting's rules, send what is due through `remind_once`, and flush; the caller
commits. Running one twice, or in two processes at once, sends nothing twice.
"""

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from meeting.charter.models import Charter
from meeting.extensions import db
from meeting.items.models import Item
from meeting.meetings.models import Meeting
from meeting.notifications.operations import liaisons_of, notify, users_with_roles
from meeting.scheduler.reminders import Reminder, already_sent, remind_once
from meeting.tasks.bulletins import create_bulletin
from meeting.tasks.deadlines import county_today
from meeting.tasks.models import Task
from workflows import meeting as meeting_workflow
from workflows import task as task_workflow
from workflows.roles import CONVENER, GENERAL_CONVENER, OFFICE


def annual_plenary(now: datetime, charter: Charter) -> int:
    """五(一): a plenary in principle every year. Prompt to plan it at the start of the year;
    from the configured day, remind every configured interval until one is convened."""
    rules = charter.rules
    today = county_today(now)
    year = today.year
    plenaries = select(Meeting.state).where(
        Meeting.charter_id == charter.id,
        Meeting.kind == meeting_workflow.PLENARY_KIND,
        Meeting.year == year,
    )
    states = db_scalars(plenaries)
    planned = sum(1 for state in states if state != "cancelled")
    convened = sum(1 for state in states if state in meeting_workflow.CONVENED_STATES)
    wanted = meeting_workflow.plenaries_per_year(rules)
    why = (
        _("The charter (五(一)) holds a plenary meeting in principle once a year.")
        if wanted == 1
        else _("The charter (五(一)) holds %(n)d plenary meetings a year in principle.", n=wanted)
    )
    people = users_with_roles(charter.id, GENERAL_CONVENER, CONVENER, OFFICE)
    subject = f"plenary:{charter.id}:{year}"
    sent = 0
    if meeting_workflow.plenaries_owed(planned, rules):
        sent += remind_once(
            (subject, "plan", str(year)), people, "plenary_plan",
            _("Plan this year's plenary meeting (%(year)d)", year=year), why, "/meetings/new", now,
            charter.id,
        )  # fmt: skip
    period = meeting_workflow.plenary_reminder_period(today, convened, rules)
    if period is not None:
        title = (
            _("No plenary meeting convened yet in %(year)d", year=year)
            if not convened
            else _("%(n)d of %(wanted)d plenary meetings convened in %(year)d",
                   n=convened, wanted=wanted, year=year)
        )  # fmt: skip
        sent += remind_once(
            (subject, "not_convened", str(period)), people, "plenary_reminder",
            title, why, "/meetings/", now, charter.id,
        )  # fmt: skip
    return sent


def task_deadlines(now: datetime, charter: Charter) -> int:
    """Remind the lead unit before the deadline; tell it and the office on the first day
    overdue; escalate to the conveners after the configured number of days."""
    bands = task_workflow.WarningBands.from_rules(charter.rules)
    today = county_today(now)
    here = charter.id
    office, conveners = users_with_roles(here, OFFICE), users_with_roles(here, CONVENER)
    due_soon = bands.deadlines("yellow", today)[1]  # tasks due later are in no band yet
    open_tasks = select(Task).where(
        Task.charter_id == here, Task.state != "done", Task.deadline <= due_soon
    )
    sent = 0
    for task in db_scalars(open_tasks.order_by(Task.id)):
        left = (task.deadline - today).days
        level = bands.for_days_left(left)
        subject, period, link = f"task:{task.id}", task.deadline.isoformat(), f"/tasks/{task.id}"
        lead = liaisons_of([task.lead_unit])
        title = task.item.title
        if level == "yellow":
            sent += remind_once((subject, "due_soon", period), lead, "task_due_soon",
                                _("Due in %(n)d days: %(item)s", n=left, item=title),
                                task.description, link, now, here)  # fmt: skip
        if level in task_workflow.OVERDUE_LEVELS:
            sent += remind_once((subject, "overdue", period), [*lead, *office], "task_overdue",
                                _("Overdue: %(item)s", item=title), task.description, link, now,
                                here)  # fmt: skip
        if level == "dark_red":
            sent += remind_once((subject, "escalate", period), conveners, "task_escalated",
                                _("Overdue more than %(n)d days: %(item)s", n=bands.escalation_days, item=title),
                                f"{task.lead_unit.name}:{task.description}", link, now,
                                here)  # fmt: skip
    return sent


def waiting_items(now: datetime, charter: Charter) -> int:
    """Items waiting longer than the charter allows for review (office) or approval."""
    rules, here = charter.rules, charter.id
    sent = 0
    review_due = now - timedelta(days=rules["review_limit_days"])
    for item in db_scalars(
        select(Item).where(
            Item.charter_id == here, Item.state == "submitted", Item.submitted_at <= review_due
        )
    ):
        sent += remind_once(
            (f"item:{item.id}", "review_wait", item.submitted_at.isoformat()),
            users_with_roles(here, OFFICE), "review_waiting",
            _("Waiting for review: %(item)s", item=item.title), item.unit.name, f"/items/{item.id}", now,
            here,
        )  # fmt: skip
    approval_due = now - timedelta(days=rules["approval_limit_days"])
    for item in db_scalars(
        select(Item).where(
            Item.charter_id == here, Item.state == "reviewed", Item.updated_at <= approval_due
        )
    ):
        sent += remind_once(
            (f"item:{item.id}", "approval_wait", item.updated_at.isoformat()),
            users_with_roles(here, *rules["approvers"]), "approval_waiting",
            _("Waiting for approval: %(item)s", item=item.title), item.unit.name, f"/items/{item.id}", now,
            here,
        )  # fmt: skip
    return sent


def bulletin_draft(now: datetime, charter: Charter) -> int:
    """三(三): each period, a draft progress bulletin of the last period for the office."""
    period = charter.rules["bulletin_period"]
    start, end = previous_period(county_today(now), period)
    key = (f"bulletin:{charter.id}", period, start.isoformat())
    if already_sent(key):
        return 0
    try:
        # The reminder row goes first: a second process fails on it before drafting anything.
        with db.session.begin_nested():
            db.session.add(
                Reminder(subject=key[0], reason=key[1], period=key[2], sent_at=now, recipients=0)
            )
            db.session.flush()
            bulletin = create_bulletin(None, start, end, charter)
            title = _(
                "Draft progress bulletin for %(start)s – %(end)s",
                start=start.isoformat(),
                end=end.isoformat(),
            )
            notify(users_with_roles(charter.id, OFFICE), "bulletin_draft", title, "",
                   f"/bulletins/{bulletin.id}", charter_id=charter.id)  # fmt: skip
    except IntegrityError:
        return 0
    return 1


def previous_period(today: date, period: str) -> tuple[date, date]:
    """The last whole month, quarter or year before TODAY."""
    if period == "yearly":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    months = 3 if period == "quarterly" else 1
    first_this = date(today.year, ((today.month - 1) // months) * months + 1, 1)
    end = first_this - timedelta(days=1)
    start_month = ((end.month - 1) // months) * months + 1
    return date(end.year, start_month, 1), end


JOBS = {
    "annual_plenary": annual_plenary,
    "task_deadlines": task_deadlines,
    "waiting_items": waiting_items,
    "bulletin_draft": bulletin_draft,
}


def run_all(now: datetime) -> dict[str, int]:
    """Every check of every joint meeting still running, each by its own rules, as of NOW:
    {job: reminders sent}. The caller commits."""
    charters = db_scalars(select(Charter).where(Charter.archived_at.is_(None)).order_by(Charter.id))
    if not charters:
        return {}
    return {name: sum(job(now, charter) for charter in charters) for name, job in JOBS.items()}


def db_scalars(query) -> list:
    return db.session.scalars(query).all()
