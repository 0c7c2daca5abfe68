"""The unit assessment 考评 of a year (四(二): folded into the units' comprehensive assessment).

Per member unit: the tasks assigned in the year that it leads and that it shares; of those it
leads, how many were done by their deadline, done late, and the days overdue (a late task's days
from its deadline to its confirmation, an open task's from its deadline to today); then what it
did in the year: extensions it asked for and urges it received on the tasks it leads, progress
reports it made, items it proposed (submitted), and minutes it signed for late (more than the
rules' `receipt_late_days` after delivery, or not yet). The score weighs each measure by the
charter's `assessment_weights`; units are ranked by it. Seven queries whatever the data.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, and_, case, func, literal, literal_column, select
from sqlalchemy.types import DateTime

from meeting.analytics.sql import count_where, days_between, seconds_between
from meeting.charter.models import Charter, Unit
from meeting.charter.schema import AssessmentWeights, Rules
from meeting.extensions import db
from meeting.figures_cache import remembered
from meeting.history import History
from meeting.items.models import Item
from meeting.meetings.models import Meeting, MinutesReceipt
from meeting.reports.operations import county_date
from meeting.tasks.models import ProgressReport, Task, responsible_units
from meeting.timeutil import day_start_utc
from workflows.agenda_item import UNIT_SOURCE
from workflows.i18n import N_


@dataclass(frozen=True)
class Measure:
    key: str  # the figure
    weight: str  # its weight in AssessmentWeights: the points of one
    label: str  # English msgid
    header: str  # the printed sheet's Chinese header


MEASURES = (
    Measure("tasks_led", "tasks_led", N_("Tasks led"), "牵头任务"),
    Measure("tasks_shared", "tasks_shared", N_("Tasks shared"), "配合任务"),
    Measure("done_on_time", "done_on_time", N_("Done on time"), "按期办结"),
    Measure("done_late", "done_late", N_("Done late"), "逾期办结"),
    Measure("overdue_days", "overdue_day", N_("Days overdue"), "超期天数"),
    Measure("extensions", "extension", N_("Extensions asked"), "申请延期"),
    Measure("progress_reports", "progress_report", N_("Progress reports"), "报送进展"),
    Measure("urges", "urge", N_("Urges received"), "被催办"),
    Measure("items", "item", N_("Items proposed"), "提出议题"),
    Measure("receipts_late", "receipt_late", N_("Minutes signed for late"), "纪要逾期签收"),
)


@dataclass
class UnitScore:
    unit: Unit
    values: dict[str, int]
    score: float
    rank: int = 0


@dataclass
class Assessment:
    charter: Charter
    year: int
    as_of: date
    weights: dict[str, float]
    receipt_late_days: int
    rows: list[UnitScore]  # ranked, best first


def weights_of(rules: dict) -> AssessmentWeights:
    """The charter's weights (a charter loaded before they existed: the defaults)."""
    return AssessmentWeights.model_validate(rules.get("assessment_weights") or {})


def receipt_late_days_of(rules: dict) -> int:
    value = rules.get("receipt_late_days")
    return Rules.model_fields["receipt_late_days"].default if value is None else int(value)


def score_of(values: dict[str, int], weights: AssessmentWeights) -> float:
    return round(sum(getattr(weights, m.weight) * values[m.key] for m in MEASURES), 2)


def assessment(charter: Charter, year: int, today: date, now: datetime) -> Assessment:
    """CHARTER's member units assessed for YEAR, as of TODAY (the county's date) and NOW (UTC)."""
    rules = charter.rules or {}
    weights, late_days = weights_of(rules), receipt_late_days_of(rules)
    units = list(
        db.session.scalars(
            select(Unit).where(Unit.charter_id == charter.id, Unit.active).order_by(Unit.position)
        )
    )
    counted = counts(charter.id, year, today, now, late_days)
    figures = {u.id: counted.get(u.id) or {m.key: 0 for m in MEASURES} for u in units}
    rows = [UnitScore(u, figures[u.id], score_of(figures[u.id], weights)) for u in units]
    rows.sort(key=lambda row: (-row.score, row.unit.position))
    for n, row in enumerate(rows):
        tied = n and rows[n - 1].score == row.score
        row.rank = rows[n - 1].rank if tied else n + 1
    return Assessment(charter, year, today, weights.model_dump(), late_days, rows)


