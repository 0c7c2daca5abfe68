"""The scheduler's jobs, each a plain function of the time it runs as (naive UTC `now`) and
the joint meeting it checks.

They read that joint meeting's rules, send what is due through `remind_once`, and flush; the caller
commits. Running one twice, or in two processes at once, sends nothing twice.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import String, cast, exists, literal, select
from sqlalchemy.exc import IntegrityError

from meeting.accounts.models import Seat, User
from meeting.charter.models import Charter, Unit
from meeting.extensions import db
from meeting.items.models import Item
from meeting.meetings.models import Meeting
from meeting.notifications.operations import notify, users_with_roles
from meeting.scheduler import opinions, rhythm
from meeting.scheduler.reminders import (
    Due,
    Reminder,
    already_sent,
    iso_moment,
    remind_all,
    remind_once,
)
from meeting.scheduler.sweeps import Window, changed_ids, record_sweep, recorded_sweeps, window_for
from meeting.tasks.bulletins import create_bulletin
from meeting.tasks.deadlines import county_today
from meeting.tasks.models import Task
from meeting.timeutil import utcnow
from workflows import meeting as meeting_workflow
from workflows import task as task_workflow
from workflows.roles import CONVENER, GENERAL_CONVENER, LIAISON, OFFICE


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
    people = users_with_roles(charter.id, GENERAL_CONVENER, CONVENER, OFFICE)
    subject = f"plenary:{charter.id}:{year}"
    sent = 0
    if meeting_workflow.plenaries_owed(planned, rules):
        sent += remind_once(
            (subject, "plan", str(year)), people, "plenary_plan", "", "", "/meetings/new", now,
            charter.id, {"year": year, "wanted": wanted},
        )  # fmt: skip
    period = meeting_workflow.plenary_reminder_period(today, convened, rules)
    if period is not None:
        sent += remind_once(
            (subject, "not_convened", str(period)), people, "plenary_reminder", "", "",
            "/meetings/", now, charter.id, {"year": year, "wanted": wanted, "convened": convened},
        )  # fmt: skip
    return sent


def task_deadlines(now: datetime, charter: Charter, window: Window | None = None) -> int:
    """Remind the lead unit before the deadline; tell it and the office on the first day
    overdue; escalate to the conveners after the configured number of days.

    Set-based: one query per reason finds the open tasks in its band whose reminder for the
    current deadline has not gone out (the deadline is the key's period: an extension makes
    the reminders new), one the lead units' liaisons; the reminders are written in bulk. Bands
    move with the county day: within a WINDOW (a later tick of the same day) only tasks changed
    since can have entered one."""
    bands = task_workflow.WarningBands.from_rules(charter.rules)
    today = county_today(now)
    here = charter.id
    due_soon = bands.deadlines("yellow", today)[1]  # tasks due later are in no band yet
    overdue_from = today - timedelta(days=1)
    escalate_from = today - timedelta(days=bands.escalation_days + 1)
    reasons = {  # reason: (latest deadline in its band, earliest)
        "due_soon": (due_soon, today),
        "overdue": (overdue_from, None),
        "escalate": (escalate_from, None),
    }
    changed_after = window.changed_after if window else None
    found = {reason: _tasks_to_remind(here, reason, latest, earliest, bands, today, changed_after)
             for reason, (latest, earliest) in reasons.items()}  # fmt: skip
    if not any(found.values()):
        return 0
    liaisons = liaisons_by_unit(here)
    office, conveners = users_with_roles(here, OFFICE), users_with_roles(here, CONVENER)
    dues = []
    for reason, rows in found.items():
        for task_id, deadline, description, unit_id, unit_name, title, item in rows:
            key = (f"task:{task_id}", reason, deadline.isoformat())
            lead, link = tuple(liaisons.get(unit_id, ())), f"/tasks/{task_id}"
            params = {"task_id": task_id, "task": title or item, "item": item}
            if reason == "due_soon":
                params["n"] = (deadline - today).days
                dues.append(Due(key, lead, "task_due_soon", "", description, link, params))
            elif reason == "overdue":
                dues.append(Due(key, (*lead, *office), "task_overdue", "", description, link,
                                params))  # fmt: skip
            else:
                params["n"] = bands.escalation_days
                dues.append(Due(key, tuple(conveners), "task_escalated", "",
                                f"{unit_name}:{description}", link, params))  # fmt: skip
    return remind_all(dues, now, here)


def _tasks_to_remind(here: int, reason: str, latest: date, earliest: date | None, bands,
                     today: date, changed_after: datetime | None) -> list[tuple]:  # fmt: skip
    """Open tasks of joint meeting HERE with a deadline in [EARLIEST, LATEST] (and changed
    after CHANGED_AFTER, if given) and no reminder REASON sent for that deadline yet: (id,
    deadline, description, unit id, unit name, task title, item title). The key's period is the
    deadline's ISO date, as SQL casts a date to text."""
    sent = exists().where(
        Reminder.subject == literal("task:") + cast(Task.id, String),
        Reminder.reason == reason,
        Reminder.period == cast(Task.deadline, String),
    )
    query = (
        select(
            Task.id,
            Task.deadline,
            Task.description,
            Task.lead_unit_id,
            Unit.name,
            Task.title,
            Item.title,
        )
        .join(Item, Item.id == Task.item_id)
        .join(Unit, Unit.id == Task.lead_unit_id)
        .where(Task.charter_id == here, Task.state != "done", Task.deadline <= latest, ~sent)
        .order_by(Task.id)
    )
    if earliest is not None:
        query = query.where(Task.deadline >= earliest)
    if changed_after is not None:
        query = query.where(Task.id.in_(changed_ids(Task, here, changed_after)))
    rows = db.session.execute(query).tuples().all()
    # The bands are the workflow's: keep only what it puts in this reason's band.
    wanted = {"due_soon": ("yellow",), "overdue": task_workflow.OVERDUE_LEVELS,
              "escalate": ("dark_red",)}[reason]  # fmt: skip
    return [row for row in rows if bands.for_days_left((row[1] - today).days) in wanted]


