"""The meeting (会议) workflow of DOMAIN.md and the charter's rules of procedure 五.

    planned ──convene──▶ convened ──open──▶ in_session ──close_session──▶ held
    held ──sign_minutes──▶ minutes_signed ──publish_minutes──▶ minutes_published
    planned, convened ──cancel──▶ cancelled
    minutes_signed ──reopen_minutes──▶ held   (only when a decision is corrected, 更正)

Minutes are signed off 签发 by a convener before the office publishes them (the office drafts,
a leader signs: GB/T 9704's 签发人, and no office publishes a meeting's decisions alone).

Who may convene depends on the meeting's kind and on delegations (五(一)); the guards take
those facts as plain arguments, so the rules read and test without a database.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from workflows import agenda_item, machine
from workflows.i18n import N_
from workflows.machine import Transition, build_machine
from workflows.roles import CONVENER, GENERAL_CONVENER, LIAISON, OFFICE, ROLES


@dataclass(frozen=True)
class MeetingKind:
    """What sets one kind of meeting apart: who convenes it, what its agenda takes, what it decides."""

    code: str
    label: str
    decisions: tuple[str, ...]  # agenda-item events it records as its decisions
    agenda_states: tuple[str, ...]  # item states its agenda takes
    awaiting_state: str  # the item state in which an agenda entry waits for its decision
    convened_by_office: bool  # the office convenes it (三(二)), not a convener (五(一))
    needs_requester: bool  # convened at a convener's request, whom it names (三(二))
    schedules_items: bool  # putting an item on its agenda schedules the item (五(二))
    agenda_cutoff: bool = False  # items approved too close to it wait for the next one (五(二))


# One record per kind, as CTFd registers its challenge types.
KINDS_REGISTRY = {
    k.code: k
    for k in [
        # 五(一)(二): approved items only (office review and approval first); in principle yearly.
        MeetingKind("plenary", N_("Plenary meeting"), decisions=("adopt", "reject", "defer"),
                    agenda_states=("approved", "deferred"), awaiting_state="scheduled",
                    convened_by_office=False, needs_requester=False, schedules_items=True,
                    agenda_cutoff=True),
        # 五(一): any time when needed, on the same terms as a plenary (but no cut-off: it is
        # called when something cannot wait).
        MeetingKind("ad_hoc", N_("Ad-hoc meeting"), decisions=("adopt", "reject", "defer"),
                    agenda_states=("approved", "deferred"), awaiting_state="scheduled",
                    convened_by_office=False, needs_requester=False, schedules_items=True),
        # 三(二): the office, at a convener's request, forms preliminary opinions on submitted
        # items; its decisions are the items' own review events.
        MeetingKind("liaison", N_("Liaison meeting"),
                    decisions=("pass_review", "return_for_revision", "decline"),
                    agenda_states=("submitted",), awaiting_state="submitted",
                    convened_by_office=True, needs_requester=True, schedules_items=False),
    ]
}  # fmt: skip
PLENARY_KIND = "plenary"


def kind(code: str) -> MeetingKind:
    """The registered kind CODE (KeyError for an unknown one)."""
    return KINDS_REGISTRY[code]


def schedules_items(code: str) -> bool:
    """Whether putting an item on a meeting of kind CODE schedules it (plenary, ad-hoc)."""
    return kind(code).schedules_items


def needs_requester(code: str) -> bool:
    """Whether a meeting of kind CODE names the convener who asked for it (liaison)."""
    return kind(code).needs_requester


# The kinds' labels, as the pages and the contract list them.
KINDS = {code: k.label for code, k in KINDS_REGISTRY.items()}

STATES = {
    "planned": N_("Planned"),
    "convened": N_("Convened"),
    "in_session": N_("In session"),
    "held": N_("Held"),
    "minutes_signed": N_("Minutes signed off"),
    "minutes_published": N_("Minutes published"),
    "cancelled": N_("Cancelled"),
}
OPEN_STATES = frozenset({"planned", "convened", "in_session"})  # an item sits on one at most

# Those who run a meeting once convened: open it, close it, publish its minutes.
RUNNERS = frozenset({OFFICE, CONVENER, GENERAL_CONVENER})
# Those who sign off minutes 签发: the joint meeting's leaders, not the office that drafts them.
SIGNERS = frozenset({CONVENER, GENERAL_CONVENER})
# Those who ask the office for a liaison meeting (三(二)), named as its `requested_by`.
REQUESTERS = frozenset({CONVENER, GENERAL_CONVENER})


@dataclass(frozen=True)
class Event(Transition):
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
        Event("sign_minutes", N_("Sign off the minutes"), ("held",), "minutes_signed",
              irreversible=True),
        Event("publish_minutes", N_("Publish the minutes"), ("minutes_signed",),
              "minutes_published", irreversible=True),
        Event("cancel", N_("Cancel the meeting"), ("planned", "convened"), "cancelled",
              carries=("reason",), irreversible=True),
        # A decision corrected after the sign-off changes what was signed: the minutes go back
        # to the signers. Fired by the correction only (CORRECTION_FIRED), never by hand.
        Event("reopen_minutes", N_("Sign-off withdrawn for a correction"), ("minutes_signed",),
              "held", carries=("reason",)),
    ]
}  # fmt: skip

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
    "reply": N_("Replied to the notice"),
    "admit_late": N_("Item admitted past the agenda cut-off"),
    "correct": N_("Decision corrected"),
    "remind_receipts": N_("Units reminded to sign for the minutes"),
}
# Events only a correction fires (更正), as a consequence; no one fires them by hand.
CORRECTION_FIRED = frozenset({"reopen_minutes"})

FIELD_LABELS = {
    "kind": N_("Kind"),
    "title": N_("Title"),
    "starts_at": N_("Starts at"),
    "ends_at": N_("Ends at"),
    "location": N_("Location"),
    "requested_by": N_("Requested by"),
    "reason": N_("Reason"),
    "correction_reason": N_("Why it is corrected"),
    "units": N_("Units"),
}

ATTENDANCE = {
    "present": N_("Present"),
    "absent": N_("Absent"),
    "deputy": N_("Sent a deputy"),
    "leave": N_("On leave"),
}
# How the minutes list each status (GB/T 9704 10.3: 出席, 请假; 列席 is the meeting's own line).
ATTENDANCE_IN_MINUTES = {"present": "出席", "deputy": "出席", "leave": "请假", "absent": "缺席"}
# A unit that sent someone in its leader's place names them (五(三): attendance is recorded).
NAMED_ATTENDANCE = "deputy"

MACHINE = build_machine(STATES, EVENTS)


# What the office records on a meeting besides its events, and in which states (五(三), 三(二)).
OFFICE_RECORDS = {
    "edit_agenda": ("planned", "convened"),
    "record_attendance": ("convened", "in_session", "held"),
    "record_decisions": ("in_session",),
    "edit_minutes": ("held",),
    # 更正: a decision is corrected, with a reason, until the minutes are published.
    "correct_decisions": ("in_session", "held", "minutes_signed"),
    # 催签: units that have not signed for the published minutes are reminded.
    "remind_receipts": ("minutes_published",),
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


def may_convene(kind_code: str, role: str, delegated: bool, rules: dict) -> bool:
    """五(一): the general convener convenes, or the convener under a delegation; the office
    convenes liaison meetings (三(二))."""
    found = KINDS_REGISTRY.get(kind_code)
    if found is None:
        return False
    if found.convened_by_office:
        return role == OFFICE
    if role in rules.get("conveners", ()):
        return True
    return role in rules.get("delegable_to", ()) and delegated


def delegable(kind_code: str) -> bool:
    """Whether a delegation 委托 can cover a meeting of KIND_CODE: one a convener convenes."""
    return not kind(kind_code).convened_by_office


def may_plan(kind_code: str, role: str, delegated: bool, rules: dict) -> bool:
    """The office plans any meeting; a convener plans what they may convene."""
    return role == OFFICE or may_convene(kind_code, role, delegated, rules)


def is_runner(role: str) -> bool:
    """Whether ROLE runs meetings once convened (the office and the conveners)."""
    return role in RUNNERS


def may_read_draft_minutes(role: str) -> bool:
    """Draft minutes are the office's and the conveners'; published ones are everyone's."""
    return is_runner(role)


