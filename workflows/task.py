"""The task (督办事项) workflow of DOMAIN.md: carrying out an adopted item (五(四)(五)).

    assigned ──accept──▶ in_progress ──request_completion──▶ completion_requested ──confirm──▶ done
                              ▲                                       │
                              └───────────────reopen──────────────────┘

The in-place events (progress reports, urging, adjusting units, extensions) are internal
transitions of the same machine: they are allowed only in the states listed, change no state,
and are recorded like any other event.

Progress is reported by the lead unit for the whole task and by each responsible unit (配合单位)
for its own part: the same event, a report of another kind (`report_kind`).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from workflows import machine
from workflows.i18n import N_
from workflows.machine import Transition, build_machine
from workflows.roles import LIAISON
from workflows.roles import OFFICE as OFFICE_ROLE

STATES = {
    "assigned": N_("Assigned"),
    "in_progress": N_("In progress"),
    "completion_requested": N_("Completion requested"),
    "done": N_("Done"),
}
OPEN_STATES = ("assigned", "in_progress", "completion_requested")

# Who fires an event: the lead unit's liaisons, any assigned unit's liaisons, or the office.
LEAD, ASSIGNED_UNITS, OFFICE_ONLY = "lead", "assigned_units", "office"


@dataclass(frozen=True)
class Event(Transition):
    who: str
    carries: tuple[str, ...] = ()
    irreversible: bool = False
    optional: tuple[str, ...] = ()  # fields it may carry


EVENTS = {
    e.name: e
    for e in [
        Event("accept", N_("Accept"), ("assigned",), "in_progress", LEAD),
        Event("report_progress", N_("Report progress"), ("assigned", "in_progress"), None,
              ASSIGNED_UNITS, carries=("text",)),
        Event("request_completion", N_("Request completion"), ("in_progress",),
              "completion_requested", LEAD, carries=("report",)),
        Event("confirm", N_("Confirm done"), ("completion_requested",), "done", OFFICE_ONLY,
              irreversible=True),
        Event("reopen", N_("Reopen"), ("completion_requested",), "in_progress", OFFICE_ONLY,
              carries=("reason",)),
        Event("urge", N_("Urge"), ("assigned", "in_progress"), None, OFFICE_ONLY,
              carries=("message",)),
        Event("adjust_units", N_("Adjust units"), OPEN_STATES, None, OFFICE_ONLY,
              carries=("lead_unit", "responsible_units", "reason")),
        # 二(三), 三(三): how often the lead unit reports progress (workflows.rhythm).
        Event("change_rhythm", N_("Change the reporting rhythm"), OPEN_STATES, None, OFFICE_ONLY,
              carries=("report_rhythm",)),
        Event("request_extension", N_("Request an extension"), OPEN_STATES, None, LEAD,
              carries=("new_deadline", "reason")),
        # The office may grant another date than the one asked (new_deadline; default: as asked).
        Event("grant_extension", N_("Grant the extension"), OPEN_STATES, None, OFFICE_ONLY,
              optional=("new_deadline",)),
        Event("refuse_extension", N_("Refuse the extension"), OPEN_STATES, None, OFFICE_ONLY,
              carries=("reason",)),
    ]
}  # fmt: skip

FIELD_LABELS = {
    "text": N_("Progress"),
    "report": N_("Completion report"),
    "reason": N_("Reason"),
    "message": N_("Message"),
    "lead_unit": N_("Lead unit"),
    "responsible_units": N_("Responsible units"),
    "new_deadline": N_("New deadline"),
    "report_rhythm": N_("Reporting rhythm"),
}

# A progress report is the whole task's when the lead unit makes it, a responsible unit's part
# otherwise; the completion report is the lead unit's.
REPORT_KINDS = {
    "progress": N_("Progress"),
    "part": N_("A responsible unit's part"),
    "completion": N_("Completion report"),
}
PART_LABEL = N_("Report your unit's part")


def report_kind(is_lead: bool) -> str:
    """The kind of progress report a unit makes: the whole task's (lead) or its part."""
    return "progress" if is_lead else "part"


def event_label(name: str, is_lead: bool) -> str:
    """EVENTS[NAME]'s label as a user of the lead unit (IS_LEAD) or another sees it."""
    if name == "report_progress" and not is_lead:
        return PART_LABEL
    return EVENTS[name].label


WARNINGS = {
    "none": N_("On time"),
    "yellow": N_("Due soon"),
    "red": N_("Overdue"),
    "dark_red": N_("Seriously overdue"),
}

MACHINE = build_machine(STATES, EVENTS)


# 五(四): only an adopted item is carried out by tasks (the first one starts its implementation).
ITEM_STATES_FOR_TASKS = ("adopted", "implementing")


