"""The meeting rulebook on plain objects: no Flask, no database."""

from dataclasses import FrozenInstanceError
from datetime import date
from types import SimpleNamespace

import pytest

from workflows import agenda_item
from workflows import meeting as workflow

# The Fugu charter's rules of procedure, as far as these rules read them.
RULES = {
    "conveners": ["general_convener"],
    "delegable_to": ["convener"],
    "plenaries_per_year": 1,
    "plenary_reminder_from": "09-01",
    "plenary_reminder_every_days": 14,
}


@pytest.mark.parametrize(
    ("kind", "state", "role", "delegated", "expected"),
    [
        ("plenary", "planned", "general_convener", False, ["convene", "cancel"]),
        ("plenary", "planned", "convener", False, []),  # 五(一): only under a delegation
        ("plenary", "planned", "convener", True, ["convene", "cancel"]),
        ("plenary", "planned", "office", False, ["cancel"]),  # before it is convened
        ("plenary", "convened", "office", False, ["open"]),
        ("plenary", "convened", "general_convener", False, ["open", "cancel"]),
        ("ad_hoc", "convened", "convener", True, ["open", "cancel"]),
        ("plenary", "in_session", "convener", False, ["close_session"]),
        ("plenary", "held", "office", False, []),  # the office drafts, a convener signs off
        ("plenary", "held", "convener", False, ["sign_minutes"]),
        ("plenary", "held", "general_convener", False, ["sign_minutes"]),
        ("plenary", "minutes_signed", "office", False, ["publish_minutes"]),
        ("plenary", "minutes_published", "office", False, []),
        ("plenary", "cancelled", "general_convener", False, []),
        ("liaison", "planned", "office", False, ["convene", "cancel"]),  # 三(二)
        ("liaison", "planned", "general_convener", False, []),
        ("liaison", "convened", "office", False, ["open", "cancel"]),
        ("liaison", "in_session", "convener", False, ["close_session"]),
        ("plenary", "convened", "liaison", False, []),
        ("plenary", "held", "observer", False, []),
    ],
)
def test_available_events_by_kind_state_and_role(kind, state, role, delegated, expected):
    assert workflow.available_events(kind, state, role, delegated, RULES) == expected


def test_who_convenes_comes_from_the_charter():
    anyone_convener = {"conveners": ["general_convener", "convener"], "delegable_to": []}
    assert workflow.may_convene("plenary", "convener", False, anyone_convener)
    no_delegation = {"conveners": ["general_convener"], "delegable_to": []}
    assert not workflow.may_convene("plenary", "convener", True, no_delegation)
    assert not workflow.may_convene("liaison", "general_convener", True, anyone_convener)


@pytest.mark.parametrize(
    ("kind", "role", "delegated", "expected"),
    [
        ("plenary", "office", False, True),
        ("liaison", "office", False, True),
        ("ad_hoc", "convener", True, True),  # 五(一) "必要时可随时召开", under a delegation
        ("ad_hoc", "convener", False, False),
        ("liaison", "convener", True, False),  # a convener asks the office for one
        ("plenary", "liaison", True, False),
        ("plenary", "observer", False, False),
    ],
)
def test_who_plans(kind, role, delegated, expected):
    assert workflow.may_plan(kind, role, delegated, RULES) is expected


@pytest.mark.parametrize(
    ("role", "state", "expected"),
    [
        ("office", "planned", {"edit_agenda"}),
        ("office", "convened", {"edit_agenda", "record_attendance"}),
        ("office", "in_session", {"record_attendance", "record_decisions", "correct_decisions"}),
        ("office", "held", {"record_attendance", "edit_minutes", "correct_decisions"}),
        ("office", "minutes_signed", {"correct_decisions"}),  # 更正 until published
        ("office", "minutes_published", {"remind_receipts"}),  # 催签
        ("general_convener", "in_session", set()),
    ],
)
def test_what_the_office_records_in_each_state(role, state, expected):
    assert workflow.office_records(role, state) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [("office", True), ("convener", True), ("general_convener", True),
     ("liaison", False), ("observer", False), ("admin", False)],
)  # fmt: skip
def test_runners_read_draft_minutes_and_follow_receipts(role, expected):
    assert workflow.may_read_draft_minutes(role) is expected
    assert workflow.may_follow_receipts(role) is expected


