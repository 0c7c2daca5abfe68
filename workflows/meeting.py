"""The meeting (会议) workflow of DOMAIN.md and the charter's rules of procedure 五.

    planned ──convene──▶ convened ──open──▶ in_session ──close_session──▶ held ──publish_minutes──▶ minutes_published
    planned, convened ──cancel──▶ cancelled

Who may convene depends on the meeting's kind and on delegations (五(一)); the guards take
those facts as plain arguments, so the rules read and test without a database.
"""

from dataclasses import dataclass

from workflows import machine
from workflows.i18n import N_
from workflows.machine import build_machine
from workflows.roles import CONVENER, GENERAL_CONVENER, OFFICE

KINDS = {
    "plenary": N_("Plenary meeting"),
    "ad_hoc": N_("Ad-hoc meeting"),
    "liaison": N_("Liaison meeting"),
}
LIAISON_KIND = "liaison"

STATES = {
    "planned": N_("Planned"),
    "convened": N_("Convened"),
    "in_session": N_("In session"),
    "held": N_("Held"),
    "minutes_published": N_("Minutes published"),
    "cancelled": N_("Cancelled"),
}
OPEN_STATES = frozenset({"planned", "convened", "in_session"})  # an item sits on one at most

# Those who run a meeting once convened: open it, close it, publish its minutes.
RUNNERS = frozenset({OFFICE, CONVENER, GENERAL_CONVENER})


@dataclass(frozen=True)
class Event:
    name: str
    label: str
    sources: tuple[str, ...]
    dest: str
    carries: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    irreversible: bool = False


EVENTS = {
    e.name: e
    for e in [
        Event("convene", N_("Convene (issue the notice)"), ("planned",), "convened",
              optional=("requested_by",)),
        Event("open", N_("Open the session"), ("convened",), "in_session"),
        Event("close_session", N_("Close the session"), ("in_session",), "held", irreversible=True),
        Event("publish_minutes", N_("Publish the minutes"), ("held",), "minutes_published",
              irreversible=True),
        Event("cancel", N_("Cancel the meeting"), ("planned", "convened"), "cancelled",
              carries=("reason",), irreversible=True),
    ]
}  # fmt: skip

# The decisions an agenda item can get at each kind of meeting: agenda-item events.
DECISIONS = {
    "plenary": ("adopt", "reject", "defer"),
    "ad_hoc": ("adopt", "reject", "defer"),
    "liaison": ("pass_review", "return_for_revision", "decline"),
}
# The item states an agenda of each kind takes (五(二): plenary/ad-hoc only approved items).
AGENDA_STATES = {
    "plenary": ("approved", "deferred"),
    "ad_hoc": ("approved", "deferred"),
    "liaison": ("submitted",),
}

# History rows of changes that are not transitions.
RECORD_LABELS = {
    "plan": N_("Planned"),
    "add_item": N_("Item added to the agenda"),
    "remove_item": N_("Item taken off the agenda"),
    "reorder": N_("Agenda reordered"),
    "attendance": N_("Attendance recorded"),
    "decide": N_("Decision recorded"),
    "edit_minutes": N_("Minutes edited"),
    "acknowledge": N_("Minutes signed for"),
}

FIELD_LABELS = {
    "kind": N_("Kind"),
    "title": N_("Title"),
    "starts_at": N_("Starts at"),
    "ends_at": N_("Ends at"),
    "location": N_("Location"),
    "requested_by": N_("Requested by"),
    "reason": N_("Reason"),
}

ATTENDANCE = {
    "present": N_("Present"),
    "absent": N_("Absent"),
    "deputy": N_("Sent a deputy"),
}

MACHINE = build_machine(STATES, EVENTS)


# What the office records on a meeting besides its events, and in which states (五(三), 三(二)).
OFFICE_RECORDS = {
    "edit_agenda": ("planned", "convened"),
    "record_attendance": ("convened", "in_session", "held"),
    "record_decisions": ("in_session",),
    "edit_minutes": ("held",),
}


def office_records(role: str, state: str) -> set[str]:
    """The records of OFFICE_RECORDS a user of ROLE may keep on a meeting in STATE."""
    if role != OFFICE:
        return set()
    return {name for name, states in OFFICE_RECORDS.items() if state in states}


def fire(meeting, event: str) -> None:
    """Move MEETING.state along EVENT (the caller has checked it may)."""
    machine.fire(MACHINE, meeting, event)


def events_from(state: str) -> list[str]:
    return MACHINE.get_triggers(state)


def may_convene(kind: str, role: str, delegated: bool, rules: dict) -> bool:
    """五(一): the general convener convenes, or the convener under a delegation; the office
    convenes liaison meetings (三(二))."""
    if kind == LIAISON_KIND:
        return role == OFFICE
    if role in rules.get("conveners", ()):
        return True
    return role in rules.get("delegable_to", ()) and delegated


def may_plan(kind: str, role: str, delegated: bool, rules: dict) -> bool:
    """The office plans any meeting; a convener plans what they may convene."""
    return role == OFFICE or may_convene(kind, role, delegated, rules)


def may_read_draft_minutes(role: str) -> bool:
    """Draft minutes are the office's and the conveners'; published ones are everyone's."""
    return role in RUNNERS


def may_fire(event: str, kind: str, state: str, role: str, delegated: bool, rules: dict) -> bool:
    """Whether a user of ROLE may fire EVENT on a meeting of KIND in STATE."""
    if event == "convene":
        return may_convene(kind, role, delegated, rules)
    if event == "cancel":
        return may_convene(kind, role, delegated, rules) or (role == OFFICE and state == "planned")
    return role in RUNNERS


def available_events(kind: str, state: str, role: str, delegated: bool, rules: dict) -> list[str]:
    return [e for e in events_from(state) if may_fire(e, kind, state, role, delegated, rules)]


# The item state in which an agenda entry waits for this kind of meeting's decision. An item
# that left it otherwise (withdrawn, or reviewed by the office alone) no longer waits.
AWAITING_STATE = {"plenary": "scheduled", "ad_hoc": "scheduled", "liaison": "submitted"}


def awaits_decision(kind: str, decision: str | None, item_state: str) -> bool:
    return decision is None and item_state == AWAITING_STATE[kind]


def undecided(kind: str, entries: list[tuple[str | None, str]]) -> int:
    """How many (decision, item state) ENTRIES still wait for a decision; close_session needs none."""
    return sum(1 for decision, state in entries if awaits_decision(kind, decision, state))
