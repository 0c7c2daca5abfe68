"""The task rulebook on plain objects: no Flask, no database."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from workflows import task as workflow

# who -> (is_office, is_lead, is_responsible)
WHO = {
    "office": (True, False, False),
    "lead": (False, True, False),
    "responsible": (False, False, True),
    "other": (False, False, False),
}


@pytest.mark.parametrize(
    ("state", "who", "pending", "expected"),
    [
        ("assigned", "lead", False, ["accept", "report_progress", "request_extension"]),
        ("assigned", "responsible", False, ["report_progress"]),
        ("assigned", "office", False, ["urge", "adjust_units", "change_rhythm"]),
        ("assigned", "office", True, ["urge", "adjust_units", "change_rhythm", "grant_extension",
                                      "refuse_extension"]),
        ("assigned", "lead", True, ["accept", "report_progress"]),  # one request at a time
        ("in_progress", "lead", False, ["report_progress", "request_completion", "request_extension"]),
        ("in_progress", "responsible", False, ["report_progress"]),
        ("completion_requested", "office", False, ["confirm", "reopen", "adjust_units",
                                                   "change_rhythm"]),
        ("completion_requested", "lead", False, ["request_extension"]),
        ("completion_requested", "responsible", False, []),
        ("done", "office", False, []),
        ("done", "lead", False, []),
        ("in_progress", "other", False, []),
    ],
)  # fmt: skip
def test_available_events_by_state_and_who(state, who, pending, expected):
    assert workflow.available_events(state, *WHO[who], pending) == expected


@pytest.mark.parametrize(
    ("event", "pending", "expected"),
    [
        ("request_extension", False, True),
        ("request_extension", True, False),
        ("grant_extension", True, True),
        ("grant_extension", False, False),
        ("refuse_extension", False, False),
        ("urge", True, True),
    ],
)
def test_an_extension_is_answered_only_while_one_is_pending(event, pending, expected):
    assert workflow.extension_allows(event, pending) is expected


@pytest.mark.parametrize(
    ("role", "item_state", "expected"),
    [
        ("office", "adopted", True),
        ("office", "implementing", True),
        ("office", "scheduled", False),  # 五(四): only what a meeting adopted
        ("office", "closed", False),
        ("convener", "adopted", False),
    ],
)
def test_who_assigns_tasks_of_which_items(role, item_state, expected):
    assert workflow.may_assign(role, item_state) is expected


def test_an_item_is_done_when_every_task_is():
    assert workflow.item_done(["done", "done"])
    assert not workflow.item_done(["done", "in_progress"])
    assert not workflow.item_done([])


def test_one_shared_machine_fires_on_plain_objects():
    task = SimpleNamespace(state="assigned")
    for event in ("accept", "request_completion", "reopen", "request_completion", "confirm"):
        workflow.fire(task, event)
    assert task.state == "done"
    assert workflow.MACHINE.models == []


def test_in_place_events_keep_the_state():
    task = SimpleNamespace(state="in_progress")
    workflow.fire(task, "urge")
    assert task.state == "in_progress"


def test_every_state_event_and_warning_has_a_label():
    assert all(workflow.STATES.values()) and all(workflow.WARNINGS.values())
    for event in workflow.EVENTS.values():
        assert event.label and set(event.sources) <= set(workflow.STATES)
        assert event.dest is None or event.dest in workflow.STATES


# Warning bands: the Fugu charter warns 5 days ahead and escalates after 10 days overdue.

FUGU = workflow.WarningBands(warning_days=5, escalation_days=10)


@pytest.mark.parametrize(
    ("days_left", "level"),
    [
        (None, "none"),  # done
        (30, "none"),
        (6, "none"),
        (5, "yellow"),  # the first day of the warning
        (0, "yellow"),  # the deadline day itself is not overdue
        (-1, "red"),  # the first day overdue
        (-10, "red"),
        (-11, "dark_red"),  # more than 10 days overdue: escalated
        (-400, "dark_red"),
    ],
)
def test_warning_bands_at_each_boundary(days_left, level):
    assert FUGU.for_days_left(days_left) == level


def test_bands_come_from_the_charter_with_one_set_of_defaults():
    riverside = {"deadline_warning_days": 3, "escalation_days": 5}
    assert workflow.WarningBands.from_rules(riverside) == workflow.WarningBands(3, 5)
    assert workflow.WarningBands.from_rules({}) == workflow.WarningBands()
    assert workflow.WarningBands() == workflow.WarningBands(
        workflow.DEFAULT_WARNING_DAYS, workflow.DEFAULT_ESCALATION_DAYS
    )


def test_no_warning_days_warns_on_the_deadline_day_only():
    bands = workflow.WarningBands(warning_days=0, escalation_days=1)
    assert [bands.for_days_left(d) for d in (1, 0, -1, -2)] == ["none", "yellow", "red", "dark_red"]


@pytest.mark.parametrize("bands", [FUGU, workflow.WarningBands(0, 1), workflow.WarningBands(3, 5)])
def test_the_deadline_cutoffs_are_the_same_bands(bands):
    """The dates a query filters on put every deadline in the band `for_days_left` gives it."""
    today = date(2026, 3, 10)
    for days in range(-30, 31):
        deadline = today + timedelta(days=days)
        holding = [
            level
            for level in workflow.WARNINGS
            if (low := bands.deadlines(level, today)[0]) is None or deadline >= low
            if (high := bands.deadlines(level, today)[1]) is None or deadline <= high
        ]
        assert holding == [bands.for_days_left(days)]


def test_the_deadline_cutoffs_as_dates():
    today = date(2026, 3, 10)
    assert FUGU.deadlines("yellow", today) == (date(2026, 3, 10), date(2026, 3, 15))
    assert FUGU.deadlines("red", today) == (date(2026, 2, 28), date(2026, 3, 9))
    assert FUGU.deadlines("dark_red", today) == (None, date(2026, 2, 27))
    assert FUGU.deadlines("none", today) == (date(2026, 3, 16), None)


def test_overdue_levels_are_the_bands_past_the_deadline():
    assert {FUGU.for_days_left(d) for d in range(-40, 0)} == set(workflow.OVERDUE_LEVELS)


# Which tasks a liaison sees (五(五): their unit leads or shares them).


@pytest.mark.parametrize(
    ("role", "unit_id", "expected"),
    [
        ("liaison", 1, True),  # the lead unit
        ("liaison", 2, True),  # a responsible unit
        ("liaison", 3, False),
        ("liaison", None, False),
        ("office", None, True),
        ("convener", None, True),
        ("general_convener", None, True),
        ("observer", None, True),
    ],
)
def test_who_sees_a_task(role, unit_id, expected):
    assert workflow.liaison_sees(role, unit_id, {1, 2}) is expected
    assert workflow.scoped_to_unit(role) is (role == "liaison")


# Issue 15: a responsible unit's progress report is its part; the lead unit's is for the whole.


def test_a_progress_report_is_the_whole_tasks_or_a_part():
    assert workflow.report_kind(is_lead=True) == "progress"
    assert workflow.report_kind(is_lead=False) == "part"
    assert set(workflow.REPORT_KINDS) == {"progress", "part", "completion"}
    assert workflow.event_label("report_progress", True) == workflow.EVENTS["report_progress"].label
    assert workflow.event_label("report_progress", False) == workflow.PART_LABEL
    assert workflow.event_label("accept", False) == workflow.EVENTS["accept"].label


def test_the_office_may_grant_another_date_than_asked():
    grant = workflow.EVENTS["grant_extension"]
    assert grant.carries == () and grant.optional == ("new_deadline",)
