"""When the checks last looked at a joint meeting, so that a tick need not look at everything.

A check's answer changes for three reasons only: the county day turns (deadline bands, report
periods), a wait runs past its limit (a moment), or a record changes. So the first tick of a
county day looks at everything (the full sweep), and the day's later ticks look only at the
waits that ran out since the last tick and at records changed since it ran (`Window`). A change
of the joint meeting's rules, a tick for an earlier moment than the last (`flask scheduler tick
--at`) or none recorded yet mean a full sweep too.

Two moments are kept: what the tick ran as (`as_of`, its `now`: the waits' limits run out
against it) and the clock when it ran (`ran_at`: records are stamped by the clock, so "changed
since" compares with that, whatever moment a tick is run as).

The reminders' exactly-once keys stay what decides whether something is sent: a window is only
a narrower search, and looking at a record twice sends nothing twice.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from meeting.charter.models import Charter
from meeting.extensions import db
from meeting.tasks.deadlines import county_today

# A write stamped before a tick may commit after the tick read: records changed this long before
# the last tick are looked at again.
LATE_COMMIT = timedelta(minutes=5)


class Sweep(db.Model):
    """The last tick that looked at a joint meeting: its moment, its county day's full sweep,
    and the rules it ran under."""

    __tablename__ = "scheduler_sweeps"

    charter_id: Mapped[int] = mapped_column(ForeignKey("charters.id"), primary_key=True)
    as_of: Mapped[datetime]  # the tick's `now` (naive UTC)
    ran_at: Mapped[datetime]  # the clock when it began reading (naive UTC)
    full_on: Mapped[date]  # the county day of the last full sweep
    rules_digest: Mapped[str] = mapped_column(String(64))


@dataclass(frozen=True)
class Window:
    """What a tick must look at after the last one, run as SINCE and begun at RAN_AT: waits whose
    limit ran out after SINCE, and records changed after `changed_after`."""

    since: datetime
    ran_at: datetime

    @property
    def changed_after(self) -> datetime:
        return self.ran_at - LATE_COMMIT


def rules_digest(charter: Charter) -> str:
    return hashlib.sha256(json.dumps(charter.rules, sort_keys=True).encode()).hexdigest()


def window_for(charter: Charter, now: datetime, sweeps: dict[int, Sweep]) -> Window | None:
    """The window of CHARTER's tick at NOW, or None for a full sweep."""
    last = sweeps.get(charter.id)
    if (
        last is None
        or last.full_on != county_today(now)
        or last.as_of > now
        or last.rules_digest != rules_digest(charter)
    ):
        return None
    return Window(last.as_of, last.ran_at)


def recorded_sweeps(charters: list[Charter]) -> dict[int, Sweep]:
    """The last sweep of each of CHARTERS, by joint meeting id, in one query."""
    rows = db.session.scalars(
        select(Sweep).where(Sweep.charter_id.in_([charter.id for charter in charters]))
    )
    return {sweep.charter_id: sweep for sweep in rows}


def record_sweep(charter: Charter, now: datetime, ran_at: datetime, window: Window | None,
                 sweeps: dict[int, Sweep]) -> None:  # fmt: skip
    """Note CHARTER's tick run as NOW, begun at RAN_AT (a full sweep when WINDOW is None); the
    caller commits."""
    sweep = sweeps.get(charter.id)
    if sweep is None:
        try:
            with db.session.begin_nested():
                db.session.add(Sweep(charter_id=charter.id, as_of=now, ran_at=ran_at,
                                     full_on=county_today(now), rules_digest=rules_digest(charter)))  # fmt: skip
        except IntegrityError:
            pass  # a second scheduler's first tick recorded it at the same time: as good
        return
    sweep.as_of, sweep.ran_at = now, ran_at
    if window is None:
        sweep.full_on = county_today(now)
        sweep.rules_digest = rules_digest(charter)


def changed_ids(model, here: int, after: datetime):
    """The ids of MODEL's rows in joint meeting HERE changed AFTER a moment. A window's rows are
    chosen by id, in a subquery of their own: asked in one query with the check's other
    conditions, SQLite (with no statistics of values) walks the state's or the deadline's index,
    every waiting row, instead of the few changed ones."""
    return select(model.id).where(model.charter_id == here, model.updated_at > after)
