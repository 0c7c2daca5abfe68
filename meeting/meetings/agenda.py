"""What the office records on a meeting: its agenda, the units' attendance, the decisions.

Decisions on agenda items go through the agenda-item service function, so the item's own
history records them too. Each function flushes; the caller commits once.
"""

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from meeting.accounts.models import User
from meeting.charter.rules import rules
from meeting.errors import Forbidden, InvalidInput, InvalidTransition
from meeting.extensions import db
from meeting.items.models import Item
from meeting.items.operations import fire_event
from meeting.locks import lock_row
from meeting.meetings.models import AgendaEntry, Attendance, Meeting
from meeting.meetings.operations import may_record, record_change
from meeting.timeutil import day_end_utc, local, utcnow
from workflows import agenda_item
from workflows import meeting as workflow


def add_to_agenda(meeting: Meeting, item: Item, user: User) -> AgendaEntry:
    """Put ITEM on MEETING's agenda; on a plenary or ad-hoc meeting this schedules it."""
    may_record(meeting, user, "edit_agenda")
    if item.charter_id != meeting.charter_id:
        raise InvalidInput({"item_id": _("This item belongs to another joint meeting.")})
    kind = workflow.kind(meeting.kind)
    if item.state not in kind.agenda_states:
        raise InvalidTransition(
            _("A %(kind)s takes only items that are %(states)s; this one is %(state)s.",
              kind=_(kind.label),
              states="、".join(_(agenda_item.STATES[s]) for s in kind.agenda_states),
              state=_(agenda_item.STATES[item.state])),
            state=item.state,
            available_events=[],
        )  # fmt: skip
    lock_row(Item, item.id)  # a concurrent request putting it on another agenda waits here
    if open_meeting_of(item) is not None:
        raise InvalidTransition(
            _("This item is already on another open meeting."),
            state=item.state,
            available_events=[],
        )
    if is_late(meeting, item) and item.admitted_meeting_id != meeting.id:
        days = workflow.agenda_cutoff_days(rules(meeting.charter_id))
        raise InvalidTransition(
            _("This item was approved on %(approved)s, fewer than %(days)d days before the "
              "meeting (the agenda closed on %(cutoff)s, 五(二)); it waits for the next plenary "
              "unless a convener admits it to this one.",
              approved=local(item.approved_at).date().isoformat(), days=days,
              cutoff=_last_approval_day(meeting).isoformat()),
            state=item.state,
            available_events=[],
        )  # fmt: skip
    position = 1 + max((entry.position for entry in meeting.agenda), default=0)
    entry = AgendaEntry(meeting=meeting, item=item, position=position)
    db.session.add(entry)
    if kind.schedules_items:
        fire_event(item, "schedule", user, {"meeting_id": meeting.id, "version": item.version},
                   via=agenda_item.BY_MEETING)  # fmt: skip
    record_change(meeting, "add_item", meeting.state, user, {"item_id": item.id})
    return entry


def remove_from_agenda(meeting: Meeting, item_id: int, user: User) -> None:
    """Take the item ITEM_ID off MEETING's agenda (refused if it is not on it)."""
    may_record(meeting, user, "edit_agenda")
    entry = agenda_entry(meeting, item_id)
    item = entry.item
    meeting.agenda.remove(entry)
    if item.state == "scheduled":
        fire_event(item, "unschedule", user, {"meeting_id": meeting.id, "version": item.version},
                   via=agenda_item.BY_MEETING)  # fmt: skip
    for position, remaining in enumerate(meeting.agenda, start=1):
        remaining.position = position
    record_change(meeting, "remove_item", meeting.state, user, {"item_id": item.id})


def reorder_agenda(meeting: Meeting, item_ids: list, user: User) -> None:
    may_record(meeting, user, "edit_agenda")
    current = {entry.item_id: entry for entry in meeting.agenda}
    if not isinstance(item_ids, list) or sorted(map(str, item_ids)) != sorted(map(str, current)):
        raise InvalidInput({"item_ids": _("Give every agenda item's id exactly once.")})
    for position, item_id in enumerate(item_ids, start=1):
        current[int(item_id)].position = position
    meeting.agenda.sort(key=lambda entry: entry.position)
    record_change(meeting, "reorder", meeting.state, user, {"item_ids": [int(i) for i in item_ids]})


