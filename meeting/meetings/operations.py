"""Planning a meeting and firing its events, and the helpers every meeting operation shares.

Like items: check who, the state, the version and the fields, then change, bump the version,
write one history row, and flush; the caller commits once. The agenda, attendance and
decisions are in `agenda`, the minutes' editing and receipts in `receipts`; who hears of what
is in `notifications`, through the signals sent here.
"""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from meeting import signals
from meeting.accounts.models import User
from meeting.charter.rules import rules
from meeting.contract import bodies, parse
from meeting.errors import Forbidden, InvalidInput, InvalidTransition, UnknownEvent
from meeting.extensions import db
from meeting.history import record
from meeting.items.operations import fire_event
from meeting.locks import lock_joint_meeting
from meeting.meetings.delegations import holds_delegation
from meeting.meetings.minutes import draft_text, minutes_document_number
from meeting.meetings.models import Meeting, MinutesReceipt
from meeting.notifications.messages import meeting_params
from meeting.notifications.operations import notify, users_with_roles
from meeting.scope import joint_meeting_for_new
from meeting.timeutil import local, utcnow
from meeting.versioning import check_version, save_change
from workflows import agenda_item
from workflows import meeting as workflow
from workflows.roles import OFFICE


def delegated(user: User, meeting: Meeting | None = None, when: datetime | None = None,
              charter_id: int | None = None) -> bool:  # fmt: skip
    """Whether USER holds a live delegation covering MEETING (or a meeting at WHEN in joint
    meeting CHARTER_ID)."""
    starts_at = meeting.starts_at if meeting else when
    charter_id = meeting.charter_id if meeting else charter_id
    return holds_delegation(
        user, charter_id, meeting.id if meeting else None, local(starts_at).date()
    )


def available_events(meeting: Meeting, user: User) -> list[str]:
    user.acting_in(meeting.charter_id)
    return workflow.available_events(
        meeting.kind, meeting.state, user.role, delegated(user, meeting), rules(meeting.charter_id)
    )


def plan_meeting(user: User, data: dict) -> Meeting:
    """Plan a meeting from DATA: kind, title, starts_at, location[, ends_at, requested_by],
    in the joint meeting DATA names (or the current one)."""
    code = data.get("joint_meeting") if isinstance(data, dict) else None
    charter = joint_meeting_for_new(code)
    if not any(workflow.may_plan(k, user.role, True, rules(charter.id)) for k in workflow.KINDS):
        raise Forbidden(_("Your role may not plan this kind of meeting."))
    given = parse(bodies.MeetingPlanning, data)
    kind, title, starts_at, ends_at = given.kind, given.title, given.starts_at, given.ends_at
    location = given.location or ""
    if ends_at and ends_at <= starts_at:
        raise InvalidInput({"ends_at": _("Must be after the start.")})
    if not workflow.may_plan(
        kind, user.role, delegated(user, when=starts_at, charter_id=charter.id), rules(charter.id)
    ):
        raise Forbidden(_("Your role may not plan this kind of meeting."))
    needed = workflow.needs_requester(kind)
    requester = _requester(given.requested_by, charter.id) if needed else None
    now = utcnow()
    meeting = Meeting(
        charter_id=charter.id,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        year=local(starts_at).year,
        created_by=user,
        requested_by=requester,
        created_at=now,
        updated_at=now,
        version=1,
    )
    db.session.add(meeting)
    db.session.flush()
    record("meeting", meeting.id, "plan", None, "planned", user, _plain(data),
           charter_id=charter.id)  # fmt: skip
    return meeting


def fire_meeting_event(meeting: Meeting, name: str, user: User, data: dict) -> Meeting:
    """Fire convene, open, close_session, sign_minutes, publish_minutes or cancel on MEETING
    as USER."""
    event = workflow.EVENTS.get(name)
    if event is None:
        raise UnknownEvent(_("There is no event %(name)s.", name=name))
    user.acting_in(meeting.charter_id)
    if not workflow.may_fire(
        name,
        meeting.kind,
        meeting.state,
        user.role,
        delegated(user, meeting),
        rules(meeting.charter_id),
    ):
        raise Forbidden(_("Your role may not do this for this meeting (五(一))."))
    if meeting.state not in event.sources:
        raise invalid_transition(meeting, user)
    check_version(meeting, data.get("version"))
    given = parse(bodies.MEETING_EVENT_BODIES[name], data)
    fields = given.model_dump(include=set(event.carries))
    if name == "convene" and workflow.needs_requester(meeting.kind):
        if given.requested_by or meeting.requested_by is None:
            meeting.requested_by = _requester(given.requested_by, meeting.charter_id)
        fields["requested_by"] = meeting.requested_by.username
    if name == "close_session":
        left = workflow.undecided(
            meeting.kind, [(e.decision, e.item.state) for e in meeting.agenda]
        )
        if left:
            raise InvalidTransition(
                _("%(n)d agenda item(s) have no decision yet.", n=left),
                state=meeting.state,
                available_events=available_events(meeting, user),
            )

    from_state = meeting.state
    workflow.fire(meeting, name)
    {
        "convene": _on_convene,
        "close_session": _on_close,
        "sign_minutes": _on_sign,
        "publish_minutes": _on_publish,
        "cancel": _on_cancel,
    }.get(name, lambda *args: None)(meeting, user, fields)
    record_change(meeting, name, from_state, user, fields)
    if name == "convene":
        signals.meeting_convened.send(meeting, user=user)
    elif name == "publish_minutes":
        signals.minutes_published.send(meeting, user=user, document_number=fields["minutes_number"])
    elif name == "cancel":
        signals.meeting_cancelled.send(meeting, user=user, reason=fields.get("reason", ""))
    return meeting


