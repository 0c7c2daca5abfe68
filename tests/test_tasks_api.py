"""Tasks through the JSON API: assigning, every event and role, deadlines, closing the item."""

from datetime import date, datetime

import pytest

from meeting.extensions import db
from meeting.tasks.deadlines import add_working_days, county_today
from meeting.tasks.models import Task
from meeting.tasks.operations import is_overdue, warning_of
from tests.conftest import USERS, table_counts
from tests.items_factory import item_row, make_item
from tests.tasks_factory import make_task, task_row

VALID = {
    "accept": {},
    "report_progress": {"text": "已完成选址"},
    "request_completion": {"report": "已建成并投入使用"},
    "confirm": {},
    "reopen": {"reason": "缺少验收材料"},
    "urge": {"message": "请加快进度"},
    "adjust_units": {
        "lead_unit": "health",
        "responsible_units": ["education-sports"],
        "reason": "职责调整",
    },
    "request_extension": {"new_deadline": "2100-06-30", "reason": "资金未到位"},
    "grant_extension": {},
    "refuse_extension": {"reason": "不符合延期条件"},
}
# DOMAIN.md: event -> (states, who). Tasks are led by education-sports with civil-affairs responsible.
ALLOWED = {
    "accept": ({"assigned"}, {"liaison-edu"}),
    "report_progress": ({"assigned", "in_progress"}, {"liaison-edu", "liaison-civil"}),
    "request_completion": ({"in_progress"}, {"liaison-edu"}),
    "confirm": ({"completion_requested"}, {"office"}),
    "reopen": ({"completion_requested"}, {"office"}),
    "urge": ({"assigned", "in_progress"}, {"office"}),
    "adjust_units": ({"assigned", "in_progress", "completion_requested"}, {"office"}),
    "request_extension": ({"assigned", "in_progress", "completion_requested"}, {"liaison-edu"}),
}
STATES = ["assigned", "in_progress", "completion_requested", "done"]


def fire(api, task_id, event, username, **body):
    return api.post(f"/api/v1/tasks/{task_id}/events/{event}", as_=username, json=body)


def test_five_working_days_before_national_day_land_on_the_make_up_saturday():
    # Mon 2026-09-28 + 5 working days: 29, 30, (1–7 October off), 8, 9, and Saturday 10 (调休).
    assert add_working_days(date(2026, 9, 28), 5) == date(2026, 10, 10)
    assert add_working_days(date(2026, 9, 28), 6) == date(2026, 10, 12)


def test_assigning_with_working_days_counts_from_the_county_date(app, api, monkeypatch):
    monkeypatch.setattr("meeting.tasks.deadlines.utcnow", lambda: datetime(2026, 9, 28, 1, 0))
    item_id = make_item(app, "adopted")
    response = api.post(f"/api/v1/items/{item_id}/tasks", as_="office", json={
        "lead_unit": "education-sports", "responsible_units": ["civil-affairs", "finance"],
        "working_days": 5, "description": "建设心理辅导站"})  # fmt: skip
    assert response.status_code == 201
    body = response.json
    assert (body["deadline"], body["original_deadline"], body["working_days"]) == (
        "2026-10-10",
        "2026-10-10",
        5,
    )
    assert body["responsible_units"] == ["civil-affairs", "finance"]
    assert item_row(app, item_id)[0] == "implementing"
    kinds = [n["kind"] for n in api.get("/api/v1/notifications", as_="liaison-civil").json["items"]]
    assert "task_assigned" in kinds


@pytest.mark.parametrize(
    ("body", "field"),
    [({"lead_unit": "nasa"}, "lead_unit"), ({"deadline": "2020-01-01"}, "deadline"),
     ({"deadline": None, "working_days": 0}, "working_days"), ({"description": ""}, "description"),
     ({"responsible_units": ["x"]}, "responsible_units")],
)  # fmt: skip
def test_assigning_refuses_bad_fields(app, api, body, field):
    item_id = make_item(app, "adopted")
    before = item_row(app, item_id), table_counts(app)
    data = {"lead_unit": "education-sports", "deadline": "2099-01-01", "description": "x", **body}
    response = api.post(f"/api/v1/items/{item_id}/tasks", as_="office", json=data)
    assert response.status_code == 422 and field in response.json["fields"]
    assert (item_row(app, item_id), table_counts(app)) == before


@pytest.mark.parametrize("username", ["general", "convener", "liaison-edu", "observer"])
def test_only_the_office_assigns(app, api, username):
    item_id = make_item(app, "adopted")
    data = {"lead_unit": "education-sports", "deadline": "2099-01-01", "description": "x"}
    assert api.post(f"/api/v1/items/{item_id}/tasks", as_=username, json=data).status_code == 403