def move_item_up(meeting: Meeting, item_id: int, user: User) -> None:
    """Move the agenda item ITEM_ID one place up (refused if it is not on the agenda)."""
    may_record(meeting, user, "edit_agenda")
    agenda_entry(meeting, item_id)
    order = [entry.item_id for entry in meeting.agenda]
    i = order.index(item_id)
    if i > 0:
        order[i - 1], order[i] = order[i], order[i - 1]
        reorder_agenda(meeting, order, user)


def record_attendance(meeting: Meeting, user: User, marks: dict,
                      sitting_in: str | None = None) -> None:  # fmt: skip
    """Record attendance per unit code: {"finance": {"status": "deputy", "deputy_name": "王"}},
    and who sat in (列席) when SITTING_IN is given."""
    may_record(meeting, user, "record_attendance")
    units = {unit.code: unit for unit in meeting.charter.active_units}
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
        elif status == workflow.NAMED_ATTENDANCE and not deputy:
            errors[code] = _("Name the deputy.")
        else:
            named = status == workflow.NAMED_ATTENDANCE
            changed[code] = {"status": status, "deputy_name": deputy if named else ""}
    if errors:
        raise InvalidInput(errors)
    for code, mark in changed.items():
        row = rows.get(units[code].id) or Attendance(meeting=meeting, unit=units[code])
        row.status, row.deputy_name = mark["status"], mark["deputy_name"]
        db.session.add(row)
    if sitting_in is not None and sitting_in.strip() != meeting.sitting_in:
        meeting.sitting_in = sitting_in.strip()[:2000]
        changed["sitting_in"] = meeting.sitting_in
    record_change(meeting, "attendance", meeting.state, user, changed)


def record_decision(
    meeting: Meeting, item: Item, decision: str, user: User, data: dict
) -> AgendaEntry:
    """Record the meeting's DECISION on ITEM by firing that agenda-item event."""
    may_record(meeting, user, "record_decisions")
    entry = agenda_entry(meeting, item.id)
    decisions = workflow.kind(meeting.kind).decisions
    if decision not in decisions:
        raise InvalidInput({"decision": _("Choose one of: %(c)s.", c=", ".join(decisions))})
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


def open_meeting_of(item: Item) -> Meeting | None:
    """The open meeting whose agenda holds ITEM still waiting for its decision, if any."""
    candidates = db.session.scalars(
        select(Meeting)
        .join(AgendaEntry)
        .where(AgendaEntry.item_id == item.id, AgendaEntry.decision.is_(None),
               Meeting.state.in_(workflow.OPEN_STATES))
    )  # fmt: skip
    return next((m for m in candidates if workflow.awaits_decision(m.kind, None, item.state)), None)


def is_late(meeting: Meeting, item: Item) -> bool:
    """Whether ITEM was approved past MEETING's agenda cut-off (五(二); plenaries only)."""
    approved_on = local(item.approved_at).date() if item.approved_at else None
    return workflow.past_cutoff(
        meeting.kind, approved_on, local(meeting.starts_at).date(), rules(meeting.charter_id)
    )


def _last_approval_day(meeting: Meeting):
    starts_on = local(meeting.starts_at).date()
    return workflow.last_approval_day(
        starts_on, workflow.agenda_cutoff_days(rules(meeting.charter_id))
    )


def _late_condition(meeting: Meeting):
    """In SQL, `is_late`: approved after the county day the agenda closed and by the end of
    the meeting's day (None: no cut-off)."""
    if not workflow.kind(meeting.kind).agenda_cutoff:
        return None
    starts_on = local(meeting.starts_at).date()
    return (Item.approved_at >= day_end_utc(_last_approval_day(meeting))) & (
        Item.approved_at < day_end_utc(starts_on)
    )


def may_admit(meeting: Meeting, user: User) -> bool:
    """Whether USER may admit items past MEETING's agenda cut-off now: an approver (五(二)),
    while the agenda is open, on a meeting with a cut-off."""
    user.acting_in(meeting.charter_id)
    event = agenda_item.EVENTS["admit_late"]
    open_agenda = meeting.state in workflow.OFFICE_RECORDS["edit_agenda"]
    return (workflow.kind(meeting.kind).agenda_cutoff and open_agenda
            and agenda_item.may_fire(event, user.role, None, "", rules(meeting.charter_id)))  # fmt: skip


