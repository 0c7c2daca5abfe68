"""Issue 15D: corrections of decisions (更正), reminders to sign (催签), hand-off signposts, the
attendance form that keeps what was typed, delegation notices and the home page's links."""

from sqlalchemy import select

from meeting.extensions import db
from meeting.history import History
from meeting.meetings.models import Meeting
from meeting.notifications.models import Notification
from tests.conftest import table_counts
from tests.meetings_factory import make_meeting, meeting_row
from tests.tasks_factory import make_task
from tests.test_meetings_api import decide, delegate, fire, plan, run_to_session


def item_state(api, item_id):
    return api.get(f"/api/v1/items/{item_id}", as_="office").json


def correct(api, meeting_id, item_id, decision, as_="office", **fields):
    version = item_state(api, item_id)["version"]
    body = {"item_id": item_id, "decision": decision, "version": version, **fields}
    return api.post(f"/api/v1/meetings/{meeting_id}/corrections", as_=as_, json=body)


def notified(app, kind):
    with app.app_context():
        rows = db.session.scalars(select(Notification).where(Notification.kind == kind)).all()
        return sorted(n.user.username for n in rows)


def corrections_of(app, meeting_id):
    with app.app_context():
        return [
            row.fields
            for row in db.session.scalars(
                select(History).where(History.subject_kind == "meeting",
                                      History.subject_id == meeting_id, History.event == "correct")
            )
        ]  # fmt: skip


def to_minutes(api, meeting_id, item, decision="adopt", **fields):
    assert decide(api, meeting_id, item, decision, **fields).status_code == 200
    assert fire(api, meeting_id, "close_session", "office").status_code == 200


def test_the_office_corrects_a_decision_and_the_item_and_minutes_follow(app, api):
    meeting_id, (item,) = run_to_session(api, app)
    to_minutes(api, meeting_id, item, resolution="同意建设心理辅导站")
    response = correct(api, meeting_id, item, "defer", reason="需补充调研",
                       correction_reason="记录有误,会议实为暂缓")  # fmt: skip
    assert response.status_code == 200
    decisions = response.json["decisions"]
    assert (decisions[0]["decision"], decisions[0]["item_state"]) == ("defer", "deferred")
    assert "会议决定暂缓审议。需补充调研" in response.json["minutes_text"]
    assert "同意建设心理辅导站" not in response.json["minutes_text"]
    body = item_state(api, item)
    assert body["state"] == "deferred" and body["resolution"] is None
    assert [row["event"] for row in body["history"]][-2:] == ["reopen_decision", "defer"]
    (row,) = corrections_of(app, meeting_id)
    assert (row["from"], row["to"], row["reason"]) == ("adopt", "defer", "记录有误,会议实为暂缓")
    assert row["from_text"] == "同意建设心理辅导站" and row["minutes_updated"] is True


def test_a_correction_after_sign_off_sends_the_minutes_back_to_the_signer(app, api):
    meeting_id, (item,) = run_to_session(api, app)
    to_minutes(api, meeting_id, item, "reject", reason="条件不成熟")
    assert fire(api, meeting_id, "sign_minutes", "general").status_code == 200
    response = correct(api, meeting_id, item, "adopt", resolution="同意",
                       correction_reason="表决结果记错")  # fmt: skip
    assert response.status_code == 200
    assert response.json["state"] == "held" and response.json["minutes_signed_by"] is None
    assert item_state(api, item)["state"] == "adopted"
    assert notified(app, "minutes_reopened") == ["general"]


def test_corrections_refused_change_nothing(app, api):
    meeting_id, (item,) = run_to_session(api, app)
    to_minutes(api, meeting_id, item, resolution="同意")

    def now():
        return meeting_row(app, meeting_id), item_state(api, item)["version"], table_counts(app)

    before = now()

    def refused(status, decision="reject", as_="office", **fields):
        fields.setdefault("correction_reason", "更正")
        response = correct(api, meeting_id, item, decision, as_=as_, **fields)
        assert response.status_code == status, response.json
        assert now() == before
        return response.json

    refused(403, as_="general", reason="x")
    assert "correction_reason" in refused(422, reason="x", correction_reason="")["fields"]
    assert "reason" in refused(422)["fields"]  # the corrected decision's own field
    same = refused(409, "adopt", resolution="同意")
    assert same["message"] == "更正后的决定须与原决定不同。"
    make_task(app, item_id=item)  # tasks were assigned from the adopted item: no safe way back
    before = now()
    task_refusal = refused(409, reason="x")["message"]
    assert "已据此决定交办任务" in task_refusal


def test_corrections_end_when_the_minutes_are_published(app, api):
    meeting_id, (item,) = run_to_session(api, app)
    to_minutes(api, meeting_id, item, resolution="同意")
    fire(api, meeting_id, "sign_minutes", "general")
    fire(api, meeting_id, "publish_minutes", "office")
    response = correct(api, meeting_id, item, "reject", reason="x", correction_reason="晚了")
    assert response.status_code == 409
    assert response.json["message"] == "会议纪要已印发,其中的决定不能再更正。"


