"""Meeting lists: by kind, state, and upcoming or past; and what waits for one person."""

from sqlalchemy import Select, false, or_, select

from meeting.accounts.models import User
from meeting.charter.rules import rules
from meeting.meetings.delegations import live_delegations
from meeting.meetings.models import AttendanceReply, Meeting, MinutesReceipt
from meeting.timeutil import day_end_utc, day_start_utc, utcnow
from workflows import meeting as workflow
from workflows.roles import ADMIN, LIAISON


def meetings_query(kind: str | None, state: str | None, when: str | None) -> Select:
    query = select(Meeting)
    if kind:
        query = query.where(Meeting.kind == kind)
    if state:
        query = query.where(Meeting.state == state)
    if when == "upcoming":
        return query.where(Meeting.starts_at >= utcnow()).order_by(Meeting.starts_at, Meeting.id)
    if when == "past":
        query = query.where(Meeting.starts_at < utcnow())
    return query.order_by(Meeting.starts_at.desc(), Meeting.id.desc())


def pending_receipt_filter(user: User, charter_id: int):
    """Published minutes not yet signed for (签收): by USER's unit for a liaison; by any unit
    for those who follow receipts (to chase them, 催签); none for others."""
    user.acting_in(charter_id)
    if user.role == LIAISON:
        mine = (MinutesReceipt.unit_id == user.unit_id) & MinutesReceipt.acknowledged_at.is_(None)
        return Meeting.receipts.any(mine)
    if workflow.may_follow_receipts(user.role):
        return Meeting.receipts.any(MinutesReceipt.acknowledged_at.is_(None))
    return false()


def to_convene_filter(user: User, charter_id: int):
    """Planned meetings USER may convene: of the kinds their role convenes, or under a live
    delegation (a meeting, or a period covering its day) — workflow.awaiting_convening.
    A read: USER keeps acting where they act (the workbench asks about each joint meeting)."""
    seat = user.seat_in(charter_id)
    role = seat.role if seat else (ADMIN if user.is_admin else None)  # as `user.role` there
    here = rules(charter_id)
    planned = Meeting.state.in_(workflow.EVENTS["convene"].sources)
    kinds = [k for k in workflow.KINDS
             if workflow.awaiting_convening(k, "planned", role, False, here)]  # fmt: skip
    delegated_kinds = [k for k in workflow.KINDS if k not in kinds
                       and workflow.awaiting_convening(k, "planned", role, True, here)]  # fmt: skip
    covered = [false()]
    if delegated_kinds:
        for d in live_delegations(user):
            if d.charter_id != charter_id:
                continue
            if d.meeting_id:
                covered.append(Meeting.id == d.meeting_id)
            elif d.starts_on is not None:
                covered.append(
                    (Meeting.starts_at >= day_start_utc(d.starts_on))
                    & (Meeting.starts_at < day_end_utc(d.ends_on))
                )
    return planned & or_(Meeting.kind.in_(kinds),
                         Meeting.kind.in_(delegated_kinds) & or_(*covered))  # fmt: skip


def to_reply_filter(user: User, charter_id: int):
    """Meetings whose notice USER's unit has yet to reply to (参会回执); none for a user of no
    unit (the home page's "meeting notices to reply to")."""
    user.acting_in(charter_id)
    if user.role != LIAISON or user.unit_id is None:
        return false()
    replied = Meeting.replies.any(AttendanceReply.unit_id == user.unit_id)
    return Meeting.state.in_(workflow.REPLY_STATES) & ~replied
