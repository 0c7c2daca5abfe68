"""Meeting, delegation and notification pages, driven with the test client."""

import io
import re

from docx import Document
from icalendar import Calendar

from tests.conftest import table_counts
from tests.items_factory import item_row, make_item
from tests.meetings_factory import make_meeting, meeting_row


def version_of(app, meeting_id):
    return meeting_row(app, meeting_id)[1]


def test_plan_convene_and_run_a_meeting_through_the_pages(app, client, auth):
    item_id = make_item(app, "approved")
    auth.login("office")
    response = client.post("/meetings/new", data={
        "kind": "plenary", "title": "2026年度全体会议", "starts_at": "2026-12-15T09:00",
        "location": "县政府第一会议室", "requested_by": ""})  # fmt: skip
    assert response.status_code == 302
    meeting_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert 'data-event="cancel"' in page and 'data-event="convene"' not in page
    assert f'<option value="{item_id}">' in page
    assert (
        client.post(f"/meetings/{meeting_id}/agenda", data={"item_id": item_id}).status_code == 302
    )
    assert item_row(app, item_id)[0] == "scheduled"
    auth.logout()

    auth.login("general")
    convened = client.post(f"/meetings/{meeting_id}/events/convene",
                           data={"version": version_of(app, meeting_id)})  # fmt: skip
    assert convened.status_code == 302
    assert meeting_row(app, meeting_id)[0] == "convened"
    auth.logout()

    auth.login("office")
    client.post(
        f"/meetings/{meeting_id}/events/open", data={"version": version_of(app, meeting_id)}
    )
    session = client.get(f"/meetings/{meeting_id}/session").get_data(as_text=True)
    assert 'data-decision="adopt"' in session and 'name="status-finance"' in session
    marks = {f"status-{code}": "present" for code in ("civil-affairs", "finance")}
    marks.update({"status-court": "deputy", "deputy-court": "张三", "back": "session"})
    assert client.post(f"/meetings/{meeting_id}/attendance", data=marks).status_code == 302
    decided = client.post(f"/meetings/{meeting_id}/decisions", data={
        "item_id": item_id, "decision": "adopt", "version": item_row(app, item_id)[1],
        "resolution": "同意建设心理辅导站", "back": "session"})  # fmt: skip
    assert decided.status_code == 302 and decided.headers["Location"].endswith("/session")
    assert item_row(app, item_id)[0] == "adopted"
    client.post(
        f"/meetings/{meeting_id}/events/close_session",
        data={"version": version_of(app, meeting_id)},
    )
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "同意建设心理辅导站" in page and "县法院(张三)" in page
    client.post(f"/meetings/{meeting_id}/minutes",
                data={"text": "会议纪要正文。\n同意建设心理辅导站。", "version": version_of(app, meeting_id)})  # fmt: skip
    auth.logout()
    auth.login("general")
    signed = client.post(f"/meetings/{meeting_id}/events/sign_minutes",
                         data={"version": version_of(app, meeting_id)})  # fmt: skip
    assert signed.status_code == 302 and meeting_row(app, meeting_id)[0] == "minutes_signed"
    auth.logout()
    auth.login("office")
    client.post(
        f"/meetings/{meeting_id}/events/publish_minutes",
        data={"version": version_of(app, meeting_id)},
    )
    assert meeting_row(app, meeting_id)[0] == "minutes_published"
    docx = client.get(f"/meetings/{meeting_id}/minutes.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "同意建设心理辅导站" in text and "府谷联席纪〔" in text
    assert "县教育和体育局" in client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    auth.logout()

    auth.login("liaison-edu")
    assert client.post(f"/meetings/{meeting_id}/receipt").status_code == 302
    auth.logout()
    auth.login("office")
    pending = (
        client.get(f"/meetings/{meeting_id}")
        .get_data(as_text=True)
        .split('id="pending-receipts"')[1]
    )
    assert (
        "县民政局" in pending.split("</p>")[0] and "县教育和体育局" not in pending.split("</p>")[0]
    )


def test_refusals_on_the_meeting_page_change_nothing(app, client, auth):
    meeting_id = make_meeting(app, "plenary", "planned")
    before = meeting_row(app, meeting_id), table_counts(app)
    auth.login("convener")
    response = client.post(f"/meetings/{meeting_id}/events/convene", data={"version": 1})
    assert response.status_code == 403
    auth.logout()
    auth.login("general")
    stale = client.post(f"/meetings/{meeting_id}/events/convene", data={"version": 0})
    assert stale.status_code == 409
    assert (meeting_row(app, meeting_id), table_counts(app)) == before


def test_a_liaison_cannot_plan(client, auth):
    auth.login("liaison-edu")
    assert client.get("/meetings/new").status_code == 403


def test_delegation_page(app, client, auth):
    meeting_id = make_meeting(app, "plenary", "planned")
    auth.login("convener")
    assert 'id="delegation-form"' not in client.get("/delegations/").get_data(as_text=True)
    assert (
        client.post(
            "/delegations/", data={"delegate": "convener", "meeting_id": meeting_id}
        ).status_code
        == 403
    )
    auth.logout()
    auth.login("general")
    created = client.post("/delegations/", data={"delegate": "convener", "meeting_id": meeting_id})
    assert created.status_code == 302
    page = client.get("/delegations/").get_data(as_text=True)
    delegation_id = re.search(r'data-delegation="(\d+)"', page).group(1)
    assert client.post(f"/delegations/{delegation_id}/revoke").status_code == 302
    with app.app_context():
        from meeting.extensions import db
        from meeting.meetings.models import Delegation

        assert db.session.get(Delegation, int(delegation_id)).revoked_at is not None
    row = (
        client.get("/delegations/")
        .get_data(as_text=True)
        .split(f'data-delegation="{delegation_id}"')[1]
    )
    assert "撤销" not in row.split("</tr>")[0]  # no revoke button any more
    bad = client.post(
        "/delegations/",
        data={"delegate": "convener", "starts_on": "2026-12-31", "ends_on": "2026-12-01"},
    )
    assert bad.status_code == 422


def test_notifications_bell_and_page(app, client, auth):
    make_meeting(app, "plenary", "convened")
    auth.login("liaison-civil")
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'id="unread-count">1<', home)
    page = client.get("/notifications/").get_data(as_text=True)
    notification_id = re.search(r'data-notification="(\d+)"', page).group(1)
    opened = client.post(f"/notifications/{notification_id}/open")
    assert opened.status_code == 302 and opened.headers["Location"].startswith("/meetings/")
    assert 'id="unread-count"' not in client.get("/").get_data(as_text=True)