def test_close_session_waits_for_every_decision():
    """An entry waits while its item is still in the kind's awaiting state without a decision."""
    entries = [("adopt", "adopted"), (None, "scheduled"), (None, "withdrawn")]
    assert workflow.undecided("plenary", entries) == 1
    assert workflow.undecided("plenary", [("defer", "deferred")]) == 0
    # At a liaison meeting items wait while submitted; one the office reviewed alone does not.
    liaison = [(None, "submitted"), (None, "reviewed"), ("pass_review", "reviewed")]
    assert workflow.undecided("liaison", liaison) == 1


def test_one_shared_machine_fires_on_plain_objects():
    meeting = SimpleNamespace(state="planned")
    for event in ("convene", "open", "close_session", "sign_minutes", "publish_minutes"):
        workflow.fire(meeting, event)
    assert meeting.state == "minutes_published"
    assert workflow.MACHINE.models == []


def test_a_refused_transition_raises_and_keeps_the_state():
    from transitions import MachineError

    meeting = SimpleNamespace(state="held")
    with pytest.raises(MachineError):
        workflow.fire(meeting, "cancel")
    assert meeting.state == "held"


def test_every_state_event_and_kind_has_a_label():
    assert all(workflow.STATES.values())
    for event in workflow.EVENTS.values():
        assert event.label and set(event.sources) <= set(workflow.STATES)
        assert event.dest in workflow.STATES
    assert all(kind.label for kind in workflow.KINDS_REGISTRY.values())


# The kinds registry.


def test_the_registry_holds_the_three_kinds_of_domain_md():
    assert list(workflow.KINDS_REGISTRY) == ["plenary", "ad_hoc", "liaison"]
    assert all(code == kind.code for code, kind in workflow.KINDS_REGISTRY.items())
    assert workflow.kind("liaison") is workflow.KINDS_REGISTRY["liaison"]
    with pytest.raises(KeyError):
        workflow.kind("committee")
    with pytest.raises(FrozenInstanceError):
        workflow.kind("plenary").schedules_items = False  # type: ignore[misc]


def test_the_labels_derive_from_the_registry():
    registry = workflow.KINDS_REGISTRY
    assert list(workflow.KINDS) == list(registry)
    for code, kind in registry.items():
        assert workflow.KINDS[code] == kind.label
    assert workflow.kind("liaison").convened_by_office
    assert workflow.PLENARY_KIND in registry


@pytest.mark.parametrize(
    ("code", "schedules", "requester", "by_office", "delegable"),
    [
        ("plenary", True, False, False, True),
        ("ad_hoc", True, False, False, True),
        ("liaison", False, True, True, False),
    ],
)
def test_what_sets_each_kind_apart(code, schedules, requester, by_office, delegable):
    assert workflow.schedules_items(code) is schedules
    assert workflow.needs_requester(code) is requester
    assert workflow.kind(code).convened_by_office is by_office
    assert workflow.delegable(code) is delegable


@pytest.mark.parametrize("code", list(workflow.KINDS_REGISTRY))
def test_each_kind_agrees_with_the_agenda_item_workflow(code):
    """Its decisions are item events fired from the state its agenda entries wait in, which a
    meeting may record; a scheduling kind's agenda takes what `schedule` moves to that state."""
    kind = workflow.kind(code)
    assert set(kind.agenda_states) <= set(agenda_item.STATES)
    for decision in kind.decisions:
        event = agenda_item.EVENTS[decision]
        assert event.sources == (kind.awaiting_state,)
        assert agenda_item.may_record_via(event, agenda_item.BY_MEETING)
    if kind.schedules_items:
        schedule = agenda_item.EVENTS["schedule"]
        assert set(kind.agenda_states) == set(schedule.sources)
        assert schedule.dest == kind.awaiting_state
    else:
        assert kind.agenda_states == (kind.awaiting_state,)


def test_nothing_unapproved_goes_on_a_plenary_or_ad_hoc_agenda():
    """五(二): only items reviewed by the office and approved by a convener."""
    for kind in workflow.KINDS_REGISTRY.values():
        if not kind.convened_by_office:
            assert set(kind.agenda_states) <= {"approved", "deferred"}


# 五(一): plenaries per year, a floor the scheduler reminds of.


@pytest.mark.parametrize(
    ("per_year", "count", "owed"),
    [(1, 0, 1), (1, 1, 0), (1, 2, 0), (2, 0, 2), (2, 1, 1), (2, 2, 0), (0, 0, 0)],
)
def test_plenaries_owed(per_year, count, owed):
    assert workflow.plenaries_owed(count, {**RULES, "plenaries_per_year": per_year}) == owed


