"""The rulebook on plain objects: no Flask, no database."""

from types import SimpleNamespace

import pytest

from workflows import agenda_item as workflow


def reachable(start: str, without: str) -> set[str]:
    """States reachable from START by the transition table, never passing WITHOUT."""
    seen, todo = {start}, [start]
    while todo:
        state = todo.pop()
        for name in workflow.events_from(state):
            dest = workflow.EVENTS[name].dest
            if dest is not None and dest != without and dest not in seen:
                seen.add(dest)
                todo.append(dest)
    return seen


def test_nothing_reaches_an_agenda_without_review_and_approval():
    """五(二): office review and convener approval before a meeting, by construction."""
    assert "approved" not in reachable("draft", without="reviewed")
    assert "scheduled" not in reachable("draft", without="approved")
    assert "adopted" not in reachable("draft", without="approved")


def test_final_states_have_no_way_out():
    for state in workflow.FINAL_STATES:  # but a correction of a meeting's decision (更正)
        assert set(workflow.events_from(state)) <= workflow.CORRECTIONS


def test_one_shared_machine_fires_on_plain_objects():
    item = SimpleNamespace(state="reviewed")
    workflow.fire(item, "approve")
    assert item.state == "approved"
    assert workflow.MACHINE.models == []  # no per-object binding


def test_a_refused_transition_raises_and_keeps_the_state():
    from transitions import MachineError

    item = SimpleNamespace(state="draft")
    with pytest.raises(MachineError):
        workflow.fire(item, "approve")
    assert item.state == "draft"


@pytest.mark.parametrize(
    ("state", "role", "unit", "expected"),
    [
        ("draft", "liaison", "edu", ["submit", "withdraw"]),
        ("draft", "liaison", "other", []),
        ("submitted", "office", None, ["return_for_revision", "decline", "pass_review"]),
        ("reviewed", "convener", None, ["send_back", "approve"]),
        ("reviewed", "general_convener", None, ["send_back", "approve"]),
        ("reviewed", "office", None, []),
        ("approved", "office", None, []),  # schedule is a meeting's business
        ("scheduled", "office", None, []),
    ],
)
def test_available_events_by_role(state, role, unit, expected):
    rules = {"approvers": ["general_convener", "convener"]}
    assert workflow.available_events(state, role, unit, "edu", rules) == expected


def test_approvers_come_from_the_charter():
    only_general = {"approvers": ["general_convener"]}
    assert workflow.available_events("reviewed", "convener", None, "edu", only_general) == []


def test_every_state_and_event_has_a_label():
    assert all(workflow.STATES.values())
    assert all(event.label for event in workflow.EVENTS.values())
    for event in workflow.EVENTS.values():
        assert set(event.sources) <= set(workflow.STATES)
        assert event.dest is None or event.dest in workflow.STATES  # None: no state change


@pytest.mark.parametrize(
    ("event", "fields", "changes"),
    [
        ("pass_review", {"opinion": "建议提交会议", "meeting_id": 3}, {"opinion": "建议提交会议"}),
        ("adopt", {"resolution": "同意设立", "meeting_id": 3}, {"resolution": "同意设立"}),
        ("schedule", {"meeting_id": 3}, {"meeting_id": 3}),
        ("unschedule", {"meeting_id": 3}, {"meeting_id": None}),
        ("defer", {"reason": "待调研"}, {"meeting_id": None}),  # waits for a later meeting
        ("reject", {"reason": "条件不成熟"}, {}),
        (
            "submit",
            {"title": "新标题", "category": "other"},
            {"title": "新标题", "category": "other"},
        ),
        ("approve", {"comment": "同意"}, {}),
    ],
)
def test_what_each_event_writes_on_the_item(event, fields, changes):
    assert workflow.effects(workflow.EVENTS[event], fields) == changes


def test_submit_and_send_back_restart_the_office_queue():
    restarting = {name for name, event in workflow.EVENTS.items() if event.restarts_queue}
    assert restarting == {"submit", "send_back"}
    assert all(workflow.EVENTS[name].dest == "submitted" for name in restarting)


@pytest.mark.parametrize(
    ("event", "via", "expected"),
    [
        ("approve", workflow.BY_USER, True),
        ("approve", workflow.BY_MEETING, False),
        ("pass_review", workflow.BY_MEETING, True),  # a liaison meeting's decision
        ("return_for_revision", workflow.BY_MEETING, True),
        ("decline", workflow.BY_MEETING, True),
        ("adopt", workflow.BY_USER, False),  # recorded on the meeting's page
        ("adopt", workflow.BY_MEETING, True),
        ("close", workflow.BY_USER, False),
        ("close", workflow.BY_MEETING, False),
        ("close", workflow.BY_SYSTEM, True),
    ],
)
def test_who_records_each_event(event, via, expected):
    assert workflow.may_record_via(workflow.EVENTS[event], via) is expected