def test_personal_calendar_feed(app, client, auth):
    make_meeting(app, "plenary", "convened")
    auth.login("liaison-edu")
    response = client.post("/meetings/calendar-feed", follow_redirects=True)
    url = re.search(
        r"(http://localhost/meetings/calendar/[\w-]+\.ics)", response.get_data(as_text=True)
    ).group(1)
    auth.logout()
    feed = app.test_client().get(url.removeprefix("http://localhost"))
    assert feed.status_code == 200
    assert len(Calendar.from_ical(feed.data).walk("VEVENT")) == 1
    assert app.test_client().get("/meetings/calendar/wrong.ics").status_code == 404


def test_meeting_list_tabs(app, client, auth):
    upcoming = make_meeting(app, "ad_hoc", "planned", starts_at="2099-01-01T09:00+08:00")
    past = make_meeting(app, "plenary", "planned", starts_at="2020-01-01T09:00+08:00")
    auth.login("observer")
    assert f'data-meeting="{upcoming}"' in client.get("/meetings/").get_data(as_text=True)
    past_page = client.get("/meetings/?when=past").get_data(as_text=True)
    assert f'data-meeting="{past}"' in past_page and f'data-meeting="{upcoming}"' not in past_page
    by_kind = client.get("/meetings/?when=all&kind=ad_hoc").get_data(as_text=True)
    assert f'data-meeting="{upcoming}"' in by_kind and f'data-meeting="{past}"' not in by_kind
