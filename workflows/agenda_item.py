"""The agenda-item (议题) workflow of DOMAIN.md: states, events, who may fire them, what they carry.

One machine serves every item: `fire(item, "submit")` moves `item.state` by the transition
table. Who may fire an event (`may_fire`) and what it must carry (`EVENTS[...].carries`) are
read from the same table, so pages and API never restate the rules.
"""

from dataclasses import dataclass, field

from workflows import machine, opinions
from workflows.i18n import N_
from workflows.machine import Transition, build_machine
from workflows.roles import LIAISON, OFFICE

STATES = {
    "draft": N_("Draft"),
    "submitted": N_("Submitted"),
    "returned": N_("Returned for revision"),
    "reviewed": N_("Reviewed"),
    "approved": N_("Approved"),
    "scheduled": N_("On an agenda"),
    "deferred": N_("Deferred"),
    "adopted": N_("Adopted"),
    "rejected": N_("Rejected"),
    "declined": N_("Declined"),
    "withdrawn": N_("Withdrawn"),
    "implementing": N_("Implementing"),
    "closed": N_("Closed"),
}
FINAL_STATES = frozenset({"rejected", "declined", "withdrawn", "closed"})
# The only ways out of a final state: a meeting's decision corrected before its minutes are
# published (更正) brings the item back to wait for the corrected decision.
CORRECTIONS = frozenset({"reopen_decision", "reopen_review"})

# Who fires an event: people on a page or the API, a meeting being recorded, or the system.
BY_USER, BY_MEETING, BY_SYSTEM = "user", "meeting", "system"

# Stands for the charter's `rules.approvers` (五(二)); resolved when permissions are checked.
APPROVERS = "approvers"
# Stands for the item's author, by where it comes from (SOURCES): a unit's liaison, or the office.
AUTHOR = "author"


@dataclass(frozen=True)
class Source:
    """Where an item comes from, and who writes it up (its author)."""

    code: str
    label: str
    author: str  # the role that registers it and, while a draft, edits, submits or withdraws it
    for_own_unit: bool  # the author is a liaison of the item's unit (else: any holder of the role)
    has_document: bool  # it carries the document that assigned it (a leader's instruction 批示)


# 五(三): member units propose items on their duties. 二(四): the joint meeting does what the
# county government assigns; 三(五): the office does what the joint meeting assigns. Assigned
# work is registered by the office, with the document that assigned it and the unit proposed
# to lead it (the item's unit); it then goes through the same review, approval and meeting.
SOURCES = {
    s.code: s
    for s in [
        Source("unit", N_("Proposed by a member unit"), LIAISON, for_own_unit=True,
               has_document=False),
        Source("county_government", N_("Assigned by the county government"), OFFICE,
               for_own_unit=False, has_document=True),
        Source("joint_meeting", N_("Assigned by the joint meeting"), OFFICE, for_own_unit=False,
               has_document=True),
    ]
}  # fmt: skip
UNIT_SOURCE = "unit"
ASSIGNED_SOURCES = tuple(code for code, s in SOURCES.items() if s.has_document)


# The item's text: what its proposer edits while `editable`, and what submit writes onto it.
EDITABLE_FIELDS = ("title", "background", "proposal", "category", "duty_refs")


@dataclass(frozen=True)
class Event(Transition):
    roles: frozenset[str] | str  # or APPROVERS, AUTHOR: resolved per item
    carries: tuple[str, ...] = ()  # required fields
    optional: tuple[str, ...] = ()
    via: str = BY_USER
    also_at_meeting: bool = False  # a liaison meeting records it as its decision (三(二))
    irreversible: bool = False
    # What firing it does to the item's columns besides its state:
    sets: dict[str, str] = field(default_factory=dict, hash=False)  # column <- carried field
    clears: tuple[str, ...] = ()  # columns emptied
    restarts_queue: bool = False  # (re-)enters the office's queue: `submitted_at` starts again
    stamps: tuple[str, ...] = ()  # time columns set to the moment it fires


