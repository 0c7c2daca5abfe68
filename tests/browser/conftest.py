"""Browser tests: Playwright driving Debian's chromium against the app served on loopback.

`live_server` serves the test's app (with its database) from a thread; `page` is a fresh
browser context the size of the office PC (1366×768). `as_phone` / `as_office_pc` resize it
(liaisons work on a 390×844 phone), `sign_in_as` signs in on the person's device, `nav` and
`sign_out` go through the menu button on a phone, and `snap` keeps a full-page screenshot as
test-artifacts/mission-<name>.png. A failing test leaves a screenshot in test-artifacts/.
"""

import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
OFFICE_PC = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Without the background-networking flags chromium keeps dialling out on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class LiveServer:
    def __init__(self, app):
        app.config["WTF_CSRF_ENABLED"] = True  # the browser submits real forms with tokens
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.artifacts = ARTIFACTS
        ARTIFACTS.mkdir(exist_ok=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(app):
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="zh-CN", viewport=OFFICE_PC)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.report_call = report
    return report


def sign_in(page, server, username: str, password: str = PASSWORD) -> None:
    """Sign in through the sign-in page and wait for the home page."""
    page.goto(f"{server.url}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{server.url}/")


def as_phone(page) -> None:
    """A liaison's phone: 390×844, where the navigation hides behind the menu button."""
    page.set_viewport_size(PHONE)


def as_office_pc(page) -> None:
    """The office PC: 1366×768, the side navigation beside the content."""
    page.set_viewport_size(OFFICE_PC)


def on_phone(page) -> bool:
    return page.viewport_size["width"] < 768


def sign_in_as(page, server, username: str) -> None:
    """Sign in on the person's device: a liaison on the phone, everyone else at the office PC."""
    if username.startswith("liaison"):
        as_phone(page)
    else:
        as_office_pc(page)
    page.context.clear_cookies()
    sign_in(page, server, username)


def open_menu(page) -> None:
    """On a phone, open the side navigation from the menu button (a no-op at the office PC)."""
    if not on_phone(page):
        return
    menu = page.locator("#sidenav")
    page.locator("#menu-button").click()
    page.wait_for_function(
        "() => document.querySelector('#sidenav').matches('.show:not(.showing)')"
    )
    expect(menu).to_be_visible()


def nav(page, label: str) -> None:
    """Follow a link of the side navigation, through the menu on a phone."""
    open_menu(page)
    link = page.locator("#sidenav").get_by_role("link", name=label, exact=True)
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{href}")
    # The page reached is marked current in the navigation (hidden again on a phone).
    expect(page.locator("#sidenav a[aria-current=page]")).to_have_text(label)
    if on_phone(page):  # the new page starts with the menu closed
        expect(page.locator("#sidenav")).to_be_hidden()


def sign_out(page) -> None:
    """Sign out with the navigation's button (in the menu on a phone)."""
    open_menu(page)
    page.locator("#sidenav").get_by_role("button", name="退出").click()
    page.wait_for_url("**/login**")


def snap(page, name: str) -> None:
    """Keep a full-page screenshot of this step as test-artifacts/mission-<name>.png, once the
    workflow diagrams are drawn; at either size the page must not scroll sideways."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('pre.mermaid')].every(p => p.querySelector('svg'))"
    )
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways at {width} px ({scroll_width})"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"mission-{name}.png"), full_page=True)
