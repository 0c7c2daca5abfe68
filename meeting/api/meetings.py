"""Meetings, delegations and the calendar: /api/v1/meetings… (API.md)."""

import io

from flask import Response, request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from meeting.api import bp
from meeting.api.items import json_body, visible_item
from meeting.api.pagination import paginated
from meeting.errors import InvalidInput, NotFound
from meeting.extensions import db
from meeting.items.operations import rules
from meeting.meetings import calendar, minutes
from meeting.meetings.delegations import create_delegation, revoke_delegation
from meeting.meetings.models import Delegation, Meeting
from meeting.meetings.operations import (
    acknowledge_minutes,
    add_to_agenda,
    can_read_minutes,
    fire_meeting_event,
    minutes_document_number,
    plan_meeting,
    record_attendance,
    record_decision,
    remove_from_agenda,
    reorder_agenda,
    update_minutes,
)
from meeting.meetings.queries import meetings_query
from meeting.meetings.serialize import delegation_json, meeting_json


@bp.get("/meetings")
def list_meetings():
    """Meetings; `?kind=`, `?state=`, `?when=upcoming|past`."""
    kind, when = request.args.get("kind"), request.args.get("when")
    query = meetings_query(kind, request.args.get("state"), when)
    return paginated(query, lambda m: meeting_json(m, current_user, with_history=False))


@bp.post("/meetings")
def plan():
    meeting = plan_meeting(current_user, json_body())
    db.session.commit()
    return meeting_json(meeting, current_user), 201


@bp.get("/meetings/<int:meeting_id>")
def show_meeting(meeting_id: int):
    return meeting_json(meeting_or_404(meeting_id), current_user)


@bp.post("/meetings/<int:meeting_id>/events/<event>")
def fire_meeting(meeting_id: int, event: str):
    meeting = fire_meeting_event(meeting_or_404(meeting_id), event, current_user, json_body())
    db.session.commit()
    return meeting_json(meeting, current_user)


@bp.post("/meetings/<int:meeting_id>/agenda")
def add_item(meeting_id: int):
    body = json_body()
    meeting = meeting_or_404(meeting_id)
    add_to_agenda(meeting, item_from(body), current_user)
    db.session.commit()
    return meeting_json(meeting, current_user)


@bp.put("/meetings/<int:meeting_id>/agenda")
def reorder(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    reorder_agenda(meeting, json_body().get("item_ids"), current_user)
    db.session.commit()
    return meeting_json(meeting, current_user)


@bp.delete("/meetings/<int:meeting_id>/agenda/<int:item_id>")
def remove_item(meeting_id: int, item_id: int):
    meeting = meeting_or_404(meeting_id)
    remove_from_agenda(meeting, visible_item(item_id), current_user)
    db.session.commit()
    return meeting_json(meeting, current_user)


@bp.put("/meetings/<int:meeting_id>/attendance")
def attendance(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    record_attendance(meeting, current_user, json_body().get("attendance"))
    db.session.commit()
    return meeting_json(meeting, current_user)


@bp.post("/meetings/<int:meeting_id>/decisions")
def decide(meeting_id: int):
    """`{"item_id", "decision", "version" (the item's), and the decision's field}`."""
    body = json_body()
    meeting = meeting_or_404(meeting_id)
    record_decision(meeting, item_from(body), body.get("decision"), current_user, body)
    db.session.commit()
    return meeting_json(meeting, current_user)


@bp.put("/meetings/<int:meeting_id>/minutes")
def edit_minutes(meeting_id: int):
    body = json_body()
    meeting = meeting_or_404(meeting_id)
    update_minutes(meeting, current_user, body.get("text"), body.get("version"))
    db.session.commit()
    return meeting_json(meeting, current_user)


@bp.post("/meetings/<int:meeting_id>/receipt")
def acknowledge(meeting_id: int):
    """The caller's unit signs for the published minutes."""
    meeting = meeting_or_404(meeting_id)
    acknowledge_minutes(meeting, current_user)
    db.session.commit()
    return meeting_json(meeting, current_user)


@bp.get("/meetings/<int:meeting_id>/minutes.docx")
def minutes_docx(meeting_id: int):
    return docx_response(meeting_or_404(meeting_id))


@bp.get("/meetings.ics")
def meetings_ics():
    return ics_response()


@bp.get("/delegations")
def list_delegations():
    query = select(Delegation).order_by(Delegation.created_at.desc(), Delegation.id.desc())
    return paginated(query, delegation_json)


@bp.post("/delegations")
def delegate():
    delegation = create_delegation(current_user, json_body(), rules())
    db.session.commit()
    return delegation_json(delegation), 201


@bp.post("/delegations/<int:delegation_id>/revoke")
def revoke(delegation_id: int):
    delegation = db.session.get(Delegation, delegation_id)
    if delegation is None:
        raise NotFound(_("There is no such page or record."))
    revoke_delegation(delegation, current_user, rules())
    db.session.commit()
    return delegation_json(delegation)


def meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_("There is no such page or record."))
    return meeting


def item_from(body: dict):
    item_id = body.get("item_id")
    if not isinstance(item_id, int) or isinstance(item_id, bool) or not 0 < item_id < 2**63:
        raise InvalidInput({"item_id": _("Required: an item id.")})
    return visible_item(item_id)


def docx_response(meeting: Meeting) -> Response:
    if not meeting.minutes_text or not can_read_minutes(meeting, current_user):
        raise NotFound(_("This meeting has no minutes yet."))
    number = minutes_document_number(meeting)
    filename = f"{number or meeting.title}-会议纪要.docx"
    return send_file(
        io.BytesIO(minutes.docx_bytes(meeting, number)),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        as_attachment=True,
        download_name=filename,  # send_file encodes a Chinese name per RFC 6266
    )


def ics_response() -> Response:
    return Response(calendar.ics_bytes(), mimetype="text/calendar; charset=utf-8")
