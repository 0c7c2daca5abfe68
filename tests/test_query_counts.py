"""Pages and lists make the same number of queries whatever the data (issue 12): counted at two
small sizes, they must be equal (the benchmark in bench/ times them at 100,000 items)."""

import pytest
from sqlalchemy import event

from meeting.extensions import db
from tests.conftest import Auth
from tests.items_factory import make_item
from tests.meetings_factory import make_meeting
from tests.tasks_factory import make_task

PAGES = ["/meetings/{meeting}", "/items/", "/items/review", "/tasks/", "/notifications/", "/"]


def counted(app, action) -> int:
    """How many statements ACTION sends to the database."""
    count = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: count.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(count)


def statements(app, client, path: str, **kwargs) -> int:
    client.get(path, **kwargs)  # the first answer also builds what a request caches

    def get():
        assert client.get(path, **kwargs).status_code == 200

    return counted(app, get)


def add_data(app, n: int):
    for _ in range(n):
        make_item(app, "approved")
        make_item(app, "submitted")
        make_task(app, "in_progress")


@pytest.mark.parametrize("path", PAGES)
def test_a_page_makes_the_same_queries_for_more_rows(app, path):
    meeting = make_meeting(app, "plenary", "planned")
    client = app.test_client()
    Auth(client).login("office")
    path = path.format(meeting=meeting)
    add_data(app, 2)
    few = statements(app, client, path)
    add_data(app, 6)
    many = statements(app, client, path)
    assert many == few, f"{path}: {few} queries with few rows, {many} with more"


API_LISTS = ["/api/v1/items", "/api/v1/meetings", "/api/v1/tasks", "/api/v1/notifications",
             "/api/v1/units", "/api/v1/joint-meetings"]  # fmt: skip


@pytest.mark.parametrize("path", API_LISTS)
def test_an_api_list_makes_the_same_queries_for_more_rows(app, api, path):
    token = {"Authorization": f"Bearer {api.token('office')}"}
    client = app.test_client()
    for n in range(2):
        make_meeting(app, "plenary", "planned", title=f"会议{n}")
    add_data(app, 2)
    few = statements(app, client, path, headers=token)
    for n in range(4):
        make_meeting(app, "ad_hoc", "planned", title=f"专题{n}")
    add_data(app, 6)
    many = statements(app, client, path, headers=token)
    assert many == few, f"{path}: {few} queries with few rows, {many} with more"


def tick_statements(app, when: str) -> int:
    """Statements of one scheduler tick at WHEN (county time), as the scheduler runs it."""
    from tests.test_scheduler import run_tick

    return counted(app, lambda: run_tick(app, when))


def add_waiting(app, n: int):
    for _ in range(n):
        make_item(app, "submitted")
        make_item(app, "reviewed")
        make_task(app, "in_progress", deadline="2099-01-10")
        make_task(app, "assigned", deadline="2099-01-28")


def test_a_scheduler_tick_makes_the_same_queries_for_more_rows(app):
    """Set-based checks (issue 12): a tick that sends reminders, and an idle one, make as many
    statements with more overdue tasks and waiting items."""
    tick_statements(app, "2099-01-25 08:00")  # the year's plenary prompt, the bulletin draft
    add_waiting(app, 2)
    sending_few = tick_statements(app, "2099-01-25 09:00")
    idle_few = tick_statements(app, "2099-01-25 10:00")
    add_waiting(app, 6)
    sending_many = tick_statements(app, "2099-01-25 11:00")
    idle_many = tick_statements(app, "2099-01-25 12:00")
    assert (sending_many, idle_many) == (sending_few, idle_few)
    assert idle_few < sending_few


def test_a_long_list_is_counted_only_so_far_for_people_and_exactly_for_the_api(
    app, client, auth, api, monkeypatch
):
    """A page for people counts up to the cap (ten pages past the one shown at least) and says
    「N+」; the API's `total` stays exact (API.md)."""
    import meeting.pages
    from meeting.charter.models import Charter
    from meeting.demo import seed

    with app.app_context():
        seed(db.session.scalar(db.select(Charter)), 300)
        db.session.commit()
    monkeypatch.setattr(meeting.pages, "COUNT_CAP", 100)
    auth.login("office")
    page = client.get("/items/").get_data(as_text=True)
    assert "(220+)" in page  # (page 1 + 10 pages) × 20 a page, not the 100 asked for
    listed = api.get("/api/v1/items?per_page=20", "office").json
    assert listed["total"] > 220 and listed["pages"] == -(-listed["total"] // 20)
    assert "(220+)" not in client.get("/items/?state=submitted").get_data(as_text=True)


def test_the_meeting_pages_candidates_are_counted_ten_pages_on_at_most(
    app, client, auth, monkeypatch
):
    """Each candidate is checked against every open meeting's agenda: the picker counts ten
    pages past the one shown, not the thousand a list of records counts, and says there are
    more (search narrows them)."""
    import meeting.meetings.views

    monkeypatch.setattr(meeting.meetings.views, "CANDIDATES_PER_PAGE", 1)
    monkeypatch.setattr(meeting.meetings.views, "CANDIDATES_COUNTED", 5)
    meeting_id = make_meeting(app, "plenary", "planned")
    for n in range(13):
        make_item(app, "approved", title=f"候选议题{n}")
    auth.login("office")
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "可加入议程的议题超过 11 项" in page  # (page 1 + 10 pages) × 1 a page
    narrowed = client.get(f"/meetings/{meeting_id}?candidates_q=候选议题12")
    assert "可列入1项议题" in narrowed.get_data(as_text=True)
