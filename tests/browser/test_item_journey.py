"""A liaison submits an item citing a duty, the office passes it, a convener approves it."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def sign_out(page):
    page.get_by_role("button", name="退出").click()


def test_item_from_proposal_to_approval(page, live_server):
    sign_in(page, live_server, "liaison-edu")
    page.get_by_role("link", name="本单位议题").click()
    page.get_by_role("link", name="新建议题").click()
    page.get_by_label("标题").fill("农村寄宿制学校心理辅导全覆盖")
    page.get_by_label("类别").select_option("policy_measure")
    page.get_by_label("四(九)", exact=False).check()
    page.get_by_label("背景情况").fill("部分寄宿制学校尚无专职心理教师。")
    page.get_by_label("建议事项").fill("2027年底前每所寄宿制学校配备心理辅导室。")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#item-state")).to_contain_text("草稿")
    page.locator("form[data-event=submit]").get_by_role("button", name="提交").click()
    expect(page.locator("#item-state")).to_contain_text("已提交")
    item_url = page.url
    sign_out(page)

    sign_in(page, live_server, "office")
    page.get_by_role("link", name="待初审").click()
    page.get_by_role("link", name="农村寄宿制学校心理辅导全覆盖").click()
    review = page.locator("form[data-event=pass_review]")
    review.get_by_label("初审意见").fill("符合四(九)职责,建议提交全体会议。")
    review.get_by_role("button", name="初审通过").click()
    expect(page.locator("#item-state")).to_contain_text("已初审")
    sign_out(page)

    sign_in(page, live_server, "convener")
    page.get_by_role("link", name="待审定").click()
    page.get_by_role("link", name="农村寄宿制学校心理辅导全覆盖").click()
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
    page.screenshot(path=str(live_server.artifacts / "item-approved.png"), full_page=True)


def test_cancelling_the_confirmation_changes_nothing(page, live_server, app):
    from tests.items_factory import item_row, make_item

    item_id = make_item(app, "reviewed")
    sign_in(page, live_server, "general")
    page.goto(f"{live_server.url}/items/{item_id}")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("form[data-event=approve]").get_by_role("button", name="审定通过").click()
    expect(page.locator("#item-state")).to_contain_text("已初审")
    assert item_row(app, item_id) == ("reviewed", 3)
