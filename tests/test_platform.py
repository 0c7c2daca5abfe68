"""Two joint meetings on one database: one sign-in acting in both, each joint meeting with its
own rules, numbering, recipients and reminders, and the pages that span them."""

from datetime import datetime

from sqlalchemy import select

from meeting.extensions import db
from meeting.notifications.models import Notification
from meeting.scheduler.checks import run_all
from meeting.scheduler.reminders import Reminder
from tests.conftest import FUGU, SAFETY, Auth

DRAFT = {"title": "校园周边交通整治", "background": "上下学时段拥堵。", "proposal": "设立护学岗。",
         "category": "policy_measure"}  # fmt: skip


def propose(api, as_, **fields):
    return api.post("/api/v1/items", as_=as_, json={**DRAFT, **fields})


def fire(api, item, event, as_, **fields):
    return api.post(f"/api/v1/items/{item['id']}/events/{event}", as_=as_,
                    json={"version": item["version"], **fields})  # fmt: skip


def approved(api, joint_meeting, liaison, office, convener, duty):
    item = propose(api, liaison, joint_meeting=joint_meeting, duty_refs=[duty]).json
    item = fire(api, item, "submit", liaison).json
    item = fire(api, item, "pass_review", office, opinion="同意").json
    item = fire(api, item, "approve", convener).json
    assert item["state"] == "approved", item
    return item


def test_a_person_of_two_joint_meetings_names_the_one_a_new_item_is_for(platform, api):
    response = propose(api, "both-edu", duty_refs=["四(九)"])
    assert response.status_code == 422 and "joint_meeting" in response.json["fields"]
    fugu = propose(api, "both-edu", joint_meeting=FUGU, duty_refs=["四(九)"])
    safety = propose(api, "both-edu", joint_meeting=SAFETY, duty_refs=["四(一)"])
    assert (fugu.status_code, safety.status_code) == (201, 201)
    assert (fugu.json["joint_meeting"], safety.json["joint_meeting"]) == (FUGU, SAFETY)
    # A duty is cited in its own joint meeting: 四(九) is another unit's in school safety.
    wrong = propose(api, "both-edu", joint_meeting=SAFETY, duty_refs=["四(九)"])
    assert wrong.status_code == 422
    # Acting in one joint meeting only, the code may be left out.
    alone = propose(api, "safety-edu", duty_refs=["四(一)"])
    assert alone.status_code == 201 and alone.json["joint_meeting"] == SAFETY
    listed = api.get("/api/v1/items?joint_meeting=fugu-school-safety", as_="both-edu").json
    assert {i["joint_meeting"] for i in listed["items"]} == {SAFETY}
    every = api.get("/api/v1/items", as_="both-edu").json
    assert {i["joint_meeting"] for i in every["items"]} == {FUGU, SAFETY}


def test_each_role_counts_in_its_own_joint_meeting(platform, api):
    """both-office is the office of Fugu's joint meeting and a liaison in school safety."""
    fugu = propose(api, "liaison-edu", duty_refs=["四(九)"]).json
    fugu = fire(api, fugu, "submit", "liaison-edu").json
    assert fire(api, fugu, "pass_review", "both-office", opinion="同意").status_code == 200
    safety = propose(api, "safety-edu", duty_refs=["四(一)"]).json
    safety = fire(api, safety, "submit", "safety-edu").json
    refused = fire(api, safety, "pass_review", "both-office", opinion="同意")
    assert refused.status_code == 403
    assert propose(api, "both-office", joint_meeting=FUGU).status_code == 403
    mine = propose(api, "both-office", joint_meeting=SAFETY, duty_refs=["四(四)"])
    assert mine.status_code == 201 and mine.json["unit"] == "civil-affairs"
    shown = api.get(f"/api/v1/items/{safety['id']}", as_="both-office").json
    assert "pass_review" not in shown["available_events"]


def test_numbers_rules_and_recipients_are_per_joint_meeting(platform, api):
    plans = {}
    for code, office, general in ((FUGU, "office", "general"), (SAFETY, "safety-office", "safety-general")):  # fmt: skip
        body = {"kind": "plenary", "title": "全体会议", "starts_at": "2026-12-15T09:00",
                "location": "会议室", "joint_meeting": code}  # fmt: skip
        meeting = api.post("/api/v1/meetings", as_=office, json=body)
        assert meeting.status_code == 201, meeting.json
        convened = api.post(f"/api/v1/meetings/{meeting.json['id']}/events/convene", as_=general,
                            json={"version": 1})  # fmt: skip
        assert convened.status_code == 200, convened.json
        plans[code] = convened.json
    assert plans[FUGU]["number"] == plans[SAFETY]["number"] == 1
    # The other joint meeting's general convener may not convene this one: it is not theirs.
    with platform.app_context():
        notices = db.session.scalars(
            select(Notification).where(Notification.kind == "meeting_convened")
        ).all()
        told = {(n.user.username, n.joint_meeting) for n in notices}
    assert ("safety-edu", SAFETY) in told and ("liaison-edu", FUGU) in told
    assert ("safety-edu", FUGU) not in told and ("liaison-edu", SAFETY) not in told
    assert ("both-edu", FUGU) in told and ("both-edu", SAFETY) in told


def test_the_scheduler_checks_each_joint_meeting_by_its_own_rules(platform):
    with platform.app_context():
        # Fugu's charter reminds from 09-01; school safety's from 03-01 (fictional rules).
        sent = run_all(datetime(2026, 4, 1, 1, 0))
        db.session.commit()
        subjects = set(db.session.scalars(select(Reminder.subject)))
        reminded = {
            (n.user.username, n.joint_meeting)
            for n in db.session.scalars(
                select(Notification).where(Notification.kind.like("plenary%"))
            )
        }
    assert sent["annual_plenary"] >= 2
    assert any(s.startswith("plenary:") and s.endswith(":2026") for s in subjects)
    assert len({s for s in subjects if s.startswith("plenary:")}) == 2  # one key per joint meeting
    assert ("safety-general", SAFETY) in reminded and ("general", FUGU) in reminded
    assert ("general", SAFETY) not in reminded and ("safety-general", FUGU) not in reminded


def test_pages_span_my_joint_meetings_and_label_each_row(platform, api):
    approved(api, FUGU, "both-edu", "office", "convener", "四(九)")
    approved(api, SAFETY, "both-edu", "safety-office", "safety-convener", "四(一)")
    client = platform.test_client()
    Auth(client).login("both-edu")
    notifications = client.get("/notifications/").get_data(as_text=True)
    assert "府谷联席" in notifications and "校园安全联席" in notifications
    home = client.get("/").get_data(as_text=True)
    assert 'id="switcher"' in home
    feed_owner = client.post("/meetings/calendar-feed")
    assert feed_owner.status_code == 302
    # Items pages work in the current joint meeting; switching changes it.
    client.get(f"/joint-meetings/{SAFETY}/switch")
    units = client.get("/units").get_data(as_text=True)
    assert "县应急管理局" in units and "县关工办" not in units
