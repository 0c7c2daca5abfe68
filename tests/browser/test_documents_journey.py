"""The documents' journeys in a browser: a liaison answers a meeting notice (参会回执) on a
phone (390×844), the office downloads the notice and the sign-in sheet; the office drafts,
edits and issues the annual work report at the office PC (1366×768). Screenshots in
test-artifacts/mission-notice-* and mission-report-*."""

from datetime import date

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import nav, sign_in_as, sign_out, snap
from tests.meetings_factory import make_meeting

pytestmark = pytest.mark.browser


def test_a_liaison_replies_to_the_notice(page, live_server, app):
    meeting_id = make_meeting(app, "plenary", "convened", title="年度全体会议")
    sign_in_as(page, live_server, "liaison-edu")  # on a phone
    nav(page, "会议")
    page.locator(f"#meeting-table tr[data-meeting='{meeting_id}']").get_by_role("link").click()
    page.wait_for_url(f"{live_server.url}/meetings/{meeting_id}")
    form = page.locator("#reply-form")
    expect(form).to_contain_text("本单位尚未填报参会回执")
    snap(page, "notice-390-liaison-meeting")
    form.get_by_role("radio", name="请假").check()
    form.get_by_label("联系电话").fill("0912-8000001")
    form.get_by_role("button", name="提交回执").click()
    # Refused: the reason is missing; what was typed stays.
    expect(page.locator(".alert-danger")).to_contain_text("请填写请假事由")
    expect(page.locator("#reply-phone")).to_have_value("0912-8000001")
    expect(page.locator("#reply-form").get_by_role("radio", name="请假")).to_be_checked()
    snap(page, "notice-390-liaison-refused")
    form = page.locator("#reply-form")
    form.get_by_role("radio", name="参会").check()
    form.get_by_label("姓名").fill("李明")
    form.get_by_label("职务").fill("副局长")
    form.get_by_role("button", name="提交回执").click()
    expect(page.locator(".alert-success")).to_contain_text("参会回执已提交")
    expect(page.locator("#reply-attendee")).to_have_value("李明")
    snap(page, "notice-390-liaison-replied")
    with page.expect_download() as download:
        page.locator("#notice-docx").click()
    text = "\n".join(p.text for p in Document(download.value.path()).paragraphs)
    assert "关于召开" in text
    sign_out(page)

    sign_in_as(page, live_server, "office")
    page.goto(f"{live_server.url}/meetings/{meeting_id}")
    expect(page.locator("#replies")).to_contain_text("李明")
    expect(page.locator("#not-replied")).not_to_contain_text("县教育和体育局")
    with page.expect_download() as download:
        page.locator("#sign-in-docx").click()
    assert download.value.suggested_filename.endswith("签到表.docx")
    snap(page, "notice-1366-office-replies")


def test_the_office_issues_the_annual_report(page, live_server, app):
    sign_in_as(page, live_server, "office")
    page.goto(f"{live_server.url}/reports/")
    page.locator("#year").fill(str(date.today().year - 1))
    page.get_by_role("button", name="生成草稿").click()
    text = page.get_by_label("报告正文")
    expect(text).to_contain_text("一、会议召开情况")
    text.fill(text.input_value() + "\n五、下一步工作打算\n继续加强关爱服务体系建设。")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".alert-success")).to_contain_text("报告已保存")
    snap(page, "report-1366-office-draft")
    page.get_by_label("我已核对正文", exact=False).check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#report-issue").get_by_role("button", name="印发").click()
    expect(page.locator(".alert-success")).to_contain_text("报告已印发")
    with page.expect_download() as download:
        page.locator("#report-docx").click()
    paragraphs = [p.text for p in Document(download.value.path()).paragraphs]
    assert any("继续加强关爱服务体系建设" in p for p in paragraphs)
    snap(page, "report-1366-office-issued")