def test_a_liaison_meeting_correction_goes_through_the_review_events(app, api):
    meeting_id, (item,) = run_to_session(api, app, kind="liaison")
    to_minutes(api, meeting_id, item, "decline", reason="不属于职责")
    response = correct(api, meeting_id, item, "pass_review", opinion="建议提交审定",
                       correction_reason="误记为不予受理")  # fmt: skip
    assert response.status_code == 200
    body = item_state(api, item)
    assert body["state"] == "reviewed"
    assert [row["event"] for row in body["history"]][-2:] == ["reopen_review", "pass_review"]


def test_the_correction_page_action(app, client, auth, api):
    meeting_id, (item,) = run_to_session(api, app)
    to_minutes(api, meeting_id, item, resolution="同意")
    auth.login("office")
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert f'data-correct="{item}"' in page and "data-confirm" in page
    version = item_state(api, item)["version"]
    form = {"item_id": item, "decision": "reject", "version": version, "reason": "条件不成熟"}
    refused = client.post(f"/meetings/{meeting_id}/corrections", data=form)
    assert refused.status_code == 422 and "更正理由" in refused.get_data(as_text=True)
    done = client.post(f"/meetings/{meeting_id}/corrections",
                       data={**form, "correction_reason": "记录错误"}, follow_redirects=True)  # fmt: skip
    assert "决定已更正" in done.get_data(as_text=True)
    assert item_state(api, item)["state"] == "rejected"
    auth.logout()
    auth.login("convener")
    assert 'data-correct="' not in client.get(f"/meetings/{meeting_id}").get_data(as_text=True)


def published(api, app):
    meeting_id, (item,) = run_to_session(api, app)
    to_minutes(api, meeting_id, item, resolution="同意")
    fire(api, meeting_id, "sign_minutes", "general")
    assert fire(api, meeting_id, "publish_minutes", "office").status_code == 200
    return meeting_id


def test_reminding_units_to_sign_notifies_their_liaisons_once_a_day(app, api):
    meeting_id = published(api, app)
    assert api.post(f"/api/v1/meetings/{meeting_id}/receipt", as_="liaison-edu").status_code == 200
    url = f"/api/v1/meetings/{meeting_id}/receipt-reminders"
    assert api.post(url, as_="liaison-civil", json={}).status_code == 403
    signed = api.post(url, as_="office", json={"units": ["education-sports"]})
    assert signed.status_code == 422
    response = api.post(url, as_="office", json={"units": ["civil-affairs"]})
    assert response.status_code == 200
    assert notified(app, "minutes_receipt_reminder") == ["liaison-civil"]
    before = table_counts(app)
    again = api.post(url, as_="office", json={"units": ["civil-affairs"]})
    assert again.status_code == 409 and "县民政局" in again.json["message"]
    assert table_counts(app) == before
    # Left out, the units: every other unit not yet signed (none has a liaison here).
    assert api.post(url, as_="office", json={}).status_code == 200
    assert notified(app, "minutes_receipt_reminder") == ["liaison-civil"]
    assert api.post(url, as_="office", json={}).status_code == 409
    with app.app_context():
        rows = db.session.scalars(select(History).where(History.event == "remind_receipts"))
        assert [r.fields["units"][:1] for r in rows][0] == ["civil-affairs"]


def test_the_reminder_page_action_lists_the_units_not_signed(app, client, auth, api):
    meeting_id = published(api, app)
    api.post(f"/api/v1/meetings/{meeting_id}/receipt", as_="liaison-edu")
    auth.login("office")
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    form = page.split('id="remind-receipts"')[1].split("</form>")[0]
    assert 'value="civil-affairs"' in form and 'value="education-sports"' not in form
    done = client.post(f"/meetings/{meeting_id}/receipt-reminders",
                       data={"units": ["civil-affairs"]}, follow_redirects=True)  # fmt: skip
    assert "县民政局" in done.get_data(as_text=True)
    assert notified(app, "minutes_receipt_reminder") == ["liaison-civil"]
    again = client.post(
        f"/meetings/{meeting_id}/receipt-reminders", data={"units": ["civil-affairs"]}
    )
    assert again.status_code == 409 and "今天已催签" in again.get_data(as_text=True)


def test_the_home_link_lists_exactly_the_minutes_waiting_for_the_units_receipt(app, client, auth,
                                                                              api):  # fmt: skip
    waiting = published(api, app)
    signed = published(api, app)
    other = make_meeting(app, "plenary", "planned")
    api.post(f"/api/v1/meetings/{signed}/receipt", as_="liaison-edu")
    auth.login("liaison-edu")
    home = client.get("/").get_data(as_text=True)
    assert "/meetings/?receipt=pending" in home or "receipt%3Dpending" in home
    listed = client.get("/meetings/?receipt=pending").get_data(as_text=True)
    assert f'data-meeting="{waiting}"' in listed
    assert f'data-meeting="{signed}"' not in listed and f'data-meeting="{other}"' not in listed


