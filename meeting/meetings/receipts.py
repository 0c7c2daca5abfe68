"""The minutes after the session: the office edits the draft until it is published; then each
member unit's liaison signs for the published minutes (签收). Publishing itself is the
publish_minutes event (`operations`), which numbers the minutes and delivers one receipt per unit.
"""

from flask_babel import gettext as _

from meeting.accounts.models import User
from meeting.errors import Forbidden, InvalidInput, InvalidTransition
from meeting.meetings.minutes import minutes_document_number
from meeting.meetings.models import Meeting, MinutesReceipt
from meeting.meetings.operations import invalid_transition, may_record, record_change
from meeting.notifications.messages import meeting_params
from meeting.notifications.operations import liaisons_of, notify
from meeting.timeutil import local, utcnow
from meeting.versioning import check_version
from workflows import meeting as workflow
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


def pending_receipts(meeting: Meeting) -> list[MinutesReceipt]:
    """The units' receipts of MEETING's minutes not yet signed for, in the charter's order."""
    pending = [r for r in meeting.receipts if r.acknowledged_at is None]
    return sorted(pending, key=lambda r: r.unit.position)


def reminded_today(receipt: MinutesReceipt) -> bool:
    """Whether RECEIPT's unit was already reminded this county day (催签 once a day)."""
    last = local(receipt.reminded_at).date() if receipt.reminded_at else None
    return not workflow.may_remind(last, local(utcnow()).date())


def remind_receipts(meeting: Meeting, user: User, unit_codes: list | None = None) -> list:
    """催签: the office reminds the units named by UNIT_CODES (None: every unit not yet signed
    and not reminded today) to sign for MEETING's published minutes; one notification per
    liaison of those units. Returns the units reminded."""
    may_record(meeting, user, "remind_receipts")
    pending = pending_receipts(meeting)
    if not pending:
        raise InvalidTransition(_("Every unit has signed for these minutes."),
                                state=meeting.state, available_events=[])  # fmt: skip
    if unit_codes is None:
        chosen = [r for r in pending if not reminded_today(r)]
        if not chosen:
            raise InvalidTransition(
                _("Every unit not yet signed was already reminded today; remind them again "
                  "tomorrow."), state=meeting.state, available_events=[],
            )  # fmt: skip
    else:
        by_code = {r.unit.code: r for r in pending}
        if not isinstance(unit_codes, list) or not unit_codes:
            raise InvalidInput({"units": _("Choose at least one unit not yet signed.")})
        if bad := [c for c in unit_codes if c not in by_code]:
            raise InvalidInput({"units": _("Not a unit waiting to sign: %(units)s.",
                                           units="、".join(map(str, bad)))})  # fmt: skip
        chosen = [by_code[c] for c in dict.fromkeys(unit_codes)]
        if today := [r.unit.name for r in chosen if reminded_today(r)]:
            raise InvalidTransition(
                _("Already reminded today: %(units)s. A unit is reminded once a day at most.",
                  units="、".join(today)), state=meeting.state, available_events=[],
            )  # fmt: skip
    now = utcnow()
    for receipt in chosen:
        receipt.reminded_at = now
    units = [r.unit for r in chosen]
    notify(liaisons_of(units), "minutes_receipt_reminder", link=f"/meetings/{meeting.id}",
           charter_id=meeting.charter_id,
           params={**meeting_params(meeting), "number": minutes_document_number(meeting) or ""})  # fmt: skip
    record_change(meeting, "remind_receipts", meeting.state, user,
                  {"units": [u.code for u in units]})  # fmt: skip
    return units