def check_admitter(meeting: Meeting, user: User) -> None:
    """Refuse unless USER is one of the approvers who admit late items (五(二))."""
    user.acting_in(meeting.charter_id)
    if not agenda_item.may_fire(agenda_item.EVENTS["admit_late"], user.role, None, "",
                                rules(meeting.charter_id)):  # fmt: skip
        raise Forbidden(_("Only a convener admits an item past the agenda cut-off (五(二))."))


def admit_late(meeting: Meeting, item: Item, user: User, data: dict) -> None:
    """五(二): a convener admits ITEM, approved past MEETING's agenda cut-off, to MEETING; the
    office may then put it on the agenda. One row in the item's history and one in the
    meeting's."""
    check_admitter(meeting, user)
    if item.charter_id != meeting.charter_id:
        raise InvalidInput({"item_id": _("This item belongs to another joint meeting.")})
    if not may_admit(meeting, user):
        raise InvalidTransition(
            _("This meeting's agenda takes no late items now."),
            state=meeting.state, available_events=[],
        )  # fmt: skip
    if not is_late(meeting, item):
        raise InvalidTransition(
            _("This item was approved before the agenda cut-off: the office may add it."),
            state=item.state, available_events=[],
        )  # fmt: skip
    if item.admitted_meeting_id == meeting.id:
        raise InvalidTransition(
            _("This item is already admitted to this meeting."),
            state=item.state, available_events=[],
        )  # fmt: skip
    fields = {k: v for k, v in data.items() if k in ("version", "comment")}
    fire_event(item, "admit_late", user, {**fields, "meeting_id": meeting.id},
               via=agenda_item.BY_MEETING)  # fmt: skip
    record_change(meeting, "admit_late", meeting.state, user,
                  {"item_id": item.id, "comment": (data.get("comment") or "").strip()})  # fmt: skip


def late_items(meeting: Meeting):
    """Items MEETING's agenda would take but for the cut-off, not admitted to it (the page
    offers them to a convener to admit); None when the meeting has no cut-off."""
    late = _late_condition(meeting)
    if late is None:
        return None
    admitted = Item.admitted_meeting_id.is_not(None) & (Item.admitted_meeting_id == meeting.id)
    return (
        _open_to(meeting)
        .where(late, ~admitted)
        .options(selectinload(Item.unit))
        .order_by(Item.approved_at, Item.id)
    )


def candidates(meeting: Meeting, text: str | None = None):
    """Items MEETING's agenda may take, as one query: of its joint meeting, in a state its kind
    takes, waiting on no other open meeting (`open_meeting_of` in SQL), approved before its
    agenda cut-off or admitted to it (五(二)), matching TEXT."""
    query = _open_to(meeting)
    late = _late_condition(meeting)
    if late is not None:
        admitted = Item.admitted_meeting_id == meeting.id
        query = query.where(or_(Item.approved_at.is_(None), ~late, admitted))
    if text:
        query = query.where(or_(Item.title.ilike(f"%{text}%"), Item.id == _number(text)))
    return query.options(selectinload(Item.unit)).order_by(Item.id)


def _open_to(meeting: Meeting):
    """Items of MEETING's joint meeting in a state its kind takes, waiting on no other open
    meeting."""
    awaited = [and_(Meeting.kind == code, Item.state == kind.awaiting_state)
               for code, kind in workflow.KINDS_REGISTRY.items()]  # fmt: skip
    elsewhere = (
        select(AgendaEntry.id)
        .join(Meeting, Meeting.id == AgendaEntry.meeting_id)
        .where(
            AgendaEntry.item_id == Item.id,
            AgendaEntry.decision.is_(None),
            Meeting.state.in_(workflow.OPEN_STATES),
            or_(*awaited),
        )
    )
    query = select(Item).where(
        Item.charter_id == meeting.charter_id,
        Item.state.in_(workflow.kind(meeting.kind).agenda_states),
        ~elsewhere.exists(),
    )
    return query


def _number(text: str) -> int:
    digits = text.lstrip("#")
    return int(digits) if digits.isdigit() and len(digits) < 10 else 0


def agenda_entry(meeting: Meeting, item_id: int) -> AgendaEntry:
    """MEETING's agenda entry of ITEM_ID; refused when the item is not on its agenda."""
    entry = next((e for e in meeting.agenda if e.item_id == item_id), None)
    if entry is None:
        raise InvalidTransition(_("This item is not on the meeting's agenda."),
                                state=meeting.state, available_events=[])  # fmt: skip
    return entry
