"""Words a clerk reads (issue 15): in the Chinese interface no page reachable from home shows a
unit code, a raw state or event name of a workflow, an account's login name or an English word.

Each role signs in to a lived-in app (both joint meetings seeded, as tests/test_workbench.py
builds it) and follows every same-origin GET link from home, breadth first, checking the text a
reader sees: the page without its tags, scripts, styles and attribute values.
"""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import html as lxml_html
from sqlalchemy import select

from meeting.accounts.models import User
from meeting.charter.models import Unit
from meeting.extensions import db
from tests.conftest import Auth
from tests.test_workbench import MARK, seeded  # noqa: F401 (the lived-in app)
from workflows import agenda_item, opinions, task
from workflows import meeting as meeting_workflow

ROLES = ["office", "general", "convener", "liaison-edu", "observer"]
MAX_PAGES = 300
PER_PATTERN = 3  # pages of one shape (/items/<n>, a list with other filters) crawled at most

# Links a reader follows but that are not pages: files, feeds, the API, signing out, the
# language switch (it leaves the Chinese interface).
SKIP = re.compile(
    r"(/logout|/lang/|/i18n/|/api/|/static/|\.docx$|\.xlsx$|\.ics$|\.pdf$|\.json$|/file$"
    r"|/attachments/|/export|/download)"
)
# Latin words a Chinese clerk is expected to read.
ALLOWED = {"PDF", "Excel", "Word", "API", "docx", "xlsx", "ICS", "English", "ID", "KB", "WPS"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_\-]{2,}")
VERSION = re.compile(r"版本\s*\d+")  # a record's version counter is for the software only

# Chinese names for the test accounts, so that a login name on a page is an offence.
NAMES = {
    "general": "高总召",
    "convener": "赵召集",
    "office": "钱办公",
    "liaison-civil": "孙民政",
    "liaison-edu": "李教育",
    "observer": "周观察",
    "admin": "吴管理",
    "safety-office": "郑安办",
    "safety-general": "王安总",
    "safety-convener": "冯安召",
    "safety-edu": "陈安教",
    "both-edu": "褚双教",
    "both-office": "卫双办",
}


def raw_names() -> set[str]:
    """The workflows' state and event names, and their history records' names."""
    names = set()
    for workflow in (agenda_item, meeting_workflow, task):
        names |= set(workflow.STATES) | set(workflow.EVENTS)
    names |= set(agenda_item.RECORD_LABELS) | set(meeting_workflow.RECORD_LABELS)
    names |= set(getattr(opinions, "EVENTS", {})) | set(opinions.RECORD_LABELS)
    return names


def visible_text(body: str) -> str:
    """What a reader sees of BODY: text only, without scripts, styles and attribute values.

    The workflow diagram's Mermaid source is drawn as a picture (its labels translated in
    meeting.diagram), so its text is not read as is."""
    tree = lxml_html.fromstring(body)
    for node in tree.xpath(
        "//script|//style|//noscript|//template|//pre[contains(@class,'mermaid')]"
    ):
        node.drop_tree()
    return " ".join(tree.text_content().split())


def links(body: str, base: str) -> list[str]:
    tree = lxml_html.fromstring(body)
    found = []
    for href in tree.xpath("//a/@href"):
        url = urljoin(base, href.strip())
        parts = urlsplit(url)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "localhost"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not SKIP.search(parts.path):
            found.append(path)
    return found


def shape(path: str) -> str:
    """PATH with its numbers and query values blanked: pages of one kind share a shape."""
    parts = urlsplit(path)
    keys = sorted(p.split("=")[0] for p in parts.query.split("&") if p)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def offences(text: str, codes: set[str], names: set[str], logins: set[str],
              accounts: bool = False) -> list[str]:  # fmt: skip
    for marker in MARK.values():  # the seeded records' test markers are not the app's words
        text = text.replace(marker, "")
    found = [f"version number {v!r}" for v in sorted(set(VERSION.findall(text)))]
    for word in sorted(set(LATIN_WORD.findall(text))):
        if word in ALLOWED or (accounts and word in logins):
            continue
        if word in codes:
            found.append(f"unit code {word!r}")
        elif word in names:
            found.append(f"raw workflow name {word!r}")
        elif word in logins:
            found.append(f"login name {word!r}")
        else:
            found.append(f"English word {word!r}")
    return found


def context(text: str, word: str) -> str:
    at = text.find(word)
    return text[max(0, at - 30) : at + len(word) + 30]


@pytest.fixture
def named(platform):
    """The accounts with people's names, before anything is recorded (as in a county)."""
    with platform.app_context():
        for user in db.session.scalars(select(User)):
            user.display_name = NAMES.get(user.username, user.display_name)
        db.session.commit()
    return platform


@pytest.mark.parametrize("username", ROLES)
def test_no_codes_raw_names_logins_or_english(named, seeded, username):  # noqa: F811
    app = seeded
    with app.app_context():
        codes = set(db.session.scalars(select(Unit.code)))
        logins = set(db.session.scalars(select(User.username)))
    names = raw_names()
    client = app.test_client()
    assert Auth(client).login(username).status_code == 302

    queue, seen, shapes, crawled = deque(["/"]), {"/"}, {}, 0
    report = []
    while queue and crawled < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or not response.content_type.startswith("text/html"):
            continue
        crawled += 1
        body = response.get_data(as_text=True)
        text = visible_text(body)
        # The account pages are where sign-in names are managed: there they are the record.
        accounts = path.startswith(("/admin/", "/users"))
        for offence in offences(text, codes, names, logins, accounts):
            word = offence.split("'")[1]  # the word quoted in the offence
            report.append(f"{path}: {offence} … {context(text, word)} …")
        for link in links(body, f"http://localhost{path}"):
            if link in seen:
                continue
            seen.add(link)
            key = shape(link)
            if shapes.get(key, 0) >= PER_PATTERN:
                continue
            shapes[key] = shapes.get(key, 0) + 1
            queue.append(link)
    assert crawled > 50, f"only {crawled} pages reached from home"
    assert not report, f"{len(report)} offences on {crawled} pages as {username}:\n" + "\n".join(
        report
    )


@pytest.mark.parametrize("workflow", [agenda_item, task, meeting_workflow])
def test_the_workflow_pictures_name_every_event_in_chinese(app, workflow):
    """The pictures' arrows (meeting.diagram) carry the events' Chinese names, arrows with two
    events and events that keep the state included; the crawl above skips the picture's text."""
    from meeting.diagram import mermaid

    with app.test_request_context():
        text = mermaid(workflow, next(iter(workflow.STATES)))
    arrows = [line.split(":", 1)[1] for line in text.splitlines() if "-->" in line and ":" in line]
    assert arrows and all(not re.search(r"[A-Za-z_]{3,}", label) for label in arrows), arrows
