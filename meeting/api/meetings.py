"""Meetings, delegations and the calendar: /api/v1/meetings… (API.md)."""

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from meeting.accounts.models import User
from meeting.api import bp
from meeting.api.contract import WRITE, operation
from meeting.api.items import JOINT_MEETING, visible_item
from meeting.api.pagination import paginated
from meeting.contract import bodies, parse, resources
from meeting.contract.queries import MeetingQuery, Query
from meeting.errors import NotFound
from meeting.extensions import db
from meeting.items.models import Item
from meeting.meetings.agenda import (
    add_to_agenda,
    admit_late,
    check_admitter,
    record_attendance,
    record_decision,
    remove_from_agenda,
    reorder_agenda,
)
from meeting.meetings.calendar import ics_response
from meeting.meetings.corrections import check_correctable, correct_decision
from meeting.meetings.delegations import create_delegation, revoke_delegation
from meeting.meetings.minutes import docx_response
from meeting.meetings.models import (
    AgendaEntry,
    Attendance,
    AttendanceReply,
    Delegation,
    Meeting,
    MinutesReceipt,
)
from meeting.meetings.notice import notice_response, reply_to_notice
from meeting.meetings.operations import fire_meeting_event, may_record, plan_meeting
from meeting.meetings.queries import meetings_query
from meeting.meetings.receipts import acknowledge_minutes, remind_receipts, update_minutes
from meeting.meetings.serialize import delegation_json, meeting_json
from meeting.scope import narrow
from workflows import meeting as meeting_workflow

MEETING = {200: resources.Meeting}
REQUESTER = "a liaison meeting's requested_by is the username of a convener"
DECIDES = "; ".join(f"a {code} meeting decides {', '.join(k.decisions)}"
                    for code, k in meeting_workflow.KINDS_REGISTRY.items())  # fmt: skip
RECORD = (401, 403, 409, 422)  # the office's records on a meeting: who, state, fields


@bp.get("/meetings")
@operation("Meetings", query=MeetingQuery, returns={200: resources.Page[resources.MeetingSummary]})
def list_meetings(args: MeetingQuery):
    query = narrow(meetings_query(args.kind, args.state, args.when), Meeting.charter_id,
                   args.joint_meeting)  # fmt: skip
    # Every relation a summary reads, a query each for the whole page (the people's seats are
    # not read: a summary names them only).
    query = query.options(
        selectinload(Meeting.agenda).selectinload(AgendaEntry.item).selectinload(Item.unit),
        selectinload(Meeting.attendance).selectinload(Attendance.unit),
        selectinload(Meeting.receipts).selectinload(MinutesReceipt.unit),
        selectinload(Meeting.convened_by).lazyload(User.seats),
        selectinload(Meeting.requested_by).lazyload(User.seats),
        selectinload(Meeting.minutes_signed_by).lazyload(User.seats),
        selectinload(Meeting.replies).selectinload(AttendanceReply.unit),
    )
    return paginated(query, lambda m: meeting_json(m, current_user, with_history=False), args)


@bp.post("/meetings")
@operation("Plan a meeting (the office; a convener what they may convene)",
           body=bodies.MeetingPlanning, returns={201: resources.Meeting}, errors=WRITE,
           rules=("ends_at is after starts_at", REQUESTER, JOINT_MEETING))  # fmt: skip
def plan(body: dict):
    return meeting_json(plan_meeting(current_user, body), current_user), 201


@bp.get("/meetings/<int:meeting_id>")
@operation("One meeting, with its agenda, attendance, decisions and history", returns=MEETING)
def show_meeting(meeting_id: int):
    return meeting_json(meeting_or_404(meeting_id), current_user)


@bp.post("/meetings/<int:meeting_id>/events/<event>")
@operation("Fire a meeting event (五(一), 五(三))", body=bodies.MEETING_EVENT_BODIES,
           body_by="event", returns=MEETING, errors=WRITE,
           rules={"convene": (REQUESTER + ", if it has none yet",)})  # fmt: skip
def fire_meeting(meeting_id: int, event: str, body: dict):
    meeting = fire_meeting_event(meeting_or_404(meeting_id), event, current_user, body)
    return meeting_json(meeting, current_user)