def may_assign(role: str, item_state: str) -> bool:
    return role == OFFICE_ROLE and item_state in ITEM_STATES_FOR_TASKS


def item_done(task_states: list[str]) -> bool:
    """An item is closed when it has tasks and every one of them is done."""
    return bool(task_states) and all(state == "done" for state in task_states)


def fire(task, event: str) -> None:
    """Move TASK.state along EVENT (the caller has checked it may)."""
    machine.fire(MACHINE, task, event)


def may_fire(event: Event, is_office: bool, is_lead: bool, is_responsible: bool) -> bool:
    """Whether a user may fire EVENT: the office, the lead unit's or an assigned unit's liaison."""
    if event.who == OFFICE_ONLY:
        return is_office
    if event.who == LEAD:
        return is_lead
    return is_lead or is_responsible


def extension_allows(event: str, pending: bool) -> bool:
    """An extension is answered only while one is pending, and asked only while none is."""
    if event in ("grant_extension", "refuse_extension"):
        return pending
    if event == "request_extension":
        return not pending
    return True


def available_events(state: str, is_office: bool, is_lead: bool, is_responsible: bool,
                     pending_extension: bool) -> list[str]:  # fmt: skip
    return [
        name
        for name in MACHINE.get_triggers(state)
        if may_fire(EVENTS[name], is_office, is_lead, is_responsible)
        and extension_allows(name, pending_extension)
    ]


# The charter's supervision rules (三(四), 五(四)) when a charter leaves them out: the default
# charter's values. The only defaults of these two rules anywhere.
DEFAULT_WARNING_DAYS = 5
DEFAULT_ESCALATION_DAYS = 10


@dataclass(frozen=True)
class WarningBands:
    """The warning bands of an open task, by days left before its deadline (negative: overdue).

        days left  … -esc-1 │ -esc … -1 │ 0 … warn │ warn+1 …
        level      dark_red │    red    │  yellow  │  none

    (esc: the charter's `escalation_days`, warn: its `deadline_warning_days`.) Yellow is "due soon" (the lead unit is reminded), red "overdue" (the lead unit and the office
    are told), dark red "seriously overdue" (escalated to the conveners). A task that is done is
    never warned about. Pages, the ledger's SQL filter and the scheduler all read these bands.
    """

    warning_days: int = DEFAULT_WARNING_DAYS
    escalation_days: int = DEFAULT_ESCALATION_DAYS

    @classmethod
    def from_rules(cls, rules: dict) -> "WarningBands":
        """The bands of the charter's RULES (`deadline_warning_days`, `escalation_days`)."""
        return cls(
            warning_days=rules.get("deadline_warning_days", DEFAULT_WARNING_DAYS),
            escalation_days=rules.get("escalation_days", DEFAULT_ESCALATION_DAYS),
        )

    def days_range(self, level: str) -> tuple[int | None, int | None]:
        """The days left (inclusive; None: unbounded) an open task of LEVEL has."""
        return {
            "dark_red": (None, -self.escalation_days - 1),
            "red": (-self.escalation_days, -1),
            "yellow": (0, self.warning_days),
            "none": (self.warning_days + 1, None),
        }[level]

    def for_days_left(self, days_left: int | None) -> str:
        """The level of a task DAYS_LEFT days before its deadline; None (done) is "none"."""
        if days_left is None:
            return "none"
        for level in WARNINGS:
            low, high = self.days_range(level)
            if (low is None or days_left >= low) and (high is None or days_left <= high):
                return level
        raise AssertionError(f"no band holds {days_left}")  # the bands cover every integer

    def deadlines(self, level: str, today: date) -> tuple[date | None, date | None]:
        """The deadlines (inclusive; None: unbounded) of open tasks at LEVEL as of TODAY.

        The same bands as `for_days_left`, as dates a query can compare a deadline column with.
        """
        low, high = self.days_range(level)
        return (
            None if low is None else today + timedelta(days=low),
            None if high is None else today + timedelta(days=high),
        )


OVERDUE_LEVELS = ("red", "dark_red")


def liaison_sees(role: str, unit_id: int | None, unit_ids: set[int]) -> bool:
    """Whether a user of ROLE in UNIT_ID sees a task whose lead and responsible units are UNIT_IDS.

    A liaison sees only the tasks their unit leads or shares (五(五)); everyone else with a
    role in the joint meeting sees every task.
    """
    return not scoped_to_unit(role) or (unit_id is not None and unit_id in unit_ids)


def scoped_to_unit(role: str) -> bool:
    """Whether a user of ROLE sees only their own unit's tasks (the SQL form of `liaison_sees`)."""
    return role == LIAISON