EVENTS = {
    e.name: e
    for e in [
        Event("submit", N_("Submit"), ("draft", "returned"), "submitted", AUTHOR,
              carries=("title", "background", "proposal", "duty_refs"),
              sets={name: name for name in EDITABLE_FIELDS}, restarts_queue=True),
        Event("withdraw", N_("Withdraw"), ("draft", "submitted", "returned"), "withdrawn",
              AUTHOR, carries=("reason",), irreversible=True),
        Event("return_for_revision", N_("Return for revision"), ("submitted",), "returned",
              frozenset({OFFICE}), carries=("comment",), optional=("meeting_id",),
              also_at_meeting=True),
        Event("decline", N_("Decline"), ("submitted",), "declined", frozenset({OFFICE}),
              carries=("reason",), optional=("meeting_id",), also_at_meeting=True,
              irreversible=True),
        Event("pass_review", N_("Pass review"), ("submitted",), "reviewed", frozenset({OFFICE}),
              carries=("opinion",), optional=("meeting_id",), also_at_meeting=True,
              sets={"opinion": "opinion"}),
        Event("send_back", N_("Send back to the office"), ("reviewed",), "submitted", APPROVERS,
              carries=("comment",), restarts_queue=True),
        Event("approve", N_("Approve"), ("reviewed",), "approved", APPROVERS,
              optional=("comment",), irreversible=True, stamps=("approved_at",)),
        # 五(二): an item approved too close to a plenary waits for the next one, unless a
        # convener admits it to that meeting (recorded on the meeting's page; no state change).
        Event("admit_late", N_("Admit past the agenda cut-off"), ("approved", "deferred"), None,
              APPROVERS, carries=("meeting_id",), optional=("comment",), via=BY_MEETING,
              sets={"admitted_meeting_id": "meeting_id"}),
        Event("schedule", N_("Put on the agenda"), ("approved", "deferred"), "scheduled",
              frozenset({OFFICE}), carries=("meeting_id",), via=BY_MEETING,
              sets={"meeting_id": "meeting_id"}),
        Event("unschedule", N_("Take off the agenda"), ("scheduled",), "approved",
              frozenset({OFFICE}), optional=("meeting_id",), via=BY_MEETING,
              clears=("meeting_id",)),
        Event("adopt", N_("Adopt"), ("scheduled",), "adopted", frozenset({OFFICE}),
              carries=("resolution",), optional=("meeting_id",), via=BY_MEETING,
              sets={"resolution": "resolution"}),
        Event("reject", N_("Reject"), ("scheduled",), "rejected", frozenset({OFFICE}),
              carries=("reason",), optional=("meeting_id",), via=BY_MEETING),
        Event("defer", N_("Defer"), ("scheduled",), "deferred", frozenset({OFFICE}),
              carries=("reason",), optional=("meeting_id",), via=BY_MEETING,
              clears=("meeting_id",)),  # a deferred item waits for a later meeting
        # 更正: the office corrects a meeting's decision until the minutes are published; the
        # item goes back to wait for the corrected decision, which is then fired as any
        # decision is (meeting.meetings.corrections; workflows.meeting.correction_refusal).
        Event("reopen_decision", N_("Decision reopened for correction"),
              ("adopted", "rejected", "deferred"), "scheduled", frozenset({OFFICE}),
              carries=("meeting_id", "reason"), via=BY_MEETING,
              sets={"meeting_id": "meeting_id"}, clears=("resolution",)),
        Event("reopen_review", N_("Preliminary opinion reopened for correction"),
              ("reviewed", "returned", "declined"), "submitted", frozenset({OFFICE}),
              carries=("meeting_id", "reason"), via=BY_MEETING, clears=("opinion",)),
        Event("start_implementation", N_("Start implementation"), ("adopted",), "implementing",
              frozenset(), via=BY_SYSTEM),
        Event("close", N_("Close"), ("implementing",), "closed", frozenset(), via=BY_SYSTEM),
    ]
}  # fmt: skip

# History rows of changes that are not transitions.
RECORD_LABELS = {
    "create": N_("Created"),
    "edit": N_("Edited"),
    "attach": N_("Attachment added"),
    **opinions.RECORD_LABELS,  # units' opinions asked, given, closed (五(三))
}

FIELD_LABELS = {
    "title": N_("Title"),
    "background": N_("Background"),
    "proposal": N_("Proposal"),
    "duty_refs": N_("Charter duties cited"),
    "reason": N_("Reason"),
    "comment": N_("Comment"),
    "opinion": N_("Preliminary opinion"),
    "resolution": N_("Resolution"),
    "meeting_id": N_("Meeting"),
    "source": N_("Source"),
    "source_title": N_("Source document"),
    "source_number": N_("Document number"),
    "source_date": N_("Document date"),
    "unit": N_("Proposed lead unit"),
}

