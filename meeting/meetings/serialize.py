"""Meetings and delegations as the API gives them: built as the contract's models."""

from meeting.accounts.models import User
from meeting.contract import resources
from meeting.history import history_as_sent
from meeting.items.serialize import history_json
from meeting.meetings.delegations import delegation_fields
from meeting.meetings.minutes import can_read_minutes, minutes_document_number
from meeting.meetings.models import Delegation, Meeting, display_name
from meeting.meetings.operations import available_events
from meeting.timeutil import iso


def meeting_json(
    meeting: Meeting, user: User, with_history: bool = True
) -> resources.MeetingSummary:
    body = {
        "id": meeting.id,
        "joint_meeting": meeting.joint_meeting,
        "kind": meeting.kind,
        "title": meeting.title,
        "name": display_name(meeting),
        "number": meeting.number,
        "starts_at": iso(meeting.starts_at),
        "ends_at": iso(meeting.ends_at),
        "location": meeting.location,
        "state": meeting.state,
        "version": meeting.version,
        "available_events": available_events(meeting, user),
        "agenda": [entry.item_id for entry in meeting.agenda],
        "decisions": [
            {
                "item_id": entry.item_id,
                "title": entry.item.title,
                "unit": entry.item.unit_code,
                "item_state": entry.item.state,
                "decision": entry.decision,
                "text": entry.decision_text,
            }
            for entry in meeting.agenda
        ],
        "attendance": {
            row.unit.code: {"status": row.status, "deputy_name": row.deputy_name}
            for row in meeting.attendance
        },
        "convened_by": meeting.convened_by.username if meeting.convened_by else None,
        "requested_by": meeting.requested_by.username if meeting.requested_by else None,
        "minutes_number": minutes_document_number(meeting),
        "minutes_text": meeting.minutes_text if can_read_minutes(meeting, user) else None,
        "minutes_signed_by": meeting.minutes_signed_by.username
        if meeting.minutes_signed_by
        else None,
        "minutes_signed_at": iso(meeting.minutes_signed_at),
        "sitting_in": meeting.sitting_in,
        "replies": [
            {
                "unit": r.unit.code,
                "attending": r.attending,
                "attendee": r.attendee,
                "post": r.post,
                "phone": r.phone,
                "reason": r.reason,
                "replied_at": iso(r.replied_at),
            }
            for r in sorted(meeting.replies, key=lambda r: r.unit.position)
        ],
        "receipts": [
            {"unit": r.unit.code, "acknowledged_at": iso(r.acknowledged_at)}
            for r in sorted(meeting.receipts, key=lambda r: r.unit.position)
        ],
    }
    if not with_history:
        return resources.MeetingSummary(**body)
    history = [history_json(row) for row in history_as_sent("meeting", meeting.id)]
    return resources.Meeting(**body, history=history)


def delegation_json(delegation: Delegation) -> resources.Delegation:
    return resources.Delegation(
        **{
            "id": delegation.id,
            "joint_meeting": delegation.joint_meeting,
            "delegator": delegation.delegator.username,
            **delegation_fields(delegation),
            "created_at": iso(delegation.created_at),
            "revoked_at": iso(delegation.revoked_at),
        }
    )
