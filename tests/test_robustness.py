"""Bad input of every shape gets a clear 4xx and changes nothing (found by review)."""

import pytest

from tests.conftest import table_counts
from tests.items_factory import DRAFT, item_row, make_item
from tests.meetings_factory import make_meeting
from tests.tasks_factory import make_task


@pytest.mark.parametrize(
    ("method", "path", "body", "username"),
    [
        ("POST", "/api/v1/items", {**DRAFT, "category": ["x"]}, "liaison-edu"),
        ("POST", "/api/v1/meetings", {"kind": [], "title": "x", "starts_at": "2026-12-01T09:00"}, "office"),
        ("POST", "/api/v1/meetings", {"kind": "plenary", "title": "x", "starts_at": "0001-01-01T00:00"}, "office"),
        ("POST", "/api/v1/meetings", {"kind": "liaison", "title": "x", "starts_at": "2026-12-01T09:00",
                                      "requested_by": ["convener"]}, "office"),
        ("POST", "/api/v1/delegations", {"delegate": ["convener"], "starts_on": "2026-12-01",
                                         "ends_on": "2026-12-31"}, "general"),
    ],
)  # fmt: skip
def test_wrongly_typed_fields_are_422(app, api, method, path, body, username):
    before = table_counts(app)
    response = api.request(method, path, as_=username, json=body)
    assert response.status_code == 422, response.json
    assert table_counts(app) == before


def test_wrongly_typed_attendance_and_units_are_422(app, api):
    meeting_id = make_meeting(app, "plenary", "in_session")
    for marks in ({"finance": {"status": ["present"]}}, {"finance": ["present"]}):
        response = api.request("PUT", f"/api/v1/meetings/{meeting_id}/attendance", as_="office",
                               json={"attendance": marks})  # fmt: skip
        assert response.status_code == 422
    task_id = make_task(app, "in_progress")
    for units in (5, True):
        response = api.post(f"/api/v1/tasks/{task_id}/events/adjust_units", as_="office",
                            json={"version": 2, "lead_unit": "health", "responsible_units": units, "reason": "x"})  # fmt: skip
        assert response.status_code == 422


@pytest.mark.parametrize(
    "path",
    ["/api/v1/units?page=²", "/api/v1/tasks?year=9999", "/api/v1/tasks?due_within=999999999",
     "/api/v1/tasks?meeting=1e23", "/api/v1/items?per_page=99999999999999999999"],
)  # fmt: skip
def test_numbers_out_of_range_are_422(app, api, path):
    assert api.get(path, as_="office").status_code == 422


def test_huge_ids_are_not_found(app, api, client, auth):
    assert api.get("/api/v1/items/100000000000000000000", as_="office").status_code == 404
    meeting_id = make_meeting(app, "plenary", "convened")
    for item_id in (10**20, True, -1):
        response = api.post(
            f"/api/v1/meetings/{meeting_id}/agenda", as_="office", json={"item_id": item_id}
        )
        assert response.status_code == 422
    auth.login("office")
    assert client.get("/tasks/?year=9999").status_code == 200  # the page says why and shows all


def test_a_liaison_planning_a_meeting_is_403_whatever_the_body(app, api):
    assert api.post("/api/v1/meetings", as_="liaison-edu", json={}).status_code == 403


def test_submit_keeps_a_given_category(app, api):
    item_id = make_item(app, "draft")
    response = api.post(f"/api/v1/items/{item_id}/events/submit", as_="liaison-edu",
                        json={"version": 1, "category": "annual_plan"})  # fmt: skip
    assert response.json["category"] == "annual_plan"


def test_a_liaison_sees_only_their_units_tasks_of_an_item(app, api):
    from meeting.extensions import db
    from meeting.tasks.models import Task

    mine = make_task(app, "assigned")
    with app.app_context():
        item_id = db.session.get(Task, mine).item_id
    other = make_task(app, "assigned", item_id=item_id, lead_unit="finance", responsible_units=[])
    seen = [
        t["id"]
        for t in api.get(f"/api/v1/items/{item_id}/tasks", as_="liaison-civil").json["items"]
    ]
    assert seen == [mine]
    assert api.get(f"/api/v1/items/{item_id}", as_="liaison-civil").json["tasks"] == [mine]
    assert [
        t["id"] for t in api.get(f"/api/v1/items/{item_id}/tasks", as_="office").json["items"]
    ] == [mine, other]


def test_draft_minutes_stay_with_the_office_and_conveners(app, api):
    from tests.test_meetings_api import held_meeting

    meeting_id = held_meeting(api, app)
    assert api.get(f"/api/v1/meetings/{meeting_id}", as_="liaison-edu").json["minutes_text"] is None
    assert (
        api.get(f"/api/v1/meetings/{meeting_id}/minutes.docx", as_="liaison-edu").status_code == 404
    )
    assert api.get(f"/api/v1/meetings/{meeting_id}", as_="convener").json["minutes_text"]


def test_a_liaison_meeting_closes_when_an_item_left_its_agenda_otherwise(app, api):
    from tests.test_meetings_api import fire, run_to_session

    meeting_id, (withdrawn, reviewed) = run_to_session(api, app, kind="liaison", n_items=2)
    api.post(
        f"/api/v1/items/{withdrawn}/events/withdraw",
        as_="liaison-edu",
        json={"version": 2, "reason": "x"},
    )
    api.post(
        f"/api/v1/items/{reviewed}/events/pass_review",
        as_="office",
        json={"version": 2, "opinion": "x"},
    )
    assert fire(api, meeting_id, "close_session", "office").status_code == 200
    assert item_row(app, reviewed)[0] == "reviewed"


def test_a_send_back_restarts_the_review_clock(app):
    from datetime import timedelta

    from meeting.extensions import db
    from meeting.items.models import Item
    from meeting.items.operations import fire_event
    from meeting.scheduler.checks import waiting_items
    from meeting.timeutil import utcnow
    from tests.items_factory import user

    item_id = make_item(app, "reviewed")
    with app.app_context():
        item = db.session.get(Item, item_id)
        first = item.submitted_at
        fire_event(
            item, "send_back", user("convener"), {"version": item.version, "comment": "再议"}
        )
        db.session.commit()
        assert item.submitted_at > first
        assert waiting_items(utcnow() + timedelta(days=30), item.charter) == 1