# Units reply to the notice 参会回执 once it is out and until the session opens.
REPLY_STATES = ("convened",)


def may_reply(role: str, state: str) -> bool:
    """Whether a user of ROLE answers the notice of a meeting in STATE for their unit."""
    return role == LIAISON and state in REPLY_STATES


def may_follow_receipts(role: str) -> bool:
    """Whether ROLE sees which units have signed for published minutes (签收): those who run
    meetings, to chase the rest."""
    return is_runner(role)


def may_fire(event: str, kind: str, state: str, role: str, delegated: bool, rules: dict) -> bool:
    """Whether a user of ROLE may fire EVENT on a meeting of KIND in STATE."""
    if event in CORRECTION_FIRED:
        return False
    if event == "convene":
        return may_convene(kind, role, delegated, rules)
    if event == "cancel":
        return may_convene(kind, role, delegated, rules) or (role == OFFICE and state == "planned")
    if event == "sign_minutes":
        return role in SIGNERS
    return role in RUNNERS


def available_events(kind: str, state: str, role: str, delegated: bool, rules: dict) -> list[str]:
    return [e for e in events_from(state) if may_fire(e, kind, state, role, delegated, rules)]


def awaits_decision(kind_code: str, decision: str | None, item_state: str) -> bool:
    """Whether an agenda entry waits for the meeting's decision. An item that left the kind's
    awaiting state otherwise (withdrawn, or reviewed by the office alone) no longer waits."""
    return decision is None and item_state == kind(kind_code).awaiting_state


