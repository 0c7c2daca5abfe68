"""A notification for one user: read or unread."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meeting.accounts.models import User
from meeting.extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_user_latest", "user_id", "created_at", "id"),  # the list's order
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The joint meeting it concerns, for labels and filters (None: none in particular).
    charter_id: Mapped[int | None] = mapped_column(ForeignKey("charters.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def joint_meeting(self) -> str | None:
        from meeting.scope import joint_meeting_code

        return joint_meeting_code(self.charter_id)
