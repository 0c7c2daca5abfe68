"""The audit trail: one row per change of any workflow subject (item, meeting, task)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meeting.accounts.models import User
from meeting.extensions import db
from meeting.timeutil import utcnow


class History(db.Model):
    __tablename__ = "history"
    __table_args__ = (Index("ix_history_subject", "subject_kind", "subject_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(20))  # "item", later "meeting", "task"
    subject_id: Mapped[int]
    event: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Copied at the time: the record stays true if the user later changes role or unit.
    actor_username: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(30))
    unit_code: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime]
    fields: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


def record(subject_kind: str, subject_id: int, event: str, from_state: str | None,
           to_state: str, actor: User | None, fields: dict) -> History:  # fmt: skip
    """Add one history row; the caller's transaction commits it with the change itself."""
    row = History(
        subject_kind=subject_kind,
        subject_id=subject_id,
        event=event,
        from_state=from_state,
        to_state=to_state,
        actor_id=actor.id if actor else None,
        actor_username=actor.username if actor else "system",
        role=actor.role if actor else "system",
        unit_code=actor.unit.code if actor and actor.unit else None,
        at=utcnow(),
        fields=fields,
    )
    db.session.add(row)
    return row


def history_of(subject_kind: str, subject_id: int) -> list[History]:
    return list(
        db.session.scalars(
            select(History)
            .where(History.subject_kind == subject_kind, History.subject_id == subject_id)
            .order_by(History.id)
        )
    )
