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


def statements(app, client, path: str, **kwargs) -> int:
    client.get(path, **kwargs)  # the first answer also builds what a request caches
    count = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: count.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(path, **kwargs).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(count)


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
