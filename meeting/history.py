"""The audit trail: one row per change of any workflow subject (item, meeting, task)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meeting.accounts.models import User
from meeting.extensions import db
from meeting.timeutil import utcnow


class History(db.Model):
    __tablename__ = "history"
    __table_args__ = (
        Index("ix_history_subject", "subject_kind", "subject_id", "id"),
        # A joint meeting's latest records of a kind first (the workbench's activity, delegations).
        Index("ix_history_charter_latest", "charter_id", "subject_kind", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The joint meeting it concerns, for labels and filters (None: none in particular).
    charter_id: Mapped[int | None] = mapped_column(ForeignKey("charters.id"), index=True)
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
           to_state: str, actor: User | None, fields: dict, *, charter_id: int) -> History:  # fmt: skip
    """Add one history row of joint meeting CHARTER_ID, with the role the actor holds there;
    the caller's transaction commits it with the change itself."""
    seat = actor.seat_in(charter_id) if actor else None
    row = History(
        charter_id=charter_id,
        subject_kind=subject_kind,
        subject_id=subject_id,
        event=event,
        from_state=from_state,
        to_state=to_state,
        actor_id=actor.id if actor else None,
        actor_username=actor.username if actor else "system",
        role=seat.role if seat else (actor.role or "system") if actor else "system",
        unit_code=seat.unit.code if seat and seat.unit else None,
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
