"""The agenda-item workflow through the JSON API: every event, role and state of DOMAIN.md."""

import pytest

from tests.conftest import USERS, table_counts
from tests.items_factory import DRAFT, STEPS, item_row, make_item
from workflows.agenda_item import STATES

# DOMAIN.md's table, restated as the test's own expectation: event -> (from states, users).
# Items are proposed by education-sports, so "liaison-edu" is the proposing unit's liaison.
DOMAIN_EVENTS = {
    "submit": ({"draft", "returned"}, {"liaison-edu"}),
    "withdraw": ({"draft", "submitted", "returned"}, {"liaison-edu"}),
    "return_for_revision": ({"submitted"}, {"office"}),
    "decline": ({"submitted"}, {"office"}),
    "pass_review": ({"submitted"}, {"office"}),
    "send_back": ({"reviewed"}, {"convener", "general"}),
    "approve": ({"reviewed"}, {"convener", "general"}),
}
DESTINATION = {
    "submit": "submitted",
    "withdraw": "withdrawn",
    "return_for_revision": "returned",
    "decline": "declined",
    "pass_review": "reviewed",
    "send_back": "submitted",
    "approve": "approved",
}
FIELDS = {
    "withdraw": {"reason": "已另行处理"},
    "return_for_revision": {"comment": "请补充经费测算"},
    "decline": {"reason": "不属于本联席会议职责"},
    "pass_review": {"opinion": "同意提交全体会议审议"},
    "send_back": {"comment": "请办公室补充意见"},
    "approve": {},
    "submit": {},
}
MEETING_EVENTS = ["schedule", "unschedule", "adopt", "reject", "defer"]
NEVER_SUBMITTED = {"draft", "withdrawn"}  # the factory withdraws straight from draft


def expected_status(event: str, state: str, username: str) -> int:
    states, users = DOMAIN_EVENTS[event]
    if state in NEVER_SUBMITTED and username != "liaison-edu":
        return 404  # another unit's draft is not even visible
    if username not in users:
        return 403
    if state not in states:
        return 409
    return 200


def fire(api, item_id, event, username, **body):
    return api.post(f"/api/v1/items/{item_id}/events/{event}", as_=username, json=body)


def history_count(api, item_id) -> int:
    return len(api.get(f"/api/v1/items/{item_id}", as_="liaison-edu").json["history"])


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("event", list(DOMAIN_EVENTS))
def test_each_event_for_each_role_and_state(app, api, event, state):
    for username in USERS:
        item_id = make_item(app, state)
        before_row, before_counts = item_row(app, item_id), table_counts(app)
        version = before_row[1]

        response = fire(api, item_id, event, username, version=version, **FIELDS[event])

        status = expected_status(event, state, username)
        assert response.status_code == status, (username, response.json)
        if status == 200:
            body = response.json
            assert body["state"] == DESTINATION[event]
            assert body["version"] == version + 1
            last = body["history"][-1]
            assert (last["event"], last["from"], last["to"]) == (event, state, DESTINATION[event])
            assert last["actor"] == username and last["role"] == USERS[username][0]
            if event == "submit":  # the text it carries
                assert set(last["fields"]) >= {"title", "background", "proposal", "duty_refs"}
            else:
                assert last["fields"] == FIELDS[event]
            assert len(body["history"]) == body["version"]
            continue
        error = {403: "forbidden", 404: "not_found", 409: "invalid_transition"}[status]
        assert response.json["error"] == error
        if status == 409:
            assert response.json["state"] == state
            assert event not in response.json["available_events"]
        assert item_row(app, item_id) == before_row
        assert table_counts(app) == before_counts


@pytest.mark.parametrize("event", MEETING_EVENTS + ["start_implementation", "close"])
@pytest.mark.parametrize("state", ["approved", "scheduled", "adopted", "implementing"])
def test_meeting_and_system_events_cannot_be_fired_on_the_item(app, api, event, state):
    item_id = make_item(app, state)
    before = item_row(app, item_id), table_counts(app)
    for username in ("office", "general", "convener"):
        body = {"version": before[0][1], "meeting_id": 1, "resolution": "x", "reason": "x"}
        response = fire(api, item_id, event, username, **body)
        assert response.status_code == 403
        assert response.json["error"] == "forbidden"
    assert (item_row(app, item_id), table_counts(app)) == before


def test_unknown_event_is_404(app, api):
    item_id = make_item(app, "submitted")
    response = fire(api, item_id, "teleport", "office", version=2)
    assert response.status_code == 404
    assert response.json["error"] == "unknown_event"


def test_stale_version_is_refused_and_changes_nothing(app, api):
    item_id = make_item(app, "submitted")
    state, version = item_row(app, item_id)
    before = table_counts(app)
    response = fire(api, item_id, "pass_review", "office", version=version - 1, opinion="同意")
    assert response.status_code == 409
    assert response.json == {**response.json, "error": "stale", "version": version}
    assert item_row(app, item_id) == (state, version)
    assert table_counts(app) == before


