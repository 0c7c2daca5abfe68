"""Task pages, the ledger's Excel export and the progress bulletin, against the database."""

import io
import re
from datetime import date

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from meeting.extensions import db
from meeting.items.models import Item
from meeting.tasks.models import Task
from tests.items_factory import item_row, make_item
from tests.tasks_factory import make_task, task_row


def test_assign_a_task_from_the_item_page(app, client, auth):
    item_id = make_item(app, "adopted")
    auth.login("office")
    assert "/tasks/new" in client.get(f"/items/{item_id}").get_data(as_text=True)
    response = client.post(f"/items/{item_id}/tasks/new", data={
        "lead_unit": "education-sports", "responsible_units": ["finance", "civil-affairs"],
        "title": "心理辅导站", "deadline": "2099-06-30", "description": "建设心理辅导站"})  # fmt: skip
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "县教育和体育局" in page and "2099-06-30" in page and "县财政局" in page
    assert "心理辅导站" in page
    assert item_row(app, item_id)[0] == "implementing"
    bad = client.post(f"/items/{item_id}/tasks/new", data={"lead_unit": "education-sports", "title": "x",
                                                          "deadline": "", "description": ""})  # fmt: skip
    assert bad.status_code == 422


def test_task_events_through_the_page(app, client, auth):
    task_id = make_task(app, "assigned")
    auth.login("liaison-edu")
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'data-event="accept"' in page and 'data-event="confirm"' not in page
    assert client.post(f"/tasks/{task_id}/events/accept", data={"version": 1}).status_code == 302
    client.post(f"/tasks/{task_id}/events/report_progress", data={"version": 2, "text": "已选址"})
    client.post(
        f"/tasks/{task_id}/events/request_completion", data={"version": 3, "report": "已建成"}
    )
    assert task_row(app, task_id)[:2] == ("completion_requested", 4)
    assert client.post(f"/tasks/{task_id}/events/confirm", data={"version": 4}).status_code == 403
    auth.logout()
    auth.login("liaison-civil")
    assert client.post(f"/tasks/{task_id}/events/accept", data={"version": 4}).status_code == 403
    auth.logout()
    auth.login("office")
    assert client.post(f"/tasks/{task_id}/events/confirm", data={"version": 3}).status_code == 409
    assert client.post(f"/tasks/{task_id}/events/confirm", data={"version": 4}).status_code == 302
    assert task_row(app, task_id)[0] == "done"


def ledger_ids(client, query=""):
    return [
        int(i)
        for i in re.findall(
            r'data-task="(\d+)"', client.get(f"/tasks/?{query}").get_data(as_text=True)
        )
    ]


def test_excel_export_equals_the_filtered_ledger(app, client, auth):
    overdue = make_task(app, "in_progress", deadline="2099-01-01")
    make_task(app, "done", deadline="2099-01-02")
    make_task(app, "assigned", deadline="2099-02-01", lead_unit="finance", responsible_units=[])
    with app.app_context():
        db.session.execute(db.update(Task).where(Task.id == overdue)
                           .values(deadline=date(2020, 1, 1), original_deadline=date(2020, 1, 1)))  # fmt: skip
        db.session.commit()
    auth.login("office")
    for query in ("", "overdue=true", "unit=finance", "state=done", "sort=-deadline"):
        shown = ledger_ids(client, query)
        workbook = load_workbook(io.BytesIO(client.get(f"/tasks/export.xlsx?{query}").data))
        sheet = workbook.active
        rows = list(sheet.iter_rows(values_only=True))  # a title, 截至 …, then the headers
        assert rows[2][:4] == ("编号", "议题", "任务内容", "牵头单位")
        assert [row[0] for row in rows[3:]] == shown, query
        assert sheet.freeze_panes == "A4"
    sheet = load_workbook(io.BytesIO(client.get("/tasks/export.xlsx?overdue=true").data)).active
    assert sheet.cell(4, 9).value.date() == date(2020, 1, 1)  # a real date cell
    assert sheet.cell(4, 9).number_format == "yyyy-mm-dd"
    assert sheet.cell(4, 10).value == "严重超期"
    assert sheet.cell(4, 10).fill.fgColor.rgb.endswith("D9534F")  # the ledger's dark red


def test_a_liaison_sees_only_their_units_tasks(app, client, auth):
    mine = make_task(app, "assigned")
    other = make_task(app, "assigned", lead_unit="finance", responsible_units=[])
    auth.login("liaison-edu")
    assert ledger_ids(client) == [mine]
    assert client.get(f"/tasks/{other}").status_code == 404


def test_bulletin_counts_equal_the_database(app, client, auth):
    make_task(app, "done")
    make_task(app, "in_progress")
    make_task(app, "assigned", lead_unit="finance", responsible_units=[])
    make_item(app, "submitted")
    auth.login("office")
    response = client.post(
        "/bulletins/", data={"period_start": "2026-01-01", "period_end": "2099-12-31"}
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    bulletin_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        from meeting.tasks.models import Bulletin

        figures = db.session.get(Bulletin, bulletin_id).figures
        by_state = dict(db.session.execute(
            select(Item.state, func.count()).where(Item.submitted_at.is_not(None)).group_by(Item.state)).all())  # fmt: skip
        assert figures["items_by_state"] == by_state
        for row in figures["tasks_by_unit"]:
            lead = (
                select(func.count())
                .select_from(Task)
                .join(Task.lead_unit)
                .where(Task.lead_unit.has(code=row["unit"]))
            )
            assert row["total"] == db.session.scalar(lead)
            assert row["done"] == db.session.scalar(lead.where(Task.state == "done"))
        assert figures["tasks_total"] == db.session.scalar(select(func.count()).select_from(Task))
    edu = next(r for r in figures["tasks_by_unit"] if r["unit"] == "education-sports")
    assert (edu["total"], edu["done"], edu["completion_rate"]) == (2, 1, 0.5)
    assert 'id="completion-chart"' in page and 'data-unit="education-sports"' in page

    client.post(f"/bulletins/{bulletin_id}/publish")
    page = client.get(f"/bulletins/{bulletin_id}").get_data(as_text=True)
    assert re.search(r"\d{4}年第1期", page)
    docx = Document(io.BytesIO(client.get(f"/bulletins/{bulletin_id}.docx").data))
    assert any("县教育和体育局" in cell.text for cell in docx.tables[0].columns[0].cells)
    auth.logout()
    auth.login("liaison-civil")
    kinds = [
        n
        for n in re.findall(
            r'data-kind="(\w+)"', client.get("/notifications/").get_data(as_text=True)
        )
    ]
    assert "bulletin_published" in kinds


def test_a_progress_report_with_an_attachment(app, client, auth):
    task_id = make_task(app, "in_progress")
    auth.login("liaison-civil")
    response = client.post(
        f"/tasks/{task_id}/events/report_progress",
        data={
            "version": 2,
            "text": "摸排完成,附名单",
            "file": (io.BytesIO("名单".encode()), "留守儿童名单.xlsx"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    link = re.search(r'href="(/tasks/\d+/reports/\d+/file)">留守儿童名单.xlsx<', page).group(1)
    download = client.get(link)
    assert download.data.decode() == "名单"
    download.close()
    refused = client.post(
        f"/tasks/{task_id}/events/report_progress",
        data={"version": 3, "text": "x", "file": (io.BytesIO(b"MZ"), "tool.exe")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert task_row(app, task_id)[1] == 3
