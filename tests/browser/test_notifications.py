"""The notifications page in a browser: filter by joint meeting and kind, fold like ones,
mark all read; at the office PC's 1366×768 and, as a liaison, on a 390×844 phone."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from meeting.charter.models import Charter
from meeting.extensions import db
from meeting.notifications.operations import notify
from tests.browser.conftest import ARTIFACTS, sign_in
from tests.conftest import FUGU, SAFETY
from tests.items_factory import user

pytestmark = pytest.mark.browser


NAMES = {FUGU: "府谷", SAFETY: "校园"}


def send(app, username: str, code: str, kind: str, link: str, n: int = 1) -> None:
    with app.app_context():
        charter_id = db.session.scalar(select(Charter.id).where(Charter.code == code))
        for _ in range(n):
            notify([user(username)], kind, link=link, charter_id=charter_id,
                   params={"task_id": 1, "task": f"心理辅导站({NAMES[code]})", "item": "议题"})  # fmt: skip
        db.session.commit()


@pytest.mark.parametrize(("username", "viewport"), [
    ("both-office", {"width": 1366, "height": 768}),
    ("both-edu", {"width": 390, "height": 844}),
])  # fmt: skip
def test_filter_fold_and_mark_all_read(page, live_server, platform, username, viewport):
    app = platform
    page.set_viewport_size(viewport)
    send(app, username, FUGU, "task_urged", "/tasks/1", n=2)
    send(app, username, FUGU, "task_overdue", "/tasks/2")
    send(app, username, SAFETY, "task_urged", "/tasks/3")
    send(app, "liaison-edu", FUGU, "task_urged", "/tasks/1")  # someone else's: untouched
    sign_in(page, live_server, username)
    expect(page.locator("#unread-count")).to_have_text("4", use_inner_text=False)

    if page.locator("#bell").is_visible():
        page.locator("#bell").click()
    else:  # on a phone the bell is in the folded menu; its count shows all the same
        page.goto(f"{live_server.url}/notifications/")
    rows = page.locator("#notification-list [data-bundle]")
    expect(rows).to_have_count(3)  # the task urged twice reads as one line
    expect(page.locator("#notification-list")).to_contain_text("另有 1 条同类通知")
    expect(page.locator("#notification-list")).to_contain_text("催办:心理辅导站")
    no_overflow = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(no_overflow)
    page.screenshot(path=str(ARTIFACTS / f"notifications-{viewport['width']}.png"), full_page=True)

    page.locator("select[name=joint_meeting]").select_option(SAFETY)
    page.get_by_role("button", name="筛选").click()
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("心理辅导站(校园)")
    page.get_by_role("button", name="将筛选出的通知标为已读").click()
    expect(page.locator(".alert")).to_contain_text("已将 1 条通知标为已读")
    expect(page.locator("#unread-count")).to_have_text("3")

    page.goto(f"{live_server.url}/notifications/")
    page.locator("select[name=kind]").select_option(label="任务超期")
    page.get_by_role("button", name="筛选").click()
    expect(rows).to_have_count(1)
    expect(rows.locator("[data-kind]")).to_have_attribute("data-kind", "task_overdue")

    page.get_by_role("link", name="显示全部").click()
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator(".alert")).to_contain_text("已将 3 条通知标为已读")
    expect(page.locator("#unread-count")).to_have_count(0)
    expect(page.locator("#notification-list .fw-bold")).to_have_count(0)
    with app.app_context():
        from meeting.notifications.operations import unread_count

        assert unread_count(user("liaison-edu")) == 1
