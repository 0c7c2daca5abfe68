"""The workbench 工作台 in a browser at 1366×768, role by role, over seeded data: a figure of
each role is visible, and a screenshot of each page goes to test-artifacts/ (the office's also
to docs/, for the README)."""

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from meeting.charter.models import Charter
from meeting.demo import seed
from meeting.extensions import db
from meeting.meetings.delegations import create_delegation
from meeting.meetings.operations import plan_meeting
from meeting.tasks.deadlines import county_today
from tests.browser.conftest import LiveServer, sign_in
from tests.items_factory import user
from tests.meetings_factory import new_meeting

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs"
# role -> (username, what must be visible on their workbench)
ROLES = {
    "office": ("office", "#panel-fugu-children svg.bar-chart"),
    "convener": ("convener", "#conveners #escalations"),
    "liaison": ("liaison-edu", "#department"),
    "observer": ("observer", "#county"),
}


@pytest.fixture
def seeded_server(app):
    with app.app_context():
        charter = db.session.scalar(select(Charter).where(Charter.code == "fugu-children"))
        seed(charter, 400, seed_value=5)
        today = county_today()
        for day, title in ((2, "防溺水专题会议"), (9, "联络员工作例会"), (20, "寄宿制学校督导会")):
            when = today.replace(day=min(day, 28))
            plan_meeting(user("office"), {"kind": "ad_hoc", "title": title, "location": "县政府三楼",
                                          "starts_at": f"{when.isoformat()}T09:30+08:00"})  # fmt: skip
        planned = new_meeting("plenary", "planned", title="年度全体会议",
                              starts_at=f"{today.year}-12-28T09:30+08:00")  # fmt: skip
        create_delegation(user("general"), {"delegate": "convener", "meeting_id": planned.id})
        db.session.commit()
        db.session.remove()
    with LiveServer(app) as server:
        yield server


def test_each_role_sees_its_workbench(page, seeded_server):
    server = seeded_server
    page.set_viewport_size({"width": 1366, "height": 768})
    for role, (username, figure) in ROLES.items():
        sign_in(page, server, username)
        expect(page.locator("#workbench")).to_be_visible()
        expect(page.locator(figure).first).to_be_visible()
        expect(page.locator("#month-calendar")).to_be_visible()
        if role in ("office", "observer"):
            expect(page.locator("svg.line-chart").first).to_be_visible()
            expect(page.locator("svg.stacked-bars").first).to_be_visible()
        shot = server.artifacts / f"workbench-{role}.png"
        page.screenshot(path=str(shot), full_page=True)
        if role == "office":
            DOCS.mkdir(exist_ok=True)
            shutil.copyfile(shot, DOCS / "workbench-office.png")
        page.get_by_role("button", name="退出").click()
        page.wait_for_url(f"{server.url}/login")


def test_the_navbar_searches(page, seeded_server):
    server = seeded_server
    sign_in(page, server, "observer")
    page.locator("#navbar-search input[name=q]").fill("防溺水")
    page.locator("#navbar-search input[name=q]").press("Enter")
    page.wait_for_url(f"{server.url}/search?q=*")
    expect(page.locator("#search-kinds")).to_be_visible()
    expect(page.locator("#search-results")).to_contain_text("防溺水")