CATEGORIES = {
    "policy_measure": N_("Policy measure"),
    "annual_plan": N_("Annual work plan"),
    "coordination": N_("Coordination matter"),
    "other": N_("Other"),
}

MACHINE = build_machine(STATES, EVENTS)


def fire(item, event: str) -> None:
    """Move ITEM.state along EVENT (the caller has checked it may)."""
    machine.fire(MACHINE, item, event)


def events_from(state: str) -> list[str]:
    """Events the transition table allows from STATE, whoever fires them."""
    return MACHINE.get_triggers(state)


def may_record_via(event: Event, via: str) -> bool:
    """Whether EVENT may be recorded VIA a page, a meeting or the system.

    Each event is recorded its own way; a meeting also records, at a liaison meeting, the
    office's review events as that meeting's decisions.
    """
    return event.via == via or (via == BY_MEETING and event.also_at_meeting)


def effects(event: Event, fields: dict) -> dict:
    """The item columns EVENT changes besides its state, given the FIELDS it carried.

    `submitted_at` is left to the caller (it needs the clock): see `Event.restarts_queue`.
    """
    changes = {column: fields[name] for column, name in event.sets.items() if name in fields}
    return {**changes, **dict.fromkeys(event.clears)}


def may_create(source: str, role: str) -> bool:
    """Whether a user of ROLE may start an item from SOURCE: a unit's liaison proposes, the
    office registers assigned work."""
    found = SOURCES.get(source)
    return found is not None and role == found.author


def is_author(role: str, actor_unit: str | None, item_unit: str,
              source: str = UNIT_SOURCE) -> bool:  # fmt: skip
    """Whether a user of ROLE in ACTOR_UNIT is the author of an item of ITEM_UNIT from SOURCE:
    a liaison of the proposing unit, or the office for the work it registered."""
    found = SOURCES[source]
    return role == found.author and (not found.for_own_unit or actor_unit == item_unit)


def may_fire(event: Event, role: str, actor_unit: str | None, item_unit: str, rules: dict,
             source: str = UNIT_SOURCE) -> bool:  # fmt: skip
    """Whether a user of ROLE in ACTOR_UNIT may fire EVENT on an item of ITEM_UNIT from SOURCE."""
    if event.roles == AUTHOR:
        return is_author(role, actor_unit, item_unit, source)
    roles = frozenset(rules.get(APPROVERS, ())) if event.roles == APPROVERS else event.roles
    return role in roles


def available_events(state: str, role: str, actor_unit: str | None, item_unit: str,
                     rules: dict, source: str = UNIT_SOURCE) -> list[str]:  # fmt: skip
    """Events a user may fire by hand on an item in STATE: the table, then the guards."""
    return [
        name
        for name in events_from(state)
        if EVENTS[name].via == BY_USER
        and may_fire(EVENTS[name], role, actor_unit, item_unit, rules, source)
    ]


def editable(state: str) -> bool:
    """Whether the proposer may still change the item's text and attachments."""
    return state in ("draft", "returned")


# ---- whom an item waits for ----

# What makes an automatic event fire, as the item's page tells a reader waiting for it.
AUTOMATIC_WHEN = {
    "start_implementation": N_("The office assigns its first task."),
    "close": N_("Every task of the item is done."),
}


@dataclass(frozen=True)
class Turn:
    """Who moves an item on from its state: ROLES (none: the system, on its own), the way they
    record it (by hand, or through a meeting) and the EVENTS they may fire."""

    roles: tuple[str, ...]
    via: str
    events: tuple[str, ...]


def turns(state: str, rules: dict, source: str = UNIT_SOURCE) -> list[Turn]:
    """Whom an item in STATE waits for, read from the transition table: each group of roles
    that can move it on, with its events. The author giving up (withdraw), the office's
    corrections and events that change no state (a late admission) are not what the item
    waits for, so they are left out."""
    grouped: dict[tuple, list[str]] = {}
    for name in events_from(state):
        event = EVENTS[name]
        if name in CORRECTIONS or event.dest is None:
            continue
        if event.roles == AUTHOR and event.dest in FINAL_STATES:
            continue
        if event.roles == AUTHOR:
            roles = (SOURCES[source].author,)
        elif event.roles == APPROVERS:
            roles = tuple(rules.get(APPROVERS, ()))
        else:
            roles = tuple(sorted(event.roles))
        grouped.setdefault((roles, event.via), []).append(name)
    return [Turn(roles, via, tuple(names)) for (roles, via), names in grouped.items()]
