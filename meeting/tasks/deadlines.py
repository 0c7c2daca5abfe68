"""Deadlines as the county counts them: dates, working days 工作日, today in Asia/Shanghai."""

from datetime import date, datetime

import holidays

from meeting.timeutil import local, utcnow


def county_today(now: datetime | None = None) -> date:
    """Today's date in Asia/Shanghai; NOW is naive UTC (default: the current time)."""
    return local(now or utcnow()).date()


def add_working_days(start: date, days: int) -> date:
    """The date DAYS working days after START, on China's official calendar.

    The `holidays` package carries the State Council's holidays and make-up workdays
    (调休, e.g. Saturday 2026-10-10), so a make-up Saturday counts as a working day.
    """
    calendar = holidays.China(years=range(start.year, start.year + 2))
    return calendar.get_nth_working_day(start, days)


def days_left(deadline: date, done: bool, today: date) -> int | None:
    """Days until DEADLINE (negative when overdue); None for a task that is done."""
    return None if done else (deadline - today).days
