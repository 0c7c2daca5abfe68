"""The layout a county office lives in, over seeded data: the side navigation at 1366×768 (no
label wraps), the menu button and tables as cards on a 390 px phone, print without the chrome,
and a sweep of every page the navigation reaches, role by role, at both sizes. Screenshots go
to test-artifacts/layout-*.png."""

import time
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from meeting.charter.models import Charter
from meeting.demo import seed
from meeting.extensions import db
from meeting.meetings.models import Meeting
from meeting.tasks.bulletins import create_bulletin, publish_bulletin
from meeting.tasks.deadlines import county_today
from tests.browser.conftest import LiveServer, sign_in
from tests.items_factory import user

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SWEEP = {"office": "office", "general": "general", "liaison": "liaison-edu", "observer": "observer"}

# Each link of the side navigation (and the bell's badge) rendered on one line: one client
# rectangle per link, and a box no taller than a line and a half.
LABELS = "#sidenav .nav-link, #sidenav .btn, #whoami, #current-joint-meeting"
ONE_LINE = """labels => [...document.querySelectorAll(labels)].filter(a => a.offsetParent !== null).map(a => {
  const range = document.createRange(); range.selectNodeContents(a);
  const lineHeight = parseFloat(getComputedStyle(a).lineHeight);
  // rectangles whose tops lie within half a line of each other share a line (a badge sits lower)
  const tops = [...range.getClientRects()].map(r => r.top).sort((x, y) => x - y);
  const lines = {size: tops.filter((top, i) => i === 0 || top - tops[i - 1] > lineHeight / 2).length};
  const padding = parseFloat(getComputedStyle(a).paddingTop) + parseFloat(getComputedStyle(a).paddingBottom);
  return {text: a.innerText.trim(), lines: lines.size, tall: a.getBoundingClientRect().height - padding > lineHeight * 1.5,
          clipped: a.scrollWidth > a.clientWidth + 1};
})"""
OVERFLOW = "() => document.documentElement.scrollWidth"


@pytest.fixture
def seeded_server(app):
    with app.app_context():
        charter = db.session.scalar(select(Charter).where(Charter.code == "fugu-children"))
        seed(charter, 200, seed_value=7)
        today = county_today()
        bulletin = create_bulletin(user("office"), date(today.year, 1, 1), today, charter)
        publish_bulletin(bulletin, user("office"))
        db.session.commit()
        db.session.remove()
    with LiveServer(app) as server:
        yield server


def open_as(browser, server, username, viewport):
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, server, username)
    return page


def shot(page, server, name, full_page=True):
    page.screenshot(path=str(server.artifacts / f"{name}.png"), full_page=full_page)


def no_overflow(page, width):
    assert page.evaluate(OVERFLOW) <= width, f"{page.url} scrolls sideways at {width} px"


def test_the_office_navigation_fits_one_line_each_at_1366(browser, seeded_server):
    page = open_as(browser, seeded_server, "office", DESKTOP)
    nav = page.locator("#sidenav")
    expect(nav).to_be_visible()
    expect(page.locator("#menu-button")).to_be_hidden()
    expect(page.locator("#current-joint-meeting")).to_have_text("府谷联席")
    for label in (
        "工作台",
        "议题",
        "待初审",
        "会议",
        "督办台账",
        "工作通报",
        "统计分析",
        "成员单位",
        "账号管理",
    ):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(nav.get_by_role("button", name="退出")).to_be_visible()
    labels = page.evaluate(ONE_LINE, LABELS)
    assert len(labels) >= 12
    wrapped = [label for label in labels if label["lines"] > 1 or label["tall"] or label["clipped"]]
    assert not wrapped, wrapped
    # The navigation is a column beside the content, not above it.
    box, main = nav.bounding_box(), page.locator("main").bounding_box()
    assert box["x"] == 0 and main["x"] >= box["width"] and main["y"] < 50
    nav.get_by_role("link", name="督办台账").click()
    page.wait_for_url("**/tasks/")
    expect(nav.get_by_role("link", name="督办台账")).to_have_attribute("aria-current", "page")
    no_overflow(page, DESKTOP["width"])
    shot(page, seeded_server, "layout-office-1366", full_page=False)
    page.context.close()


