"""The workbench 工作台 on the home page: what each of a person's roles sees first, across
all their joint meetings.

Everyone with a role: what waits longest for them (with its age), what is due this week, the
warning counts, the month's meetings, recent activity. The office, per joint meeting: items by
state, the review queue's age, tasks by lead unit, the overdue trend, this year's plenary. The
conveners: approvals waiting, meetings to convene, delegations, escalations. A liaison: their
department's items and tasks in every joint meeting. An observer: the county view of every
joint meeting they see, with the same charts as the office.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_skeleton, get_day_names
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from meeting.accounts.models import User
from meeting.charter.models import Charter
from meeting.charter.rules import rules
from meeting.items.models import Item
from meeting.meetings.models import Meeting
from meeting.scope import current_charter_id
from meeting.timeutil import local
from meeting.workbench import charts, figures, lists
from meeting.workbench.waiting import Waiting, waiting
from workflows import agenda_item
from workflows.agenda_item import APPROVERS
from workflows.i18n import N_
from workflows.roles import CONVENER, GENERAL_CONVENER, LIAISON, OBSERVER, OFFICE

# The item states' colours, as their badges show them (static/lianxi.css).
STATE_COLOURS = {
    "draft": "#6c757d",
    "returned": "#6c757d",
    "submitted": "#0d6efd",
    "reviewed": "#6610f2",
    "scheduled": "#6610f2",
    "approved": "#198754",
    "adopted": "#198754",
    "implementing": "#198754",
    "deferred": "#fd7e14",
    "declined": "#dc3545",
    "rejected": "#dc3545",
    "withdrawn": "#dc3545",
    "closed": "#212529",
}
# The task segments of the lead-unit chart: the ledger's colours (green done, red overdue).
TASK_SERIES = (
    (N_("Done on time"), "#198754", "#fff"),
    (N_("Done late"), "#a3cfbb", "#212529"),
    (N_("Open, not overdue"), "#9ec5fe", "#212529"),
    (N_("Overdue"), "#dc3545", "#fff"),
)


@dataclass
class Panel:
    """One joint meeting's figures, for its office or an observer."""

    charter: Charter
    office: bool
    states: dict[str, int]
    items_chart: Markup
    plenary: str
    units: list[figures.UnitTasks]
    units_chart: Markup
    trend_chart: Markup
    queue: figures.QueueAge | None = None

    @property
    def items_total(self) -> int:
        return sum(self.states.values())


@dataclass
class CountyRow:
    charter: Charter
    items: int
    in_progress: int  # items not in a final state
    tasks: figures.TaskCounts
    plenary: str


@dataclass
class Conveners:
    approvals: list[tuple[Charter, figures.QueueAge]]
    to_convene: tuple[int, list[Meeting]]
    delegations: list[lists.DelegationLine]
    escalations: tuple[int, list[lists.TaskLine]]


@dataclass
class Department:
    """A liaison's department, in every joint meeting they are its liaison in."""

    rows: list[tuple[Charter, dict[str, int], figures.TaskCounts]]


@dataclass
class Day:
    day: date
    in_month: bool
    today: bool
    meetings: list[Meeting] = field(default_factory=list)


@dataclass
class Month:
    title: str
    weekdays: list[str]
    weeks: list[list[Day]]
    count: int


@dataclass
class Board:
    today: date
    several: bool
    waiting: list[Waiting]
    due: tuple[int, list[lists.TaskLine]]
    warnings: list[tuple[Charter, dict[str, int]]]
    warning_totals: dict[str, int]
    month: Month
    activity: list[lists.Activity]
    panels: list[Panel] = field(default_factory=list)
    conveners: Conveners | None = None
    department: Department | None = None
    county: list[CountyRow] | None = None


