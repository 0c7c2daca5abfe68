"""The office runs a meeting from the in-session view: attendance, decisions, close, publish,
and downloads the minutes."""

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.items_factory import make_item
from tests.meetings_factory import make_meeting

pytestmark = pytest.mark.browser


def test_run_a_meeting_from_the_session_view(page, live_server, app):
    adopted = make_item(app, "approved", title="寄宿制学校心理辅导站")
    deferred = make_item(app, "approved", title="留守儿童暑期托管")
    meeting_id = make_meeting(app, "plenary", "convened", title="年度全体会议")
    sign_in(page, live_server, "office")
    page.goto(f"{live_server.url}/meetings/{meeting_id}")
    for item_id in (adopted, deferred):
        page.locator("#add-item select").select_option(str(item_id))
        page.get_by_role("button", name="列入议程").click()
    expect(page.locator("#agenda tbody tr")).to_have_count(2)
    page.locator("form[data-event=open]").get_by_role("button").click()
    page.get_by_role("link", name="会中记录视图").click()

    form = page.locator("#attendance-form")
    form.locator("tr[data-unit=finance] input[value=absent]").check()
    form.locator("tr[data-unit=court] input[value=deputy]").check()
    form.get_by_label("县法院 代为出席人员").fill("王副院长")
    form.get_by_role("button", name="保存出席情况").click()
    expect(page.locator(".alert-success")).to_contain_text("出席情况已记录")

    first = page.locator(f"li[data-item='{adopted}'] form[data-decision=adopt]")
    first.get_by_placeholder("议定事项").fill("同意建设,由县教育和体育局牵头。")
    first.get_by_role("button", name="议定").click()
    expect(page.locator(f"li[data-item='{adopted}'] .decision")).to_contain_text("同意建设")
    second = page.locator(f"li[data-item='{deferred}'] form[data-decision=defer]")
    second.get_by_placeholder("理由").fill("待财政测算后再议。")
    second.get_by_role("button", name="暂缓审议").click()
    expect(page.locator(f"li[data-item='{deferred}'] .decision")).to_contain_text("待财政测算")

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[data-event=close_session]").get_by_role("button").click()
    expect(page.locator("#meeting-state")).to_contain_text("已召开")
    page.get_by_role("link", name="返回会议页面").click()
    expect(page.locator("#attendance-summary")).to_contain_text("王副院长")
    # The office drafts; the general convener signs the minutes off (签发); the office publishes.
    expect(page.locator("form[data-event=publish_minutes]")).to_have_count(0)
    page.context.clear_cookies()
    sign_in(page, live_server, "general")
    page.goto(f"{live_server.url}/meetings/{meeting_id}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[data-event=sign_minutes]").get_by_role("button").click()
    expect(page.locator("#meeting-state")).to_contain_text("纪要已签发")
    page.context.clear_cookies()
    sign_in(page, live_server, "office")
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
    page.screenshot(path=str(live_server.artifacts / "meeting-published.png"), full_page=True)
