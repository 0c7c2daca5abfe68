"""Sign-in throttling: growing delays, counted atomically, per account, address and both.

Every attempt first adds one to its counters in a single upsert that returns the new count,
so concurrent attempts each get their own number (no check-then-write race, on PostgreSQL or
SQLite). The first few attempts in a window are free; after that the k-th extra attempt waits
until BASE·(2^k − 1) seconds have passed since the window began, and a window ends after
LOGIN_FAILURE_WINDOW_MINUTES: a delay, never a lock-out. Counters:

- (username, address): what one person mistyping, or one guesser at one machine, meets;
- address: one machine trying many accounts;
- username: many machines trying one account (a high bar, so no one is easily kept out).

A successful sign-in clears its (username, address) counter.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import String, case, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from meeting.extensions import db

BASE_SECONDS = 30


class SignInCounter(db.Model):
    __tablename__ = "sign_in_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    attempts: Mapped[int]
    window_start: Mapped[datetime]


def counters(username: str, address: str) -> dict[str, int]:
    """Each counter's key and the attempts it lets through freely."""
    config = current_app.config
    return {
        f"pair:{username}|{address}": config["LOGIN_MAX_FAILURES"],
        f"addr:{address}": config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
        f"user:{username}": config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
    }


def attempt(username: str, address: str, now: datetime) -> int:
    """Count this attempt; return the seconds to wait before it may be tried (0: go on)."""
    window = timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
    waits = [
        wait_for(*_count(key, now, window), free, now, window)
        for key, free in counters(username, address).items()
    ]
    return max(waits)


def succeeded(username: str, address: str) -> None:
    key = next(iter(counters(username, address)))
    db.session.execute(delete(SignInCounter).where(SignInCounter.key == key))


def wait_for(attempts: int, window_start: datetime, free: int, now: datetime,
             window: timedelta) -> int:  # fmt: skip
    """Seconds before the ATTEMPTS-th attempt of a window begun at WINDOW_START may go."""
    if attempts <= free:
        return 0
    ready = window_start + timedelta(seconds=BASE_SECONDS * (2 ** (attempts - free) - 1))
    ready = min(ready, window_start + window)  # the window's end resets the counter
    return max(0, int((ready - now).total_seconds()) + 1) if ready > now else 0


def _count(key: str, now: datetime, window: timedelta) -> tuple[int, datetime]:
    """Add one attempt to KEY's counter in one statement; return its count and window start."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    table = SignInCounter.__table__
    expired = table.c.window_start < now - window
    statement = (
        dialect.insert(table)
        .values(key=key[:200], attempts=1, window_start=now)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "attempts": case((expired, 1), else_=table.c.attempts + 1),
                "window_start": case((expired, now), else_=table.c.window_start),
            },
        )
        .returning(table.c.attempts, table.c.window_start)
    )
    attempts, start = db.session.execute(statement).one()
    return attempts, start