def undecided(kind_code: str, entries: list[tuple[str | None, str]]) -> int:
    """How many (decision, item state) ENTRIES still wait for a decision; close_session needs none."""
    return sum(1 for decision, state in entries if awaits_decision(kind_code, decision, state))


# A meeting whose notice is out counts as convened, whether held yet or not.
CONVENED_STATES = ("convened", "in_session", "held", "minutes_signed", "minutes_published")

# 五(一) "原则上每年召开一次全体会议" when a charter does not say how many.
DEFAULT_PLENARIES_PER_YEAR = 1


def plenaries_per_year(rules: dict) -> int:
    """How many plenary meetings the charter holds a year in principle (0: no fixed rhythm)."""
    return rules.get("plenaries_per_year", DEFAULT_PLENARIES_PER_YEAR)


def plenaries_owed(count_this_year: int, rules: dict) -> int:
    """How many more plenaries this year needs to meet the charter's `plenaries_per_year`.

    A floor, not a ceiling: 五(一) holds them "in principle" once a year and lets the joint
    meeting convene "at any time when necessary", so more are never refused. The scheduler
    reminds until the year's plenaries are convened.
    """
    return max(0, plenaries_per_year(rules) - count_this_year)


def plenary_reminder_period(today: date, convened_this_year: int, rules: dict) -> int | None:
    """The reminder period due on TODAY while the year's plenaries are not all convened.

    From the charter's `plenary_reminder_from` (MM-DD) each year, one period every
    `plenary_reminder_every_days` days; None before that day, or when none is owed.
    """
    if not plenaries_owed(convened_this_year, rules):
        return None
    month, day = map(int, rules["plenary_reminder_from"].split("-"))
    # The schema's MM-DD admits 02-29 (and 02-30): such a day is the month's last that year.
    start = date(today.year, month, min(day, monthrange(today.year, month)[1]))
    if today < start:
        return None
    return (today - start).days // rules["plenary_reminder_every_days"]


# 五(二) "经过联席会议办公室初审和联席会议总召集人、召集人审定后,方可提交会议研究": members study
# the items before a plenary, so the agenda closes this many days before it when a charter
# does not say.
DEFAULT_AGENDA_CUTOFF_DAYS = 7


def agenda_cutoff_days(rules: dict) -> int:
    """How many days before a plenary its agenda closes to newly approved items."""
    return rules.get("agenda_cutoff_days", DEFAULT_AGENDA_CUTOFF_DAYS)


def last_approval_day(starts_on: date, cutoff_days: int) -> date:
    """The last day an item may be approved and still go on a meeting starting on STARTS_ON."""
    return starts_on - timedelta(days=cutoff_days)


def approved_too_late(approved_on: date | None, starts_on: date, cutoff_days: int) -> bool:
    """Whether an item approved on APPROVED_ON (None: before the records began) was approved
    fewer than CUTOFF_DAYS days before a meeting starting on STARTS_ON (the day itself
    included): it then waits for the next meeting, unless a convener admits it.

    The cut-off gives members time to study the items before the meeting (五(三) 认真研究、
    充分酝酿). An item approved after the meeting's day is the office entering the record of a
    meeting already held: there is no time to protect, and the cut-off does not hold it back.
    """
    if approved_on is None:
        return False
    return last_approval_day(starts_on, cutoff_days) < approved_on <= starts_on