def test_a_liaison_on_a_phone_opens_the_menu_and_reads_cards(browser, seeded_server):
    server = seeded_server
    page = open_as(browser, server, "liaison-edu", PHONE)
    nav = page.locator("#sidenav")
    expect(nav).to_be_hidden()
    no_overflow(page, PHONE["width"])
    shot(page, server, "layout-liaison-390-home")
    page.locator("#menu-button").click()
    expect(nav).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('#sidenav').matches('.show:not(.showing)')"
    )
    expect(nav.locator("#current-joint-meeting")).to_have_text("府谷联席")
    shot(page, server, "layout-liaison-390-menu", full_page=False)
    nav.get_by_role("link", name="本单位任务").click()
    page.wait_for_url(f"{server.url}/tasks/")
    expect(nav).to_be_hidden()
    # The ledger: rows are cards, each cell labelled with its column and wide enough to read.
    first = page.locator("#ledger tbody tr").first
    expect(first).to_be_visible()
    lead = first.locator("td").nth(2)
    expect(lead).to_have_attribute("data-label", "牵头单位")
    item = first.locator("td").nth(1)
    font = float(item.evaluate("td => parseFloat(getComputedStyle(td).fontSize)"))
    assert item.bounding_box()["width"] > 3 * font
    assert item.bounding_box()["height"] < 12 * font  # not one character per line
    assert page.locator("#ledger thead").bounding_box()["height"] <= 1
    no_overflow(page, PHONE["width"])
    shot(page, server, "layout-liaison-390-ledger")
    for path, name, table in (
        ("/items/", "items", "#item-table"),
        ("/bulletins/", "bulletins", None),
    ):
        page.goto(server.url + path)
        if table:
            expect(page.locator(f"{table} tbody tr").first).to_be_visible()
        no_overflow(page, PHONE["width"])
        shot(page, server, f"layout-liaison-390-{name}")
    page.locator("main a[href*='/bulletins/']").first.click()
    page.wait_for_url("**/bulletins/*")
    expect(page.locator("#tasks-by-unit tbody tr").first).to_be_visible()
    no_overflow(page, PHONE["width"])
    shot(page, server, "layout-liaison-390-bulletin")
    page.context.close()


def test_printing_leaves_the_navigation_and_filters_out(browser, seeded_server, app):
    page = open_as(browser, seeded_server, "office", DESKTOP)
    page.goto(seeded_server.url + "/tasks/")
    expect(page.locator("#ledger-filters")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("#sidenav")).to_be_hidden()
    expect(page.locator("#ledger-filters")).to_be_hidden()
    expect(page.locator("#navbar-search")).to_be_hidden()
    expect(page.locator("#export")).to_be_hidden()
    expect(page.locator("#ledger")).to_be_visible()
    # Full width, and still a table (the phone's cards are for screens only).
    assert page.locator("main").bounding_box()["x"] <= 1
    assert (
        page.locator("#ledger tbody tr").first.evaluate("tr => getComputedStyle(tr).display")
        == "table-row"
    )
    underline = page.locator("#ledger tbody a").first.evaluate(
        "a => getComputedStyle(a).textDecorationLine"
    )
    assert underline == "none"
    page.pdf(path=str(seeded_server.artifacts / "layout-print-ledger.pdf"))
    # The bulletin and the minutes print as documents: their text, no buttons or forms.
    page.emulate_media(media="screen")
    page.goto(seeded_server.url + "/bulletins/")
    page.locator("main a[href*='/bulletins/']").first.click()
    page.wait_for_url("**/bulletins/*")
    page.emulate_media(media="print")
    expect(page.locator("#tasks-by-unit")).to_be_visible()
    expect(page.locator("#completion-chart")).to_be_visible()
    expect(page.locator("main .btn").first).to_be_hidden()
    page.pdf(path=str(seeded_server.artifacts / "layout-print-bulletin.pdf"))
    page.emulate_media(media="screen")
    with app.app_context():
        published = db.session.scalar(
            select(Meeting.id).where(Meeting.state == "minutes_published")
        )
    page.goto(f"{seeded_server.url}/meetings/{published}")
    expect(page.locator("#minutes-text")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("#minutes-text")).to_be_visible()
    expect(page.locator("#sidenav")).to_be_hidden()
    expect(page.locator("#minutes-docx")).to_be_hidden()
    page.pdf(path=str(seeded_server.artifacts / "layout-print-minutes.pdf"))
    page.context.close()


def test_every_page_of_the_navigation_fits_both_sizes(browser, seeded_server):
    server = seeded_server
    started = time.monotonic()
    for role, username in SWEEP.items():
        page = open_as(browser, server, username, DESKTOP)
        links = page.locator("#sidenav .sidenav-links a.nav-link")
        pages = {href: links.nth(i).get_attribute("id") or href.strip("/").replace("/", "-") or "home"
                 for i in range(links.count()) if (href := links.nth(i).get_attribute("href"))}  # fmt: skip
        assert len(pages) >= 8, pages
        for size, viewport in (("1366", DESKTOP), ("390", PHONE)):
            page.set_viewport_size(viewport)
            for href, name in pages.items():
                response = page.goto(server.url + href)
                assert response.ok, f"{role} {href}: {response.status}"
                no_overflow(page, viewport["width"])
                shot(page, server, f"layout-{role}-{size}-{name}", full_page=False)
        page.context.close()
    assert time.monotonic() - started < 90
