"""The county platform in a browser: an administrator adds a liaison, who signs in with the
one-time password, chooses their own and proposes an item; a person of two joint meetings
switches between them in the header."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, sign_in

pytestmark = pytest.mark.browser

OWN_PASSWORD = "meadow-lantern-7"


@pytest.fixture
def platform_server(platform):
    with LiveServer(platform) as server:
        yield server


def test_an_admin_adds_a_liaison_who_signs_in_and_proposes(page, platform_server):
    server = platform_server
    sign_in(page, server, "admin")
    page.get_by_role("link", name="账号管理").click()
    page.get_by_role("link", name="添加人员").click()
    page.get_by_label("用户名").fill("zhang-edu")
    page.get_by_label("姓名").fill("张老师")
    page.get_by_label("邮箱").fill("zhang@fugu.example")
    page.get_by_label("联席会议").select_option("fugu-children")
    page.get_by_label("角色").select_option("liaison")
    page.get_by_label("单位(联络员填写)").select_option("education-sports")
    page.get_by_role("button", name="添加", exact=True).click()
    password = page.locator("#one-time-password").inner_text()
    assert len(password) >= 8
    page.get_by_role("button", name="退出").click()

    page.goto(f"{server.url}/login")
    page.get_by_label("用户名").fill("zhang-edu")
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/account/password$"))
    page.get_by_label("当前密码").fill(password)
    page.get_by_label("新密码", exact=True).fill(OWN_PASSWORD)
    page.get_by_label("再次输入新密码").fill(OWN_PASSWORD)
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_url(f"{server.url}/")
    expect(page.locator("#my-unit")).to_contain_text("县教育和体育局")

    page.get_by_role("link", name="本单位议题").click()
    page.get_by_role("link", name="新建议题").click()
    page.get_by_label("标题").fill("校外托管机构安全检查")
    page.get_by_label("类别").select_option("policy_measure")
    page.get_by_label("四(九)", exact=False).check()
    page.get_by_label("背景情况").fill("部分乡镇校外托管机构无备案。")
    page.get_by_label("建议事项").fill("联合开展校外托管机构安全检查。")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#item-state")).to_contain_text("草稿")
    page.locator("form[data-event=submit]").get_by_role("button", name="提交").click()
    expect(page.locator("#item-state")).to_contain_text("已提交")
    page.screenshot(path=str(server.artifacts / "admin-added-liaison-proposes.png"), full_page=True)


def test_a_person_of_two_joint_meetings_switches_in_the_header(page, platform_server):
    server = platform_server
    sign_in(page, server, "both-edu")
    switcher = page.locator("#current-joint-meeting")
    expect(switcher).to_have_text("府谷联席")
    switcher.click()
    page.locator("#switcher").get_by_role("link", name="校园安全联席").click()
    expect(page.locator("#current-joint-meeting")).to_have_text("校园安全联席")
    page.get_by_role("link", name="成员单位", exact=True).click()
    expect(page.locator("body")).to_contain_text("县应急管理局")  # only in school safety
    expect(page.locator("body")).not_to_contain_text("县关工办")  # only in Fugu's
