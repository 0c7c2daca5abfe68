"""Issue 16: work the county government or the joint meeting assigns (二(四), 三(五)), and the
agenda cut-off before a plenary with deferred items offered again (五(一), 五(二))."""

import re
from datetime import date, datetime, timedelta

import pytest

from meeting.extensions import db
from meeting.items.models import Item
from meeting.tasks.deadlines import county_today
from tests.conftest import table_counts
from tests.items_factory import item_row, make_item
from tests.meetings_factory import make_meeting, meeting_row
from workflows import agenda_item
from workflows import meeting as meeting_workflow

RULES = {"approvers": ["general_convener", "convener"]}
# A leader's instruction 批示 assigning work to the joint meeting (二(四)).
ASSIGNED = {
    "title": "做好寒假期间农村留守儿童安全防护工作",
    "background": "县政府分管负责领导就寒假期间留守儿童安全作出批示。",
    "proposal": "由县教育和体育局牵头,会同各成员单位开展寒假安全家访。",
    "category": "coordination",
    "duty_refs": ["二(四)"],
    "source": "county_government",
    "source_title": "县政府分管负责领导关于做好寒假期间留守儿童安全工作的批示",
    "source_number": "府政批〔2026〕12号",
    "source_date": "2026-11-20",
    "unit": "education-sports",
}
DEFERRED_MARKERS = ("暂缓审议，再次提交", "Deferred, submitted again")


# -- the rules, on plain values ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("approved_on", "starts_on", "days", "late"),
    [
        (date(2026, 12, 3), date(2026, 12, 10), 7, False),  # exactly 7 days before
        (date(2026, 12, 4), date(2026, 12, 10), 7, True),  # 6 days before
        (date(2026, 11, 1), date(2026, 12, 10), 7, False),
        (date(2026, 12, 10), date(2026, 12, 10), 7, True),  # on the meeting's day
        (date(2026, 12, 11), date(2026, 12, 10), 7, False),  # a held meeting entered afterwards
        (None, date(2026, 12, 10), 7, False),  # approved before the records began
        (date(2026, 12, 10), date(2026, 12, 10), 0, False),  # 0: no cut-off
        (date(2026, 12, 9), date(2026, 12, 10), 1, False),
        (date(2026, 12, 10), date(2026, 12, 10), 1, True),
    ],
)
def test_the_cutoff_rule_on_dates(approved_on, starts_on, days, late):
    assert meeting_workflow.approved_too_late(approved_on, starts_on, days) is late
    assert meeting_workflow.last_approval_day(starts_on, days) == starts_on - timedelta(days)


def test_only_a_plenary_closes_its_agenda():
    rules = {"agenda_cutoff_days": 7}
    late, starts = date(2026, 12, 8), date(2026, 12, 10)
    assert meeting_workflow.past_cutoff("plenary", late, starts, rules)
    assert not meeting_workflow.past_cutoff("ad_hoc", late, starts, rules)  # called when needed
    assert not meeting_workflow.past_cutoff("plenary", date(2026, 12, 1), starts, rules)
    assert meeting_workflow.past_cutoff("plenary", date(2026, 12, 5), starts, {})  # default 7
    assert meeting_workflow.agenda_cutoff_days({}) == meeting_workflow.DEFAULT_AGENDA_CUTOFF_DAYS


def test_who_starts_and_writes_up_an_item_by_its_source():
    assert agenda_item.may_create("unit", "liaison")
    assert not agenda_item.may_create("unit", "office")
    for source in ("county_government", "joint_meeting"):
        assert agenda_item.may_create(source, "office")
        assert not agenda_item.may_create(source, "liaison")
        # The office authors assigned work; the lead unit's liaison follows it but does not
        # submit it; review and approval are everyone's same.
        assert agenda_item.available_events("draft", "office", None, "edu", RULES, source) == [
            "submit",
            "withdraw",
        ]
        assert agenda_item.available_events("draft", "liaison", "edu", "edu", RULES, source) == []
        assert agenda_item.available_events("submitted", "office", None, "edu", RULES, source) == [
            "withdraw",
            "return_for_revision",
            "decline",
            "pass_review",
        ]
        assert agenda_item.available_events("reviewed", "convener", None, "edu", RULES, source) == [
            "send_back",
            "approve",
        ]
    assert agenda_item.available_events("draft", "office", None, "edu", RULES) == []
    assert not agenda_item.may_create("nobody", "office")


