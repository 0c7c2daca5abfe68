"""The lead unit's liaison, on a phone (390×844), reports and asks to close a task; the office,
at the office PC (1366×768), opens its completion report from the ledger and confirms it there,
filters the ledger to overdue tasks and downloads the Excel file. Screenshots in
test-artifacts/mission-task-*."""

from datetime import date

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from meeting.extensions import db
from meeting.tasks.models import Task
from tests.browser.conftest import nav, sign_in_as, sign_out, snap
from tests.tasks_factory import make_task

pytestmark = pytest.mark.browser


def test_progress_completion_and_the_ledger(page, live_server, app, tmp_path):
    task_id = make_task(app, "assigned", description="建设心理辅导站")
    late = make_task(app, "in_progress", description="开展假期关爱活动", lead_unit="civil-affairs",
                     responsible_units=[])  # fmt: skip
    with app.app_context():  # a task whose deadline has passed
        db.session.execute(db.update(Task).where(Task.id == late)
                           .values(deadline=date(2021, 3, 1), original_deadline=date(2021, 3, 1)))  # fmt: skip
        db.session.commit()

    sign_in_as(page, live_server, "liaison-edu")  # on a phone
    nav(page, "本单位任务")
    card = page.locator(f"#ledger tr[data-task='{task_id}']")
    expect(card).to_be_visible()
    snap(page, "task-390-liaison-ledger")
    card.locator("a").first.click()
    page.wait_for_url(f"{live_server.url}/tasks/{task_id}")
    page.locator("form[data-event=accept]").get_by_role("button").click()
    expect(page.locator("#task-state")).to_contain_text("办理中")
    snap(page, "task-390-liaison-accepted")
    report = page.locator("form[data-event=report_progress]")
    report.get_by_label("进展情况").fill("已完成选址和设计。")
    report.get_by_role("button", name="报送进展").click()
    expect(page.locator("#reports")).to_contain_text("已完成选址和设计。")
    snap(page, "task-390-liaison-reported")
    completion = page.locator("form[data-event=request_completion]")
    completion.get_by_label("办结报告").fill("心理辅导站已建成并投入使用。")
    completion.get_by_role("button", name="申请办结").click()
    expect(page.locator("#task-state")).to_contain_text("申请办结")
    snap(page, "task-390-liaison-completion-asked")
    sign_out(page)

    sign_in_as(page, live_server, "office")
    nav(page, "督办台账")
    # The ledger leads to the completion report; completion is confirmed beside it.
    page.locator(f"tr[data-task='{task_id}'] a.read-report").click()
    expect(page.locator("#completion-report")).to_contain_text("心理辅导站已建成并投入使用。")
    snap(page, "task-1366-office-completion-report")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[data-event=confirm]").get_by_role("button").click()
    expect(page.locator("#task-state")).to_contain_text("已办结")
    snap(page, "task-1366-office-confirmed")
    nav(page, "督办台账")
    expect(page.locator(f"tr[data-task='{task_id}']")).to_contain_text("已办结")

    page.locator("#ledger-filters input[name=overdue]").check()
    page.locator("#ledger-filters").get_by_role("button", name="筛选").click()
    expect(page.locator("#ledger tbody tr")).to_have_count(1)
    expect(page.locator(f"#ledger tr[data-task='{late}']")).to_contain_text("严重超期")
    with page.expect_download() as download:
        page.locator("#export").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    download.value.save_as(tmp_path / "ledger.xlsx")
    rows = list(load_workbook(tmp_path / "ledger.xlsx").active.iter_rows(values_only=True))
    # Under the title, the 截至 row and the header: the one overdue task.
    assert rows[2][0] == "编号" and [row[0] for row in rows[3:]] == [late]
    assert rows[3][3] == "县民政局"
    snap(page, "task-1366-office-ledger-overdue")