@bp.post("/meetings/<int:meeting_id>/agenda")
@operation("Put an item on the agenda (schedules it at a plenary or ad-hoc meeting)",
           body=bodies.AgendaEntry, returns=MEETING, errors=RECORD)  # fmt: skip
def add_item(meeting_id: int, body: dict):
    meeting = office_may(meeting_id, "edit_agenda")
    entry = parse(bodies.AgendaEntry, body)
    add_to_agenda(meeting, visible_item(entry.item_id), current_user)
    return meeting_json(meeting, current_user)


@bp.post("/meetings/<int:meeting_id>/admissions")
@operation("Admit an item approved past a plenary's agenda cut-off to it (a convener, 五(二))",
           body=bodies.LateAdmission, returns=MEETING, errors=RECORD,
           rules=("the item was approved fewer than the charter's agenda_cutoff_days before the "
                  "meeting, and the meeting's agenda is open (planned or convened)",))  # fmt: skip
def admit(meeting_id: int, body: dict):
    meeting = meeting_or_404(meeting_id)
    check_admitter(meeting, current_user)
    admission = parse(bodies.LateAdmission, body)
    admit_late(meeting, visible_item(admission.item_id), current_user, admission.model_dump())
    return meeting_json(meeting, current_user)


@bp.put("/meetings/<int:meeting_id>/agenda")
@operation("Reorder the agenda: every agenda item's id once", body=bodies.AgendaOrder,
           returns=MEETING, errors=RECORD,
           rules=("item_ids name the meeting's agenda items, each once",))  # fmt: skip
def reorder(meeting_id: int, body: dict):
    meeting = office_may(meeting_id, "edit_agenda")
    reorder_agenda(meeting, parse(bodies.AgendaOrder, body).item_ids, current_user)
    return meeting_json(meeting, current_user)


@bp.delete("/meetings/<int:meeting_id>/agenda/<int:item_id>")
@operation("Take an item off the agenda", returns=MEETING, errors=RECORD)
def remove_item(meeting_id: int, item_id: int):
    meeting = meeting_or_404(meeting_id)
    remove_from_agenda(meeting, item_id, current_user)  # an item not on it: 409, whichever
    return meeting_json(meeting, current_user)


@bp.put("/meetings/<int:meeting_id>/reply")
@operation("Reply to a meeting notice for the caller's unit (参会回执; a liaison, while convened)",
           body=bodies.NoticeReply, returns=MEETING, errors=RECORD)  # fmt: skip
def notice_reply(meeting_id: int, body: dict):
    meeting = meeting_or_404(meeting_id)
    reply_to_notice(meeting, current_user, parse(bodies.NoticeReply, body).model_dump())
    return meeting_json(meeting, current_user)


