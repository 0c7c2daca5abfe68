"""Rounds of opinions on an item, and each asked unit's answer."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meeting.accounts.models import User
from meeting.charter.models import Unit
from meeting.extensions import db
from meeting.items.models import Attachment, Item
from meeting.scope import InJointMeeting
from workflows.opinions import ANSWERS

_ANSWER_LIST = ", ".join(f"'{answer}'" for answer in ANSWERS)


class OpinionRound(InJointMeeting, db.Model):
    """The office asks named units for their written opinion on an item, by a due date.

    Open until the office closes it (closed_at) or the due date has passed: derived, never a
    stored flag (workflows.opinions.round_status)."""

    __tablename__ = "opinion_rounds"
    __table_args__ = (
        CheckConstraint("(closed_at IS NULL) = (closed_by_id IS NULL)", name="closed_by_whom"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")  # what the office asks
    due_on: Mapped[date]
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    item: Mapped[Item] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    opinions: Mapped[list["Opinion"]] = relationship(back_populates="round", order_by="Opinion.id")


class Opinion(db.Model):
    """One asked unit's place in a round: silent (no answer) until its liaison answers, once."""

    __tablename__ = "opinions"
    __table_args__ = (
        UniqueConstraint("round_id", "unit_id"),  # a unit is asked once per round
        CheckConstraint(f"answer IS NULL OR answer IN ({_ANSWER_LIST})", name="answer"),
        CheckConstraint(
            "(answer IS NULL) = (answered_at IS NULL) AND (answer IS NULL) = (answered_by_id IS NULL)",
            name="answered_by_whom",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("opinion_rounds.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    answer: Mapped[str | None] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]
    # A file sent with the answer, kept as one of the item's attachments (meeting.items).
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))

    round: Mapped[OpinionRound] = relationship(back_populates="opinions")
    unit: Mapped[Unit] = relationship()
    answered_by: Mapped[User | None] = relationship()
    attachment: Mapped[Attachment | None] = relationship()