# -- assigned work (二(四), 三(五)) ------------------------------------------------------------


def fire(api, item_id, event, username, **body):
    version = api.get(f"/api/v1/items/{item_id}", as_="office").json["version"]
    return api.post(f"/api/v1/items/{item_id}/events/{event}", as_=username,
                    json={"version": version, **body})  # fmt: skip


def fire_task(api, task_id, event, username, **body):
    version = api.get(f"/api/v1/tasks/{task_id}", as_="office").json["version"]
    return api.post(f"/api/v1/tasks/{task_id}/events/{event}", as_=username,
                    json={"version": version, **body})  # fmt: skip


def starts_in(days: int) -> str:
    return f"{(county_today() + timedelta(days=days)).isoformat()}T09:30+08:00"


def kinds(api, username: str) -> list[str]:
    return [n["kind"] for n in api.get("/api/v1/notifications", as_=username).json["items"]]


def test_county_government_work_from_registration_to_closed(app, api, client, auth):
    registered = api.post("/api/v1/items", as_="office", json=ASSIGNED)
    assert registered.status_code == 201, registered.json
    item = registered.json
    item_id = item["id"]
    assert (item["state"], item["unit"], item["source"]) == ("draft", "education-sports",
                                                            "county_government")  # fmt: skip
    assert (item["source_title"], item["source_number"], item["source_date"]) == (
        ASSIGNED["source_title"], ASSIGNED["source_number"], "2026-11-20")  # fmt: skip
    assert item["available_events"] == ["submit", "withdraw"]  # the office authors it
    created = item["history"][0]
    assert (created["event"], created["actor"], created["role"]) == ("create", "office", "office")
    assert created["fields"]["source"] == "county_government"
    assert created["fields"]["source_number"] == "府政批〔2026〕12号"
    assert created["fields"]["unit"] == "education-sports"

    # The proposed lead unit's liaison is told, sees it among their unit's items, cannot
    # submit it (the office does); another unit's liaison does not see the draft.
    assert "item_registered" in kinds(api, "liaison-edu")
    seen = api.get(f"/api/v1/items/{item_id}", as_="liaison-edu")
    assert seen.status_code == 200 and seen.json["available_events"] == []
    assert fire(api, item_id, "submit", "liaison-edu").status_code == 403
    assert api.get(f"/api/v1/items/{item_id}", as_="liaison-civil").status_code == 404
    mine = api.get("/api/v1/items?unit=education-sports", as_="liaison-edu").json["items"]
    assert item_id in [i["id"] for i in mine]

    # The same review and approval as any item.
    assert fire(api, item_id, "submit", "office").json["state"] == "submitted"
    assert fire(api, item_id, "pass_review", "office", opinion="建议提交全体会议").json[
        "state"
    ] == ("reviewed")
    approved = fire(api, item_id, "approve", "convener")
    assert approved.json["state"] == "approved" and approved.json["approved_at"]
    assert {"item_approve"} <= set(kinds(api, "liaison-edu"))

    # On a plenary a month away (well before its agenda cut-off), adopted.
    meeting_id = make_meeting(app, "plenary", "convened", starts_at=starts_in(30))
    added = api.post(f"/api/v1/meetings/{meeting_id}/agenda", as_="office",
                     json={"item_id": item_id})  # fmt: skip
    assert added.status_code == 200, added.json
    assert api.post(f"/api/v1/meetings/{meeting_id}/events/open", as_="office",
                    json={"version": meeting_row(app, meeting_id)[1]}).status_code == 200  # fmt: skip
    decided = api.post(f"/api/v1/meetings/{meeting_id}/decisions", as_="office", json={
        "item_id": item_id, "decision": "adopt", "resolution": "同意,由县教育和体育局牵头落实",
        "version": item_row(app, item_id)[1]})  # fmt: skip
    assert decided.status_code == 200, decided.json
    assert item_row(app, item_id)[0] == "adopted"
    assert "item_adopt" in kinds(api, "liaison-edu")

    # A task to the lead unit, done and confirmed: the item closes.
    assigned = api.post(f"/api/v1/items/{item_id}/tasks", as_="office", json={
        "lead_unit": "education-sports", "responsible_units": ["civil-affairs"],
        "deadline": "2099-12-31", "description": "开展寒假安全家访"})  # fmt: skip
    assert assigned.status_code == 201, assigned.json
    task_id = assigned.json["id"]
    assert item_row(app, item_id)[0] == "implementing"
    assert fire_task(api, task_id, "accept", "liaison-edu").status_code == 200
    assert fire_task(api, task_id, "request_completion", "liaison-edu",
                     report="已完成家访全覆盖").status_code == 200  # fmt: skip
    assert fire_task(api, task_id, "confirm", "office").json["state"] == "done"

    final = api.get(f"/api/v1/items/{item_id}", as_="liaison-edu").json
    assert final["state"] == "closed"
    assert [(h["event"], h["to"]) for h in final["history"]] == [
        ("create", "draft"), ("submit", "submitted"), ("pass_review", "reviewed"),
        ("approve", "approved"), ("schedule", "scheduled"), ("adopt", "adopted"),
        ("start_implementation", "implementing"), ("close", "closed"),
    ]  # fmt: skip
    assert [h["actor"] for h in final["history"][:4]] == ["office", "office", "office", "convener"]

    # The lead unit's liaison finds it on "my unit's items", with its source shown.
    auth.login("liaison-edu")
    assert f'data-item="{item_id}"' in client.get("/items/mine").get_data(as_text=True)
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert 'data-source="county_government"' in page
    assert ASSIGNED["source_title"] in page and "府政批〔2026〕12号" in page


