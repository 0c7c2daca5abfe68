"""Time: the database holds naive UTC; people see Asia/Shanghai."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

COUNTY_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """Now in UTC, naive: what the database columns hold."""
    return datetime.now(UTC).replace(tzinfo=None)


def local(moment: datetime | None) -> datetime | None:
    """A stored (naive UTC) time as an aware Asia/Shanghai time."""
    return moment.replace(tzinfo=UTC).astimezone(COUNTY_TZ) if moment else None


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the county's offset, as the API gives times."""
    return local(moment).isoformat(timespec="seconds") if moment else None


def display(moment: datetime | None) -> str:
    """A stored time as people read it: 2026-11-28 18:30 (Asia/Shanghai)."""
    return local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def day_start_utc(day: date) -> datetime:
    """The naive UTC time at which DAY begins in the county."""
    return datetime.combine(day, time(), COUNTY_TZ).astimezone(UTC).replace(tzinfo=None)


def day_end_utc(day: date) -> datetime:
    """The naive UTC time at which DAY ends (the next day begins) in the county."""
    return day_start_utc(day + timedelta(days=1))
