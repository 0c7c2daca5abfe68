"""Meetings, their agendas, attendance, minutes receipts, and delegations to convene."""

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meeting.accounts.models import User
from meeting.charter.models import Charter, Unit
from meeting.extensions import db
from meeting.scope import InJointMeeting
from workflows.meeting import ATTENDANCE, KINDS, STATES

_KIND_LIST = ", ".join(f"'{kind}'" for kind in KINDS)
_STATE_LIST = ", ".join(f"'{state}'" for state in STATES)
_ATTENDANCE_LIST = ", ".join(f"'{status}'" for status in ATTENDANCE)


class Meeting(InJointMeeting, db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_KIND_LIST})", name="kind"),
        CheckConstraint(f"state IN ({_STATE_LIST})", name="state"),
        # 2026年第1次全体会议: numbered per kind and year when convened.
        UniqueConstraint(
            "charter_id", "kind", "year", "number", name="uq_meetings_kind_year_number"
        ),
        # 府谷联席纪〔2026〕1号: minutes numbered per year when published.
        UniqueConstraint(
            "charter_id", "minutes_year", "minutes_number", name="uq_meetings_minutes_number"
        ),
        CheckConstraint(
            "(minutes_number IS NOT NULL) = (state = 'minutes_published')", name="minutes_number"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(index=True)  # UTC
    ends_at: Mapped[datetime | None]
    location: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(30), default="planned", index=True)
    version: Mapped[int] = mapped_column(default=1)
    year: Mapped[int]  # the county-local year of starts_at
    number: Mapped[int | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    convened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    minutes_text: Mapped[str | None] = mapped_column(Text)
    minutes_year: Mapped[int | None]
    minutes_number: Mapped[int | None]
    minutes_published_at: Mapped[datetime | None]
    # 签发: the convener who signed the minutes off for publication, and when.
    minutes_signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    minutes_signed_at: Mapped[datetime | None]
    # 列席: who sat in without a member's seat (invited departments, experts), as the minutes list them.
    sitting_in: Mapped[str] = mapped_column(Text, default="", server_default="")

    charter: Mapped[Charter] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    convened_by: Mapped[User | None] = relationship(foreign_keys=[convened_by_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    minutes_signed_by: Mapped[User | None] = relationship(foreign_keys=[minutes_signed_by_id])
    agenda: Mapped[list["AgendaEntry"]] = relationship(
        back_populates="meeting", order_by="AgendaEntry.position", cascade="all, delete-orphan"
    )
    attendance: Mapped[list["Attendance"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    receipts: Mapped[list["MinutesReceipt"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    replies: Mapped[list["AttendanceReply"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


def display_name(meeting: Meeting) -> str:
    """2026年第1次全体会议 once convened; the title before."""
    if meeting.number is None:
        return meeting.title
    return _("%(kind)s no. %(n)d of %(year)d", year=meeting.year, n=meeting.number,
             kind=_(KINDS[meeting.kind]))  # fmt: skip


class AgendaEntry(db.Model):
    """An item on a meeting's agenda, in order, with the meeting's decision on it."""

    __tablename__ = "agenda_entries"
    __table_args__ = (UniqueConstraint("meeting_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    position: Mapped[int]
    decision: Mapped[str | None] = mapped_column(String(30))  # the item event fired
    decision_text: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")
    item: Mapped["Item"] = relationship()  # noqa: F821


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "unit_id"),
        CheckConstraint(f"status IN ({_ATTENDANCE_LIST})", name="status"),
        CheckConstraint("status != 'deputy' OR deputy_name != ''", name="deputy_named"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    status: Mapped[str] = mapped_column(String(20))
    deputy_name: Mapped[str] = mapped_column(String(50), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    unit: Mapped[Unit] = relationship()


class AttendanceReply(db.Model):
    """参会回执: a unit's answer to the meeting notice, whom it sends or why it cannot come."""

    __tablename__ = "attendance_replies"
    __table_args__ = (
        UniqueConstraint("meeting_id", "unit_id"),
        CheckConstraint("attending OR reason != ''", name="reason_when_absent"),
        CheckConstraint("NOT attending OR attendee != ''", name="attendee_named"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    attending: Mapped[bool]
    attendee: Mapped[str] = mapped_column(String(50), default="")  # 姓名
    post: Mapped[str] = mapped_column(String(50), default="")  # 职务
    phone: Mapped[str] = mapped_column(String(30), default="")
    reason: Mapped[str] = mapped_column(String(200), default="")  # 请假事由
    replied_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    replied_at: Mapped[datetime]

    meeting: Mapped[Meeting] = relationship(back_populates="replies")
    unit: Mapped[Unit] = relationship()
    replied_by: Mapped[User] = relationship()


class MinutesReceipt(db.Model):
    """The published minutes delivered to a unit, and its liaison's acknowledgement 签收."""

    __tablename__ = "minutes_receipts"
    __table_args__ = (UniqueConstraint("meeting_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    delivered_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reminded_at: Mapped[datetime | None]  # 催签: the last reminder to sign (once a day at most)

    meeting: Mapped[Meeting] = relationship(back_populates="receipts")
    unit: Mapped[Unit] = relationship()
    acknowledged_by: Mapped[User | None] = relationship()


class Delegation(InJointMeeting, db.Model):
    """委托: the general convener lets a convener convene one meeting, or during a period."""

    __tablename__ = "delegations"
    __table_args__ = (
        CheckConstraint(
            "meeting_id IS NOT NULL OR (starts_on IS NOT NULL AND ends_on IS NOT NULL)",
            name="meeting_or_period",
        ),
        CheckConstraint("ends_on IS NULL OR starts_on <= ends_on", name="period_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delegator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    delegate_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    delegator: Mapped[User] = relationship(foreign_keys=[delegator_id])
    delegate: Mapped[User] = relationship(foreign_keys=[delegate_id])
    meeting: Mapped[Meeting | None] = relationship()
