"""Everything that changes a meeting goes through here, for pages and API alike.

Like items: check who, the state, the version and the fields, then change, bump the version,
write one history row, and flush; the caller commits once. Decisions on agenda items go
through the agenda-item service function, so the item's own history records them too.
"""

from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from meeting.accounts.models import User
from meeting.charter.models import Charter
from meeting.errors import Forbidden, InvalidInput, InvalidTransition, UnknownEvent
from meeting.extensions import db
from meeting.fields import text_field
from meeting.history import record
from meeting.items.models import Item
from meeting.items.operations import fire_event, rules
from meeting.meetings import minutes
from meeting.meetings.delegations import holds_delegation
from meeting.meetings.models import AgendaEntry, Attendance, Meeting, MinutesReceipt
from meeting.notifications.operations import (
    all_unit_liaisons,
    liaisons_of,
    notify,
    users_with_roles,
)
from meeting.timeutil import COUNTY_TZ, local, utcnow
from meeting.versioning import check_version, save_change
from workflows import agenda_item
from workflows import meeting as workflow
from workflows.roles import CONVENER, GENERAL_CONVENER, LIAISON, OFFICE

NOTE_LIMIT = 5000


def delegated(user: User, meeting: Meeting | None = None, when: datetime | None = None) -> bool:
    """Whether USER holds a live delegation covering MEETING (or a meeting at WHEN)."""
    starts_at = meeting.starts_at if meeting else when
    return holds_delegation(user, meeting.id if meeting else None, local(starts_at).date())


def available_events(meeting: Meeting, user: User) -> list[str]:
    return workflow.available_events(
        meeting.kind, meeting.state, user.role, delegated(user, meeting), rules()
    )