def record_change(meeting: Meeting, event: str, from_state: str, user: User, fields: dict) -> None:
    save_change("meeting", meeting, event, from_state, user, fields)


def office_records(meeting: Meeting, user: User) -> set[str]:
    """What USER may record on MEETING now (pages show only those controls)."""
    user.acting_in(meeting.charter_id)
    return workflow.office_records(user.role, meeting.state)


def may_record(meeting: Meeting, user: User, record: str) -> None:
    """Refuse RECORD (workflow.OFFICE_RECORDS) unless USER is the office and the state allows it."""
    user.acting_in(meeting.charter_id)
    if user.role != OFFICE:
        raise Forbidden(_("Only the joint meeting office does this."))
    if record not in workflow.office_records(user.role, meeting.state):
        raise invalid_transition(meeting, user)


def invalid_transition(meeting: Meeting, user: User) -> InvalidTransition:
    return InvalidTransition(
        _("This cannot be done while the meeting is %(state)s.",
          state=_(workflow.STATES[meeting.state])),
        state=meeting.state,
        available_events=available_events(meeting, user),
    )  # fmt: skip


def _on_convene(meeting: Meeting, user: User, fields: dict) -> None:
    meeting.convened_by = user
    lock_joint_meeting(meeting.charter_id)
    meeting.number = 1 + (
        db.session.scalar(
            select(func.max(Meeting.number)).where(
                Meeting.charter_id == meeting.charter_id,
                Meeting.kind == meeting.kind,
                Meeting.year == meeting.year,
            )
        )
        or 0
    )


def _on_close(meeting: Meeting, user: User, fields: dict) -> None:
    meeting.minutes_text = draft_text(meeting)


def _on_sign(meeting: Meeting, user: User, fields: dict) -> None:
    meeting.minutes_signed_by, meeting.minutes_signed_at = user, utcnow()
    fields["minutes_text"] = meeting.minutes_text  # the text as signed, kept in history
    notify(users_with_roles(meeting.charter_id, OFFICE), "minutes_signed",
           link=f"/meetings/{meeting.id}", charter_id=meeting.charter_id,
           params={**meeting_params(meeting), "name": user.name})  # fmt: skip


def _on_publish(meeting: Meeting, user: User, fields: dict) -> None:
    now = utcnow()
    year = local(now).year
    # Not flushed before the number is known: the state and the number go in together.
    with db.session.no_autoflush:
        lock_joint_meeting(meeting.charter_id)
        last = db.session.scalar(
            select(func.max(Meeting.minutes_number)).where(
                Meeting.charter_id == meeting.charter_id, Meeting.minutes_year == year
            )
        )
    meeting.minutes_year, meeting.minutes_number = year, (last or 0) + 1
    meeting.minutes_published_at = now
    fields["minutes_number"] = minutes_document_number(meeting)
    fields["minutes_text"] = meeting.minutes_text  # the frozen text, kept in history
    units = meeting.charter.active_units
    for unit in units:
        db.session.add(MinutesReceipt(meeting=meeting, unit=unit, delivered_at=now))


def _on_cancel(meeting: Meeting, user: User, fields: dict) -> None:
    for entry in meeting.agenda:
        if entry.item.state == "scheduled":
            fire_event(entry.item, "unschedule", user,
                       {"meeting_id": meeting.id, "version": entry.item.version},
                       via=agenda_item.BY_MEETING, cause="cancel")  # fmt: skip


def _requester(username: str | None, charter_id: int) -> User:
    """The convener of joint meeting CHARTER_ID who asked for a liaison meeting (三(二))."""
    requester = db.session.scalar(select(User).where(User.username == username))
    if requester is None or requester.role_in(charter_id) not in workflow.REQUESTERS:
        raise InvalidInput({"requested_by": _("Name the convener who asked for this meeting.")})
    return requester


def _plain(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "version" and isinstance(v, str | int | None)}