@pytest.mark.parametrize(
    ("state", "event", "username", "missing"),
    [
        ("submitted", "pass_review", "office", "opinion"),
        ("submitted", "return_for_revision", "office", "comment"),
        ("submitted", "decline", "office", "reason"),
        ("reviewed", "send_back", "convener", "comment"),
        ("draft", "withdraw", "liaison-edu", "reason"),
        ("submitted", "pass_review", "office", "version"),
    ],
)
def test_missing_field_is_422_and_changes_nothing(app, api, state, event, username, missing):
    item_id = make_item(app, state)
    before = item_row(app, item_id), table_counts(app)
    body = {"version": before[0][1], **FIELDS[event]}
    body.pop(missing, None)
    response = fire(api, item_id, event, username, **body)
    assert response.status_code == 422
    assert response.json["error"] == "invalid"
    assert missing in response.json["fields"]
    assert (item_row(app, item_id), table_counts(app)) == before


def test_a_blank_field_counts_as_missing(app, api):
    item_id = make_item(app, "submitted")
    response = fire(api, item_id, "pass_review", "office", version=2, opinion="   ")
    assert response.status_code == 422


@pytest.mark.parametrize("missing", ["title", "background", "proposal", "duty_refs"])
def test_submit_needs_the_text_and_a_duty(app, api, missing):
    item_id = make_item(app, "draft", **{missing: [] if missing == "duty_refs" else ""})
    before = item_row(app, item_id), table_counts(app)
    response = fire(api, item_id, "submit", "liaison-edu", version=1)
    assert response.status_code == 422
    assert list(response.json["fields"]) == [missing]
    assert (item_row(app, item_id), table_counts(app)) == before


def test_submit_may_carry_the_text(app, api):
    item_id = make_item(app, "draft", title="")
    response = fire(api, item_id, "submit", "liaison-edu", version=1, title="补充后的标题")
    assert response.status_code == 200
    assert response.json["title"] == "补充后的标题"


def test_create_a_draft_for_the_callers_unit(app, api):
    response = api.post("/api/v1/items", as_="liaison-edu", json=DRAFT)
    assert response.status_code == 201
    body = response.json
    assert (body["state"], body["version"], body["unit"]) == ("draft", 1, "education-sports")
    assert body["available_events"] == ["submit", "withdraw"]
    assert [h["event"] for h in body["history"]] == ["create"]
    assert body["tasks"] == [] and body["meeting_id"] is None


@pytest.mark.parametrize("refs", [["四(十)"], ["三(一)"], ["五(一)"], "四(九)", [1]])
def test_only_the_units_duties_and_the_joint_meetings_may_be_cited(app, api, refs):
    before = table_counts(app)
    response = api.post("/api/v1/items", as_="liaison-edu", json={**DRAFT, "duty_refs": refs})
    assert response.status_code == 422
    assert "duty_refs" in response.json["fields"]
    assert table_counts(app) == before


def test_joint_meeting_duties_may_be_cited(app, api):
    response = api.post(
        "/api/v1/items", as_="liaison-edu", json={**DRAFT, "duty_refs": ["四(九)", "二(三)"]}
    )
    assert response.status_code == 201
    assert response.json["duty_refs"] == ["四(九)", "二(三)"]


@pytest.mark.parametrize("username", ["office", "convener", "general", "observer", "admin"])
def test_only_liaisons_create_items(app, api, username):
    before = table_counts(app)
    response = api.post("/api/v1/items", as_=username, json=DRAFT)
    assert response.status_code == 403
    assert table_counts(app) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": "party"}, "category"),
        ({"title": "x" * 201}, "title"),
        ({"colour": 1}, "colour"),
    ],
)
def test_bad_item_fields_are_422(app, api, body, field):
    response = api.post("/api/v1/items", as_="liaison-edu", json={**DRAFT, **body})
    assert response.status_code == 422
    assert field in response.json["fields"]


def test_a_non_object_body_is_422(app, api):
    response = api.post(
        "/api/v1/items", as_="liaison-edu", data="[]", content_type="application/json"
    )
    assert response.status_code == 422


def test_edit_a_draft_with_its_version(app, api):
    item_id = make_item(app, "draft")
    response = api.request(
        "PATCH",
        f"/api/v1/items/{item_id}",
        as_="liaison-edu",
        json={"title": "新标题", "version": 1},
    )
    assert response.status_code == 200
    assert (response.json["title"], response.json["version"]) == ("新标题", 2)
    assert response.json["history"][-1]["event"] == "edit"
    assert response.json["history"][-1]["fields"] == {"title": "新标题"}
    stale = api.request(
        "PATCH", f"/api/v1/items/{item_id}", as_="liaison-edu", json={"title": "再改", "version": 1}
    )
    assert stale.status_code == 409 and stale.json["error"] == "stale"


def test_submitted_items_cannot_be_edited(app, api):
    item_id = make_item(app, "submitted")
    before = item_row(app, item_id)
    response = api.request(
        "PATCH", f"/api/v1/items/{item_id}", as_="liaison-edu", json={"title": "改", "version": 2}
    )
    assert response.status_code == 409
    assert response.json["error"] == "invalid_transition"
    assert item_row(app, item_id) == before


