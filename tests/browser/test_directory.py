"""A liaison signs in and finds a unit in the member-unit directory."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_sign_in_and_find_a_unit_in_the_directory(page, live_server):
    sign_in(page, live_server, "liaison-edu")
    expect(page.locator("#my-unit")).to_contain_text("县教育和体育局")

    page.get_by_role("link", name="成员单位", exact=True).first.click()
    expect(page.locator("#unit-list [data-unit]")).to_have_count(26)

    page.get_by_placeholder("单位名称、简称、代码或职责内容").fill("强制报告")
    page.get_by_role("button", name="搜索").click()
    units = page.locator("#unit-list [data-unit]")
    expect(units.first).to_be_visible()
    codes = units.evaluate_all("nodes => nodes.map(n => n.dataset.unit)")
    assert codes == ["education-sports", "public-security", "justice", "health"]

    page.get_by_role("link", name="县卫生健康局").click()
    expect(page.get_by_role("heading", name="县卫生健康局")).to_be_visible()
    expect(page.locator("main")).to_contain_text("四(十六)")
    expect(page.locator("main")).to_contain_text("指导全县医疗机构及其工作人员树立强制报告意识")


def test_a_liaison_is_refused_the_office_pages(page, live_server):
    sign_in(page, live_server, "liaison-civil")
    response = page.goto(f"{live_server.url}/users")
    assert response.status == 403
    expect(page.locator("main")).to_contain_text("无权")
