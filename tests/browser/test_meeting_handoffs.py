"""Issue 15D in the browser: the office corrects a decision (更正) and reminds units to sign
(催签) at 1366×768; the general convener finds the plenary waiting for him on his home page and
convenes it; a liaison signs for the minutes from the home page's link on a phone (390×844)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.test_corrections import notified, published, to_minutes
from tests.test_meetings_api import plan, run_to_session

pytestmark = pytest.mark.browser
OFFICE_PC = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def test_the_office_corrects_a_decision_with_a_confirm_step(page, live_server, app, api):
    meeting_id, (item,) = run_to_session(api, app)
    to_minutes(api, meeting_id, item, resolution="同意建设心理辅导站")
    page.set_viewport_size(OFFICE_PC)
    sign_in(page, live_server, "office")
    page.goto(f"{live_server.url}/meetings/{meeting_id}")
    expect(page.locator("#signposts [data-step=sign_minutes]")).to_contain_text("召集人")
    correction = page.locator(f"[data-correct='{item}']")
    correction.locator("summary").click()
    form = correction.locator("form[data-decision=defer]")
    form.get_by_placeholder("理由", exact=True).fill("待财政测算后再议。")
    form.get_by_placeholder("更正理由").fill("记录有误:会议实为暂缓审议")
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    form.get_by_role("button", name="更正为:暂缓审议").click()
    expect(page.locator(".alert-success")).to_contain_text("决定已更正")
    assert "暂缓审议" in messages[0]
    expect(page.locator(f"#agenda tr[data-item='{item}']")).to_contain_text("待财政测算后再议")
    expect(page.locator("textarea[name=text]")).to_contain_text(
        "会议决定暂缓审议。待财政测算后再议。"
    )
    expect(page.locator("#timeline [data-event=correct]")).to_contain_text("决定已更正")
    page.screenshot(path=str(live_server.artifacts / "meeting-correction-1366.png"), full_page=True)


def test_the_office_reminds_units_that_have_not_signed(page, live_server, app, api):
    meeting_id = published(api, app)
    api.post(f"/api/v1/meetings/{meeting_id}/receipt", as_="liaison-edu")
    page.set_viewport_size(OFFICE_PC)
    sign_in(page, live_server, "office")
    page.goto(f"{live_server.url}/meetings/{meeting_id}")
    form = page.locator("#remind-receipts")
    expect(form.locator("[data-unit=education-sports]")).to_have_count(0)
    expect(form.locator("[data-unit=civil-affairs] input")).to_be_checked()
    page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button", name="催签").click()
    expect(page.locator(".alert-success")).to_contain_text("县民政局")
    expect(page.locator("#remind-receipts [data-unit=civil-affairs]")).to_contain_text("今天已催签")
    assert notified(app, "minutes_receipt_reminder") == ["liaison-civil"]
    page.screenshot(path=str(live_server.artifacts / "meeting-remind-1366.png"), full_page=True)


def test_the_general_convener_convenes_the_plenary_waiting_on_his_home(page, live_server, app,
                                                                       api):  # fmt: skip
    meeting_id = plan(api, title="年度全体会议").json["id"]
    page.set_viewport_size(OFFICE_PC)
    sign_in(page, live_server, "office")
    page.goto(f"{live_server.url}/meetings/{meeting_id}")
    expect(page.locator("#signposts [data-step=convene]")).to_contain_text("总召集人")
    page.context.clear_cookies()
    sign_in(page, live_server, "general")
    page.locator("#worklist").get_by_role("link", name="待你召集的会议").click()
    expect(page.locator("#list-filter")).to_be_visible()
    page.locator(f"tr[data-meeting='{meeting_id}'] a").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[data-event=convene]").get_by_role("button").click()
    expect(page.locator("#meeting-state")).to_contain_text("已通知")
    expect(page.locator("#signposts [data-step=open]")).to_be_visible()
    page.screenshot(path=str(live_server.artifacts / "meeting-convened-1366.png"), full_page=True)


def test_a_liaison_signs_for_the_minutes_from_the_home_link_on_a_phone(page, live_server, app,
                                                                       api):  # fmt: skip
    meeting_id = published(api, app)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "liaison-civil")
    page.locator("#worklist").get_by_role("link", name="待签收的会议纪要").click()
    expect(page.locator("#meeting-table tbody tr")).to_have_count(1)
    page.locator(f"tr[data-meeting='{meeting_id}'] a").click()
    page.get_by_role("button", name="签收").click()
    expect(page.locator("#my-receipt")).to_contain_text("已于")
    page.screenshot(path=str(live_server.artifacts / "meeting-receipt-390.png"), full_page=True)
