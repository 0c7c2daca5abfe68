"""五(三) 征求意见: the office asks two units for their opinion on the item page, a liaison answers
"disagree" with a reason there, and the office sees it."""

import pytest
from playwright.sync_api import expect

from meeting.accounts.operations import create_user
from meeting.extensions import db
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.items_factory import make_item

pytestmark = pytest.mark.browser

REASON = "经费来源不明确，建议纳入下年度预算后再议。"


def sign_out(page):
    page.get_by_role("button", name="退出").click()


def test_the_office_asks_two_units_and_sees_a_disagreement(page, live_server, app):
    with app.app_context():
        create_user("liaison-fin", "liaison", PASSWORD, "finance", display_name="财政联络员")
        db.session.commit()
    item_id = make_item(app, "reviewed", by="liaison-civil", duty_refs=["四(一)"],
                        title="农村留守儿童关爱服务经费保障")  # fmt: skip
    item_url = f"{live_server.url}/items/{item_id}"

    sign_in(page, live_server, "office")
    page.goto(item_url)
    form = page.locator("#ask-opinions")
    form.locator("input[name=units][value=education-sports]").check()
    form.locator("input[name=units][value=finance]").check()
    form.locator("#opinion-note").fill("请研究经费保障方案并反馈书面意见。")
    form.locator("button[type=submit]").click()
    round_ = page.locator("#opinions [data-round]")
    expect(round_).to_have_attribute("data-status", "open")
    expect(round_.locator("tr[data-unit]")).to_have_count(2)
    expect(page.locator("#ask-opinions")).to_have_count(0)  # one open round at a time
    sign_out(page)

    sign_in(page, live_server, "liaison-edu")
    page.goto(item_url)
    answer = page.locator("#opinion-form")
    answer.locator("input[name=answer][value=disagree]").check()
    answer.locator("#opinion-text").fill(REASON)
    answer.locator("button[type=submit]").click()
    mine = page.locator("#opinions tr[data-unit=education-sports]")
    expect(mine).to_have_attribute("data-answer", "disagree")
    expect(page.locator("#opinion-form")).to_have_count(0)  # once only
    sign_out(page)

    sign_in(page, live_server, "office")
    page.goto(item_url)
    disagreed = page.locator("#opinions tr[data-unit=education-sports]")
    expect(disagreed).to_have_attribute("data-answer", "disagree")
    expect(disagreed).to_contain_text(REASON)
    expect(page.locator("#opinions tr[data-unit=finance]")).to_have_attribute(
        "data-answer", "silent"
    )
    expect(page.locator("#opinions [data-silent]")).to_contain_text("县财政局")
    expect(page.locator("#timeline li[data-event=give_opinion]")).to_have_count(1)
    page.locator("#opinions").scroll_into_view_if_needed()
    page.screenshot(path=str(live_server.artifacts / "opinion-round.png"), full_page=True)
