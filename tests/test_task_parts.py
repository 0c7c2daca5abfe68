"""Issue 15C: tasks with titles of their own, responsible units' parts, extensions granted to
another date, the task form, and the ledger's hand-offs (pages and API, against the database)."""

import io
import re
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from meeting.extensions import db
from meeting.history import History
from meeting.tasks.deadlines import add_working_days, county_today
from meeting.tasks.models import ProgressReport, Task
from tests.conftest import table_counts
from tests.items_factory import make_item
from tests.tasks_factory import make_task, task_row


def fire(api, task_id, event, username, **body):
    return api.post(f"/api/v1/tasks/{task_id}/events/{event}", as_=username, json=body)


def ledger_ids(client, query=""):
    page = client.get(f"/tasks/?{query}").get_data(as_text=True)
    return [int(i) for i in re.findall(r'data-task="(\d+)"', page)]


# ---- titles ----


def test_the_api_takes_a_title_or_derives_it_from_the_description(app, api):
    item_id = make_item(app, "adopted")
    url = f"/api/v1/items/{item_id}/tasks"
    base = {"lead_unit": "education-sports", "deadline": "2099-06-30"}
    given = api.post(url, as_="office", json={**base, "title": "心理辅导站选址",
                                              "description": "建设心理辅导站\n含选址和设计"})  # fmt: skip
    assert given.status_code == 201, given.get_json()
    assert given.get_json()["title"] == "心理辅导站选址"
    # A client of before titles sends none: the description's first line is the title.
    derived = api.post(
        url, as_="office", json={**base, "description": "\n  建设心理辅导站  \n含选址"}
    )
    assert derived.get_json()["title"] == "建设心理辅导站"
    long = api.post(url, as_="office", json={**base, "description": "很" * 150})
    assert len(long.get_json()["title"]) == 100 and long.get_json()["title"].endswith("…")
    task_id = given.get_json()["id"]
    assert api.get(f"/api/v1/tasks/{task_id}", as_="office").get_json()["title"] == "心理辅导站选址"

    before = table_counts(app)
    for bad in ({"title": "   "}, {"title": "长" * 101}):
        refused = api.post(url, as_="office", json={**base, "description": "x", **bad})
        assert refused.status_code == 422 and "title" in refused.get_json()["fields"]
    assert table_counts(app) == before


