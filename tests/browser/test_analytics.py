"""The analytics pages in a browser at 1366×768: the charter matrix and the unit assessment,
with a figure checked and a screenshot of each kept in test-artifacts/."""

from sqlalchemy import select

from meeting.charter.models import Charter
from meeting.demo import seed
from meeting.extensions import db
from tests.browser.conftest import sign_in
from tests.test_analytics import build


def test_the_office_reads_the_matrix_and_the_assessment(app, live_server, page):
    build(app)
    with app.app_context():
        seed(db.session.scalar(select(Charter).order_by(Charter.id)), 200, seed_value=5)
        db.session.commit()
        db.session.remove()
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server, "office")

    page.locator("#analytics-link").click()
    page.wait_for_url(f"{live_server.url}/analytics/matrix")
    cell = page.locator('td[data-unit="education-sports"][data-ref="四(九)"][data-measure="items"]')
    assert int(cell.inner_text()) >= 3
    # The matrix fits the page's width: no horizontal scrolling at 1366 pixels.
    table = page.locator("#charter-matrix")
    assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth + 1")
    page.screenshot(path=str(live_server.artifacts / "matrix.png"), full_page=True)
    cell.locator("a").click()
    page.wait_for_url("**/items/?unit=education-sports&duty=*")
    assert page.locator("#duty-filter").is_visible()

    page.goto(f"{live_server.url}/analytics/assessment")
    first = page.locator("#assessment tbody tr").first
    assert first.get_attribute("data-rank") == "1"
    edu = page.locator('#assessment tr[data-unit="education-sports"] td[data-measure="urges"]')
    assert int(edu.inner_text()) >= 2
    assessment = page.locator("#assessment")
    assert assessment.evaluate(
        "t => t.parentElement.scrollWidth <= t.parentElement.clientWidth + 1"
    )
    page.screenshot(path=str(live_server.artifacts / "assessment.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("#assessment-export").click()
    assert download.value.suggested_filename.endswith("考评表.xlsx")

    page.locator("#analytics-nav a", has_text="滞留").click()
    page.wait_for_url(f"{live_server.url}/analytics/stalls")
    submitted = page.locator('#stalls-item tr[data-state="submitted"] td[data-figure="count"]')
    assert int(submitted.inner_text()) > 0
    page.screenshot(path=str(live_server.artifacts / "stalls.png"), full_page=True)
