"""The annual work report: one per joint meeting and year, drafted, edited, then issued."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meeting.accounts.models import User
from meeting.charter.models import Charter
from meeting.extensions import db
from meeting.scope import InJointMeeting

STATES = ("draft", "issued")
_STATE_LIST = ", ".join(f"'{state}'" for state in STATES)


class AnnualReport(InJointMeeting, db.Model):
    """年度工作报告: the text the office edits, and the figures it was drafted from (frozen with
    it, so the document's table says what the text says, whenever it is downloaded)."""

    __tablename__ = "annual_reports"
    __table_args__ = (
        UniqueConstraint("charter_id", "year", name="uq_annual_reports_year"),
        CheckConstraint(f"state IN ({_STATE_LIST})", name="state"),
        CheckConstraint(
            "(state = 'issued') = (issued_at IS NOT NULL AND issued_by_id IS NOT NULL)",
            name="issued_when_issued",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    figures: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    issued_at: Mapped[datetime | None]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    charter: Mapped[Charter] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
