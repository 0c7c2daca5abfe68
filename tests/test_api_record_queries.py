"""One record through the API, read or changed, costs the same number of queries however much
data there is (issue 12): an item GET and a task event POST, counted with 5 and with 50 items
and with more tasks, reports and history on the record itself."""

from meeting.extensions import db
from tests.items_factory import make_item
from tests.tasks_factory import make_task
from tests.test_query_counts import counted

# What they came to, counting SQLite's BEGIN: the token with its user and seats, the item with
# its unit, attachments and tasks, its history (its opinions only once some were asked, which
# its history tells); for the event, the task with its item and units, its reports, the
# update, the history row, the liaisons to tell, their notifications, the history read back.
# More than this is a query come back.
ITEM_GET = 4
EVENT_POST = 9


def add_items(app, n: int) -> None:
    for state in ("submitted", "approved", "draft", "adopted", "implementing") * (n // 5):
        make_item(app, state)


def item_get(app, api, item_id: int) -> int:
    def get():
        response = api.get(f"/api/v1/items/{item_id}", "office")
        assert response.status_code == 200, response.json
        assert response.json["tasks"] and response.json["history"]

    get()  # the first answer also builds what a worker caches
    return counted(app, get)


def urge(app, api, task_id: int) -> int:
    def post():
        response = api.post(f"/api/v1/tasks/{task_id}/events/urge", "office",
                            json={"version": version, "message": "请加快进度"})  # fmt: skip
        assert response.status_code == 200, response.json

    version = api.get(f"/api/v1/tasks/{task_id}", "office").json["version"]
    post()  # the first answer also builds what a worker caches
    version += 1
    return counted(app, post)


def report(app, api, task_id: int) -> None:
    version = api.get(f"/api/v1/tasks/{task_id}", "liaison-edu").json["version"]
    response = api.post(f"/api/v1/tasks/{task_id}/events/report_progress", "liaison-edu",
                        json={"version": version, "text": "已完成选址"})  # fmt: skip
    assert response.status_code == 200, response.json


def test_an_item_get_makes_the_same_queries_with_more_data(app, api):
    task_id = make_task(app, "in_progress")
    with app.app_context():
        from meeting.tasks.models import Task

        item_id = db.session.get(Task, task_id).item_id
    add_items(app, 5)
    few = item_get(app, api, item_id)
    add_items(app, 45)
    for _ in range(4):
        make_task(app, "in_progress", item_id=item_id)
    many = item_get(app, api, item_id)
    assert many == few, f"item GET: {few} queries with 5 items, {many} with 50"
    assert many <= ITEM_GET


def test_a_task_event_makes_the_same_queries_with_more_data(app, api):
    task_id = make_task(app, "in_progress")
    add_items(app, 5)
    few = urge(app, api, task_id)
    add_items(app, 45)
    for _ in range(3):
        report(app, api, task_id)
        make_task(app, "in_progress")
    many = urge(app, api, task_id)
    assert many == few, f"event POST: {few} queries with 5 items, {many} with 50"
    assert many <= EVENT_POST
