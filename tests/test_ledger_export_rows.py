"""The ledger's Excel export reads plain rows, not ORM objects (issue 12): each row it prints
says what the API says of the same task, and it makes the same queries for more tasks."""

import io
from datetime import date, timedelta

from openpyxl import load_workbook

from meeting.extensions import db
from meeting.tasks.deadlines import county_today
from meeting.tasks.export import Labels
from meeting.tasks.models import Task
from tests.conftest import Auth
from tests.tasks_factory import make_task
from tests.test_query_counts import statements
from tests.test_report_rhythm import report, started


def exported_rows(client) -> list[tuple]:
    """The data rows of the export (in the ledger's order: tested beside the ledger page)."""
    sheet = load_workbook(io.BytesIO(client.get("/tasks/export.xlsx").data)).active
    return list(sheet.iter_rows(min_row=4, values_only=True))  # a title, 截至 …, the headers


def overdue_since(app, task_id: int, days: int) -> None:
    with app.app_context():
        past = county_today() - timedelta(days=days)
        db.session.execute(db.update(Task).where(Task.id == task_id)
                           .values(deadline=past, original_deadline=past))  # fmt: skip
        db.session.commit()


def monthly(app, task_id: int) -> None:
    with app.app_context():
        db.session.execute(db.update(Task).where(Task.id == task_id)
                           .values(rhythm="monthly", rhythm_days=None))  # fmt: skip
        db.session.commit()


def county_day(timestamp: str | None) -> date | None:
    """The day of an API timestamp (given with the county's offset)."""
    return date.fromisoformat(timestamp[:10]) if timestamp else None


def test_each_exported_row_says_what_the_api_says_of_its_task(app, api, client, auth):
    plain = make_task(app, "assigned", responsible_units=["finance", "civil-affairs"])
    fortnightly = make_task(app, "in_progress", title="摸底排查", description="开展摸底排查")
    since = started(app, fortnightly, 45)  # three periods closed, one of them reported
    report(app, api, fortnightly, since + timedelta(days=20))
    by_month = make_task(app, "in_progress", responsible_units=[])
    started(app, by_month, 100)
    monthly(app, by_month)
    late = make_task(app, "assigned", lead_unit="finance", responsible_units=["civil-affairs"])
    overdue_since(app, late, 40)
    done = make_task(app, "done")
    units = {
        unit["code"]: unit["name"] for unit in api.get("/api/v1/units", as_="office").json["items"]
    }
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        labels = Labels.translated()
    today = county_today()

    auth.login("office")
    rows = exported_rows(client)
    assert sorted(row[0] for row in rows) == [plain, fortnightly, by_month, late, done]
    for row in rows:
        task = api.get(f"/api/v1/tasks/{row[0]}", as_="office").json
        deadline = date.fromisoformat(task["deadline"])
        assert row[1] == task["item_title"]
        assert task["title"].rstrip("…") in row[2] and task["description"] in row[2]
        assert row[3] == units[task["lead_unit"]]
        assert row[4] == "、".join(units[code] for code in task["responsible_units"])
        assert row[5] == labels.states[task["state"]]
        assert row[6].date() == county_day(task["assigned_at"])
        assert row[7].date().isoformat() == task["original_deadline"]
        assert row[8].date() == deadline
        assert row[9] == labels.warnings[task["warning"]]
        late_by = (today - deadline).days if task["overdue"] else 0
        assert row[10] == late_by
        assert (row[11].date() if row[11] else None) == county_day(task["completed_at"])
        assert row[12] == task["missed_reports"]
    missed = {row[0]: row[12] for row in rows}
    assert missed[fortnightly] == 2 and missed[by_month] > 0  # the rhythms are counted
    assert {row[0]: row[10] for row in rows}[late] == 40


def test_the_export_makes_the_same_queries_for_more_tasks(app):
    client = app.test_client()
    Auth(client).login("office")
    make_task(app, "in_progress")
    make_task(app, "done", responsible_units=["finance", "civil-affairs"])
    few = statements(app, client, "/tasks/export.xlsx")
    for state in ("assigned", "in_progress", "completion_requested", "done"):
        make_task(app, state, responsible_units=["finance", "civil-affairs"])
    many = statements(app, client, "/tasks/export.xlsx")
    assert many == few, f"{few} queries with few tasks, {many} with more"
