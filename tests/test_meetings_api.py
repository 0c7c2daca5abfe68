"""Meetings through the JSON API: convening rules, agendas, decisions, minutes, calendar."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from docx.oxml.ns import qn
from icalendar import Calendar

from tests.conftest import table_counts
from tests.items_factory import item_row, make_item
from tests.meetings_factory import make_meeting, meeting_row

COUNTY = ZoneInfo("Asia/Shanghai")


def plan(api, as_="office", **overrides):
    body = {"kind": "plenary", "title": "年度全体会议", "starts_at": "2026-12-15T09:00+08:00",
            "location": "县政府第一会议室", **overrides}  # fmt: skip
    return api.post("/api/v1/meetings", as_=as_, json=body)


def fire(api, meeting_id, event, as_, **body):
    if "version" not in body:
        body["version"] = api.get(f"/api/v1/meetings/{meeting_id}", as_="office").json["version"]
    return api.post(f"/api/v1/meetings/{meeting_id}/events/{event}", as_=as_, json=body)


def delegate(api, **body):
    return api.post("/api/v1/delegations", as_="general", json={"delegate": "convener", **body})


def test_plan_a_meeting(app, api):
    response = plan(api)
    assert response.status_code == 201
    body = response.json
    assert (body["kind"], body["state"], body["version"]) == ("plenary", "planned", 1)
    assert body["starts_at"] == "2026-12-15T09:00:00+08:00"
    assert body["available_events"] == ["cancel"]  # the office plans; the general convener convenes
    as_general = api.get(f"/api/v1/meetings/{body['id']}", as_="general").json
    assert as_general["available_events"] == ["convene", "cancel"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"title": ""}, "title"),
        ({"starts_at": "next week"}, "starts_at"),
    ],
)
def test_planning_refuses_bad_fields(app, api, body, field):
    before = table_counts(app)
    response = plan(api, **body)
    assert response.status_code == 422 and field in response.json["fields"]
    assert table_counts(app) == before


def test_a_liaison_meeting_names_the_convener_who_asked(app, api):
    missing = plan(api, kind="liaison")
    assert missing.status_code == 422 and "requested_by" in missing.json["fields"]
    response = plan(api, kind="liaison", requested_by="convener")
    assert response.status_code == 201 and response.json["requested_by"] == "convener"


def test_the_convener_convenes_only_under_a_delegation(app, api):
    meeting_id = plan(api).json["id"]
    before = meeting_row(app, meeting_id), table_counts(app)
    refused = fire(api, meeting_id, "convene", "convener")
    assert refused.status_code == 403 and refused.json["error"] == "forbidden"
    assert (meeting_row(app, meeting_id), table_counts(app)) == before

    delegation = delegate(api, meeting_id=meeting_id)
    assert delegation.status_code == 201
    assert (
        "convene"
        in api.get(f"/api/v1/meetings/{meeting_id}", as_="convener").json["available_events"]
    )

    revoked = api.post(f"/api/v1/delegations/{delegation.json['id']}/revoke", as_="general")
    assert revoked.status_code == 200 and revoked.json["revoked_at"]
    assert fire(api, meeting_id, "convene", "convener").status_code == 403

    delegate(api, starts_on="2026-12-01", ends_on="2026-12-31")
    convened = fire(api, meeting_id, "convene", "convener")
    assert convened.status_code == 200
    assert (convened.json["state"], convened.json["convened_by"]) == ("convened", "convener")


def test_a_period_delegation_covers_only_its_period(app, api):
    delegate(api, starts_on="2026-01-01", ends_on="2026-11-30")
    meeting_id = plan(api).json["id"]  # 2026-12-15
    assert fire(api, meeting_id, "convene", "convener").status_code == 403


@pytest.mark.parametrize("username", ["convener", "office", "liaison-edu", "observer"])
def test_only_the_general_convener_delegates(app, api, username):
    response = api.post("/api/v1/delegations", as_=username,
                        json={"delegate": "convener", "starts_on": "2026-12-01", "ends_on": "2026-12-31"})  # fmt: skip
    assert response.status_code == 403


def test_a_convener_plans_and_convenes_an_ad_hoc_meeting_under_a_delegation(app, api):
    assert plan(api, as_="convener", kind="ad_hoc").status_code == 403
    delegate(api, starts_on="2026-12-01", ends_on="2026-12-31")
    meeting_id = plan(api, as_="convener", kind="ad_hoc").json["id"]
    assert fire(api, meeting_id, "convene", "convener").status_code == 200


def test_general_convener_convenes_and_everyone_is_notified(app, api):
    meeting_id = plan(api).json["id"]
    response = fire(api, meeting_id, "convene", "general")
    year = 2026
    assert response.json["name"] == f"{year}年第1次全体会议"
    for username in ("liaison-edu", "liaison-civil", "convener", "general"):
        notes = api.get("/api/v1/notifications", as_=username).json["items"]
        assert [n["kind"] for n in notes] == ["meeting_convened"]
        assert notes[0]["link"] == f"/meetings/{meeting_id}"
    assert api.get("/api/v1/notifications", as_="observer").json["total"] == 0
    second = plan(api, starts_at="2026-12-20T09:00+08:00").json["id"]
    assert fire(api, second, "convene", "general").json["name"] == f"{year}年第2次全体会议"


def test_a_reviewed_item_cannot_go_on_a_plenary_agenda(app, api):
    meeting_id = make_meeting(app, "plenary", "convened")
    item_id = make_item(app, "reviewed")
    before = item_row(app, item_id), meeting_row(app, meeting_id), table_counts(app)
    response = api.post(
        f"/api/v1/meetings/{meeting_id}/agenda", as_="office", json={"item_id": item_id}
    )
    assert response.status_code == 409
    assert response.json["error"] == "invalid_transition"
    assert (item_row(app, item_id), meeting_row(app, meeting_id), table_counts(app)) == before


def test_approved_items_go_on_the_agenda_in_order(app, api):
    meeting_id = make_meeting(app, "plenary", "convened")
    first, second = make_item(app, "approved"), make_item(app, "approved")
    for item_id in (first, second):
        response = api.post(
            f"/api/v1/meetings/{meeting_id}/agenda", as_="office", json={"item_id": item_id}
        )
        assert response.status_code == 200
    assert item_row(app, first)[0] == "scheduled"
    reordered = api.request("PUT", f"/api/v1/meetings/{meeting_id}/agenda", as_="office",
                            json={"item_ids": [second, first]})  # fmt: skip
    assert reordered.json["agenda"] == [second, first]
    other = make_meeting(app, "ad_hoc", "convened")
    twice = api.post(f"/api/v1/meetings/{other}/agenda", as_="office", json={"item_id": first})
    assert twice.status_code == 409  # an item sits on one open meeting at most
    removed = api.request("DELETE", f"/api/v1/meetings/{meeting_id}/agenda/{first}", as_="office")
    assert removed.json["agenda"] == [second]
    assert item_row(app, first)[0] == "approved"


def test_only_the_office_builds_agendas(app, api):
    meeting_id = make_meeting(app, "plenary", "convened")
    item_id = make_item(app, "approved")
    for username in ("general", "convener", "liaison-edu"):
        response = api.post(
            f"/api/v1/meetings/{meeting_id}/agenda", as_=username, json={"item_id": item_id}
        )
        assert response.status_code == 403
    assert item_row(app, item_id)[0] == "approved"


def test_cancelling_returns_items_to_approved(app, api):
    meeting_id = make_meeting(app, "plenary", "convened")
    items = [make_item(app, "approved") for _ in range(2)]
    for item_id in items:
        api.post(f"/api/v1/meetings/{meeting_id}/agenda", as_="office", json={"item_id": item_id})
    assert fire(api, meeting_id, "cancel", "office", reason="x").status_code == 403  # convened
    response = fire(api, meeting_id, "cancel", "general", reason="与县委常委会冲突")
    assert response.status_code == 200 and response.json["state"] == "cancelled"
    assert [item_row(app, i)[0] for i in items] == ["approved", "approved"]
    for item_id in items:
        history = api.get(f"/api/v1/items/{item_id}", as_="office").json["history"]
        assert history[-1]["event"] == "unschedule"


def run_to_session(api, app, kind="plenary", n_items=1):
    meeting_id = make_meeting(app, kind, "convened")
    state = "submitted" if kind == "liaison" else "approved"
    items = [make_item(app, state) for _ in range(n_items)]
    for item_id in items:
        api.post(f"/api/v1/meetings/{meeting_id}/agenda", as_="office", json={"item_id": item_id})
    assert fire(api, meeting_id, "open", "office").status_code == 200
    return meeting_id, items


def decide(api, meeting_id, item_id, decision, **fields):
    version = api.get(f"/api/v1/items/{item_id}", as_="office").json["version"]
    return api.post(f"/api/v1/meetings/{meeting_id}/decisions", as_="office",
                    json={"item_id": item_id, "decision": decision, "version": version, **fields})  # fmt: skip


def test_closing_with_an_undecided_item_is_refused(app, api):
    meeting_id, (first, second) = run_to_session(api, app, n_items=2)
    assert decide(api, meeting_id, first, "adopt", resolution="同意").status_code == 200
    before = meeting_row(app, meeting_id), item_row(app, second), table_counts(app)
    response = fire(api, meeting_id, "close_session", "office")
    assert response.status_code == 409
    assert response.json["error"] == "invalid_transition"
    assert "1" in response.json["message"]
    assert (meeting_row(app, meeting_id), item_row(app, second), table_counts(app)) == before
    assert decide(api, meeting_id, second, "defer", reason="待调研").status_code == 200
    assert fire(api, meeting_id, "close_session", "office").json["state"] == "held"
    assert item_row(app, second)[0] == "deferred"


@pytest.mark.parametrize(
    ("decision", "fields", "state"),
    [("adopt", {"resolution": "同意"}, "adopted"), ("reject", {"reason": "不成熟"}, "rejected"),
     ("defer", {"reason": "再议"}, "deferred")],
)  # fmt: skip
def test_plenary_decisions_fire_the_item_events(app, api, decision, fields, state):
    meeting_id, (item_id,) = run_to_session(api, app)
    response = decide(api, meeting_id, item_id, decision, **fields)
    assert response.status_code == 200
    assert item_row(app, item_id)[0] == state
    last = api.get(f"/api/v1/items/{item_id}", as_="office").json["history"][-1]
    assert last["event"] == decision and last["fields"]["meeting_id"] == meeting_id


def test_decisions_are_checked(app, api):
    meeting_id, (item_id,) = run_to_session(api, app)
    before = item_row(app, item_id), table_counts(app)
    assert decide(api, meeting_id, item_id, "pass_review", opinion="x").status_code == 422
    assert decide(api, meeting_id, item_id, "adopt").status_code == 422  # no resolution
    stale = api.post(f"/api/v1/meetings/{meeting_id}/decisions", as_="office",
                     json={"item_id": item_id, "decision": "adopt", "version": 1, "resolution": "x"})  # fmt: skip
    assert stale.status_code == 409 and stale.json["error"] == "stale"
    assert (item_row(app, item_id), table_counts(app)) == before


def test_a_liaison_meeting_moves_items_to_reviewed(app, api):
    meeting_id, (passed, returned) = run_to_session(api, app, kind="liaison", n_items=2)
    assert item_row(app, passed)[0] == "submitted"  # a liaison agenda changes no state
    assert decide(api, meeting_id, passed, "pass_review", opinion="同意报审").status_code == 200
    assert (
        decide(api, meeting_id, returned, "return_for_revision", comment="补充").status_code == 200
    )
    assert decide(api, meeting_id, passed, "adopt", resolution="x").status_code in (409, 422)
    assert [item_row(app, i)[0] for i in (passed, returned)] == ["reviewed", "returned"]
    assert fire(api, meeting_id, "close_session", "office").status_code == 200


def test_attendance(app, api):
    meeting_id, _ = run_to_session(api, app)
    marks = {"finance": {"status": "present"}, "court": {"status": "deputy", "deputy_name": "李明"},
             "health": "absent"}  # fmt: skip
    response = api.request("PUT", f"/api/v1/meetings/{meeting_id}/attendance", as_="office",
                           json={"attendance": marks})  # fmt: skip
    assert response.status_code == 200
    assert response.json["attendance"]["court"] == {"status": "deputy", "deputy_name": "李明"}
    bad = api.request("PUT", f"/api/v1/meetings/{meeting_id}/attendance", as_="office",
                      json={"attendance": {"finance": {"status": "deputy"}, "nasa": "present"}})  # fmt: skip
    assert bad.status_code == 422 and set(bad.json["fields"]) == {"finance", "nasa"}


def held_meeting(api, app):
    meeting_id, (adopted, rejected) = run_to_session(api, app, n_items=2)
    api.request("PUT", f"/api/v1/meetings/{meeting_id}/attendance", as_="office",
                json={"attendance": {"education-sports": "present", "finance": "absent"}})  # fmt: skip
    decide(api, meeting_id, adopted, "adopt", resolution="由县教育和体育局牵头落实心理辅导站建设")
    decide(api, meeting_id, rejected, "reject", reason="资金来源不明确")
    fire(api, meeting_id, "close_session", "office")
    return meeting_id


def test_minutes_draft_edit_publish_and_receipts(app, api):
    meeting_id = held_meeting(api, app)
    meeting = api.get(f"/api/v1/meetings/{meeting_id}", as_="office").json
    draft = meeting["minutes_text"]
    assert "由县教育和体育局牵头落实心理辅导站建设" in draft and "资金来源不明确" in draft
    assert "出席" not in draft  # attendance is listed by the document, from the record
    edited = api.request("PUT", f"/api/v1/meetings/{meeting_id}/minutes", as_="office",
                         json={"text": draft + "\n会议要求各单位抓好落实。", "version": meeting["version"]})  # fmt: skip
    assert edited.status_code == 200
    # 签发: the office cannot publish alone; a convener signs the minutes off first.
    assert fire(api, meeting_id, "publish_minutes", "office").status_code == 409
    assert fire(api, meeting_id, "sign_minutes", "office").status_code == 403
    signed_off = fire(api, meeting_id, "sign_minutes", "general").json
    assert signed_off["state"] == "minutes_signed" and signed_off["minutes_signed_by"] == "general"
    refused = api.request("PUT", f"/api/v1/meetings/{meeting_id}/minutes", as_="office",
                          json={"text": "改", "version": signed_off["version"]})  # fmt: skip
    assert refused.status_code == 409  # the signed text is the one published
    published = fire(api, meeting_id, "publish_minutes", "office")
    year = datetime.now(COUNTY).year
    assert published.json["minutes_number"] == f"府谷联席纪〔{year}〕1号"
    assert published.json["state"] == "minutes_published"
    frozen = api.request("PUT", f"/api/v1/meetings/{meeting_id}/minutes", as_="office",
                         json={"text": "改", "version": published.json["version"]})  # fmt: skip
    assert frozen.status_code == 409
    history = published.json["history"]
    assert history[-1]["fields"]["minutes_text"].endswith("会议要求各单位抓好落实。")

    # One notice each; the proposing unit's carries the decisions on its items as minuted.
    edu = api.get("/api/v1/notifications", as_="liaison-edu").json["items"]
    assert [n["kind"] for n in edu].count("minutes_published") == 1
    assert edu[0]["kind"] == "minutes_published" and "资金来源不明确" in edu[0]["body"]
    civil = api.get("/api/v1/notifications", as_="liaison-civil").json["items"]
    assert [n["kind"] for n in civil].count("minutes_published") == 1
    assert "资金来源不明确" not in civil[0]["body"]

    receipts = {r["unit"]: r["acknowledged_at"] for r in published.json["receipts"]}
    assert len(receipts) == 26 and not any(receipts.values())
    signed = api.post(f"/api/v1/meetings/{meeting_id}/receipt", as_="liaison-edu")
    assert signed.status_code == 200
    receipts = {r["unit"]: r["acknowledged_at"] for r in signed.json["receipts"]}
    assert receipts["education-sports"] and not receipts["civil-affairs"]
    assert api.post(f"/api/v1/meetings/{meeting_id}/receipt", as_="liaison-edu").status_code == 409
    assert api.post(f"/api/v1/meetings/{meeting_id}/receipt", as_="office").status_code == 403


def test_minutes_docx_holds_every_decision(app, api):
    meeting_id = held_meeting(api, app)
    fire(api, meeting_id, "sign_minutes", "convener")
    fire(api, meeting_id, "publish_minutes", "office")
    response = api.get(f"/api/v1/meetings/{meeting_id}/minutes.docx", as_="liaison-civil")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.data))
    # Every paragraph, the 版记's text box included.
    text = "\n".join(
        "".join(t.text or "" for t in p.iter(qn("w:t")))
        for p in document.element.body.iter(qn("w:p"))
    )
    year = datetime.now(COUNTY).year
    assert f"府谷联席纪〔{year}〕1号" in text
    assert "由县教育和体育局牵头落实心理辅导站建设" in text and "资金来源不明确" in text
    assert "联席会议各成员单位：" in text and "抄送：县委办公室、县政府办公室。" in text
    assert "出席：县教育和体育局" in text and "缺席：县财政局" in text
    east_asian = (
        document.paragraphs[0]
        .runs[0]
        ._element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
    )
    assert east_asian == "方正小标宋简体"


def test_ics_has_the_meetings_in_county_time(app, api):
    first = make_meeting(app, "plenary", "convened", starts_at="2026-12-15T09:00+08:00")
    cancelled = make_meeting(app, "ad_hoc", "cancelled", starts_at="2026-12-16T09:00+08:00")
    response = api.get("/api/v1/meetings.ics", as_="liaison-edu")
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    # A cancelled meeting stays in the feed, marked, so calendar programs take it off.
    assert [(str(e["uid"]), str(e["status"])) for e in events] == [
        (f"meeting-{first}@lianxi", "CONFIRMED"),
        (f"meeting-{cancelled}@lianxi", "CANCELLED"),
    ]
    start = events[0].decoded("dtstart")
    assert start == datetime(2026, 12, 15, 9, 0, tzinfo=COUNTY)
    assert start.utcoffset().total_seconds() == 8 * 3600
    assert str(events[0]["location"]) == "县政府三楼会议室"
    assert app.test_client().get("/api/v1/meetings.ics").status_code == 401


@pytest.mark.parametrize(
    ("event", "username", "status"),
    [("open", "liaison-edu", 403), ("open", "observer", 403), ("open", "convener", 200),
     ("open", "general", 200), ("close_session", "office", 409), ("publish_minutes", "office", 409),
     ("convene", "office", 403), ("teleport", "office", 404)],
)  # fmt: skip
def test_meeting_event_guards(app, api, event, username, status):
    meeting_id = make_meeting(app, "plenary", "convened")
    before = meeting_row(app, meeting_id), table_counts(app)
    response = fire(api, meeting_id, event, username)
    assert response.status_code == status
    if status != 200:
        assert (meeting_row(app, meeting_id), table_counts(app)) == before


def test_stale_meeting_version(app, api):
    meeting_id = make_meeting(app, "plenary", "convened")
    response = fire(api, meeting_id, "open", "office", version=1)
    assert response.status_code == 409 and response.json["error"] == "stale"


def test_full_journey_through_the_api(app, api):
    """A unit proposes; a liaison meeting reviews; the convener approves; the general convener
    delegates; the convener convenes an ad-hoc meeting that adopts the item; minutes published."""
    draft = api.post("/api/v1/items", as_="liaison-edu", json={
        "title": "寒假留守儿童托管", "background": "寒假期间托管需求大。", "proposal": "开放学校托管。",
        "category": "coordination", "duty_refs": ["四(九)", "二(二)"]}).json  # fmt: skip
    item_id = draft["id"]
    assert api.post(f"/api/v1/items/{item_id}/events/submit", as_="liaison-edu",
                    json={"version": 1}).status_code == 200  # fmt: skip

    liaison = plan(api, kind="liaison", title="联络员会议", requested_by="convener").json["id"]
    api.post(f"/api/v1/meetings/{liaison}/agenda", as_="office", json={"item_id": item_id})
    assert fire(api, liaison, "convene", "office").status_code == 200
    assert fire(api, liaison, "open", "office").status_code == 200
    assert (
        decide(api, liaison, item_id, "pass_review", opinion="同意报联席会议审定").status_code
        == 200
    )
    assert fire(api, liaison, "close_session", "office").status_code == 200

    version = api.get(f"/api/v1/items/{item_id}", as_="convener").json["version"]
    approved = api.post(
        f"/api/v1/items/{item_id}/events/approve", as_="convener", json={"version": version}
    )
    assert approved.json["state"] == "approved"

    assert delegate(api, starts_on="2026-12-01", ends_on="2026-12-31").status_code == 201
    ad_hoc = plan(api, as_="convener", kind="ad_hoc", title="寒假托管专题会议",
                  starts_at="2026-12-28T15:00+08:00").json["id"]  # fmt: skip
    api.post(f"/api/v1/meetings/{ad_hoc}/agenda", as_="office", json={"item_id": item_id})
    assert fire(api, ad_hoc, "convene", "convener").json["state"] == "convened"
    assert fire(api, ad_hoc, "open", "convener").status_code == 200
    assert (
        decide(api, ad_hoc, item_id, "adopt", resolution="寒假期间开放学校托管").status_code == 200
    )
    assert fire(api, ad_hoc, "close_session", "office").status_code == 200
    assert fire(api, ad_hoc, "sign_minutes", "convener").status_code == 200
    published = fire(api, ad_hoc, "publish_minutes", "office").json
    assert published["state"] == "minutes_published"

    item = api.get(f"/api/v1/items/{item_id}", as_="liaison-edu").json
    assert item["state"] == "adopted" and item["resolution"] == "寒假期间开放学校托管"
    assert [h["event"] for h in item["history"]] == [
        "create", "submit", "pass_review", "approve", "schedule", "adopt"]  # fmt: skip