def test_only_adopted_items_get_tasks(app, api):
    item_id = make_item(app, "approved")
    data = {"lead_unit": "education-sports", "deadline": "2099-01-01", "description": "x"}
    assert api.post(f"/api/v1/items/{item_id}/tasks", as_="office", json=data).status_code == 409


def expected(event: str, state: str, username: str) -> int:
    states, users = ALLOWED[event]
    if username not in users:
        return 403
    return 200 if state in states else 409


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("event", list(ALLOWED))
def test_each_task_event_for_each_role_and_state(app, api, event, state):
    for username in USERS:
        task_id = make_task(app, state)
        before = task_row(app, task_id), table_counts(app)
        response = fire(api, task_id, event, username, version=before[0][1], **VALID[event])
        status = expected(event, state, username)
        if (
            status == 403
            and USERS[username][0] == "liaison"
            and username not in ("liaison-edu", "liaison-civil")
        ):
            status = 404
        assert response.status_code == status, (username, response.json)
        if status == 200:
            assert response.json["version"] == before[0][1] + 1
            assert response.json["history"][-1]["event"] == event
        else:
            assert (task_row(app, task_id), table_counts(app)) == before


def test_extension_answers_need_a_pending_request(app, api):
    task_id = make_task(app, "in_progress")
    for event in ("grant_extension", "refuse_extension"):
        assert fire(api, task_id, event, "office", version=2, reason="x").status_code == 409
    asked = fire(
        api, task_id, "request_extension", "liaison-edu", version=2, **VALID["request_extension"]
    )
    assert asked.json["extension_request"] == {"new_deadline": "2100-06-30", "reason": "资金未到位"}
    again = fire(
        api, task_id, "request_extension", "liaison-edu", version=3, **VALID["request_extension"]
    )
    assert again.status_code == 409  # one request at a time
    granted = fire(api, task_id, "grant_extension", "office", version=3)
    assert (granted.json["deadline"], granted.json["original_deadline"]) == (
        "2100-06-30",
        "2099-12-31",
    )
    assert granted.json["extension_request"] is None


def test_a_refused_extension_keeps_the_deadline(app, api):
    task_id = make_task(app, "in_progress")
    fire(api, task_id, "request_extension", "liaison-edu", version=2, **VALID["request_extension"])
    refused = fire(api, task_id, "refuse_extension", "office", version=3, reason="理由不充分")
    assert refused.status_code == 200
    assert (refused.json["deadline"], refused.json["original_deadline"]) == (
        "2099-12-31",
        "2099-12-31",
    )
    assert refused.json["history"][-1]["fields"]["asked_for"] == "2100-06-30"


def test_an_extension_must_move_the_deadline_later(app, api):
    task_id = make_task(app, "in_progress")
    response = fire(
        api,
        task_id,
        "request_extension",
        "liaison-edu",
        version=2,
        new_deadline="2099-01-01",
        reason="x",
    )
    assert response.status_code == 422


def test_the_item_closes_with_its_last_task_and_not_before(app, api):
    first = make_task(app, "completion_requested")
    with app.app_context():
        item_id = db.session.get(Task, first).item_id
    second = make_task(app, "completion_requested", item_id=item_id)
    assert fire(api, first, "confirm", "office", version=3).status_code == 200
    assert item_row(app, item_id)[0] == "implementing"
    assert fire(api, second, "confirm", "office", version=3).status_code == 200
    assert item_row(app, item_id)[0] == "closed"
    history = api.get(f"/api/v1/items/{item_id}", as_="office").json["history"]
    assert [h["event"] for h in history][-3:] == ["adopt", "start_implementation", "close"]


def test_adjusting_units_keeps_before_and_after_and_tells_everyone(app, api):
    task_id = make_task(app, "in_progress")
    response = fire(api, task_id, "adjust_units", "office", version=2, lead_unit="health",
                    responsible_units=["education-sports"], reason="职责调整")  # fmt: skip
    assert response.status_code == 200
    assert (response.json["lead_unit"], response.json["responsible_units"]) == (
        "health",
        ["education-sports"],
    )
    fields = response.json["history"][-1]["fields"]
    assert fields["before"] == {
        "lead_unit": "education-sports",
        "responsible_units": ["civil-affairs"],
    }
    assert (fields["lead_unit"], fields["reason"]) == ("health", "职责调整")
    released = [
        n["kind"] for n in api.get("/api/v1/notifications", as_="liaison-civil").json["items"]
    ]
    assert released[0] == "task_released"
    # education-sports stays on the task (now responsible): not released.
    edu = [n["kind"] for n in api.get("/api/v1/notifications", as_="liaison-edu").json["items"]]
    assert "task_released" not in edu
    assert fire(api, task_id, "accept", "liaison-edu", version=3).status_code == 403


