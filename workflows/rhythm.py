"""A task's reporting rhythm 报送节奏 (二(三) "及时通报工作进展情况", 三(三)): when the lead unit
owes a progress report, and which reports it has missed. Plain dates, no Flask, no database.

Three kinds of rhythm:

- ``every_days`` (``days`` = N): a report every N days, due on day N, 2N, 3N … after the rhythm
  started (14: fortnightly);
- ``monthly``: a report by the **last day of each month** (月底前报送), from the month after the
  one the rhythm started in: a task assigned on 20 January first reports by 28 (29) February, so
  its first period is never a few days long;
- ``dates``: a report by each of the fixed dates given (e.g. the end of each quarter).

Due dates are anchored on the day the rhythm started (the day the task was assigned, or the day
the office last changed its rhythm), not on the last report: everyone knows the dates in advance,
and an early report counts for the period it falls in. Each due date closes a **period**: from
the day after the previous due date (the first: from the start day) to the due date, both
included. A period is **missed** when its due date has passed (the day after it, in the county)
and no report is dated within it. Reporting stops when the task asks for completion or is done
(STOP, the day that happened): periods due on or after it are not owed.
"""

import calendar
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import count

from workflows.i18n import N_

KINDS = {
    "every_days": N_("Every N days"),
    "monthly": N_("Monthly, by the last day of each month"),
    "dates": N_("On fixed dates"),
}
MAX_EVERY_DAYS = 366
MAX_DATES = 60


@dataclass(frozen=True)
class Rhythm:
    """A reporting rhythm: KIND, with DAYS (every_days) or DATES (dates)."""

    kind: str
    days: int | None = None
    dates: tuple[date, ...] = field(default=())

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown rhythm {self.kind!r}")
        if (self.kind == "every_days") != (self.days is not None):
            raise ValueError("every_days, and only it, takes days")
        if self.days is not None and not 1 <= self.days <= MAX_EVERY_DAYS:
            raise ValueError(f"days must be from 1 to {MAX_EVERY_DAYS}")
        if (self.kind == "dates") != bool(self.dates):
            raise ValueError("dates, and only it, takes dates")
        object.__setattr__(self, "dates", tuple(sorted(set(self.dates))))

    @classmethod
    def from_dict(cls, data: dict) -> "Rhythm":
        """A rhythm from its JSON form (`as_dict`)."""
        return cls(
            kind=data["kind"],
            days=data.get("days"),
            dates=tuple(
                d if isinstance(d, date) else date.fromisoformat(d) for d in data.get("dates") or ()
            ),
        )

    def as_dict(self) -> dict:
        """The JSON form: {"kind": "every_days", "days": 14}, {"kind": "monthly"},
        {"kind": "dates", "dates": ["2026-12-31", …]}."""
        if self.kind == "every_days":
            return {"kind": self.kind, "days": self.days}
        if self.kind == "dates":
            return {"kind": self.kind, "dates": [d.isoformat() for d in self.dates]}
        return {"kind": self.kind}

    def due_dates(self, since: date) -> Iterator[date]:
        """The due dates, in order, of the rhythm started on SINCE (endless unless fixed)."""
        if self.kind == "every_days":
            return (since + timedelta(days=self.days * n) for n in count(1))
        if self.kind == "monthly":
            return (month_end(since.year, since.month + n) for n in count(1))
        return (d for d in self.dates if d > since)


def month_end(year: int, month: int) -> date:
    """The last day of MONTH of YEAR (a month past December runs on into the next years)."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Period:
    """The days START..DUE (both included) one report covers."""

    start: date
    due: date

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.due


def periods(rhythm: Rhythm, since: date) -> Iterator[Period]:
    """The periods of RHYTHM started on SINCE, in order."""
    start = since
    for due in rhythm.due_dates(since):
        yield Period(start, due)
        start = due + timedelta(days=1)


def missed_periods(rhythm: Rhythm, since: date, report_dates: Iterable[date], today: date,
                   stop: date | None = None) -> list[Period]:  # fmt: skip
    """The periods of RHYTHM (started on SINCE) whose due date is before TODAY (and before
    STOP, the day reporting ended) with none of REPORT_DATES within them."""
    reported = sorted(report_dates)
    until = today if stop is None else min(today, stop)
    missed = []
    for period in periods(rhythm, since):
        if period.due >= until:
            break
        if not _any_within(reported, period):
            missed.append(period)
    return missed


def missed_count(rhythm: Rhythm, since: date, report_dates: Iterable[date], today: date,
                 stop: date | None = None) -> int:  # fmt: skip
    """How many periods `missed_periods` finds, without making them: the ledger's export counts
    for every task, and a rhythm of years has a hundred periods. Every N days and monthly
    periods are numbered by arithmetic: the closed ones, less those a report falls in."""
    until = today if stop is None else min(today, stop)
    if rhythm.kind == "dates":  # at most MAX_DATES periods
        return len(missed_periods(rhythm, since, report_dates, today, stop))
    closed = _closed_periods(rhythm, since, until)
    reported = {_period_number(rhythm, since, day) for day in report_dates if day >= since}
    return closed - sum(1 for number in reported if number <= closed)


def _closed_periods(rhythm: Rhythm, since: date, until: date) -> int:
    """How many periods of an every-N-days or monthly RHYTHM (started on SINCE) are due before
    UNTIL: period n (from 1) is due on day n·N after SINCE, or at the end of SINCE's month + n."""
    if rhythm.kind == "every_days":
        return max(0, ((until - since).days - 1) // rhythm.days)
    return max(0, _month_number(until) - _month_number(since) - 1)


def _period_number(rhythm: Rhythm, since: date, day: date) -> int:
    """The number (from 1) of the period of an every-N-days or monthly RHYTHM (started on SINCE)
    that DAY (not before SINCE) falls in; the first period runs from SINCE to its due date."""
    if rhythm.kind == "every_days":
        return max(1, -(-(day - since).days // rhythm.days))  # days after SINCE / N, rounded up
    return max(1, _month_number(day) - _month_number(since))


def _month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


def next_due(rhythm: Rhythm, since: date, report_dates: Iterable[date], today: date,
             stop: date | None = None) -> date | None:  # fmt: skip
    """The due date of the first period not yet past (due on or after TODAY) that has no report
    yet; None once reporting has stopped (STOP) or a fixed rhythm has no date left."""
    if stop is not None:
        return None
    reported = sorted(report_dates)
    for period in periods(rhythm, since):
        if period.due >= today and not _any_within(reported, period):
            return period.due
    return None


def _any_within(sorted_dates: list[date], period: Period) -> bool:
    at = bisect_left(sorted_dates, period.start)
    return at < len(sorted_dates) and sorted_dates[at] <= period.due