def test_signposts_name_whom_each_state_waits_for(app, client, auth, api):
    session_id, (item,) = run_to_session(api, app)
    signed_id, (signed_item,) = run_to_session(api, app)
    to_minutes(api, signed_id, signed_item, resolution="同意")
    fire(api, signed_id, "sign_minutes", "general")
    expected = {
        make_meeting(app, "plenary", "planned"): ("convene", "总召集人"),
        make_meeting(app, "plenary", "convened"): ("open", "联席会议办公室"),
        session_id: ("close_session", "联席会议办公室"),
        signed_id: ("publish_minutes", "联席会议办公室"),
    }
    auth.login("office")
    for meeting_id, (step, role) in expected.items():
        state = meeting_row(app, meeting_id)[0]
        page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
        signpost = page.split('id="signposts"')[1].split('id="meeting-events"')[0]
        assert f'data-step="{step}"' in signpost and role in signpost, state
    to_minutes(api, session_id, item, resolution="同意")
    held = client.get(f"/meetings/{session_id}").get_data(as_text=True)
    signpost = held.split('id="signposts"')[1].split('id="meeting-events"')[0]
    assert 'data-step="sign_minutes"' in signpost and "召集人" in signpost
    assert "联席会议办公室" not in signpost  # the office drafts; a convener signs
    planned = client.get(f"/meetings/{make_meeting(app, 'plenary', 'planned')}").get_data(
        as_text=True
    )
    assert "受委托" in planned.split('id="signposts"')[1].split('id="meeting-events"')[0]
    published_page = client.get(f"/meetings/{published(api, app)}").get_data(as_text=True)
    assert 'data-step="acknowledge"' in published_page and "联络员" in published_page


def test_the_general_convener_sees_plenaries_waiting_for_him(app, client, auth, api):
    waiting = plan(api).json["id"]
    liaison_meeting = plan(api, kind="liaison", requested_by="convener").json["id"]
    auth.login("general")
    home = client.get("/").get_data(as_text=True)
    assert "awaiting=convene" in home or "awaiting%3Dconvene" in home
    listed = client.get("/meetings/?awaiting=convene").get_data(as_text=True)
    assert f'data-meeting="{waiting}"' in listed
    assert f'data-meeting="{liaison_meeting}"' not in listed  # the office convenes those
    auth.logout()
    auth.login("convener")  # not without a delegation
    assert f'data-meeting="{waiting}"' not in client.get("/meetings/?awaiting=convene").get_data(
        as_text=True
    )


def test_a_convener_is_notified_of_a_delegation_and_its_revocation(app, client, auth, api):
    meeting_id = plan(api).json["id"]
    given = delegate(api, meeting_id=meeting_id)
    assert notified(app, "delegation_given") == ["convener"]
    auth.login("convener")
    listed = client.get("/meetings/?awaiting=convene").get_data(as_text=True)
    assert f'data-meeting="{meeting_id}"' in listed
    auth.logout()
    api.post(f"/api/v1/delegations/{given.json['id']}/revoke", as_="general")
    assert notified(app, "delegation_revoked") == ["convener"]
    auth.login("general")
    page = client.get("/delegations/").get_data(as_text=True)
    assert ">委托</button>" in page and "受托人" in page


def test_a_refused_attendance_save_keeps_every_units_choice(app, client, auth, api):
    meeting_id, _ = run_to_session(api, app)
    auth.login("office")
    form = {"status-civil-affairs": "leave", "status-education-sports": "deputy",
            "deputy-education-sports": "", "status-finance": "absent",
            "sitting_in": "县委办公室", "back": "session"}  # fmt: skip
    before = meeting_row(app, meeting_id), table_counts(app)
    response = client.post(f"/meetings/{meeting_id}/attendance", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert (meeting_row(app, meeting_id), table_counts(app)) == before

    def checked(code):
        row = page.split(f'data-unit="{code}"')[1].split("</tr>")[0]
        return [v for v in ("present", "absent", "deputy", "leave")
                if f'value="{v}" checked' in row]  # fmt: skip

    assert checked("civil-affairs") == ["leave"]
    assert checked("finance") == ["absent"]
    assert checked("education-sports") == ["deputy"]
    assert 'value="县委办公室"' in page
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).attendance == []


def test_a_decision_is_not_corrected_once_a_later_move_brought_the_item_back(app, api):
    """Another meeting deferred the item again after this one: the item is where this meeting's
    decision left it, but correcting that decision would undo the later one."""
    from sqlalchemy import update

    from meeting.history import record
    from meeting.items.models import Item
    from tests.items_factory import user

    meeting_id, (item,) = run_to_session(api, app)
    to_minutes(api, meeting_id, item, "defer", reason="需补充调研")
    with app.app_context():  # a later plenary put it on its agenda and deferred it once more
        charter_id = db.session.get(Item, item).charter_id
        record("item", item, "defer", "scheduled", "deferred", user("office"),
               {"meeting_id": meeting_id + 1000, "reason": "仍需调研"}, charter_id=charter_id)  # fmt: skip
        db.session.execute(update(Item).where(Item.id == item).values(version=Item.version + 1))
        db.session.commit()
    before = table_counts(app)
    response = correct(api, meeting_id, item, "adopt", resolution="同意",
                       correction_reason="记录有误")  # fmt: skip
    assert response.status_code == 409, response.json
    assert table_counts(app) == before