def past_cutoff(kind_code: str, approved_on: date | None, starts_on: date, rules: dict) -> bool:
    """Whether a meeting of KIND_CODE starting on STARTS_ON is closed to an item approved on
    APPROVED_ON: only a kind with a cut-off (the plenary) closes its agenda."""
    return kind(kind_code).agenda_cutoff and approved_too_late(
        approved_on, starts_on, agenda_cutoff_days(rules)
    )


# What a meeting in each state waits for besides its events: published minutes wait for the
# member units to sign for them (签收), which their liaisons do.
STATE_WAITS = {"minutes_published": ("acknowledge", (LIAISON,))}
STEP_LABELS = {"acknowledge": N_("Sign for the minutes (签收)")}


@dataclass(frozen=True)
class Step:
    """The next step of a meeting: what is done, who does it, and who may under a delegation."""

    name: str
    label: str
    roles: tuple[str, ...]
    delegated_roles: tuple[str, ...] = ()


def next_steps(kind_code: str, state: str, rules: dict) -> list[Step]:
    """The steps that move a meeting of KIND_CODE in STATE forward, each with the roles that
    take it: the pages' signposts ask this rather than naming roles themselves."""
    steps = []
    for name in events_from(state):
        event = EVENTS[name]
        if name == "cancel" or name in CORRECTION_FIRED:
            continue  # not a step forward
        roles = tuple(r for r in ROLES if may_fire(name, kind_code, state, r, False, rules))
        by_delegation = tuple(
            r for r in ROLES
            if r not in roles and may_fire(name, kind_code, state, r, True, rules)
        )  # fmt: skip
        steps.append(Step(name, event.label, roles, by_delegation))
    if state in STATE_WAITS:
        name, roles = STATE_WAITS[state]
        steps.append(Step(name, STEP_LABELS[name], roles))
    return steps


def awaiting_convening(kind_code: str, state: str, role: str, delegated: bool, rules: dict) -> bool:
    """Whether a meeting of KIND_CODE in STATE waits for a user of ROLE to convene it."""
    return state in EVENTS["convene"].sources and may_convene(kind_code, role, delegated, rules)


def decided_state(decision: str) -> str:
    """The item state a meeting's DECISION leaves an item in."""
    return agenda_item.EVENTS[decision].dest


# The item event that brings an item back to wait for a corrected decision, by the state the
# kind's agenda entries wait in (scheduled at a plenary or ad-hoc meeting, submitted at a
# liaison meeting).
REOPENING = {"scheduled": "reopen_decision", "submitted": "reopen_review"}


def reopening_event(kind_code: str) -> str:
    """The agenda-item event that reopens a decision of a meeting of KIND_CODE (更正)."""
    return REOPENING[kind(kind_code).awaiting_state]


def correction_refusal(kind_code: str, old: str | None, new: str, item_state: str,
                       has_tasks: bool, last_move_was_it: bool = True) -> str | None:  # fmt: skip
    """Why a decision OLD on an item now in ITEM_STATE cannot be corrected to NEW (an English
    msgid), or None when it can.

    A correction undoes the decision and fires the new one, so what followed the decision must
    not have happened yet: the item still sits where the decision left it (LAST_MOVE_WAS_IT:
    the item's latest change of state was this decision, not a round trip back to the same
    state by later events), and no task was assigned from an adopted item (units would be
    working on something no longer decided).
    """
    if old is None:
        return N_("This item has no decision to correct yet.")
    if new == old:
        return N_("The corrected decision must differ from the one recorded.")
    if has_tasks:
        return N_("Tasks were already assigned from this decision; it cannot be corrected.")
    if (
        not last_move_was_it
        or item_state != decided_state(old)
        or reopening_event(kind_code) not in agenda_item.events_from(item_state)
    ):
        return N_("The item has moved on since this decision (it is now %(state)s); the "
                  "decision cannot be corrected.")  # fmt: skip
    return None


def may_remind(last_reminded_on: date | None, today: date) -> bool:
    """催签: a unit is reminded to sign for minutes at most once a county day."""
    return last_reminded_on is None or last_reminded_on < today
