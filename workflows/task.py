"""The task (督办事项) workflow of DOMAIN.md: carrying out an adopted item (五(四)(五)).

    assigned ──accept──▶ in_progress ──request_completion──▶ completion_requested ──confirm──▶ done
                              ▲                                       │
                              └───────────────reopen──────────────────┘

The in-place events (progress reports, urging, adjusting units, extensions) are internal
transitions of the same machine: they are allowed only in the states listed, change no state,
and are recorded like any other event.
"""

from dataclasses import dataclass

from workflows import machine
from workflows.i18n import N_
from workflows.machine import build_machine
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
class Event:
    name: str
    label: str
    sources: tuple[str, ...]
    dest: str | None  # None: an in-place event
    who: str
    carries: tuple[str, ...] = ()
    irreversible: bool = False


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
        Event("request_extension", N_("Request an extension"), OPEN_STATES, None, LEAD,
              carries=("new_deadline", "reason")),
        Event("grant_extension", N_("Grant the extension"), OPEN_STATES, None, OFFICE_ONLY),
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
}

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


def warning(days_left: int | None, warning_days: int, escalation_days: int) -> str:
    """The warning level of an open task DAYS_LEFT days before its deadline (negative: overdue).

    None (a task that is done) is never warned about.
    """
    if days_left is None:
        return "none"
    if days_left < -escalation_days:
        return "dark_red"
    if days_left < 0:
        return "red"
    if days_left <= warning_days:
        return "yellow"
    return "none"