def test_the_title_names_the_task_in_the_ledger_page_export_search_and_bulletin(app, client, auth):
    item_id = make_item(app, "adopted")
    first = make_task(app, "in_progress", item_id=item_id, title="摸底排查",
                      description="摸底排查\n覆盖全县各乡镇")  # fmt: skip
    second = make_task(app, "assigned", item_id=item_id, title="建立台账",
                       description="对全县留守儿童建立一人一档")  # fmt: skip
    with app.app_context():  # overdue, for the bulletin
        db.session.execute(db.update(Task).where(Task.id == first)
                           .values(deadline=date(2021, 3, 1), original_deadline=date(2021, 3, 1)))  # fmt: skip
        db.session.commit()
    auth.login("office")
    ledger = client.get("/tasks/").get_data(as_text=True)
    assert "摸底排查" in ledger and "建立台账" in ledger
    assert '<h1 class="h3" id="task-title">建立台账</h1>' in client.get(
        f"/tasks/{second}"
    ).get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(client.get("/tasks/export.xlsx").data)).active
    content = {row[0]: row[2] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert content[second] == "建立台账\n对全县留守儿童建立一人一档"
    assert content[first] == "摸底排查\n覆盖全县各乡镇"  # begins with its title: not said twice
    found = client.get("/search?q=建立台账").get_data(as_text=True)
    assert f"/tasks/{second}" in found and f"/tasks/{first}" not in found
    response = client.post(
        "/bulletins/", data={"period_start": "2021-01-01", "period_end": "2099-12-31"}
    )
    bulletin = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(rf'data-task="{first}">[^<]*摸底排查', bulletin)


# ---- the task form ----


def test_the_form_asks_for_a_title_and_a_lead_unit_with_no_default(app, client, auth):
    item_id = make_item(app, "adopted")
    auth.login("office")
    form = client.get(f"/items/{item_id}/tasks/new").get_data(as_text=True)
    lead = re.search(r'<select[^>]*id="lead_unit".*?</select>', form, re.S).group(0)
    assert re.search(r'<option value="" selected>请选择</option>', lead)
    assert lead.count("selected") == 1  # nothing else chosen: 县民政局 is no default
    assert 'name="deadline_kind"' not in form  # no radio button to switch first

    before = table_counts(app)
    refused = client.post(f"/items/{item_id}/tasks/new", data={
        "lead_unit": "", "title": "", "deadline": "2099-06-30", "description": "建设心理辅导站",
        "responsible_units": ["finance"]})  # fmt: skip
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "请填写任务标题" in page and "请选择牵头单位。" in page
    assert "建设心理辅导站" in page and 'value="finance" checked' in page  # kept as typed
    assert table_counts(app) == before


def test_working_days_count_without_a_radio_and_exactly_one_deadline_is_given(app, client, auth):
    item_id = make_item(app, "adopted")
    auth.login("office")
    form = {"lead_unit": "education-sports", "title": "建站", "description": "建设心理辅导站"}
    before = table_counts(app)
    both = client.post(f"/items/{item_id}/tasks/new",
                       data={**form, "deadline": "2099-06-30", "working_days": "10"})  # fmt: skip
    assert both.status_code == 422 and "不能同时填写" in both.get_data(as_text=True)
    neither = client.post(f"/items/{item_id}/tasks/new", data=form)
    assert neither.status_code == 422
    assert table_counts(app) == before

    done = client.post(
        f"/items/{item_id}/tasks/new", data={**form, "deadline": "", "working_days": "10"}
    )
    assert done.status_code == 302
    task_id = int(done.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        task = db.session.get(Task, task_id)
        assert (task.working_days, task.deadline) == (10, add_working_days(county_today(), 10))
        assert task.title == "建站"


# ---- responsible units' parts ----


def test_a_responsible_unit_reports_its_part_and_the_lead_unit_sees_it(app, client, auth, api):
    task_id = make_task(
        app, "in_progress", title="心理辅导站", responsible_units=["civil-affairs", "finance"]
    )
    auth.login("liaison-civil")
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "报送本单位承担部分" in page and 'data-event="request_completion"' not in page
    reported = client.post(f"/tasks/{task_id}/events/report_progress",
                           data={"version": 2, "text": "已完成民政对象摸排"})  # fmt: skip
    assert reported.status_code == 302
    auth.logout()
    with app.app_context():
        report = db.session.scalar(select(ProgressReport).where(ProgressReport.task_id == task_id))
        assert (report.kind, report.unit.code) == ("part", "civil-affairs")
        row = db.session.scalar(select(History).where(History.subject_kind == "task",
                                                       History.event == "report_progress"))  # fmt: skip
        assert row.fields["part"] is True

    for viewer in ("liaison-edu", "office"):  # the lead unit and the office see every part
        auth.login(viewer)
        page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
        parts = re.search(r'<table[^>]*id="parts".*?</table>', page, re.S).group(0)
        civil = re.search(r'<tr data-unit="\d+" data-reported="yes">.*?</tr>', parts, re.S).group(0)
        assert "县民政局" in civil and "已完成民政对象摸排" in civil
        assert re.search(r'data-reported="no">\s*<td>县财政局', parts)
        auth.logout()
    # The lead unit reports for the whole; its report is progress, not a part.
    assert (
        fire(api, task_id, "report_progress", "liaison-edu", text="整体进展", version=3).status_code
        == 200
    )
    body = api.get(f"/api/v1/tasks/{task_id}", as_="liaison-edu").get_json()
    assert [(r["kind"], r["unit"]) for r in body["reports"]] == [
        ("part", "civil-affairs"), ("progress", "education-sports")]  # fmt: skip
    # Completion stays the lead unit's.
    assert (
        fire(api, task_id, "request_completion", "liaison-civil", report="x", version=4).status_code
        == 403
    )


def test_a_unit_not_on_the_task_cannot_report(app, client, auth, api):
    task_id = make_task(
        app, "in_progress", lead_unit="civil-affairs", responsible_units=["finance"]
    )
    before = table_counts(app)
    auth.login("liaison-edu")
    assert client.get(f"/tasks/{task_id}").status_code == 404
    assert client.post(f"/tasks/{task_id}/events/report_progress",
                       data={"version": 2, "text": "x"}).status_code == 404  # fmt: skip
    assert (
        fire(api, task_id, "report_progress", "liaison-edu", text="x", version=2).status_code == 404
    )
    assert table_counts(app) == before
    assert (
        fire(api, task_id, "report_progress", "liaison-civil", text="牵头", version=2).status_code
        == 200
    )


def test_a_part_does_not_stand_for_the_lead_units_report(app, api):
    task_id = make_task(app, "in_progress", report_rhythm={"kind": "every_days", "days": 14})
    fire(api, task_id, "report_progress", "liaison-civil", text="配合部分", version=2)
    body = api.get(f"/api/v1/tasks/{task_id}", as_="office").get_json()
    fire(api, task_id, "report_progress", "liaison-edu", text="整体", version=3)
    after = api.get(f"/api/v1/tasks/{task_id}", as_="office").get_json()
    # Only the lead unit's report moves the next report due on.
    assert body["next_report_due"] < after["next_report_due"]


# ---- extensions ----


def test_the_office_grants_an_extension_to_another_date(app, api, client, auth):
    task_id = make_task(app, "in_progress", deadline="2099-12-31")
    asked = fire(api, task_id, "request_extension", "liaison-edu", new_deadline="2100-06-30",
                 reason="资金未到位", version=2)  # fmt: skip
    assert asked.status_code == 200
    auth.login("office")
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    grant = re.search(r'<form[^>]*data-event="grant_extension".*?</form>', page, re.S).group(0)
    assert re.search(r'type="date" name="new_deadline"[^>]*value="2100-06-30"', grant)

    before = table_counts(app)
    for bad in ("2099-12-31", "2099-01-01"):  # not after the current deadline
        refused = client.post(f"/tasks/{task_id}/events/grant_extension",
                              data={"version": 3, "new_deadline": bad})  # fmt: skip
        assert refused.status_code == 422 and "2099-12-31" in refused.get_data(as_text=True)
    assert table_counts(app) == before
    assert task_row(app, task_id)[1:3] == (3, "2099-12-31")

    granted = client.post(f"/tasks/{task_id}/events/grant_extension",
                          data={"version": 3, "new_deadline": "2100-03-31"})  # fmt: skip
    assert granted.status_code == 302
    assert task_row(app, task_id)[2:] == ("2100-03-31", "2099-12-31")
    with app.app_context():
        row = db.session.scalar(select(History).where(History.event == "grant_extension"))
        assert (row.fields["asked_for"], row.fields["new_deadline"]) == ("2100-06-30", "2100-03-31")
        assert row.fields["old_deadline"] == "2099-12-31"
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "申请延期至2100-06-30,批准延期至2100-03-31" in page


def test_an_extension_granted_as_asked_when_no_date_is_given(app, api):
    task_id = make_task(app, "assigned", deadline="2099-12-31")
    fire(
        api,
        task_id,
        "request_extension",
        "liaison-edu",
        new_deadline="2100-06-30",
        reason="r",
        version=1,
    )
    assert fire(api, task_id, "grant_extension", "office", version=2).status_code == 200
    assert task_row(app, task_id)[2] == "2100-06-30"
    fire(
        api,
        task_id,
        "request_extension",
        "liaison-edu",
        new_deadline="2100-09-30",
        reason="r",
        version=3,
    )
    refused = fire(api, task_id, "grant_extension", "office", new_deadline="2100-06-30", version=4)
    assert refused.status_code == 422
    assert task_row(app, task_id)[1:3] == (4, "2100-06-30")


# ---- the ledger's hand-offs ----


def test_the_ledger_has_no_confirm_without_the_report(app, client, auth):
    task_id = make_task(app, "completion_requested")
    auth.login("office")
    ledger = client.get("/tasks/").get_data(as_text=True)
    assert f"/tasks/{task_id}/events/confirm" not in ledger
    assert f'href="/tasks/{task_id}#completion-report"' in ledger
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    report = re.search(r'id="completion-report".*?</div>\s*</div>', page, re.S).group(0)
    assert "已完成" in report
    assert page.index('id="completion-report"') < page.index('data-event="confirm"')


def test_the_home_page_links_land_on_exactly_the_waiting_tasks(app, client, auth, api):
    pending = make_task(app, "in_progress")
    make_task(app, "in_progress")
    asking = make_task(app, "completion_requested")
    fire(
        api,
        pending,
        "request_extension",
        "liaison-edu",
        new_deadline="2100-06-30",
        reason="r",
        version=2,
    )
    auth.login("office")
    home = client.get("/").get_data(as_text=True)
    links = dict((what.strip(), href) for href, what in re.findall(
        r'<a class="list-group-item[^"]*" href="([^"]+)"><span>(?:<span[^>]*>[^<]*</span>)?([^<]+)</span>', home))  # fmt: skip
    for what, expected in (("待答复的延期申请", [pending]), ("申请办结待确认的任务", [asking])):
        landed = client.get(links[what].replace("&amp;", "&"), follow_redirects=True)
        assert [
            int(i) for i in re.findall(r'data-task="(\d+)"', landed.get_data(as_text=True))
        ] == expected
    assert ledger_ids(client, "extension_pending=true") == [pending]
    listed = api.get("/api/v1/tasks?extension_pending=true", as_="office").get_json()
    assert [task["id"] for task in listed["items"]] == [pending]
