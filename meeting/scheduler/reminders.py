"""Reminders sent at most once per (subject, reason, period), whatever restarts happen."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import String, UniqueConstraint, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.functions import FunctionElement

from meeting.extensions import db
from meeting.notifications.messages import in_chinese
from meeting.notifications.models import Notification
from meeting.notifications.operations import TITLE_LIMIT, notify, one_line
from meeting.timeutil import utcnow


class Reminder(db.Model):
    """The record that a reminder went out; its unique key makes a second send impossible."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("subject", "reason", "period", name="uq_reminders_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(60))  # "task:12", "item:3", "plenary:2026"
    reason: Mapped[str] = mapped_column(String(40))  # "overdue", "due_soon", "escalate", …
    period: Mapped[str] = mapped_column(String(40))  # what makes a later reminder a new one
    sent_at: Mapped[datetime]
    recipients: Mapped[int]


def remind_once(key: tuple[str, str, str], users, kind: str, title: str, body: str, link: str,
                now: datetime, charter_id: int, params: dict | None = None) -> bool:  # fmt: skip
    """Notify USERS unless the reminder KEY was sent before; True when sent now.

    The reminder row and its notifications are written in one savepoint: if another process
    holds the same key, both are rolled back and nothing is sent twice.
    """
    subject, reason, period = key
    if already_sent(key):
        return False
    try:
        with db.session.begin_nested():
            count = notify(users, kind, title, body, link, charter_id=charter_id, params=params)
            db.session.add(Reminder(subject=subject, reason=reason, period=period, sent_at=now,
                                    recipients=count))  # fmt: skip
            db.session.flush()
    except IntegrityError:
        return False  # another process sent it
    except SQLAlchemyError:
        # One reminder the database refuses must not cost the county every other one.
        current_app.logger.exception("Reminder %s not sent", key)
        return False
    return True


def already_sent(key: tuple[str, str, str]) -> bool:
    subject, reason, period = key
    query = select(Reminder.id).where(
        Reminder.subject == subject, Reminder.reason == reason, Reminder.period == period
    )
    return db.session.scalar(query) is not None


class iso_moment(FunctionElement):  # noqa: N801 (used like a SQL function)
    """A naive timestamp column as text, written exactly as Python's `datetime.isoformat()`
    writes it ("2026-11-20T08:30:15.063697", no fraction when it is zero): the period of a
    reminder keyed by a moment, so an anti-join can find it in SQL on either database."""

    type = String()
    inherit_cache = True


@compiles(iso_moment, "sqlite")
def _iso_moment_sqlite(element, compiler, **kw):
    # SQLAlchemy stores an SQLite DATETIME as "YYYY-MM-DD HH:MM:SS.ffffff".
    moment = compiler.process(element.clauses, **kw)
    return f"replace(replace({moment}, ' ', 'T'), '.000000', '')"


@compiles(iso_moment, "postgresql")
def _iso_moment_postgresql(element, compiler, **kw):
    moment = compiler.process(element.clauses, **kw)
    return f"""replace(to_char({moment}, 'YYYY-MM-DD"T"HH24:MI:SS.US'), '.000000', '')"""


@dataclass(frozen=True)
class Due:
    """A reminder a check found due: its exactly-once key, whom it goes to, what it says."""

    key: tuple[str, str, str]
    users: tuple
    kind: str
    title: str
    body: str
    link: str
    params: dict | None = None  # what the kind's message is said with (notifications.messages)


def remind_all(dues: list[Due], now: datetime, charter_id: int) -> int:
    """Send every reminder of DUES not sent before, in bulk: one query for the keys already
    sent, one insert of the reminder rows and one of the notifications. If another process
    sends some of them meanwhile (the unique key refuses the batch), fall back to one by one,
    so each still goes out exactly once. Returns how many were sent now."""
    sent = sent_keys([due.key for due in dues])
    dues = [due for due in dues if due.key not in sent]
    if not dues:
        return 0
    try:
        with db.session.begin_nested():
            _write(dues, now, charter_id)
    except IntegrityError:
        return sum(remind_once(due.key, due.users, due.kind, due.title, due.body, due.link,
                               now, charter_id, due.params) for due in dues)  # fmt: skip
    return len(dues)


def sent_keys(keys: list[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """Which of KEYS were sent before, in a query per thousand subjects (not a row-value IN:
    SQLite's driver runs that as a statement per key)."""
    wanted, found = set(keys), set()
    subjects = sorted({subject for subject, _reason, _period in keys})
    reasons = sorted({reason for _subject, reason, _period in keys})
    for start in range(0, len(subjects), 1000):
        rows = db.session.execute(
            select(Reminder.subject, Reminder.reason, Reminder.period).where(
                Reminder.subject.in_(subjects[start : start + 1000]), Reminder.reason.in_(reasons)
            )
        ).tuples()
        found.update(row for row in rows if row in wanted)
    return found


def _write(dues: list[Due], now: datetime, charter_id: int) -> None:
    if current_app.config["MAIL_ENABLED"]:
        # Mail rows point at their notification: the ORM path writes both.
        counts = [notify(due.users, due.kind, due.title, due.body, due.link,
                         charter_id=charter_id, params=due.params) for due in dues]  # fmt: skip
    else:
        rows, counts = [], []
        for due in dues:
            people = {user.id: user for user in due.users if user.active}
            counts.append(len(people))
            title = one_line(in_chinese(due.kind, due.params, due.title)[0] or due.kind,
                             TITLE_LIMIT)  # fmt: skip
            rows += [{"charter_id": charter_id, "user_id": user_id, "kind": due.kind,
                      "params": due.params, "title": title, "body": due.body, "link": due.link,
                      "created_at": utcnow()}
                     for user_id in people]  # fmt: skip
        if rows:
            db.session.execute(insert(Notification), rows)
    db.session.execute(insert(Reminder), [
        {"subject": due.key[0], "reason": due.key[1], "period": due.key[2], "sent_at": now,
         "recipients": count}
        for due, count in zip(dues, counts, strict=True)
    ])  # fmt: skip