def test_urging_notifies_the_lead_unit(app, api):
    task_id = make_task(app, "assigned")
    fire(api, task_id, "urge", "office", version=1, message="请于本周内报送进展")
    notes = api.get("/api/v1/notifications", as_="liaison-edu").json["items"]
    assert notes[0]["kind"] == "task_urged" and notes[0]["body"] == "请于本周内报送进展"
    assert notes[0]["link"] == f"/tasks/{task_id}"


def test_reports_are_kept_on_the_task(app, api):
    task_id = make_task(app, "in_progress")
    fire(api, task_id, "report_progress", "liaison-civil", version=2, text="已配合完成摸排")
    body = fire(api, task_id, "report_progress", "liaison-edu", version=3, text="已完成选址").json
    assert [(r["unit"], r["text"]) for r in body["reports"]] == [
        ("civil-affairs", "已配合完成摸排"), ("education-sports", "已完成选址")]  # fmt: skip


def test_other_units_do_not_see_a_task(app, api):
    task_id = make_task(app, "assigned")
    assert (
        api.get(f"/api/v1/tasks/{task_id}", as_="liaison-civil").status_code == 200
    )  # responsible
    with app.app_context():
        from meeting.accounts.operations import create_user

        create_user("liaison-fin", "liaison", "password-123", "finance")
        db.session.commit()
    assert api.get(f"/api/v1/tasks/{task_id}", as_="liaison-fin").status_code == 404
    assert api.get("/api/v1/tasks", as_="liaison-fin").json["total"] == 0


def test_overdue_turns_at_county_midnight(app):
    task_id = make_task(app, "in_progress", deadline="2099-03-10")
    with app.app_context():
        task = db.session.get(Task, task_id)
        before_midnight = county_today(datetime(2099, 3, 10, 15, 59))  # 23:59 in Asia/Shanghai
        after_midnight = county_today(datetime(2099, 3, 10, 16, 0))  # 00:00 on the 11th
        assert before_midnight == date(2099, 3, 10) and after_midnight == date(2099, 3, 11)
        assert not is_overdue(task, before_midnight)
        assert is_overdue(task, after_midnight)
        assert warning_of(task, date(2099, 3, 6)) == "yellow"  # within 5 days
        assert warning_of(task, date(2099, 3, 1)) == "none"
        assert warning_of(task, date(2099, 3, 20)) == "red"
        assert warning_of(task, date(2099, 3, 21)) == "dark_red"  # more than 10 days overdue


def test_the_ledger_filters(app, api, monkeypatch):
    soon, late, done = (
        make_task(app, "in_progress", deadline=d)
        for d in ("2099-03-12", "2099-03-01", "2099-02-01")
    )
    make_task(app, "done", deadline="2099-02-02")
    monkeypatch.setattr("meeting.tasks.deadlines.utcnow", lambda: datetime(2099, 3, 9, 2, 0))

    def ids(query):
        return [t["id"] for t in api.get(f"/api/v1/tasks?{query}", as_="office").json["items"]]

    assert ids("overdue=true") == [done, late]
    assert ids("warning=yellow") == [soon]
    assert ids("warning=dark_red") == [done]
    assert ids("due_within=3") == [soon]
    assert ids("state=done&unit=civil-affairs") and ids("unit=finance") == []
    assert api.get("/api/v1/tasks?warning=purple", as_="office").status_code == 422
    body = api.get(f"/api/v1/tasks/{late}", as_="office").json
    assert (body["overdue"], body["warning"]) == (True, "red")


def test_the_ledger_sorted_by_state_or_unit_pages_its_ties_by_id(app, api):
    """Tasks alike in state, unit and deadline come in the order they were assigned, page after
    page, even after one changed (PostgreSQL keeps a changed row's index entry last)."""
    ids = [make_task(app, "in_progress") for _ in range(3)]
    version = api.get(f"/api/v1/tasks/{ids[0]}", "office").json["version"]
    urged = api.post(f"/api/v1/tasks/{ids[0]}/events/urge", "office",
                     json={"version": version, "message": "请加快进度"})  # fmt: skip
    assert urged.status_code == 200, urged.json
    for sort in ("state", "unit"):
        pages = [api.get("/api/v1/tasks", "office",
                         query_string={"sort": sort, "per_page": 1, "page": n}).json["items"]
                 for n in (1, 2, 3)]  # fmt: skip
        assert [page[0]["id"] for page in pages] == ids, sort
