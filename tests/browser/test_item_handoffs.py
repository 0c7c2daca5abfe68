"""Item hand-offs in the browser (issue 15): on the office PC (1366×768) the office passes two
submitted items at once through the confirm step; on a phone (390×844) a liaison opens an item
the office returned, reads the office's comment on the edit form, revises and resubmits."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.items_factory import item_row, make_item

pytestmark = pytest.mark.browser


@pytest.fixture
def office_pc(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)  # fmt: skip
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_the_office_passes_two_items_at_once(office_pc, live_server, app):
    page = office_pc
    first = make_item(app, "submitted", title="留守儿童暑期托管")
    second = make_item(app, "submitted", title="困境儿童助学金发放")
    left = make_item(app, "submitted", title="儿童之家运营经费")
    sign_in(page, live_server, "office")
    page.goto(f"{live_server.url}/items/review")
    page.locator(f"input[name=item][value='{first}']").check()
    page.locator(f"input[name=item][value='{second}']").check()
    page.locator("[data-batch=pass_review]").click()

    expect(page.locator("h1")).to_contain_text("确认")
    expect(page.locator("#batch-items li")).to_have_count(2)
    assert item_row(app, first) == ("submitted", 2)  # nothing happens before confirming
    page.get_by_label("初审意见").fill("符合职责,建议提交全体会议。")
    page.screenshot(path=str(live_server.artifacts / "batch-review-confirm-1366.png"))
    page.locator("#batch-go").click()

    expect(page.get_by_text("初审通过:2项")).to_be_visible()
    assert item_row(app, first) == ("reviewed", 3)
    assert item_row(app, second) == ("reviewed", 3)
    assert item_row(app, left) == ("submitted", 2)
    expect(page.locator(f"#item-table tr[data-item='{left}']")).to_be_visible()
    expect(page.locator(f"#item-table tr[data-item='{first}']")).to_have_count(0)
    page.screenshot(path=str(live_server.artifacts / "batch-review-done-1366.png"), full_page=True)


def test_a_liaison_on_a_phone_reads_the_return_comment_and_resubmits(phone, live_server, app):
    page = phone
    item_id = make_item(app, "returned", title="乡镇儿童督导员培训")  # comment: 请补充数据
    sign_in(page, live_server, "liaison-edu")
    page.goto(f"{live_server.url}/items/{item_id}")
    expect(page.locator("#waiting-for")).to_contain_text("县教育和体育局联络员")
    page.locator("a[href$='/edit']").first.click()

    comment = page.locator("#return-comment")
    expect(comment).to_contain_text("请补充数据")
    expect(comment).to_be_in_viewport()
    page.screenshot(path=str(live_server.artifacts / "returned-edit-390.png"), full_page=True)
    page.get_by_label("背景情况").fill("全县共有儿童督导员312名,2026年已培训180名。")
    page.get_by_role("button", name="保存草稿").click()

    expect(page.locator("#item-state")).to_contain_text("退回修改")
    page.locator("form[data-event=submit]").get_by_role("button", name="提交").click()
    expect(page.locator("#item-state")).to_contain_text("已提交")
    expect(page.locator("#waiting-for")).to_contain_text("联席会议办公室")
    assert item_row(app, item_id)[0] == "submitted"
    page.screenshot(
        path=str(live_server.artifacts / "returned-resubmitted-390.png"), full_page=True
    )