def board(user: User, today: date) -> Board | None:
    """The workbench of USER as of TODAY (None for a person with no role in a joint meeting,
    such as the administrator)."""
    seats = lists.live_seats(user)
    if not seats:
        return None
    charters = {seat.charter_id: seat.charter for seat in seats}
    ids = list(charters)
    by_warning = figures.warnings(user, ids, today)
    result = Board(
        today=today,
        several=len(ids) > 1,
        waiting=waiting(user, today),
        due=lists.due_this_week(user, ids, today),
        warnings=[(charters[c], by_warning[c]) for c in ids],
        warning_totals={
            level: sum(w[level] for w in by_warning.values()) for level in figures.WARNING_LEVELS
        },
        month=month(today),
        activity=lists.recent_activity(user),
    )
    office = lists.charters_of(user, OFFICE)
    watching = lists.charters_of(user, OFFICE, OBSERVER)
    observer = lists.charters_of(user, OBSERVER)
    county = ids if observer else []
    if watching or county:
        wanted = list(dict.fromkeys([*watching, *county]))
        states = figures.items_by_state(user, wanted)
        units = figures.tasks_by_unit(user, wanted, today)
        plenary = figures.plenary_status(wanted, today.year)
        trend = figures.overdue_trend(user, watching, today) if watching else {}
        queues = figures.queue_age("submitted", Item.submitted_at, office, today) if office else {}
        result.panels = [
            panel(
                charters[c], c in office, states[c], plenary[c], units[c], trend[c], queues.get(c)
            )
            for c in watching
        ]
        if county:
            result.county = [
                county_row(charters[c], states[c], units[c], plenary[c]) for c in county
            ]
    convening = lists.charters_of(user, GENERAL_CONVENER, CONVENER)
    if convening:
        approvers = [c for c in convening if user.role_in(c) in rules(c).get(APPROVERS, ())]
        ages = figures.queue_age("reviewed", Item.updated_at, approvers, today) if approvers else {}
        result.conveners = Conveners(
            approvals=[(charters[c], ages[c]) for c in approvers],
            to_convene=lists.meetings_to_convene(convening),
            delegations=lists.live_delegations(user, today),
            escalations=lists.escalations(user, convening, today),
        )
    liaison = lists.charters_of(user, LIAISON)
    if liaison:
        units_of = lists.liaison_units(user)
        items = figures.items_by_state(user, liaison, unit_ids=units_of)
        tasks = figures.task_counts(user, liaison, today, unit_ids=units_of)
        result.department = Department([(charters[c], items[c], tasks[c]) for c in liaison])
    return result


def panel(
    charter: Charter,
    office: bool,
    states: dict[str, int],
    plenary: str,
    units: list[figures.UnitTasks],
    trend: list,
    queue,
) -> Panel:
    return Panel(
        charter=charter,
        office=office,
        states=states,
        items_chart=items_chart(states),
        plenary=plenary,
        units=units,
        units_chart=units_chart(units),
        trend_chart=trend_chart(trend),
        queue=queue,
    )


def county_row(
    charter: Charter, states: dict[str, int], units: list[figures.UnitTasks], plenary: str
) -> CountyRow:
    final = agenda_item.FINAL_STATES
    tasks = figures.TaskCounts(
        open=sum(u.open for u in units),
        overdue=sum(u.overdue for u in units),
        done=sum(u.done for u in units),
        done_on_time=sum(u.done_on_time for u in units),
    )
    in_progress = sum(n for state, n in states.items() if state not in final)
    return CountyRow(charter, sum(states.values()), in_progress, tasks, plenary)


# ---- charts ----


def items_chart(states: dict[str, int]) -> Markup:
    bars = [
        charts.Bar(_(label), states[state], STATE_COLOURS.get(state, "#0d6efd"))
        for state, label in agenda_item.STATES.items()
        if states.get(state)
    ]
    return charts.bar_chart(_("Items by state"), bars, empty=_("No items yet."))


def units_chart(units: list[figures.UnitTasks]) -> Markup:
    series = [charts.Series(_(name), colour, ink) for name, colour, ink in TASK_SERIES]
    stacks = []
    for u in units:
        values = [u.done_on_time, u.done - u.done_on_time, u.open - u.overdue, u.overdue]
        note = _(
            "done %(completion)s · on time %(on_time)s",
            completion=percent(u.completion_rate),
            on_time=percent(u.on_time_rate),
        )
        stacks.append(charts.Stack(u.name, values, note))
    return charts.stacked_bars(
        _("Tasks by lead unit: completion and on time"), series, stacks, empty=_("No tasks yet.")
    )


def trend_chart(trend: list[tuple[date, int]]) -> Markup:
    locale = get_locale()
    points = [(format_skeleton("MMM", end, locale=locale), n) for end, n in trend]
    said = [format_skeleton("yMMMd", end, locale=locale) for end, _n in trend]
    return charts.line_chart(_("Overdue tasks at each month's end"), points, descriptions=said)


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


# ---- the month's calendar ----


def month(today: date) -> Month:
    """TODAY's month as weeks from Monday, each day with its meetings (those the request sees)."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(today.year, today.month)
    found = lists.meetings_between(weeks[0][0], weeks[-1][-1])
    by_day: dict[date, list[Meeting]] = {}
    for meeting in found:
        by_day.setdefault(local(meeting.starts_at).date(), []).append(meeting)
    locale = get_locale()
    names = get_day_names("abbreviated", locale=locale)
    return Month(
        title=format_skeleton("yMMMM", today, locale=locale),
        weekdays=[names[n] for n in range(7)],
        weeks=[
            [Day(d, d.month == today.month, d == today, by_day.get(d, [])) for d in week]
            for week in weeks
        ],
        count=sum(1 for m in found if local(m.starts_at).date().month == today.month),
    )


def switch_link(charter: Charter, link: str, several: bool) -> str:
    """LINK (a list of the current joint meeting) in CHARTER: through the switcher when the
    person sees several."""
    if not several or charter.id == current_charter_id():
        return link
    return url_for("charter.switch", code=charter.code, next=link)