def test_joint_meeting_work_is_registered_too(app, api):
    body = {**ASSIGNED, "source": "joint_meeting", "source_title": "2026年第1次全体会议纪要",
            "source_number": "", "source_date": None, "unit": "civil-affairs",
            "duty_refs": ["二(三)"]}  # fmt: skip
    response = api.post("/api/v1/items", as_="office", json=body)
    assert response.status_code == 201, response.json
    assert (response.json["source"], response.json["unit"]) == ("joint_meeting", "civil-affairs")
    assert response.json["source_number"] is None and response.json["source_date"] is None


@pytest.mark.parametrize(
    ("username", "body", "status", "field"),
    [
        ("liaison-edu", ASSIGNED, 403, None),  # a liaison registers no assigned work
        ("liaison-edu", {**ASSIGNED, "source": "joint_meeting"}, 403, None),
        ("liaison-edu", {**ASSIGNED, "source": "unit"}, 422, "source_title"),  # no document
        ("liaison-edu", {"title": "x", "unit": "civil-affairs"}, 422, "unit"),  # own unit only
        ("convener", ASSIGNED, 403, None),
        ("office", {"title": "x"}, 403, None),  # the office proposes nothing of its own
        ("office", {**ASSIGNED, "source_title": None}, 422, "source_title"),
        ("office", {k: v for k, v in ASSIGNED.items() if k != "unit"}, 422, "unit"),
        ("office", {**ASSIGNED, "unit": "nasa"}, 422, "unit"),
        ("office", {**ASSIGNED, "source": "mayor"}, 422, "source"),
        ("office", {**ASSIGNED, "duty_refs": ["四(十)"]}, 422, "duty_refs"),  # not the lead's
        ("office", {**ASSIGNED, "source_date": "2026-13-01"}, 422, "source_date"),
    ],
)
def test_registering_is_refused_and_nothing_changes(app, api, username, body, status, field):
    before = table_counts(app)
    response = api.post("/api/v1/items", as_=username, json=body)
    assert response.status_code == status, response.json
    if field:
        assert field in response.json["fields"]
    assert table_counts(app) == before


def test_a_liaison_edits_no_source_document(app, api):
    item_id = make_item(app, "draft")
    before = table_counts(app), item_row(app, item_id)
    response = api.request("PATCH", f"/api/v1/items/{item_id}", as_="liaison-edu",
                           json={"version": 1, "source_title": "批示"})  # fmt: skip
    assert response.status_code == 422 and "source_title" in response.json["fields"]
    assert (table_counts(app), item_row(app, item_id)) == before


