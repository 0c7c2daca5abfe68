"""Tasks, their units, progress reports, and progress bulletins."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meeting.accounts.models import User
from meeting.charter.models import Charter, Unit
from meeting.extensions import db
from meeting.items.models import Item
from meeting.scope import InJointMeeting
from meeting.tasks.titles import TITLE_LENGTH
from workflows.rhythm import KINDS as RHYTHMS
from workflows.task import STATES

_STATE_LIST = ", ".join(f"'{state}'" for state in STATES)
_RHYTHM_LIST = ", ".join(f"'{kind}'" for kind in RHYTHMS)

responsible_units = Table(
    "task_responsible_units",
    db.metadata,
    Column("task_id", ForeignKey("tasks.id"), primary_key=True),
    Column("unit_id", ForeignKey("units.id"), primary_key=True),
)


class Task(InJointMeeting, db.Model):
    __tablename__ = "tasks"
    __table_args__ = (
        # The ledger's default order, and its open tasks by deadline (warnings, overdue).
        Index("ix_tasks_charter_deadline", "charter_id", "deadline", "id"),
        Index("ix_tasks_charter_state_deadline", "charter_id", "state", "deadline"),
        Index("ix_tasks_charter_extension", "charter_id", "extension_date"),  # requests pending
        # The scheduler's later ticks of a day look only at tasks changed since the last one.
        # By the moment alone: led by the joint meeting, SQLite took it for lists in order of
        # change (the workbench's waits) and walked every task of the joint meeting.
        Index("ix_tasks_updated", "updated_at"),
        # The workbench's task figures (by lead unit, the overdue trend) read only this index.
        Index(
            "ix_tasks_charter_figures",
            "charter_id",
            "lead_unit_id",
            "state",
            "deadline",
            "completed_at",
            "assigned_at",
        ),  # fmt: skip
        CheckConstraint(f"state IN ({_STATE_LIST})", name="state"),
        CheckConstraint("deadline >= original_deadline", name="extended_only"),
        CheckConstraint(
            "(extension_date IS NULL) = (extension_reason IS NULL)", name="extension_pair"
        ),
        # The reporting rhythm (workflows.rhythm): a kind, what it takes, since when.
        CheckConstraint(f"rhythm IN ({_RHYTHM_LIST})", name="rhythm"),
        CheckConstraint(
            "(rhythm_days IS NOT NULL) = (COALESCE(rhythm, '') = 'every_days')",
            name="rhythm_days",
        ),
        CheckConstraint(
            "(rhythm_dates IS NOT NULL) = (COALESCE(rhythm, '') = 'dates')", name="rhythm_dates"
        ),
        CheckConstraint("(rhythm_since IS NULL) = (rhythm IS NULL)", name="rhythm_since"),
        CheckConstraint("rhythm_missed_before >= 0", name="rhythm_missed_before"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    # What tells the task apart from the other tasks of its item (ledger, notices, bulletins).
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    description: Mapped[str] = mapped_column(Text)
    # The working deadline (moved by granted extensions) and the one first set: reports show both.
    deadline: Mapped[date] = mapped_column(index=True)
    original_deadline: Mapped[date]
    working_days: Mapped[int | None]  # when the deadline was given as N working days 工作日
    state: Mapped[str] = mapped_column(String(30), default="assigned", index=True)
    version: Mapped[int] = mapped_column(default=1)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    # A pending extension request 延期申请: the date asked for and why.
    extension_date: Mapped[date | None]
    extension_reason: Mapped[str | None] = mapped_column(Text)
    # 二(三), 三(三): the reporting rhythm 报送节奏 (None: none), from the day it took effect; the
    # periods missed under the rhythms it had before (closed, so they cannot drift).
    rhythm: Mapped[str | None] = mapped_column(String(20))
    rhythm_days: Mapped[int | None]
    rhythm_dates: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    rhythm_since: Mapped[date | None]
    rhythm_missed_before: Mapped[int] = mapped_column(default=0, server_default="0")
    # The county day the scheduler last looked for missed periods (meeting.scheduler.rhythm).
    rhythm_checked_on: Mapped[date | None]

    item: Mapped[Item] = relationship()
    lead_unit: Mapped[Unit] = relationship()
    responsible_units: Mapped[list[Unit]] = relationship(
        secondary=responsible_units, order_by=Unit.position
    )
    assigned_by: Mapped[User] = relationship()
    reports: Mapped[list["ProgressReport"]] = relationship(
        back_populates="task", order_by="ProgressReport.id"
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def unit_ids(self) -> set[int]:
        return {self.lead_unit_id, *(unit.id for unit in self.responsible_units)}


class ProgressReport(db.Model):
    """A dated progress report (the lead unit's, or a responsible unit's part) or completion
    report, with an optional attachment."""

    __tablename__ = "progress_reports"
    # progress: the lead unit's, for the whole task; part: a responsible unit's (workflows.task).
    __table_args__ = (CheckConstraint("kind IN ('progress', 'part', 'completion')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    filename: Mapped[str | None] = mapped_column(String(200))
    stored_name: Mapped[str | None] = mapped_column(String(80))

    task: Mapped[Task] = relationship(back_populates="reports")
    unit: Mapped[Unit] = relationship()
    author: Mapped[User] = relationship()


class Bulletin(InJointMeeting, db.Model):
    """工作进展通报: figures for a period, frozen when published and numbered per year."""

    __tablename__ = "bulletins"
    __table_args__ = (
        UniqueConstraint("charter_id", "year", "number", name="uq_bulletins_year_number"),
        CheckConstraint("(number IS NULL) = (published_at IS NULL)", name="number_when_published"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    year: Mapped[int | None]
    number: Mapped[int | None]
    figures: Mapped[dict] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None]

    charter: Mapped[Charter] = relationship()
    created_by: Mapped[User | None] = relationship()
