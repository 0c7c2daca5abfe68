"""Agenda items and their attachments."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meeting.accounts.models import User
from meeting.charter.models import Charter, Unit
from meeting.extensions import db
from meeting.scope import InJointMeeting
from workflows.agenda_item import CATEGORIES, SOURCES, STATES, UNIT_SOURCE

_STATE_LIST = ", ".join(f"'{state}'" for state in STATES)
_CATEGORY_LIST = ", ".join(f"'{category}'" for category in CATEGORIES)
_SOURCE_LIST = ", ".join(f"'{source}'" for source in SOURCES)
SUBMITTED = text("submitted_at IS NOT NULL")


class Item(InJointMeeting, db.Model):
    __tablename__ = "items"
    __table_args__ = (
        # Lists walk these in order and stop after a page (meeting.pagination): the default
        # sort, the queues by waiting time, the meeting's candidates by approval.
        Index("ix_items_charter_updated", "charter_id", "updated_at", "id"),
        # The queue by waiting time; with what decides who sees an item, also the items by
        # state a person sees (the workbench's figures), counted from this index alone.
        Index(
            "ix_items_charter_state_submitted",
            "charter_id",
            "state",
            "submitted_at",
            "source",
            "unit_id",
        ),  # fmt: skip
        Index("ix_items_charter_state_approved", "charter_id", "state", "approved_at"),
        Index("ix_items_charter_title", "charter_id", "title"),
        Index("ix_items_charter_source_state", "charter_id", "source", "state"),
        # What decides whether a person sees an item (items.queries.visible_items): the
        # drafts' part of a list's exact count (the API's `total`) reads this index alone.
        Index("ix_items_visible", "charter_id", "submitted_at", "source", "unit_id"),
        # The submitted items, which everyone in the joint meeting sees: the API's `total`
        # counts them from this small index (api.items.visible_count).
        Index(
            "ix_items_submitted", "charter_id", postgresql_where=SUBMITTED, sqlite_where=SUBMITTED
        ),
        Index("ix_items_charter_created", "charter_id", "created_at", "id"),
        CheckConstraint(f"state IN ({_STATE_LIST})", name="state"),
        CheckConstraint(f"category IN ({_CATEGORY_LIST})", name="category"),
        CheckConstraint("version >= 1", name="version"),
        # 议定事项: a resolution exists exactly when a meeting adopted the item.
        CheckConstraint(
            "(resolution IS NOT NULL) = (state IN ('adopted', 'implementing', 'closed'))",
            name="resolution_iff_adopted",
        ),
        CheckConstraint(f"source IN ({_SOURCE_LIST})", name="source"),
        # 二(四), 三(五): assigned work names the document that assigned it; a unit's own
        # proposal has none.
        CheckConstraint(
            f"(source = '{UNIT_SOURCE}' AND source_title IS NULL AND source_number IS NULL"
            f" AND source_date IS NULL) OR (source <> '{UNIT_SOURCE}' AND source_title IS NOT NULL)",
            name="source_document",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    background: Mapped[str] = mapped_column(Text, default="")
    proposal: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(30), default="other")
    duty_refs: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(30), default="draft", index=True)
    version: Mapped[int] = mapped_column(default=1)
    opinion: Mapped[str | None] = mapped_column(Text)  # 初审意见, from pass_review
    resolution: Mapped[str | None] = mapped_column(Text)  # 议定事项, from adopt
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))  # the one it is on
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(index=True)
    # Set on each submission: drafts never submitted stay private to the proposing unit,
    # and queues sort by how long an item has waited.
    submitted_at: Mapped[datetime | None]
    # Where it comes from (workflows.agenda_item.SOURCES): a unit's proposal, or work the county
    # government or the joint meeting assigned, registered by the office with its document
    # (a leader's instruction 批示: title, 文号, date); the item's unit is then the proposed lead.
    source: Mapped[str] = mapped_column(String(30), default=UNIT_SOURCE,
                                        server_default=UNIT_SOURCE)  # fmt: skip
    source_title: Mapped[str | None] = mapped_column(String(200))
    source_number: Mapped[str | None] = mapped_column(String(100))
    source_date: Mapped[date | None]
    # 五(二): when it was approved (the agenda cut-off before a plenary counts from it), and the
    # meeting a convener admitted it to past that cut-off, if any.
    approved_at: Mapped[datetime | None]
    admitted_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))

    charter: Mapped[Charter] = relationship()
    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User] = relationship()
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="item", order_by="Attachment.id"
    )
    # Read-only here: tasks are made and changed through Task (meeting.tasks).
    tasks: Mapped[list["Task"]] = relationship(  # noqa: F821
        viewonly=True, order_by="Task.id", primaryjoin="Task.item_id == Item.id"
    )

    # Optimistic locking: every UPDATE says WHERE version = <the version read>, so two
    # requests that both read version 3 cannot both write version 4.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def unit_code(self) -> str:
        return self.unit.code

    @property
    def assigned(self) -> bool:
        """Whether it is work the county government or the joint meeting assigned (二(四), 三(五))."""
        return self.source != UNIT_SOURCE


class Attachment(db.Model):
    """A file of an item, stored on disk under the instance folder by a generated name."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))  # as uploaded, for display only
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime]

    item: Mapped[Item] = relationship(back_populates="attachments")
    uploaded_by: Mapped[User] = relationship()
