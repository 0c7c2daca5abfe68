"""The office runs a meeting from the in-session view at the office PC (1366×768): attendance,
decisions, close; the general convener signs the minutes off, the office publishes and downloads
them; a liaison signs for them on a phone (390×844) and the office sees it. Screenshots in
test-artifacts/mission-meeting-*."""

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import nav, sign_in_as, sign_out, snap
from tests.items_factory import make_item
from tests.meetings_factory import make_meeting

pytestmark = pytest.mark.browser


def test_run_a_meeting_from_the_session_view(page, live_server, app):
    adopted = make_item(app, "approved", title="寄宿制学校心理辅导站")
    deferred = make_item(app, "approved", title="留守儿童暑期托管")
    meeting_id = make_meeting(app, "plenary", "convened", title="年度全体会议")
    sign_in_as(page, live_server, "office")
    page.goto(f"{live_server.url}/meetings/{meeting_id}")
    for item_id in (adopted, deferred):
        page.locator("#add-item select").select_option(str(item_id))
        page.get_by_role("button", name="列入议程").click()
    expect(page.locator("#agenda tbody tr")).to_have_count(2)
    snap(page, "meeting-1366-office-agenda")
    page.locator("form[data-event=open]").get_by_role("button").click()
    page.get_by_role("link", name="会中记录视图").click()

    form = page.locator("#attendance-form")
    form.locator("tr[data-unit=finance] input[value=absent]").check()
    form.locator("tr[data-unit=court] input[value=deputy]").check()
    form.get_by_label("县法院 代为出席人员").fill("王副院长")
    form.get_by_role("button", name="保存出席情况").click()
    expect(page.locator(".alert-success")).to_contain_text("出席情况已记录")
    snap(page, "meeting-1366-office-attendance")

    first = page.locator(f"li[data-item='{adopted}'] form[data-decision=adopt]")
    first.get_by_placeholder("议定事项").fill("同意建设,由县教育和体育局牵头。")
    first.get_by_role("button", name="议定").click()
    expect(page.locator(f"li[data-item='{adopted}'] .decision")).to_contain_text("同意建设")
    second = page.locator(f"li[data-item='{deferred}'] form[data-decision=defer]")
    second.get_by_placeholder("理由").fill("待财政测算后再议。")
    second.get_by_role("button", name="暂缓审议").click()
    expect(page.locator(f"li[data-item='{deferred}'] .decision")).to_contain_text("待财政测算")
    snap(page, "meeting-1366-office-decisions")

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[data-event=close_session]").get_by_role("button").click()
    expect(page.locator("#meeting-state")).to_contain_text("已召开")
    page.get_by_role("link", name="返回会议页面").click()
    expect(page.locator("#attendance-summary")).to_contain_text("王副院长")
    # The office drafts; the general convener signs the minutes off (签发); the office publishes.
    expect(page.locator("form[data-event=publish_minutes]")).to_have_count(0)
    snap(page, "meeting-1366-office-held")
    sign_out(page)
    sign_in_as(page, live_server, "general")
    page.goto(f"{live_server.url}/meetings/{meeting_id}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[data-event=sign_minutes]").get_by_role("button").click()
    expect(page.locator("#meeting-state")).to_contain_text("纪要已签发")
    snap(page, "meeting-1366-general-signed-off")
    sign_out(page)
    sign_in_as(page, live_server, "office")
    page.goto(f"{live_server.url}/meetings/{meeting_id}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[data-event=publish_minutes]").get_by_role("button").click()
    expect(page.locator("#meeting-state")).to_contain_text("纪要已印发")
    expect(page.locator("#pending-receipts")).to_contain_text("县民政局")

    with page.expect_download() as download:
        page.locator("#minutes-docx").click()
    document = Document(download.value.path())
    text = "\n".join(p.text for p in document.paragraphs)
    # Chinese text takes full-width punctuation in the document.
    assert "同意建设，由县教育和体育局牵头。" in text and "待财政测算后再议。" in text
    assert "府谷联席纪〔" in text
    snap(page, "meeting-1366-office-published")
    sign_out(page)

    # The civil-affairs liaison, on a phone, finds the meeting through the menu and signs.
    sign_in_as(page, live_server, "liaison-civil")
    nav(page, "会议")
    page.locator(f"#meeting-table tr[data-meeting='{meeting_id}']").get_by_role("link").click()
    page.wait_for_url(f"{live_server.url}/meetings/{meeting_id}")
    expect(page.locator("#minutes-text")).to_contain_text("同意建设")
    page.locator("#my-receipt").get_by_role("button", name="签收").click()
    expect(page.locator("#my-receipt")).to_contain_text("已于")
    expect(page.locator("#my-receipt").get_by_role("button")).to_have_count(0)
    snap(page, "meeting-390-liaison-signed")
    sign_out(page)

    sign_in_as(page, live_server, "office")
    page.goto(f"{live_server.url}/meetings/{meeting_id}")
    expect(page.locator("#pending-receipts")).not_to_contain_text("县民政局")
    snap(page, "meeting-1366-office-receipts")
