"""Figures kept between their computations: where items and tasks stall (meeting.analytics.stalls)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from meeting.extensions import db
from meeting.scope import InJointMeeting


class StallFigure(InJointMeeting, db.Model):
    """Days spent in one state of a workflow, over a joint meeting's subjects of one member unit
    (or, without a unit, over all of them), as of COMPUTED_AT. A joint meeting's figures are
    replaced together, in one transaction: its newest COMPUTED_AT is one snapshot."""

    __tablename__ = "stall_figures"

    id: Mapped[int] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime]
    workflow: Mapped[str] = mapped_column(String(20))  # "item" or "task"
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # None: the whole
    state: Mapped[str] = mapped_column(String(30))
    subjects: Mapped[int]  # how many have been in the state
    current: Mapped[int]  # how many are in it now
    median_days: Mapped[float | None]  # None when none has been in it
    p90_days: Mapped[float | None]