def test_the_office_registers_and_corrects_through_the_pages(app, client, auth):
    auth.login("liaison-edu")
    assert client.get("/items/register").status_code == 403
    auth.logout()

    auth.login("office")
    form = client.get("/items/register").get_data(as_text=True)
    assert "登记交办事项" in form or "Register assigned work" in form
    offered = set(re.findall(r'name="duty_refs"[^>]*value="([^"]+)"', form))
    assert offered == {"二(一)", "二(二)", "二(三)", "二(四)"}  # the joint meeting's duties
    assert 'value="county_government"' in form and 'value="education-sports"' in form
    data = {k: v for k, v in ASSIGNED.items()}
    before = table_counts(app)
    missing = client.post("/items/register", data={**data, "source_title": ""})
    assert missing.status_code == 422 and table_counts(app) == before
    response = client.post("/items/register", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    item_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert ASSIGNED["source_title"] in page and 'data-event="submit"' in page
    listed = client.get("/items/").get_data(as_text=True)
    assert f'data-item="{item_id}"' in listed and 'data-source="county_government"' in listed

    edit = client.get(f"/items/{item_id}/edit").get_data(as_text=True)
    assert "府政批〔2026〕12号" in edit
    corrected = client.post(f"/items/{item_id}/edit", data={
        **{k: v for k, v in data.items() if k not in ("source", "unit")},
        "source_number": "府政批〔2026〕13号", "version": 1})  # fmt: skip
    assert corrected.status_code == 302
    with app.app_context():
        item = db.session.get(Item, item_id)
        assert (item.source_number, item.version) == ("府政批〔2026〕13号", 2)


# -- the agenda cut-off (五(二)) and deferred items (五(一)) -----------------------------------


def approved_days_ago(app, monkeypatch, days: int, state: str = "approved", **fields) -> int:
    """An item walked to STATE as if approved DAYS ago (the clock of the item's operations)."""
    then = datetime.now() - timedelta(days=days)  # noqa: DTZ005 -- naive, as utcnow is
    monkeypatch.setattr("meeting.items.operations.utcnow", lambda: then)
    try:
        return make_item(app, state, **fields)
    finally:
        monkeypatch.undo()


def picker(client, meeting_id) -> dict[int, str]:
    """The candidate picker of the meeting page: item id -> the option's markup."""
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    return {
        int(m[1]): m[0] for m in re.finditer(r'<option value="(\d+)"[^>]*>[^<]*</option>', page)
    }


def add(api, meeting_id, item_id):
    return api.post(f"/api/v1/meetings/{meeting_id}/agenda", as_="office",
                    json={"item_id": item_id})  # fmt: skip


def admit(api, meeting_id, item_id, username, **body):
    version = item_row(api.app, item_id)[1]
    return api.post(f"/api/v1/meetings/{meeting_id}/admissions", as_=username,
                    json={"item_id": item_id, "version": version, **body})  # fmt: skip


def test_the_agenda_closes_before_a_plenary_unless_a_convener_admits(app, api, client, auth,
                                                                     monkeypatch):  # fmt: skip
    early = approved_days_ago(app, monkeypatch, 20, title="早已审定的议题")
    deferred = approved_days_ago(app, monkeypatch, 40, "deferred", title="暂缓审议的议题")
    late = make_item(app, "approved", title="临近会议才审定的议题")
    also_late = make_item(app, "approved", title="另一个临近会议才审定的议题")
    plenary = make_meeting(app, "plenary", "convened", starts_at=starts_in(5))
    next_plenary = make_meeting(app, "plenary", "planned", starts_at=starts_in(60))

    auth.login("office")
    offered = picker(client, plenary)
    assert early in offered and deferred in offered
    assert late not in offered and also_late not in offered
    assert 'data-deferred="1"' in offered[deferred]
    assert any(marker in offered[deferred] for marker in DEFERRED_MARKERS)
    assert "data-deferred" not in offered[early]
    page = client.get(f"/meetings/{plenary}").get_data(as_text=True)
    assert f'data-late-item="{late}"' in page  # shown, with why, but no admit button for the office
    assert f'action="/meetings/{plenary}/admissions"' not in page
    # The next plenary takes it: it was approved well before that one.
    assert late in picker(client, next_plenary)
    auth.logout()

    # Adding it is refused, and nothing changes.
    before = table_counts(app), item_row(app, late), meeting_row(app, plenary)
    refused = add(api, plenary, late)
    assert refused.status_code == 409 and refused.json["error"] == "invalid_transition"
    assert "五(二)" in refused.json["message"]
    assert (table_counts(app), item_row(app, late), meeting_row(app, plenary)) == before

    # Only a convener admits it: not the office, not a liaison; and only a late item.
    for username in ("office", "liaison-edu", "observer"):
        assert admit(api, plenary, late, username).status_code == 403
    assert admit(api, plenary, early, "convener").status_code == 409
    assert (table_counts(app), item_row(app, late), meeting_row(app, plenary)) == before

    admitted = admit(api, plenary, late, "convener", comment="县政府要求本次会议研究")
    assert admitted.status_code == 200, admitted.json
    assert admitted.json["history"][-1]["event"] == "admit_late"
    item = api.get(f"/api/v1/items/{late}", as_="office").json
    assert (item["state"], item["admitted_meeting_id"]) == ("approved", plenary)
    last = item["history"][-1]
    assert (last["event"], last["from"], last["to"], last["actor"]) == (
        "admit_late", "approved", "approved", "convener")  # fmt: skip
    assert last["fields"] == {"meeting_id": plenary, "comment": "县政府要求本次会议研究"}
    assert "item_admit_late" in kinds(api, "office")
    assert admit(api, plenary, late, "general").status_code == 409  # once is enough

    # The general convener admits the other one through the meeting page.
    auth.login("general")
    page = client.get(f"/meetings/{plenary}").get_data(as_text=True)
    assert f'data-late-item="{also_late}"' in page and f'data-late-item="{late}"' not in page
    response = client.post(f"/meetings/{plenary}/admissions", data={
        "item_id": also_late, "version": item_row(app, also_late)[1]})  # fmt: skip
    assert response.status_code == 302
    auth.logout()

    auth.login("office")
    offered = picker(client, plenary)
    assert 'data-admitted="1"' in offered[late] and 'data-admitted="1"' in offered[also_late]
    auth.logout()
    for item_id in (late, also_late, early, deferred):
        assert add(api, plenary, item_id).status_code == 200
        assert item_row(app, item_id)[0] == "scheduled"
    history = api.get(f"/api/v1/items/{deferred}", as_="office").json["history"]
    assert [h["event"] for h in history][-2:] == ["defer", "schedule"]


def test_an_ad_hoc_meeting_has_no_cutoff(app, api, client, auth):
    late = make_item(app, "approved")
    ad_hoc = make_meeting(app, "ad_hoc", "convened", starts_at=starts_in(2))
    auth.login("office")
    assert late in picker(client, ad_hoc)
    assert add(api, ad_hoc, late).status_code == 200
    assert admit(api, ad_hoc, late, "convener").status_code == 409  # nothing to admit there


def test_a_plenary_entered_after_it_was_held_takes_the_items_it_decided(app, api):
    """The office records a plenary held last week: items approved since are not late for it."""
    item_id = make_item(app, "approved")
    held = make_meeting(app, "plenary", "convened", starts_at=starts_in(-7))
    assert add(api, held, item_id).status_code == 200


def test_a_deferred_item_is_offered_again_at_the_next_meeting(app, api, client, auth,
                                                              monkeypatch):  # fmt: skip
    """Deferred at one meeting (五(一): decided later), it is among the next one's candidates,
    marked, with its history, and goes on its agenda."""
    item_id = approved_days_ago(app, monkeypatch, 30, "deferred")
    history = api.get(f"/api/v1/items/{item_id}", as_="office").json["history"]
    assert [h["event"] for h in history][-2:] == ["schedule", "defer"]
    next_meeting = make_meeting(app, "plenary", "convened", starts_at=starts_in(20))
    auth.login("office")
    option = picker(client, next_meeting)[item_id]
    assert any(marker in option for marker in DEFERRED_MARKERS)
    assert add(api, next_meeting, item_id).status_code == 200
    history = api.get(f"/api/v1/items/{item_id}", as_="office").json["history"]
    assert [h["event"] for h in history][-3:] == ["schedule", "defer", "schedule"]