def test_another_units_liaison_cannot_see_or_touch_a_draft(app, api):
    item_id = make_item(app, "draft")
    assert api.get(f"/api/v1/items/{item_id}", as_="liaison-civil").status_code == 404
    listed = api.get("/api/v1/items", as_="liaison-civil").json
    assert item_id not in [i["id"] for i in listed["items"]]
    patch = api.request(
        "PATCH", f"/api/v1/items/{item_id}", as_="liaison-civil", json={"title": "x", "version": 1}
    )
    assert patch.status_code == 404
    assert fire(api, item_id, "submit", "liaison-civil", version=1).status_code == 404
    assert api.get(f"/api/v1/items/{item_id}", as_="office").status_code == 404  # not yet submitted


def test_another_units_liaison_sees_a_submitted_item_but_cannot_act(app, api):
    item_id = make_item(app, "submitted")
    body = api.get(f"/api/v1/items/{item_id}", as_="liaison-civil").json
    assert body["available_events"] == []
    assert fire(api, item_id, "withdraw", "liaison-civil", version=2, reason="x").status_code == 403
    patch = api.request(
        "PATCH", f"/api/v1/items/{item_id}", as_="liaison-civil", json={"title": "x", "version": 2}
    )
    assert patch.status_code == 403


def test_available_events_depend_on_the_caller(app, api):
    item_id = make_item(app, "submitted")
    events = {
        username: api.get(f"/api/v1/items/{item_id}", as_=username).json["available_events"]
        for username in USERS
    }
    assert events["office"] == ["return_for_revision", "decline", "pass_review"]
    assert events["liaison-edu"] == ["withdraw"]
    assert events["convener"] == events["observer"] == events["admin"] == []


def test_list_filters_sorts_and_pages(app, api):
    ids = {state: make_item(app, state) for state in ("submitted", "reviewed", "approved")}
    make_item(app, "submitted", by="liaison-civil", duty_refs=["四(一)"])
    body = api.get("/api/v1/items?state=submitted&unit=education-sports", as_="office").json
    assert [i["id"] for i in body["items"]] == [ids["submitted"]]
    both = api.get("/api/v1/items?state=reviewed,approved&sort=-created", as_="office").json
    assert [i["id"] for i in both["items"]] == [ids["reviewed"], ids["approved"]]
    paged = api.get("/api/v1/items?per_page=2&page=2", as_="office").json
    assert (paged["total"], paged["pages"], len(paged["items"])) == (4, 2, 2)
    assert api.get("/api/v1/items?state=flying", as_="office").status_code == 422


def test_history_rows_carry_who_and_what(app, api):
    item_id = make_item(app, "approved")
    history = api.get(f"/api/v1/items/{item_id}", as_="office").json["history"]
    assert [(h["event"], h["actor"], h["role"], h["unit"]) for h in history] == [
        ("create", "liaison-edu", "liaison", "education-sports"),
        ("submit", "liaison-edu", "liaison", "education-sports"),
        ("pass_review", "office", "office", None),
        ("approve", "convener", "convener", None),
    ]
    assert history[2]["fields"] == STEPS["reviewed"][3]
    assert all(h["at"].endswith("+08:00") for h in history)


def test_attachments_upload_and_download(app, api, tmp_path):
    import io

    item_id = make_item(app, "draft")
    upload = api.post(
        f"/api/v1/items/{item_id}/attachments",
        as_="liaison-edu",
        data={"file": (io.BytesIO("调研报告".encode()), "../../调研 报告.txt")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 201
    assert upload.json["filename"] == "调研 报告.txt"
    item = api.get(f"/api/v1/items/{item_id}", as_="liaison-edu").json
    assert item["version"] == 2 and item["history"][-1]["event"] == "attach"
    got = api.get(f"/api/v1/items/{item_id}/attachments/{upload.json['id']}", as_="liaison-edu")
    assert got.status_code == 200 and got.data.decode() == "调研报告"
    got.close()
    assert (
        api.get(
            f"/api/v1/items/{item_id}/attachments/{upload.json['id']}", as_="liaison-civil"
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("virus.exe", b"MZ", "not accepted"), ("empty.pdf", b"", "empty")],
)
def test_bad_attachments_are_refused(app, api, name, content, message):
    import io

    item_id = make_item(app, "draft")
    before = item_row(app, item_id), table_counts(app)
    response = api.post(
        f"/api/v1/items/{item_id}/attachments",
        as_="liaison-edu",
        headers={"Accept-Language": "en"},
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert message in response.json["fields"]["file"]
    assert (item_row(app, item_id), table_counts(app)) == before


def test_attachment_size_limit(app, api):
    import io

    app.config["MAX_ATTACHMENT_BYTES"] = 1000
    item_id = make_item(app, "draft")
    response = api.post(
        f"/api/v1/items/{item_id}/attachments",
        as_="liaison-edu",
        data={"file": (io.BytesIO(b"x" * 1001), "big.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