def test_plenaries_per_year_defaults_to_once_in_principle():
    assert workflow.plenaries_per_year({}) == 1
    assert workflow.plenaries_per_year({"plenaries_per_year": 0}) == 0


@pytest.mark.parametrize(
    ("today", "convened", "period"),
    [
        (date(2026, 8, 31), 0, None),  # before the configured day
        (date(2026, 9, 1), 0, 0),
        (date(2026, 9, 14), 0, 0),  # the same 14-day interval
        (date(2026, 9, 15), 0, 1),
        (date(2026, 12, 31), 0, 8),
        (date(2026, 9, 15), 1, None),  # the year's plenary is convened
    ],
)
def test_plenary_reminder_periods(today, convened, period):
    assert workflow.plenary_reminder_period(today, convened, RULES) == period


def test_a_second_plenary_is_reminded_of_when_the_charter_holds_two():
    twice = {**RULES, "plenaries_per_year": 2}
    assert workflow.plenary_reminder_period(date(2026, 9, 1), 1, twice) == 0
    assert workflow.plenary_reminder_period(date(2026, 9, 1), 2, twice) is None


def test_no_plenary_rhythm_no_reminders():
    never = {**RULES, "plenaries_per_year": 0}
    assert workflow.plenary_reminder_period(date(2026, 12, 1), 0, never) is None


def test_a_reminder_day_of_29_february_falls_on_the_28th_in_other_years():
    leap_day = {**RULES, "plenary_reminder_from": "02-29"}
    assert workflow.plenary_reminder_period(date(2027, 2, 27), 0, leap_day) is None
    assert workflow.plenary_reminder_period(date(2027, 2, 28), 0, leap_day) == 0
    assert workflow.plenary_reminder_period(date(2028, 2, 28), 0, leap_day) is None
    assert workflow.plenary_reminder_period(date(2028, 2, 29), 0, leap_day) == 0


def test_nobody_convenes_an_unknown_kind():
    assert not workflow.may_convene("committee", "general_convener", True, RULES)


RULES_FUGU = {"conveners": ["general_convener"], "delegable_to": ["convener"]}


@pytest.mark.parametrize(
    ("kind", "state", "step", "roles", "delegated"),
    [
        ("plenary", "planned", "convene", ("general_convener",), ("convener",)),
        ("liaison", "planned", "convene", ("office",), ()),
        ("plenary", "held", "sign_minutes", ("general_convener", "convener"), ()),
        ("plenary", "minutes_published", "acknowledge", ("liaison",), ()),
    ],
)
def test_each_state_names_its_next_step_and_who_takes_it(kind, state, step, roles, delegated):
    (found,) = workflow.next_steps(kind, state, RULES_FUGU)
    assert (found.name, found.roles, found.delegated_roles) == (step, roles, delegated)


def test_a_cancelled_meeting_waits_for_nothing_and_corrections_fire_nothing_by_hand():
    assert workflow.next_steps("plenary", "cancelled", RULES_FUGU) == []
    assert "reopen_minutes" not in workflow.available_events(
        "plenary", "minutes_signed", "office", False, RULES_FUGU
    )


@pytest.mark.parametrize(
    ("old", "new", "item_state", "tasks", "refused"),
    [
        ("adopt", "reject", "adopted", False, False),
        ("defer", "adopt", "deferred", False, False),
        ("adopt", "adopt", "adopted", False, True),  # the same decision
        ("adopt", "reject", "adopted", True, True),  # tasks were assigned
        ("adopt", "reject", "implementing", False, True),  # the item moved on
        ("defer", "adopt", "scheduled", False, True),  # on another agenda since
        (None, "adopt", "scheduled", False, True),  # nothing to correct
    ],
)
def test_what_a_correction_may_undo(old, new, item_state, tasks, refused):
    refusal = workflow.correction_refusal("plenary", old, new, item_state, tasks)
    assert (refusal is not None) is refused


def test_units_are_reminded_once_a_county_day():
    from datetime import date

    assert workflow.may_remind(None, date(2026, 12, 1))
    assert workflow.may_remind(date(2026, 11, 30), date(2026, 12, 1))
    assert not workflow.may_remind(date(2026, 12, 1), date(2026, 12, 1))