@remembered
def counts(charter_id: int, year: int, today: date, now: datetime, late_days: int
           ) -> dict[int, dict[str, int]]:  # fmt: skip
    """{unit id: {measure: n}} of joint meeting CHARTER_ID's YEAR: what `assessment` weighs."""
    start, end = day_start_utc(date(year, 1, 1)), day_start_utc(date(year + 1, 1, 1))
    figures: dict[int, dict[str, int]] = {}

    def put(rows, *keys: str) -> None:
        for unit_id, *values in rows:
            figures.setdefault(unit_id, {m.key: 0 for m in MEASURES})
            figures[unit_id].update(zip(keys, (int(v or 0) for v in values), strict=True))

    in_year = and_(Task.charter_id == charter_id, Task.assigned_at >= start, Task.assigned_at < end)
    put(db.session.execute(_led(in_year, today)), "tasks_led", "done_on_time", "done_late",
        "overdue_days")  # fmt: skip
    put(db.session.execute(_shared(in_year)), "tasks_shared")
    put(db.session.execute(_task_events(charter_id, start, end)), "extensions", "urges")
    put(db.session.execute(_reports(charter_id, start, end)), "progress_reports")
    put(db.session.execute(_items(charter_id, start, end)), "items")
    put(db.session.execute(_late_receipts(charter_id, start, end, late_days, now)),
        "receipts_late")  # fmt: skip
    return figures


def _led(in_year, today: date):
    done = Task.state == "done"
    finished = county_date(Task.completed_at)
    today_ = literal(today, Date())
    late = and_(done, finished > Task.deadline)
    overdue_days = case(
        (late, days_between(Task.deadline, finished)),
        (and_(~done, Task.deadline < today_), days_between(Task.deadline, today_)),
        else_=literal_column("0"),  # constants, not parameters (as reports.operations)
    )
    return (
        select(
            Task.lead_unit_id,
            func.count(Task.id),
            count_where(and_(done, finished <= Task.deadline)),
            count_where(late),
            func.coalesce(func.sum(overdue_days), literal_column("0")),
        )
        .where(in_year)
        .group_by(Task.lead_unit_id)
    )


def _shared(in_year):
    shared = responsible_units.c
    return (
        select(shared.unit_id, func.count(Task.id.distinct()))
        .select_from(Task)
        .join(responsible_units, shared.task_id == Task.id)
        .where(in_year)
        .group_by(shared.unit_id)
    )


def _task_events(charter_id: int, start: datetime, end: datetime):
    """Extensions asked and urges received in the year, on the tasks each unit leads."""
    return (
        select(
            Task.lead_unit_id,
            count_where(History.event == "request_extension"),
            count_where(History.event == "urge"),
        )
        .select_from(History)
        .join(Task, and_(History.subject_kind == "task", History.subject_id == Task.id))
        .where(
            Task.charter_id == charter_id,
            History.event.in_(("request_extension", "urge")),
            History.at >= start,
            History.at < end,
        )
        .group_by(Task.lead_unit_id)
    )


def _reports(charter_id: int, start: datetime, end: datetime):
    return (
        select(ProgressReport.unit_id, func.count(ProgressReport.id))
        .join(Task, Task.id == ProgressReport.task_id)
        .where(
            Task.charter_id == charter_id,
            ProgressReport.kind.in_(("progress", "part")),  # a responsible unit's part counts too
            ProgressReport.created_at >= start,
            ProgressReport.created_at < end,
        )
        .group_by(ProgressReport.unit_id)
    )


def _items(charter_id: int, start: datetime, end: datetime):
    return (
        select(Item.unit_id, func.count(Item.id))
        .where(
            Item.charter_id == charter_id,
            Item.source == UNIT_SOURCE,
            Item.submitted_at >= start,
            Item.submitted_at < end,
        )
        .group_by(Item.unit_id)
    )


def _late_receipts(charter_id: int, start: datetime, end: datetime, days: int, now: datetime):
    signed = func.coalesce(MinutesReceipt.acknowledged_at, literal(now, DateTime()))
    return (
        select(MinutesReceipt.unit_id, func.count(MinutesReceipt.id))
        .join(Meeting, Meeting.id == MinutesReceipt.meeting_id)
        .where(
            Meeting.charter_id == charter_id,
            MinutesReceipt.delivered_at >= start,
            MinutesReceipt.delivered_at < end,
            seconds_between(MinutesReceipt.delivered_at, signed) > days * 86400,
        )
        .group_by(MinutesReceipt.unit_id)
    )
