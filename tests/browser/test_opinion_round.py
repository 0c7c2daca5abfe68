"""五(三) 征求意见: the office asks two units for their opinion on the item page at the office PC
(1366×768), a liaison on a phone (390×844) follows the notification and answers "disagree" with
a reason there, and the office sees it. Screenshots in test-artifacts/mission-opinion-*."""

import pytest
from playwright.sync_api import expect

from meeting.accounts.operations import create_user
from meeting.extensions import db
from tests.browser.conftest import open_menu, sign_in_as, sign_out, snap
from tests.conftest import PASSWORD
from tests.items_factory import make_item

pytestmark = pytest.mark.browser

REASON = "经费来源不明确，建议纳入下年度预算后再议。"


def test_the_office_asks_two_units_and_sees_a_disagreement(page, live_server, app):
    with app.app_context():
        create_user("liaison-fin", "liaison", PASSWORD, "finance", display_name="财政联络员")
        db.session.commit()
    item_id = make_item(app, "reviewed", by="liaison-civil", duty_refs=["四(一)"],
                        title="农村留守儿童关爱服务经费保障")  # fmt: skip
    item_url = f"{live_server.url}/items/{item_id}"

    sign_in_as(page, live_server, "office")
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
    snap(page, "opinion-1366-office-asked")
    sign_out(page)

    # The education liaison, on a phone, from the notification in the menu to the item.
    sign_in_as(page, live_server, "liaison-edu")
    open_menu(page)
    page.locator("#bell").click()
    page.wait_for_url(f"{live_server.url}/notifications/**")
    asked = page.locator("[data-kind=opinion_asked]")
    expect(asked).to_contain_text("农村留守儿童关爱服务经费保障")
    asked.get_by_role("button").first.click()
    page.wait_for_url(item_url + "**")
    answer = page.locator("#opinion-form")
    expect(answer).to_contain_text("县教育和体育局")
    snap(page, "opinion-390-liaison-asked")
    answer.locator("input[name=answer][value=disagree]").check()
    answer.locator("#opinion-text").fill(REASON)
    answer.locator("button[type=submit]").click()
    mine = page.locator("#opinions tr[data-unit=education-sports]")
    expect(mine).to_have_attribute("data-answer", "disagree")
    expect(mine).to_contain_text(REASON)
    expect(page.locator("#opinion-form")).to_have_count(0)  # once only
    # On the phone the round's table is cards: the unit's name reads on one line, labelled.
    unit = mine.locator("td").first
    expect(unit).to_have_attribute("data-label", "所属单位")
    font = unit.evaluate("td => parseFloat(getComputedStyle(td).fontSize)")
    assert unit.bounding_box()["height"] < 2.5 * font, "the unit's name wraps on the phone"
    snap(page, "opinion-390-liaison-answered")
    sign_out(page)

    sign_in_as(page, live_server, "office")
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
    snap(page, "opinion-1366-office-disagreement")