@bp.get("/meetings/<int:meeting_id>/notice.docx")
@operation(
    "The meeting notice as a Word document (once convened)",
    returns={200: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
)
def notice_docx(meeting_id: int):
    return notice_response(meeting_or_404(meeting_id), current_user)


@bp.put("/meetings/<int:meeting_id>/attendance")
@operation("Record attendance per unit code", body=bodies.AttendanceMarks, returns=MEETING,
           errors=RECORD)  # fmt: skip
def attendance(meeting_id: int, body: dict):
    meeting = office_may(meeting_id, "record_attendance")
    given = parse(bodies.AttendanceMarks, body).model_dump()
    record_attendance(meeting, current_user, given["attendance"], given["sitting_in"])
    return meeting_json(meeting, current_user)


@bp.post("/meetings/<int:meeting_id>/decisions")
@operation("Record the meeting's decision on an agenda item", body=bodies.Decision,
           returns=MEETING, errors=RECORD, rules=(DECIDES,))  # fmt: skip
def decide(meeting_id: int, body: dict):
    meeting = office_may(meeting_id, "record_decisions")
    decision = parse(bodies.Decision, body)
    item = visible_item(decision.item_id)
    record_decision(meeting, item, decision.decision, current_user, body)
    return meeting_json(meeting, current_user)


@bp.post("/meetings/<int:meeting_id>/corrections")
@operation("Correct the meeting's decision on an agenda item (更正; the office, until the minutes "
           "are published)", body=bodies.Correction, returns=MEETING, errors=RECORD,
           rules=(DECIDES, "the new decision differs from the recorded one",
                  "the item is still where the recorded decision left it, and no task was "
                  "assigned from it", "signed-off minutes go back to the signers (reopen_minutes)"))  # fmt: skip
def correct(meeting_id: int, body: dict):
    meeting = meeting_or_404(meeting_id)
    check_correctable(meeting, current_user)  # 403, 409 before the body's 422
    correction = parse(bodies.Correction, body)
    item = visible_item(correction.item_id)
    correct_decision(meeting, item, correction.decision, current_user, body)
    return meeting_json(meeting, current_user)


@bp.post("/meetings/<int:meeting_id>/receipt-reminders")
@operation("Remind units that have not signed for the published minutes (催签; the office, "
           "once a day per unit)", body=bodies.ReceiptReminder, returns=MEETING, errors=RECORD,
           rules=("units are units not yet signed; left out, those not reminded today",))  # fmt: skip
def remind(meeting_id: int, body: dict):
    meeting = office_may(meeting_id, "remind_receipts")
    reminder = parse(bodies.ReceiptReminder, body)
    remind_receipts(meeting, current_user, reminder.units)
    return meeting_json(meeting, current_user)


@bp.put("/meetings/<int:meeting_id>/minutes")
@operation("Edit the draft minutes (the office, once the session is closed)",
           body=bodies.MinutesEdit, returns=MEETING, errors=RECORD)  # fmt: skip
def edit_minutes(meeting_id: int, body: dict):
    meeting = office_may(meeting_id, "edit_minutes")
    minutes = parse(bodies.MinutesEdit, body)
    update_minutes(meeting, current_user, minutes.text, minutes.version)
    return meeting_json(meeting, current_user)


@bp.post("/meetings/<int:meeting_id>/receipt")
@operation("The caller's unit signs for the published minutes (签收)", returns=MEETING,
           errors=(401, 403, 409))  # fmt: skip
def acknowledge(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    acknowledge_minutes(meeting, current_user)
    return meeting_json(meeting, current_user)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.get("/meetings/<int:meeting_id>/minutes.docx")
@operation("The minutes as a Word document", returns={200: DOCX})
def minutes_docx(meeting_id: int):
    return docx_response(meeting_or_404(meeting_id))


@bp.get("/meetings.ics")
@operation("Meetings from three months back on (at most 200), as iCalendar; a cancelled one "
           "marked CANCELLED, so that calendars drop it", returns={200: "text/calendar"})  # fmt: skip
def meetings_ics():
    return ics_response()


@bp.get("/delegations")
@operation("Delegations of convening (委托)", query=Query,
           returns={200: resources.Page[resources.Delegation]})  # fmt: skip
def list_delegations(args: Query):
    query = select(Delegation).order_by(Delegation.created_at.desc(), Delegation.id.desc())
    return paginated(query, delegation_json, args)


@bp.post("/delegations")
@operation("The general convener delegates convening to the convener (五(一))",
           body=bodies.DelegationRequest, returns={201: resources.Delegation},
           errors=(401, 403, 422),
           rules=("delegate is a convener's username", "meeting_id names a planned plenary "
                  "or ad-hoc meeting, or else starts_on and ends_on give a period"))  # fmt: skip
def delegate(body: dict):
    return delegation_json(create_delegation(current_user, body)), 201


@bp.post("/delegations/<int:delegation_id>/revoke")
@operation("Revoke a delegation", returns={200: resources.Delegation}, errors=(401, 403, 409))
def revoke(delegation_id: int):
    delegation = db.session.get(Delegation, delegation_id)
    if delegation is None:
        raise NotFound(_("There is no such page or record."))
    revoke_delegation(delegation, current_user)
    return delegation_json(delegation)


def office_may(meeting_id: int, record: str) -> Meeting:
    """The meeting, once the caller may keep RECORD on it now (403, 409 before the body's 422)."""
    meeting = meeting_or_404(meeting_id)
    may_record(meeting, current_user, record)
    return meeting


def meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_("There is no such page or record."))
    return meeting
