"""The minutes after the session: the office edits the draft until it is published; then each
member unit's liaison signs for the published minutes (签收). Publishing itself is the
publish_minutes event (`operations`), which numbers the minutes and delivers one receipt per unit.
"""

from flask_babel import gettext as _

from meeting.accounts.models import User
from meeting.errors import Forbidden, InvalidInput, InvalidTransition
from meeting.meetings.models import Meeting, MinutesReceipt
from meeting.meetings.operations import invalid_transition, may_record, record_change
from meeting.timeutil import utcnow
from meeting.versioning import check_version
from workflows.roles import LIAISON


def update_minutes(meeting: Meeting, user: User, text, version) -> None:
    """The office edits the draft minutes until they are published."""
    may_record(meeting, user, "edit_minutes")
    check_version(meeting, version)
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput({"text": _("Required.")})
    meeting.minutes_text = text.strip()
    record_change(
        meeting, "edit_minutes", meeting.state, user, {"length": len(meeting.minutes_text)}
    )


def acknowledge_minutes(meeting: Meeting, user: User) -> MinutesReceipt:
    """A unit's liaison signs for the published minutes (签收)."""
    user.acting_in(meeting.charter_id)
    if user.role != LIAISON:
        raise Forbidden(_("Only a member unit's liaison signs for the minutes."))
    receipt = next((r for r in meeting.receipts if r.unit_id == user.unit_id), None)
    if receipt is None:
        raise invalid_transition(meeting, user)
    if receipt.acknowledged_at is not None:
        raise InvalidTransition(
            _("Your unit has already signed for these minutes."), state=meeting.state,
            available_events=[],
        )  # fmt: skip
    receipt.acknowledged_at = utcnow()
    receipt.acknowledged_by = user
    record_change(meeting, "acknowledge", meeting.state, user, {"unit": user.unit.code})
    return receipt