def plan_meeting(user: User, data: dict) -> Meeting:
    """Plan a meeting from DATA: kind, title, starts_at, location[, ends_at, requested_by]."""
    if not any(workflow.may_plan(kind, user.role, True, rules()) for kind in workflow.KINDS):
        raise Forbidden(_("Your role may not plan this kind of meeting."))
    errors = {}
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in workflow.KINDS:
        errors["kind"] = _("Choose one of: %(c)s.", c=", ".join(workflow.KINDS))
    title = text_field(data, "title", errors, limit=200)
    location = text_field(data, "location", errors, limit=200, required=False)
    starts_at = _moment(data, "starts_at", errors)
    ends_at = _moment(data, "ends_at", errors, required=False)
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = _("Must be after the start.")
    if errors:
        raise InvalidInput(errors)
    if not workflow.may_plan(kind, user.role, delegated(user, when=starts_at), rules()):
        raise Forbidden(_("Your role may not plan this kind of meeting."))
    requester = _requester(data, errors) if kind == workflow.LIAISON_KIND else None
    if errors:
        raise InvalidInput(errors)
    now = utcnow()
    meeting = Meeting(
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
    record("meeting", meeting.id, "plan", None, "planned", user, _plain(data))
    return meeting


def fire_meeting_event(meeting: Meeting, name: str, user: User, data: dict) -> Meeting:
    """Fire convene, open, close_session, publish_minutes or cancel on MEETING as USER."""
    event = workflow.EVENTS.get(name)
    if event is None:
        raise UnknownEvent(_("There is no event %(name)s.", name=name))
    if not workflow.may_fire(
        name, meeting.kind, meeting.state, user.role, delegated(user, meeting), rules()
    ):
        raise Forbidden(_("Your role may not do this for this meeting (五(一))."))
    if meeting.state not in event.sources:
        raise _invalid_transition(meeting, user)
    check_version(meeting, data.get("version"))
    errors, fields = {}, {}
    if "reason" in event.carries:
        fields["reason"] = text_field(data, "reason", errors, limit=NOTE_LIMIT)
    if name == "convene" and meeting.kind == workflow.LIAISON_KIND:
        if data.get("requested_by") or meeting.requested_by is None:
            meeting.requested_by = _requester(data, errors)
        if meeting.requested_by:
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
    if errors:
        raise InvalidInput(errors)

    from_state = meeting.state
    workflow.fire(meeting, name)
    {
        "convene": _on_convene,
        "close_session": _on_close,
        "publish_minutes": _on_publish,
        "cancel": _on_cancel,
    }.get(name, lambda *args: None)(meeting, user, fields)
    record_change(meeting, name, from_state, user, fields)
    return meeting


def add_to_agenda(meeting: Meeting, item: Item, user: User) -> AgendaEntry:
    """Put ITEM on MEETING's agenda; on a plenary or ad-hoc meeting this schedules it."""
    _may_record(meeting, user, "edit_agenda")
    if item.state not in workflow.AGENDA_STATES[meeting.kind]:
        raise InvalidTransition(
            _("A %(kind)s takes only items that are %(states)s; this one is %(state)s.",
              kind=_(workflow.KINDS[meeting.kind]),
              states="、".join(_(agenda_item.STATES[s]) for s in workflow.AGENDA_STATES[meeting.kind]),
              state=_(agenda_item.STATES[item.state])),
            state=item.state,
            available_events=[],
        )  # fmt: skip
    if open_meeting_of(item) is not None:
        raise InvalidTransition(
            _("This item is already on another open meeting."),
            state=item.state,
            available_events=[],
        )
    position = 1 + max((entry.position for entry in meeting.agenda), default=0)
    entry = AgendaEntry(meeting=meeting, item=item, position=position)
    db.session.add(entry)
    if meeting.kind != workflow.LIAISON_KIND:
        fire_event(item, "schedule", user, {"meeting_id": meeting.id, "version": item.version},
                   via=agenda_item.BY_MEETING)  # fmt: skip
    record_change(meeting, "add_item", meeting.state, user, {"item_id": item.id})
    return entry


def remove_from_agenda(meeting: Meeting, item: Item, user: User) -> None:
    _may_record(meeting, user, "edit_agenda")
    entry = _entry(meeting, item)
    meeting.agenda.remove(entry)
    if item.state == "scheduled":
        fire_event(item, "unschedule", user, {"meeting_id": meeting.id, "version": item.version},
                   via=agenda_item.BY_MEETING)  # fmt: skip
    for position, remaining in enumerate(meeting.agenda, start=1):
        remaining.position = position
    record_change(meeting, "remove_item", meeting.state, user, {"item_id": item.id})


def reorder_agenda(meeting: Meeting, item_ids: list, user: User) -> None:
    _may_record(meeting, user, "edit_agenda")
    current = {entry.item_id: entry for entry in meeting.agenda}
    if not isinstance(item_ids, list) or sorted(map(str, item_ids)) != sorted(map(str, current)):
        raise InvalidInput({"item_ids": _("Give every agenda item's id exactly once.")})
    for position, item_id in enumerate(item_ids, start=1):
        current[int(item_id)].position = position
    meeting.agenda.sort(key=lambda entry: entry.position)
    record_change(meeting, "reorder", meeting.state, user, {"item_ids": [int(i) for i in item_ids]})


def record_attendance(meeting: Meeting, user: User, marks: dict) -> None:
    """Record attendance per unit code: {"finance": {"status": "deputy", "deputy_name": "王"}}."""
    _may_record(meeting, user, "record_attendance")
    charter = Charter.current()
    units = {unit.code: unit for unit in charter.active_units}
    rows = {row.unit_id: row for row in meeting.attendance}
    errors, changed = {}, {}
    if not isinstance(marks, dict) or not marks:
        raise InvalidInput({"attendance": _("Give at least one unit's attendance.")})
    for code, mark in marks.items():
        mark = mark if isinstance(mark, dict) else {"status": mark}
        status, deputy = mark.get("status"), str(mark.get("deputy_name") or "").strip()[:50]
        if code not in units:
            errors[code] = _("Unknown unit.")
        elif not isinstance(status, str) or status not in workflow.ATTENDANCE:
            errors[code] = _("Choose one of: %(c)s.", c=", ".join(workflow.ATTENDANCE))
        elif status == "deputy" and not deputy:
            errors[code] = _("Name the deputy.")
        else:
            changed[code] = {"status": status, "deputy_name": deputy if status == "deputy" else ""}
    if errors:
        raise InvalidInput(errors)
    for code, mark in changed.items():
        row = rows.get(units[code].id) or Attendance(meeting=meeting, unit=units[code])
        row.status, row.deputy_name = mark["status"], mark["deputy_name"]
        db.session.add(row)
    record_change(meeting, "attendance", meeting.state, user, changed)


def record_decision(
    meeting: Meeting, item: Item, decision: str, user: User, data: dict
) -> AgendaEntry:
    """Record the meeting's DECISION on ITEM by firing that agenda-item event."""
    _may_record(meeting, user, "record_decisions")
    entry = _entry(meeting, item)
    if decision not in workflow.DECISIONS[meeting.kind]:
        raise InvalidInput(
            {"decision": _("Choose one of: %(c)s.", c=", ".join(workflow.DECISIONS[meeting.kind]))}
        )
    if entry.decision is not None:
        raise InvalidTransition(
            _("This item already has a decision."), state=item.state, available_events=[]
        )
    fire_event(item, decision, user, {**data, "meeting_id": meeting.id}, via=agenda_item.BY_MEETING)
    carried = agenda_item.EVENTS[decision].carries
    entry.decision = decision
    entry.decision_text = next((data.get(f).strip() for f in carried if data.get(f)), "")
    entry.decided_at = utcnow()
    record_change(meeting, "decide", meeting.state, user,
                  {"item_id": item.id, "decision": decision, "text": entry.decision_text})  # fmt: skip
    return entry


def update_minutes(meeting: Meeting, user: User, text, version) -> None:
    """The office edits the draft minutes until they are published."""
    _may_record(meeting, user, "edit_minutes")
    check_version(meeting, version)
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput({"text": _("Required.")})
    meeting.minutes_text = text.strip()
    record_change(
        meeting, "edit_minutes", meeting.state, user, {"length": len(meeting.minutes_text)}
    )


def acknowledge_minutes(meeting: Meeting, user: User) -> MinutesReceipt:
    """A unit's liaison signs for the published minutes (签收)."""
    if user.role != LIAISON:
        raise Forbidden(_("Only a member unit's liaison signs for the minutes."))
    receipt = next((r for r in meeting.receipts if r.unit_id == user.unit_id), None)
    if receipt is None:
        raise _invalid_transition(meeting, user)
    if receipt.acknowledged_at is not None:
        raise InvalidTransition(
            _("Your unit has already signed for these minutes."), state=meeting.state,
            available_events=[],
        )  # fmt: skip
    receipt.acknowledged_at = utcnow()
    receipt.acknowledged_by = user
    record_change(meeting, "acknowledge", meeting.state, user, {"unit": user.unit.code})
    return receipt


def can_read_minutes(meeting: Meeting, user: User) -> bool:
    """Draft minutes are the office's and the conveners'; published ones are everyone's."""
    return meeting.state == "minutes_published" or workflow.may_read_draft_minutes(user.role)


def open_meeting_of(item: Item) -> Meeting | None:
    """The open meeting whose agenda holds ITEM still waiting for its decision, if any."""
    candidates = db.session.scalars(
        select(Meeting)
        .join(AgendaEntry)
        .where(AgendaEntry.item_id == item.id, AgendaEntry.decision.is_(None),
               Meeting.state.in_(workflow.OPEN_STATES))
    )  # fmt: skip
    return next((m for m in candidates if workflow.awaits_decision(m.kind, None, item.state)), None)


def display_name(meeting: Meeting) -> str:
    """2026年第1次全体会议 once convened; the title before."""
    if meeting.number is None:
        return meeting.title
    return _("%(kind)s no. %(n)d of %(year)d", year=meeting.year, n=meeting.number,
             kind=_(workflow.KINDS[meeting.kind]))  # fmt: skip


def minutes_document_number(meeting: Meeting) -> str | None:
    """The 文号 of published minutes: 府谷联席纪〔2026〕1号."""
    if meeting.minutes_number is None:
        return None
    prefix = rules().get("minutes_number_prefix", "")
    return f"{prefix}〔{meeting.minutes_year}〕{meeting.minutes_number}号"


def record_change(meeting: Meeting, event: str, from_state: str, user: User, fields: dict) -> None:
    save_change("meeting", meeting, event, from_state, user, fields)


def _on_convene(meeting: Meeting, user: User, fields: dict) -> None:
    meeting.convened_by = user
    meeting.number = 1 + (
        db.session.scalar(
            select(func.max(Meeting.number)).where(
                Meeting.kind == meeting.kind, Meeting.year == meeting.year
            )
        )
        or 0
    )
    when = local(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    notify(
        [*all_unit_liaisons(), *users_with_roles(GENERAL_CONVENER, CONVENER)],
        "meeting_convened",
        _("Notice: %(name)s", name=display_name(meeting)),
        _(
            "%(title)s, %(when)s, %(where)s.",
            title=meeting.title,
            when=when,
            where=meeting.location,
        ),
        f"/meetings/{meeting.id}",
    )


def _on_close(meeting: Meeting, user: User, fields: dict) -> None:
    meeting.minutes_text = minutes.draft_text(meeting)


def _on_publish(meeting: Meeting, user: User, fields: dict) -> None:
    now = utcnow()
    year = local(now).year
    # Not flushed before the number is known: the state and the number go in together.
    with db.session.no_autoflush:
        last = db.session.scalar(
            select(func.max(Meeting.minutes_number)).where(Meeting.minutes_year == year)
        )
    meeting.minutes_year, meeting.minutes_number = year, (last or 0) + 1
    meeting.minutes_published_at = now
    fields["minutes_number"] = minutes_document_number(meeting)
    fields["minutes_text"] = meeting.minutes_text  # the frozen text, kept in history
    units = Charter.current().active_units
    for unit in units:
        db.session.add(MinutesReceipt(meeting=meeting, unit=unit, delivered_at=now))
    link = f"/meetings/{meeting.id}"
    title = _("Minutes published: %(number)s", number=fields["minutes_number"])
    notify(all_unit_liaisons(), "minutes_published", title, display_name(meeting), link)
    for unit in {entry.item.unit for entry in meeting.agenda}:
        excerpt = "\n".join(
            minutes.decision_line(entry)
            for entry in meeting.agenda
            if entry.item.unit_id == unit.id
        )
        notify(
            liaisons_of([unit]),
            "minutes_excerpt",
            _("Decisions on your unit's items"),
            excerpt,
            link,
        )


def _on_cancel(meeting: Meeting, user: User, fields: dict) -> None:
    for entry in meeting.agenda:
        if entry.item.state == "scheduled":
            fire_event(entry.item, "unschedule", user,
                       {"meeting_id": meeting.id, "version": entry.item.version},
                       via=agenda_item.BY_MEETING, cause="cancel")  # fmt: skip
    if meeting.convened_by_id:
        notify(
            [*all_unit_liaisons(), *users_with_roles(GENERAL_CONVENER, CONVENER)],
            "meeting_cancelled",
            _("Cancelled: %(name)s", name=display_name(meeting)),
            fields.get("reason", ""),
            f"/meetings/{meeting.id}",
        )


def _invalid_transition(meeting: Meeting, user: User) -> InvalidTransition:
    return InvalidTransition(
        _("This cannot be done while the meeting is %(state)s.",
          state=_(workflow.STATES[meeting.state])),
        state=meeting.state,
        available_events=available_events(meeting, user),
    )  # fmt: skip


def _may_record(meeting: Meeting, user: User, record: str) -> None:
    """Refuse RECORD (workflow.OFFICE_RECORDS) unless USER is the office and the state allows it."""
    if user.role != OFFICE:
        raise Forbidden(_("Only the joint meeting office does this."))
    if record not in workflow.office_records(user.role, meeting.state):
        raise _invalid_transition(meeting, user)


def office_records(meeting: Meeting, user: User) -> set[str]:
    """What USER may record on MEETING now (pages show only those controls)."""
    return workflow.office_records(user.role, meeting.state)


def _entry(meeting: Meeting, item: Item) -> AgendaEntry:
    entry = next((e for e in meeting.agenda if e.item_id == item.id), None)
    if entry is None:
        raise InvalidInput({"item_id": _("This item is not on the meeting's agenda.")})
    return entry


def _requester(data: dict, errors: dict) -> User | None:
    """The convener who asked for a liaison meeting (三(二))."""
    username = data.get("requested_by")
    found = isinstance(username, str) and username
    user = db.session.scalar(select(User).where(User.username == username)) if found else None
    if user is None or user.role not in (CONVENER, GENERAL_CONVENER):
        errors["requested_by"] = _("Name the convener who asked for this meeting.")
        return None
    return user


def _moment(data: dict, name: str, errors: dict, required: bool = True) -> datetime | None:
    """An ISO 8601 time; without an offset it is county time. Returned as naive UTC."""
    value = data.get(name)
    if not value:
        if required:
            errors[name] = _("Required.")
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        errors[name] = _("Use a time such as 2026-12-01T09:30+08:00.")
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=COUNTY_TZ)
    if not 2000 <= moment.year <= 2999:
        errors[name] = _("Use a time such as 2026-12-01T09:30+08:00.")
        return None
    return moment.astimezone(UTC).replace(tzinfo=None)


def _plain(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "version" and isinstance(v, str | int | None)}
