"""Search, the audit history and the calendar feed at any size (issue 12): search pages its
results newest first with no total (tabs count up to 100), the audit history pages through the
audited rows only, the feed holds the meetings from three months back on. Each keeps to the
person's joint meetings and makes the same queries whatever the data."""

from datetime import datetime, timedelta

import pytest
from icalendar import Calendar
from lxml import html as lxml_html
from sqlalchemy import select

from meeting.admin.operations import grant
from meeting.charter.models import Charter
from meeting.demo import seed
from meeting.extensions import db
from meeting.figures_cache import forget
from meeting.history import History
from meeting.items.models import Item
from meeting.items.operations import can_view
from meeting.meetings import calendar
from meeting.meetings.operations import plan_meeting
from meeting.tasks.models import Task
from tests.conftest import FUGU, SAFETY, Auth
from tests.items_factory import make_item, user
from tests.meetings_factory import COUNTY, make_meeting
from tests.test_query_counts import statements


def charter_of(code: str) -> Charter:
    return db.session.scalar(select(Charter).where(Charter.code == code))


def signed_in(app, username: str):
    client = app.test_client()
    assert Auth(client).login(username).status_code == 302
    return client


def tree(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, path
    return lxml_html.fromstring(response.get_data(as_text=True))


# ---- search ----


def seeded(platform):
    with platform.app_context():
        seed(charter_of(FUGU), 300, seed_value=3)
        seed(charter_of(SAFETY), 150, seed_value=4)
        db.session.commit()
    return platform


def expected_items(app, username: str, words: str) -> list[int]:
    """The items USERNAME may see that contain WORDS, newest first, found row by row."""
    with app.app_context():
        person = user(username)
        found = [
            item
            for item in db.session.scalars(select(Item))
            if person.seat_in(item.charter_id)  # their joint meetings only
            and can_view(item, person)
            and words in f"{item.title} {item.proposal}"
        ]
        found.sort(key=lambda item: (item.updated_at, item.id), reverse=True)
        return [item.id for item in found]


def walk(client, words: str, kind: str) -> tuple[list[int], str]:
    """Every result of KIND, page after page through 「更多结果」, and the tab's count."""
    ids, number, tab = [], 1, None
    while True:
        doc = tree(client, f"/search?q={words}&kind={kind}&page={number}")
        if tab is None:
            tab = doc.xpath(f'//*[@id="search-kinds"]//a[@data-kind="{kind}"]//*[contains(@class, "search-count")]')[0].text  # fmt: skip
        ids += [int(li.get("data-id")) for li in doc.xpath('//*[@id="search-results"]/li[@data-id]')]  # fmt: skip
        if not doc.xpath('//*[@id="search-pages"]//a[@rel="next"]'):
            return ids, tab
        number += 1


def test_search_pages_give_every_result_newest_first_and_tabs_count_to_100(platform):
    app = seeded(platform)
    for username, words in (("office", "学校"), ("liaison-edu", "学校"), ("safety-office", "学校"),
                            ("office", "建议")):  # fmt: skip
        expected = expected_items(app, username, words)
        assert expected, (username, words)
        ids, tab = walk(signed_in(app, username), words, "items")
        assert ids == expected, (username, words)
        assert tab == (str(len(expected)) if len(expected) <= 100 else "100+"), (username, words)
    # Every seeded item proposes (建议): more than the tabs count, each of one joint meeting only.
    with app.app_context():
        fugu, safety = charter_of(FUGU).id, charter_of(SAFETY).id
        charter_of_item = dict(db.session.execute(select(Item.id, Item.charter_id)).all())
    for username, own in (("office", fugu), ("safety-office", safety)):
        ids, _ = walk(signed_in(app, username), "建议", "items")
        assert len(ids) > 100 and {charter_of_item[i] for i in ids} == {own}


def test_search_finds_tasks_by_deadline_latest_first(platform):
    app = seeded(platform)
    with app.app_context():
        fugu = charter_of(FUGU).id
        tasks = db.session.scalars(select(Task).where(Task.charter_id == fugu)).all()
        expected = [t.id for t in sorted(tasks, key=lambda t: (t.deadline, t.id), reverse=True)
                    if "落实" in f"{t.title} {t.description}"]  # fmt: skip
    ids, tab = walk(signed_in(app, "office"), "落实", "tasks")
    assert ids == expected and len(ids) > 100 and tab == "100+"
    first = tree(signed_in(app, "office"), "/search?q=落实&kind=tasks")
    assert not first.xpath('//*[@id="search-pages"]//a[@rel="prev"]')
    second = tree(signed_in(app, "office"), "/search?q=落实&kind=tasks&page=2")
    assert second.xpath('//*[@id="search-pages"]//a[@rel="prev"]')


def test_search_makes_the_same_queries_for_more_rows(platform):
    client = signed_in(platform, "office")
    with platform.app_context():
        seed(charter_of(FUGU), 30, seed_value=5)
        db.session.commit()
    few = [statements(platform, client, f"/search?q={w}") for w in ("建议", "学校", "没有的词")]
    with platform.app_context():
        seed(charter_of(FUGU), 150, seed_value=6)
        db.session.commit()
    many = [statements(platform, client, f"/search?q={w}") for w in ("建议", "学校", "没有的词")]
    assert many == few


# ---- the audit history ----


def audit(app, n: int) -> None:
    """N grants in Fugu's joint meeting (to the observer) and one in the school-safety one."""
    with app.app_context():
        admin, fugu, safety = user("admin"), charter_of(FUGU), charter_of(SAFETY)
        for _ in range(n):
            grant(admin, user("observer"), fugu, "observer", None)
        grant(admin, user("safety-general"), safety, "general_convener", None)
        db.session.commit()


def audited(app, code: str | None = None) -> list[int]:
    with app.app_context():
        query = select(History.id).where(History.subject_kind.in_(("user", "joint_meeting", "department")))  # fmt: skip
        if code:
            query = query.where(History.charter_id == charter_of(code).id)
        return list(db.session.scalars(query.order_by(History.id.desc())))


def history_rows(client, page: int = 1) -> list[int]:
    doc = tree(client, f"/admin/history?page={page}")
    return [int(tr.get("data-id")) for tr in doc.xpath('//*[@id="audit"]//tr[@data-id]')]


def test_the_audit_history_pages_through_audited_rows_newest_first(platform):
    make_item(platform, "submitted")  # workflow history, not audited
    audit(platform, 30)
    make_item(platform, "submitted")
    audit(platform, 30)
    admin, office = signed_in(platform, "admin"), signed_in(platform, "office")
    every, fugu = audited(platform), audited(platform, FUGU)
    assert history_rows(admin) == every[:50] and history_rows(admin, 2) == every[50:100]
    assert len(every) > 50 and len(fugu) < len(every)
    # An office sees its own joint meeting's rows only.
    assert history_rows(office) + history_rows(office, 2) == fugu
    # The person each row is about is named, with a link to them.
    doc = tree(admin, "/admin/history")
    assert doc.xpath('//*[@id="audit"]//a[@href="/admin/people/observer"]')


def test_the_audit_history_makes_the_same_queries_for_more_rows(platform):
    admin, office = signed_in(platform, "admin"), signed_in(platform, "office")
    audit(platform, 2)
    make_item(platform, "submitted")
    few = [statements(platform, c, "/admin/history") for c in (admin, office)]
    audit(platform, 60)
    make_item(platform, "submitted")
    many = [statements(platform, c, "/admin/history") for c in (admin, office)]
    assert many == few


# ---- the calendar feed ----


def days_from_now(days: int) -> str:
    return f"{datetime.now(COUNTY) + timedelta(days=days):%Y-%m-%dT%H:%M+08:00}"


def feed(api, username: str) -> list[tuple[str, str]]:
    response = api.get("/api/v1/meetings.ics", as_=username)
    assert response.status_code == 200
    events = Calendar.from_ical(response.data).walk("VEVENT")
    return [(str(e["uid"]), str(e["status"])) for e in events]


def uid(meeting_id: int) -> str:
    return f"meeting-{meeting_id}@lianxi"


def safety_meeting(app, starts_at: str) -> int:
    with app.app_context():
        meeting = plan_meeting(user("safety-office"), {
            "kind": "ad_hoc", "title": "校园安全专题会", "starts_at": starts_at,
            "location": "县教育局会议室", "joint_meeting": SAFETY})  # fmt: skip
        db.session.commit()
        return meeting.id


def test_the_feed_holds_the_meetings_from_three_months_back_on(platform, api, monkeypatch):
    make_meeting(platform, "ad_hoc", "planned", starts_at=days_from_now(-200))
    recent = make_meeting(platform, "ad_hoc", "planned", starts_at=days_from_now(-30))
    cancelled = make_meeting(platform, "ad_hoc", "cancelled", starts_at=days_from_now(20))
    coming = make_meeting(platform, "ad_hoc", "planned", starts_at=days_from_now(10))
    theirs = safety_meeting(platform, days_from_now(5))
    # Earliest first; a cancelled meeting stays, marked; another joint meeting's stays out.
    assert feed(api, "liaison-edu") == [
        (uid(recent), "CONFIRMED"), (uid(coming), "CONFIRMED"), (uid(cancelled), "CANCELLED")
    ]  # fmt: skip
    assert feed(api, "safety-office") == [(uid(theirs), "CONFIRMED")]
    # A person of both joint meetings sees both, each labelled.
    both = Calendar.from_ical(api.get("/api/v1/meetings.ics", as_="both-edu").data)
    summaries = {str(e["uid"]): str(e["summary"]) for e in both.walk("VEVENT")}
    assert set(summaries) == {uid(recent), uid(coming), uid(cancelled), uid(theirs)}
    assert all(summary.startswith("【") for summary in summaries.values())
    # At most MAX_EVENTS, the earliest of the window.
    monkeypatch.setattr(calendar, "MAX_EVENTS", 2)
    assert feed(api, "liaison-edu") == [(uid(recent), "CONFIRMED"), (uid(coming), "CONFIRMED")]


def test_the_feed_makes_the_same_queries_for_more_meetings(platform, api):
    token = {"Authorization": f"Bearer {api.token('both-edu')}"}
    client = platform.test_client()
    make_meeting(platform, "ad_hoc", "planned", starts_at=days_from_now(3))
    safety_meeting(platform, days_from_now(4))
    few = statements(platform, client, "/api/v1/meetings.ics", headers=token)
    for n in range(4):
        make_meeting(platform, "ad_hoc", "planned", starts_at=days_from_now(5 + n))
        safety_meeting(platform, days_from_now(6 + n))
    assert statements(platform, client, "/api/v1/meetings.ics", headers=token) == few


@pytest.fixture
def remembering(platform, monkeypatch):
    platform.config["FIGURES_CACHE"] = True
    monkeypatch.setattr("meeting.figures_cache.LIFETIME", 10**9)  # no minute crossed mid-test
    forget()
    yield platform
    forget()


def test_a_remembered_feed_keeps_to_each_persons_joint_meetings_and_follows_changes(
    remembering, api
):
    """Remembered per set of joint meetings (meeting.figures_cache): people who see other
    joint meetings never get each other's feed, and a new meeting shows at once."""
    platform = remembering
    ours = make_meeting(platform, "ad_hoc", "planned", starts_at=days_from_now(3))
    theirs = safety_meeting(platform, days_from_now(4))
    for _ in range(2):  # the second time remembered
        assert feed(api, "liaison-edu") == [(uid(ours), "CONFIRMED")]
        assert feed(api, "safety-office") == [(uid(theirs), "CONFIRMED")]
        assert {u for u, _ in feed(api, "both-edu")} == {uid(ours), uid(theirs)}
    later = make_meeting(platform, "ad_hoc", "planned", starts_at=days_from_now(5))
    assert feed(api, "liaison-edu") == [(uid(ours), "CONFIRMED"), (uid(later), "CONFIRMED")]
    assert feed(api, "safety-office") == [(uid(theirs), "CONFIRMED")]
