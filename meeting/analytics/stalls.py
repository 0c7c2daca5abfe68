"""Where items and tasks stall: the time each spends in each state of its workflow.

From the history rows: a subject (an item, a task) is in a row's `to_state` from that row's
`at` until its next row's (the current state's time runs to now). One query per workflow sums,
per subject and state, the seconds of its stays (a window function, LEAD, pairs each row with
the next; the difference is taken in SQL, never below 0), joined with the subject for its unit:
the proposing unit of an item, the lead unit of a task. Percentiles are not portable SQL (SQLite has none), so the
median and the 90th percentile of those per-subject durations are computed here, in Python,
by linear interpolation (PostgreSQL's percentile_cont). Final states are left out: an item
closed or declined is not stalled there.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from sqlalchemy import and_, case, func, literal, literal_column, select
from sqlalchemy.types import DateTime

from meeting.analytics.sql import seconds_between
from meeting.charter.models import Charter
from meeting.extensions import db
from meeting.figures_cache import remembered
from meeting.history import History
from meeting.items.models import Item
from meeting.tasks.models import Task
from workflows import agenda_item
from workflows import task as task_workflow

DAY = 86400.0

# workflow -> (the subject's model, History.subject_kind, its unit column, states, final states)
WORKFLOWS = {
    "item": (Item, "item", Item.unit_id, agenda_item.STATES, agenda_item.FINAL_STATES),
    "task": (Task, "task", Task.lead_unit_id, task_workflow.STATES, frozenset({"done"})),
}


def percentile(values: list[float], fraction: float) -> float | None:
    """The FRACTION percentile of VALUES, interpolated between the closest ranks (as SQL's
    percentile_cont); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Spread:
    """Days in a state: how many subjects stayed there, the median and the 90th percentile."""

    durations: list[float] = field(default_factory=list, repr=False)  # days, one per subject
    current: int = 0  # subjects in the state now

    @property
    def count(self) -> int:
        return len(self.durations)

    # Worked out once, when first shown: the page reads each several times, and the spread is
    # kept (meeting.figures_cache) with hundreds of thousands of durations at 100,000 items.
    @cached_property
    def median(self) -> float | None:
        return percentile(self.durations, 0.5)

    @cached_property
    def p90(self) -> float | None:
        return percentile(self.durations, 0.9)


@dataclass
class Stalls:
    workflow: str
    states: list[str]  # the workflow's states that are not final, in its order
    by_state: dict[str, Spread]
    by_unit: dict[int, dict[str, Spread]]  # unit id -> state -> spread


def durations(charter: Charter, workflow: str, now: datetime) -> list[tuple[int, int, str, float, bool]]:  # fmt: skip
    """(subject id, unit id, state, seconds, in it now) for each subject of WORKFLOW in CHARTER
    and each state it has been in, summed over its stays: one query."""
    model, kind, unit_column, _states, _final = WORKFLOWS[workflow]
    following = func.lead(History.at).over(partition_by=History.subject_id, order_by=History.id)
    stays = (
        select(
            History.subject_id.label("subject_id"),
            unit_column.label("unit_id"),
            History.to_state.label("state"),
            History.at.label("since"),
            following.label("until"),
        )
        .select_from(History)
        .join(model, and_(History.subject_kind == kind, History.subject_id == model.id))
        .where(model.charter_id == charter.id, History.subject_kind == kind)
        .subquery()
    )
    still = stays.c.until.is_(None)
    until = func.coalesce(stays.c.until, literal(now, DateTime()))
    # A stay stamped after now (clocks apart, made-up data) counts as none, never negative.
    spent = seconds_between(stays.c.since, until)
    query = select(
        stays.c.subject_id,
        stays.c.unit_id,
        stays.c.state,
        func.sum(case((spent < 0, literal_column("0.0")), else_=spent)),
        func.max(case((still, literal_column("1")), else_=literal_column("0"))),
    ).group_by(stays.c.subject_id, stays.c.unit_id, stays.c.state)
    return [
        (subject, unit, state, float(seconds or 0), bool(current))
        for subject, unit, state, seconds, current in db.session.execute(query)
    ]


@remembered(shared=True)  # read only, and 300,000 durations at 100,000 items
def stalls(charter: Charter, workflow: str, now: datetime) -> Stalls:
    """Time in each state of WORKFLOW ("item" or "task") in CHARTER, by state and by unit."""
    _model, _kind, _unit, states, final = WORKFLOWS[workflow]
    shown = [state for state in states if state not in final]
    by_state = {state: Spread() for state in shown}
    by_unit: dict[int, dict[str, Spread]] = {}
    for _subject, unit_id, state, seconds, current in durations(charter, workflow, now):
        if state not in by_state:
            continue
        days = seconds / DAY
        by_state[state].durations.append(days)
        spread = by_unit.setdefault(unit_id, {s: Spread() for s in shown})[state]
        spread.durations.append(days)
        if current:
            by_state[state].current += 1
            spread.current += 1
    return Stalls(workflow, shown, by_state, by_unit)