def liaisons_by_unit(charter_id: int) -> dict[int, list[User]]:
    """Every member unit's active liaisons in joint meeting CHARTER_ID, in one query."""
    by_unit: dict[int, list[User]] = {}
    rows = db.session.execute(
        select(Seat.unit_id, User)
        .join(User, User.id == Seat.user_id)
        .where(Seat.charter_id == charter_id, Seat.role == LIAISON, User.active)
    ).tuples()
    for unit_id, user in rows:
        by_unit.setdefault(unit_id, []).append(user)
    return by_unit


def waiting_items(now: datetime, charter: Charter, window: Window | None = None) -> int:
    """Items waiting longer than the charter allows for review (office) or approval: a query
    per wait finds the items whose reminder for this wait has not gone out (the key's period
    is the moment the wait began), the reminders go out in bulk. Within a WINDOW, only the
    waits that ran out since its start, and items changed since, are looked at (a query
    each)."""
    rules, here = charter.rules, charter.id
    waits = (
        ("review_wait", "submitted", Item.submitted_at, rules["review_limit_days"],
         (OFFICE,), "review_waiting"),
        ("approval_wait", "reviewed", Item.updated_at, rules["approval_limit_days"],
         tuple(rules["approvers"]), "approval_waiting"),
    )  # fmt: skip
    dues = []
    for reason, state, since, limit, roles, kind in waits:
        began_by = now - timedelta(days=limit)
        if window is None:
            rows = _items_to_remind(here, reason, state, since, began_by)
        else:
            ran_out = select(Item.id).where(
                Item.charter_id == here, Item.state == state,
                since > window.since - timedelta(days=limit), since <= began_by,
            )  # fmt: skip
            changed = changed_ids(Item, here, window.changed_after)
            rows = sorted(
                set(_items_to_remind(here, reason, state, since, began_by, ran_out))
                | set(_items_to_remind(here, reason, state, since, began_by, changed))
            )
        if not rows:
            continue
        people = tuple(users_with_roles(here, *roles))
        dues += [Due((f"item:{item_id}", reason, moment.isoformat()), people, kind, "",
                     unit_name, f"/items/{item_id}", {"item_id": item_id, "item": item_title})
                 for item_id, item_title, moment, unit_name in rows]  # fmt: skip
    return remind_all(dues, now, here)


def _items_to_remind(here: int, reason: str, state: str, since, began_by: datetime,
                     among=None) -> list:  # fmt: skip
    """Items of joint meeting HERE in STATE since (column SINCE) BEGAN_BY or earlier (and among
    the ids AMONG selects, if given), with no reminder REASON sent for that moment yet: (id,
    title, moment, unit name)."""
    sent = exists().where(
        Reminder.subject == literal("item:") + cast(Item.id, String),
        Reminder.reason == reason,
        Reminder.period == iso_moment(since),
    )
    query = (
        select(Item.id, Item.title, since, Unit.name)
        .join(Unit, Unit.id == Item.unit_id)
        .where(Item.charter_id == here, Item.state == state, since <= began_by, ~sent)
        .order_by(Item.id)
    )
    if among is not None:
        query = query.where(Item.id.in_(among))
    return db.session.execute(query).tuples().all()


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
            notify(users_with_roles(charter.id, OFFICE), "bulletin_draft",
                   link=f"/bulletins/{bulletin.id}", charter_id=charter.id,
                   params={"bulletin_id": bulletin.id, "start": start.isoformat(),
                           "end": end.isoformat()})  # fmt: skip
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
    "missed_reports": rhythm.missed_reports,  # 二(三), 三(三): meeting.scheduler.rhythm
    "task_deadlines": task_deadlines,
    "waiting_items": waiting_items,
    "bulletin_draft": bulletin_draft,
    "opinions_due": opinions.opinions_due,  # 五(三) 征求意见: meeting.scheduler.opinions
}


# The checks that look only within a window after the day's first tick (meeting.scheduler.sweeps).
WINDOWED = {"missed_reports", "task_deadlines", "waiting_items"}


def run_all(now: datetime) -> dict[str, int]:
    """Every check of every joint meeting still running, each by its own rules, as of NOW:
    {job: reminders sent}. The caller commits."""
    charters = db_scalars(select(Charter).where(Charter.archived_at.is_(None)).order_by(Charter.id))
    if not charters:
        return {}
    ran_at = utcnow()  # before reading: what is written meanwhile is looked at next time
    sweeps = recorded_sweeps(charters)
    windows = {charter.id: window_for(charter, now, sweeps) for charter in charters}
    sent = {name: 0 for name in JOBS}
    for charter in charters:
        window = windows[charter.id]
        for name, job in JOBS.items():
            sent[name] += job(now, charter, window) if name in WINDOWED else job(now, charter)
        record_sweep(charter, now, ran_at, window, sweeps)
    return sent


def db_scalars(query) -> list:
    return db.session.scalars(query).all()
