"""A liaison submits an item citing a duty on a phone (390×844), the office passes it and a
convener approves it at the office PC (1366×768); screenshots in test-artifacts/mission-item-*."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import nav, sign_in_as, sign_out, snap

pytestmark = pytest.mark.browser
TITLE = "农村寄宿制学校心理辅导全覆盖"


def test_item_from_proposal_to_approval(page, live_server):
    sign_in_as(page, live_server, "liaison-edu")  # on a phone
    nav(page, "本单位议题")
    page.get_by_role("link", name="新建议题").click()
    page.wait_for_url("**/items/new")
    page.get_by_label("标题").fill("农村寄宿制学校心理辅导全覆盖")
    page.get_by_label("类别").select_option("policy_measure")
    page.get_by_label("四(九)", exact=False).check()
    page.get_by_label("背景情况").fill("部分寄宿制学校尚无专职心理教师。")
    page.get_by_label("建议事项").fill("2027年底前每所寄宿制学校配备心理辅导室。")
    snap(page, "item-390-liaison-form")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#item-state")).to_contain_text("草稿")
    expect(page.locator("h1")).to_contain_text(TITLE)
    snap(page, "item-390-liaison-draft")
    page.locator("form[data-event=submit]").get_by_role("button", name="提交").click()
    expect(page.locator("#item-state")).to_contain_text("已提交")
    item_url = page.url
    # The liaison's own list shows it submitted.
    nav(page, "本单位议题")
    mine = page.locator("#item-table tbody tr").filter(has=page.get_by_role("link", name=TITLE))
    expect(mine).to_be_visible()
    expect(mine).to_contain_text("已提交")
    snap(page, "item-390-liaison-submitted")
    sign_out(page)

    sign_in_as(page, live_server, "office")
    nav(page, "待初审")
    page.get_by_role("link", name=TITLE).click()
    review = page.locator("form[data-event=pass_review]")
    review.get_by_label("初审意见").fill("符合四(九)职责,建议提交全体会议。")
    review.get_by_role("button", name="初审通过").click()
    expect(page.locator("#item-state")).to_contain_text("已初审")
    snap(page, "item-1366-office-reviewed")
    sign_out(page)

    sign_in_as(page, live_server, "convener")
    nav(page, "待审定")
    page.get_by_role("link", name=TITLE).click()
    assert page.url == item_url
    page.once("dialog", lambda dialog: dialog.accept())  # approving cannot be undone
    page.locator("form[data-event=approve]").get_by_role("button", name="审定通过").click()

    expect(page.locator("#item-state")).to_contain_text("已审定")
    timeline = page.locator("#timeline li")
    expect(timeline).to_have_count(4)
    events = timeline.evaluate_all("nodes => nodes.map(n => n.dataset.event)")
    assert events == ["create", "submit", "pass_review", "approve"]
    expect(page.locator("#opinion")).to_contain_text("符合四(九)职责")
    active = page.locator("#workflow-diagram svg g.s_active")
    expect(active).to_have_count(1)
    expect(active).to_contain_text("已审定")
    snap(page, "item-1366-convener-approved")


def test_cancelling_the_confirmation_changes_nothing(page, live_server, app):
    from tests.items_factory import item_row, make_item

    item_id = make_item(app, "reviewed")
    sign_in_as(page, live_server, "general")
    page.goto(f"{live_server.url}/items/{item_id}")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("form[data-event=approve]").get_by_role("button", name="审定通过").click()
    expect(page.locator("#item-state")).to_contain_text("已初审")
    assert item_row(app, item_id) == ("reviewed", 3)
