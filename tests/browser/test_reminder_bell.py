"""After a scheduler tick, the reminded liaison, on a phone (390×844), sees the bell's count in
the menu and lands on the task. Screenshots in test-artifacts/mission-bell-*."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_menu, sign_in_as, snap
from tests.tasks_factory import make_task

pytestmark = pytest.mark.browser


def test_a_reminder_leads_to_its_task(page, live_server, app):
    # Its one progress report is due after the tick: the tick's only reminder is the deadline's.
    task_id = make_task(app, "in_progress", deadline="2099-03-10",
                        report_rhythm={"kind": "dates", "dates": ["2099-12-31"]})  # fmt: skip
    sign_in_as(page, live_server, "liaison-edu")  # on a phone
    before = int(page.locator("#unread-count").text_content())  # in the closed menu
    result = app.test_cli_runner().invoke(args=["scheduler", "tick", "--at", "2099-03-11 09:00"])
    assert result.exit_code == 0, result.output

    page.reload()
    expect(page.locator("#unread-count")).to_have_text(str(before + 1))
    # The phone's top bar shows the count without opening the menu.
    expect(page.locator("#topbar-unread")).to_be_visible()
    expect(page.locator("#topbar-unread")).to_contain_text(str(before + 1))
    open_menu(page)  # the bell is in the menu on a phone
    expect(page.locator("#unread-count")).to_be_visible()
    snap(page, "bell-390-liaison-menu")
    page.locator("#bell").click()
    page.wait_for_url(f"{live_server.url}/notifications/**")
    overdue = page.locator("[data-kind=task_overdue]")
    expect(overdue).to_contain_text("超期:建设心理辅导站")  # the task's own title
    snap(page, "bell-390-liaison-notifications")
    overdue.get_by_role("button").click()
    page.wait_for_url(f"{live_server.url}/tasks/{task_id}")
    expect(page.locator("h1")).to_contain_text("建设心理辅导站")  # the task's own title
    expect(page.locator("#unread-count")).to_have_text(str(before))
    snap(page, "bell-390-liaison-task")
