"""Reminders sent at most once per (subject, reason, period), whatever restarts happen."""

from datetime import datetime

from flask import current_app
from sqlalchemy import String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from meeting.extensions import db
from meeting.notifications.operations import notify


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
                now: datetime, charter_id: int) -> bool:  # fmt: skip
    """Notify USERS unless the reminder KEY was sent before; True when sent now.

    The reminder row and its notifications are written in one savepoint: if another process
    holds the same key, both are rolled back and nothing is sent twice.
    """
    subject, reason, period = key
    if already_sent(key):
        return False
    try:
        with db.session.begin_nested():
            count = notify(users, kind, title, body, link, charter_id=charter_id)
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
