"""Issue 15C in the browser: the office assigns a titled task on working days to a lead unit
and two responsible units (office PC, 1366×768); a responsible unit's liaison reports its part
on a phone (390×844); the lead unit's liaison sees the part and asks for an extension; the
office grants it to another date than asked."""

import re

import pytest
from playwright.sync_api import expect

from meeting.extensions import db
from meeting.tasks.deadlines import add_working_days, county_today
from meeting.tasks.models import Task
from tests.browser.conftest import sign_in
from tests.items_factory import make_item

pytestmark = pytest.mark.browser

OFFICE_PC = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def switch_user(page, server, username: str, viewport: dict) -> None:
    page.context.clear_cookies()
    page.set_viewport_size(viewport)
    sign_in(page, server, username)


def test_parts_of_responsible_units_and_an_extension_to_another_date(page, live_server, app):
    item_id = make_item(app, "adopted", title="关于建设留守儿童心理辅导站的议题")
    shots = live_server.artifacts

    switch_user(page, live_server, "office", OFFICE_PC)
    page.goto(f"{live_server.url}/items/{item_id}/tasks/new")
    expect(page.locator("#lead_unit")).to_have_value("")  # no default lead unit
    page.locator("#title").fill("心理辅导站选址建设")
    page.locator("#lead_unit").select_option(label="县教育和体育局")
    form = page.locator("#assign-form")
    form.get_by_label("县民政局").check()
    form.get_by_label("县财政局").check()
    page.locator("#working_days").fill("10")  # counts without switching anything first
    page.locator("#description").fill("在各乡镇中心学校建设心理辅导站")
    page.screenshot(path=str(shots / "task-assign-form.png"), full_page=True)
    form.get_by_role("button", name="交办").click()
    expect(page.locator("#task-title")).to_have_text("心理辅导站选址建设")
    task_id = int(re.search(r"/tasks/(\d+)", page.url).group(1))
    with app.app_context():
        task = db.session.get(Task, task_id)
        assert task.deadline == add_working_days(county_today(), 10)
        assert sorted(u.code for u in task.responsible_units) == ["civil-affairs", "finance"]

    # A responsible unit's liaison, on a phone, from the ledger to the task, reports its part.
    switch_user(page, live_server, "liaison-civil", PHONE)
    page.goto(f"{live_server.url}/tasks/")
    page.locator(f"[data-task='{task_id}'] a.task-title").click()
    part = page.locator("form[data-event=report_progress]")
    part.get_by_label("进展情况").fill("民政对象摸排已完成,名单已报牵头单位。")
    part.get_by_role("button", name="报送本单位承担部分").click()
    expect(page.locator("#parts")).to_contain_text("民政对象摸排已完成")
    page.screenshot(path=str(shots / "task-part-phone.png"), full_page=True)

    # The lead unit's liaison sees which units reported, then asks for an extension.
    switch_user(page, live_server, "liaison-edu", OFFICE_PC)
    page.goto(f"{live_server.url}/tasks/{task_id}")
    parts = page.locator("#parts")
    expect(parts.locator("tr[data-reported=yes]")).to_contain_text("县民政局")
    expect(parts.locator("tr[data-reported=no]")).to_contain_text("县财政局")
    page.locator("form[data-event=accept]").get_by_role("button").click()
    extension = page.locator("form[data-event=request_extension]")
    extension.locator("input[name=new_deadline]").fill("2100-06-30")
    extension.get_by_label("理由").fill("资金未到位")
    extension.get_by_role("button").click()
    expect(page.locator("#extension-request")).to_contain_text("2100-06-30")

    # The office grants it to another date; the history keeps both.
    switch_user(page, live_server, "office", OFFICE_PC)
    page.goto(f"{live_server.url}/tasks/?extension_pending=true")
    expect(page.locator("#ledger tbody tr[data-task]")).to_have_count(1)
    page.locator(f"tr[data-task='{task_id}'] a.task-title").click()
    grant = page.locator("form[data-event=grant_extension]")
    expect(grant.locator("input[name=new_deadline]")).to_have_value("2100-06-30")
    # The units card stands apart from the extension buttons, below the reports.
    assert page.locator("#units-card form[data-event=adjust_units]").count() == 1
    assert page.locator("#event-forms form[data-event=adjust_units]").count() == 0
    grant.locator("input[name=new_deadline]").fill("2100-03-31")
    grant.get_by_role("button").click()
    expect(page.locator("#deadline")).to_contain_text("2100-03-31")
    expect(page.locator("#timeline")).to_contain_text("申请延期至2100-06-30,批准延期至2100-03-31")
    page.screenshot(path=str(shots / "task-extension-granted.png"), full_page=True)
