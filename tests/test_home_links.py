"""Every home-page link lands on a list filtered to exactly those objects (issue 15): for each
role in a lived-in app, each "waiting for you" line's count is the count of the list its link
opens (the list's own total, or its rows when it shows no total)."""

import re

import pytest
from lxml import html as lxml_html

from tests.conftest import Auth
from tests.test_workbench import seeded  # noqa: F401 (the lived-in app)

ROLES = ["office", "general", "convener", "liaison-edu", "observer"]


def listed(page) -> int:
    """How many objects a list page holds: its heading's total, else its rows (one page)."""
    heading = page.xpath("//h1//small")
    if heading and (found := re.search(r"\d+", heading[0].text_content())):
        return int(found.group())
    return len(page.xpath("//tbody/tr[@data-meeting or @data-task or @data-item]"))


def number(text: str) -> int:
    return int(re.search(r"\d+", text).group())


def home_links(home) -> list[tuple[str, int, str]]:
    """(what, how many, link) of every counted link of the home page: the "waiting for you"
    lines and the workbench's counts (warnings, queues, a unit's overdue tasks, due this week)."""
    found = []
    for line in home.xpath("//div[@id='worklist']/a"):
        what = " ".join(line.xpath("./span[1]")[0].text_content().split())
        count = line.xpath(".//span[contains(@class,'rounded-pill')]")[0].text_content()
        found.append((what, number(count), line.get("href")))
    for card in home.xpath("//a[@data-warning]"):
        count = card.xpath(".//*[contains(@class,'warning-count')]")[0].text_content()
        found.append((f"warning {card.get('data-warning')}", number(count), card.get("href")))
    counted = ("//a[contains(@class,'queue-count')] | //a[.//*[contains(@class,'approvals-count')]]"
               " | //table[contains(@class,'tasks-by-unit')]//a"
               " | //a[contains(@href,'due_within')]")  # fmt: skip
    for link in home.xpath(counted):
        found.append((link.get("href"), number(link.text_content()), link.get("href")))
    return found


@pytest.mark.parametrize("username", ROLES)
def test_each_home_link_lists_exactly_what_it_counts(seeded, username):  # noqa: F811
    client = seeded.test_client()
    assert Auth(client).login(username).status_code == 302
    home = lxml_html.fromstring(client.get("/").get_data(as_text=True))
    wrong = []
    for what, count, href in home_links(home):
        response = client.get(href, follow_redirects=True)
        assert response.status_code == 200, what
        page = lxml_html.fromstring(response.get_data(as_text=True))
        if count <= 20 or page.xpath("//h1//small"):  # a longer list without a total: paged
            shown = listed(page)
            if shown != count:
                wrong.append(f"{what}: home says {count}, {response.request.path}"
                             f"?{response.request.query_string.decode()} lists {shown}")  # fmt: skip
    assert not wrong, "\n".join(wrong)
