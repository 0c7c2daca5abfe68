"""A notification for one user: read or unread."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meeting.accounts.models import User
from meeting.extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_user_latest", "user_id", "created_at", "id"),  # the list's order
        # A person's kinds one lookup each (the filter's choices), and their exact count (the
        # API's `total`) from this index alone: its rows carry the joint meeting the scope asks.
        Index("ix_notifications_user_kind", "user_id", "kind", "charter_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The joint meeting it concerns, for labels and filters (None: none in particular).
    charter_id: Mapped[int | None] = mapped_column(ForeignKey("charters.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    # What the kind's message (meeting.notifications.messages) is said with: plain data, put
    # into words in the reader's language. None on rows from before (their title is shown).
    params: Mapped[dict | None] = mapped_column(JSON)
    # The title in the default language, as sent: what an unknown kind or an old row shows.
    title: Mapped[str] = mapped_column(String(200))
    # What people typed (a comment, a reason), said after the kind's own text.
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def joint_meeting(self) -> str | None:
        from meeting.scope import joint_meeting_code

        return joint_meeting_code(self.charter_id)

    @property
    def shown_title(self) -> str:
        """The title in the reader's language, on one line and cut as the stored one is."""
        from meeting.notifications.messages import title_of
        from meeting.notifications.operations import TITLE_LIMIT, one_line

        return one_line(title_of(self.kind, self.params, self.title), TITLE_LIMIT)

    @property
    def shown_text(self) -> str:
        """The kind's text, then what people typed, in the reader's language."""
        from meeting.notifications.messages import text_of

        return "\n".join(part for part in (text_of(self.kind, self.params), self.body) if part)
