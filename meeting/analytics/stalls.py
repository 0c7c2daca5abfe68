"""Where items and tasks stall: the time each spends in each state of its workflow.

From the history rows: a subject (an item, a task) is in a row's `to_state` from that row's
`at` until its next row's (the current state's time runs to now). Per subject and state the
seconds of its stays are summed (a window function, LEAD, pairs each row with the next; never
below 0), with the subject's unit: the proposing unit of an item, the lead unit of a task. Of
those per-subject durations come, per state and per unit and state, the median and the 90th
percentile, interpolated between the closest ranks as PostgreSQL's percentile_cont (`percentile`
says it in Python); SQLite has no percentiles, so both databases rank with ROW_NUMBER and COUNT
windows instead. Final states are left out: an item closed or declined is not stalled there.

At 100,000 items that is a pass over some 670,000 history rows, seconds of work: the figures
are kept as a snapshot (StallFigure, a few hundred rows per joint meeting), made by INSERT …
SELECT, so they never pass through Python. The scheduler's `stalls` job refreshes them; a page
refreshes them itself only when there are none yet, or none younger than
STALLS_MAX_AGE_SECONDS. Pages say when they were computed.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import (
    Float,
    Integer,
    String,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.types import DateTime

from meeting.analytics.models import StallFigure
from meeting.analytics.sql import seconds_between
from meeting.charter.models import Charter
from meeting.database import only_reading
from meeting.extensions import db
from meeting.history import History
from meeting.items.models import Item
from meeting.tasks.models import Task
from workflows import agenda_item
from workflows import task as task_workflow

DAY = 86400.0
PARTS = ((1, 2), (9, 10))  # the median and the 90th percentile, as fractions

# workflow -> (the subject's model, History.subject_kind, its unit column, states, final states)
WORKFLOWS = {
    "item": (Item, "item", Item.unit_id, agenda_item.STATES, agenda_item.FINAL_STATES),
    "task": (Task, "task", Task.lead_unit_id, task_workflow.STATES, frozenset({"done"})),
}


def percentile(values: list[float], fraction: float) -> float | None:
    """The FRACTION percentile of VALUES, interpolated between the closest ranks (as SQL's
    percentile_cont); None for no values. The SQL below computes the same."""
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

    count: int = 0  # subjects that have been in the state
    current: int = 0  # subjects in the state now
    median: float | None = None
    p90: float | None = None


@dataclass
class Stalls:
    workflow: str
    states: list[str]  # the workflow's states that are not final, in its order
    by_state: dict[str, Spread]
    by_unit: dict[int, dict[str, Spread]]  # unit id -> state -> spread
    computed_at: datetime | None = None  # when the figures were (None: no joint meeting seen)


def shown_states(workflow: str) -> list[str]:
    _model, _kind, _unit, states, final = WORKFLOWS[workflow]
    return [state for state in states if state not in final]


# -- reading the snapshot ----------------------------------------------------------------------


def stalls(charter: Charter, workflow: str, now: datetime) -> Stalls:
    """Time in each state of WORKFLOW ("item" or "task") in CHARTER, by state and by unit."""
    return snapshot(charter, now)[workflow]


def snapshot(charter: Charter, now: datetime) -> dict[str, Stalls]:
    """CHARTER's figures of both workflows, as kept; computed first when none were kept, or
    when they are older at NOW than STALLS_MAX_AGE_SECONDS."""
    rows = kept_figures(charter.id)
    oldest = now - timedelta(seconds=current_app.config["STALLS_MAX_AGE_SECONDS"])
    if not rows or rows[0].computed_at < oldest:
        charter_id = charter.id  # read before the refresh's commit expires the charter
        refresh(charter_id, now)
        rows = kept_figures(charter_id)
    return {workflow: _stalls_of(workflow, rows) for workflow in WORKFLOWS}


def kept_figures(charter_id: int) -> list:
    """The rows of CHARTER_ID's newest snapshot: one query, scoped like every other (a joint
    meeting the person holds no role in has none)."""
    newest = (
        select(func.max(StallFigure.computed_at))
        .where(StallFigure.charter_id == charter_id)
        .scalar_subquery()
    )
    query = select(
        StallFigure.computed_at,
        StallFigure.workflow,
        StallFigure.unit_id,
        StallFigure.state,
        StallFigure.subjects,
        StallFigure.current,
        StallFigure.median_days,
        StallFigure.p90_days,
    ).where(StallFigure.charter_id == charter_id, StallFigure.computed_at == newest)
    return list(db.session.execute(query))


def _stalls_of(workflow: str, rows: list) -> Stalls:
    shown = shown_states(workflow)
    by_state = {state: Spread() for state in shown}
    by_unit: dict[int, dict[str, Spread]] = {}
    for row in rows:
        if row.workflow != workflow or row.state not in by_state:
            continue
        spread = Spread(row.subjects, row.current, row.median_days, row.p90_days)
        if row.unit_id is None:
            by_state[row.state] = spread
        else:
            by_unit.setdefault(row.unit_id, {state: Spread() for state in shown})[row.state] = (
                spread
            )
    computed_at = rows[0].computed_at if rows else None
    return Stalls(workflow, shown, by_state, by_unit, computed_at)


# -- computing it --------------------------------------------------------------------------------


def refresh(charter_id: int, now: datetime) -> None:
    """Replace joint meeting CHARTER_ID's figures by those as of NOW. They are computed in a
    reading transaction, ended when read (on SQLite a writing one would hold every other writer
    back for the seconds the computation takes at 100,000 items), then written (a DELETE and an
    INSERT) in a new one, which the caller commits. The session must hold no pending change.
    Writes no history: figures are no change of anything (meeting.figures_cache keeps its
    figures)."""
    with only_reading():
        figures = [row._asdict() for workflow in WORKFLOWS
                   for row in db.session.execute(_figures(charter_id, workflow, now))]  # fmt: skip
    db.session.commit()  # ends the reading transaction: nothing was written in it
    db.session.execute(
        delete(StallFigure).where(
            StallFigure.charter_id == charter_id, StallFigure.computed_at <= now
        )
    )
    if figures:
        db.session.execute(insert(StallFigure), figures)


def refresh_all(now: datetime) -> int:
    """Refresh the figures of every joint meeting that is not archived, each committed on its
    own (the scheduler's `stalls` job, `flask analytics refresh`); how many were."""
    charters = db.session.scalars(
        select(Charter.id).where(Charter.archived_at.is_(None)).order_by(Charter.id)
    ).all()
    for charter_id in charters:
        try:
            refresh(charter_id, now)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    return len(charters)


FIGURE_COLUMNS = ("charter_id", "computed_at", "workflow", "unit_id", "state", "subjects",
                  "current", "median_days", "p90_days")  # fmt: skip


def _figures(charter_id: int, workflow: str, now: datetime):
    """The SELECT of WORKFLOW's figures in CHARTER_ID as of NOW, named as StallFigure's columns:
    a row per state some subject has been in, and one per unit and such state."""
    durations = _durations(charter_id, workflow, now).cte("durations")
    fixed = (literal(charter_id, Integer), literal(now, DateTime()), literal(workflow, String))
    figures = union_all(
        _spreads(durations, fixed, by_unit=False), _spreads(durations, fixed, by_unit=True)
    ).subquery("figures")
    return select(
        *(column.label(name) for column, name in zip(figures.c, FIGURE_COLUMNS, strict=True))
    )


def _spreads(durations, fixed: tuple, by_unit: bool):
    """Per state (BY_UNIT: per unit and state) of DURATIONS: the FIXED columns, the unit (or
    NULL), the state, how many subjects have been and are in it, the median and the 90th
    percentile of their days. The days are ranked within each group; the group's size, counted
    apart (a COUNT window over whole partitions is slow in PostgreSQL), says which ranks the
    percentiles need, and only those rows are aggregated."""
    keys = ["unit_id", "state"] if by_unit else ["state"]
    ranked = select(
        durations,
        func.row_number()
        .over(partition_by=[durations.c[key] for key in keys], order_by=durations.c.days)
        .label("rank"),
    ).subquery("ranked")
    sizes = (
        select(
            *(durations.c[key] for key in keys),
            func.count().label("n"),
            func.sum(durations.c.current).label("current"),
        )
        .group_by(*(durations.c[key] for key in keys))
        .subquery("sizes")
    )
    same_group = and_(*(ranked.c[key] == sizes.c[key] for key in keys))
    days, rank, n = ranked.c.days, ranked.c.rank, sizes.c.n
    needed = or_(*(rank.between(_below(n, *part) + 1, _below(n, *part) + 2) for part in PARTS))
    return (
        select(
            *fixed,
            sizes.c.unit_id if by_unit else cast(null(), Integer),
            sizes.c.state,
            func.max(n),
            func.max(sizes.c.current),
            *(_interpolated(days, rank, n, *part) for part in PARTS),
        )
        .select_from(ranked.join(sizes, same_group))
        .where(needed)
        .group_by(*(sizes.c[key] for key in keys))
    )


def _durations(charter_id: int, workflow: str, now: datetime):
    """Per subject of WORKFLOW in CHARTER_ID and shown state it has been in: its unit, the days
    spent there, and 1 when it is there now (else 0)."""
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
        .where(model.charter_id == charter_id, History.subject_kind == kind)
        .subquery("stays")
    )
    until = func.coalesce(stays.c.until, literal(now, DateTime()))
    # A stay stamped after now (clocks apart, made-up data) counts as none, never negative.
    spent = cast(seconds_between(stays.c.since, until), Float)
    one, zero = literal_column("1"), literal_column("0")
    return (
        select(
            stays.c.unit_id,
            stays.c.state,
            (func.sum(case((spent < 0, literal_column("0.0")), else_=spent)) / DAY).label("days"),
            func.max(case((stays.c.until.is_(None), one), else_=zero)).label("current"),
        )
        .where(stays.c.state.in_(shown_states(workflow)))
        .group_by(stays.c.subject_id, stays.c.unit_id, stays.c.state)
    )


def _below(n, part: int, whole: int):
    """⌊p⌋ for the PART/WHOLE percentile's (0-based) position p = PART/WHOLE × (N − 1), by
    integer division: exact in both databases (0.9 × (N − 1) in floating point is not)."""
    return literal_column(str(part), Integer) * (n - 1) // literal_column(str(whole), Integer)


def _interpolated(days, rank, n, part: int, whole: int):
    """The PART/WHOLE percentile of DAYS over a group's rows ranked 1 … N by DAYS, as an
    aggregate: the value ranked ⌊p⌋ + 1 plus (p − ⌊p⌋) × the step to the next one
    (percentile_cont, and `percentile`)."""
    below = _below(n, part, whole)
    fraction = cast(part * (n - 1) % whole, Float) / cast(whole, Float)  # p − ⌊p⌋
    low = func.sum(case((rank == below + 1, days)))
    high = func.sum(case((rank == below + 2, days)))  # none past the last rank: fraction is 0
    return low + func.coalesce(high - low, 0) * func.max(fraction)
