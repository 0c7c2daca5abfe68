"""The workbench 工作台 (issue 14): each role's figures on the home page, the charts, search and
GET /api/v1/stats, checked against counts made here row by row over seeded data; isolation
between joint meetings; the same number of queries whatever the data."""

import re
import statistics
from datetime import timedelta

import pytest
from flask_babel import gettext
from lxml import html as lxml_html
from sqlalchemy import event, select

from meeting.accounts.models import User
from meeting.charter.models import Charter
from meeting.demo import seed
from meeting.extensions import db
from meeting.items.models import Item
from meeting.items.operations import can_view, create_item, fire_event
from meeting.meetings.delegations import create_delegation
from meeting.meetings.models import Meeting
from meeting.meetings.operations import fire_meeting_event, plan_meeting
from meeting.meetings.receipts import update_minutes
from meeting.scope import enter_scope
from meeting.tasks.deadlines import county_today
from meeting.tasks.models import Task
from meeting.timeutil import day_end_utc, local
from meeting.workbench import charts, figures
from tests.conftest import FUGU, SAFETY, Auth
from tests.items_factory import DRAFT, make_item, user
from tests.meetings_factory import make_meeting, new_meeting
from tests.tasks_factory import make_task
from workflows import agenda_item
from workflows import task as task_workflow
from workflows.meeting import CONVENED_STATES

MARK = {FUGU: "FUGU-ONLY-标记", SAFETY: "SAFETY-ONLY-标记"}
DUTY = {FUGU: ["四(九)"], SAFETY: ["四(一)"]}
LIAISON_OF = {FUGU: "liaison-edu", SAFETY: "safety-edu"}
OFFICE_OF = {FUGU: "office", SAFETY: "safety-office"}


# ---- the data ----


def charter_of(code: str) -> Charter:
    return db.session.scalar(select(Charter).where(Charter.code == code))


def marked_item(code: str, submit: bool = True) -> Item:
    """An item of CODE's joint meeting with its marker in the title and the proposal."""
    fields = {
        **DRAFT,
        "title": f"{MARK[code]}议题",
        "proposal": f"{MARK[code]}建议",
        "duty_refs": DUTY[code],
        "joint_meeting": code,
    }
    item = create_item(user(LIAISON_OF[code]), fields)
    if submit:
        fire_event(item, "submit", user(LIAISON_OF[code]), {"version": item.version})
    return item


def this_month_meeting(code: str, title: str) -> Meeting:
    today = county_today()
    return plan_meeting(
        user(OFFICE_OF[code]),
        {
            "kind": "ad_hoc",
            "title": title,
            "location": f"{MARK[code]}会议室",
            "starts_at": f"{today.isoformat()}T15:00+08:00",
            "joint_meeting": code,
        },
    )


@pytest.fixture
def seeded(platform):
    """Both joint meetings seeded (`flask demo seed`), a marked item and a meeting of this month
    in each, a delegation in Fugu's."""
    with platform.app_context():
        for n, code in enumerate((FUGU, SAFETY)):
            seed(charter_of(code), 260, seed_value=11 + n)
            marked_item(code)
            this_month_meeting(code, f"{MARK[code]}专题会")
        planned = new_meeting(
            "plenary",
            "planned",
            title="年度全体会议",
            starts_at=f"{county_today().year}-12-28T09:30+08:00",
        )
        create_delegation(
            user("general"), {"delegate": "convener", "meeting_id": planned.id, "note": "委托召集"}
        )
        db.session.commit()
    return platform


def page(app, username: str, path: str = "/"):
    client = app.test_client()
    assert Auth(client).login(username).status_code == 302
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def said(app, msgid: str, **values) -> str:
    """MSGID as the pages say it (the default language; new ones may not be translated yet)."""
    with app.test_request_context("/"):
        return gettext(msgid, **values)


def tree(text: str):
    return lxml_html.fromstring(text)


def numbers(node, xpath: str) -> list[int]:
    return [int(re.sub(r"\D", "", e.text_content()) or 0) for e in node.xpath(xpath)]


# ---- the counts made here, row by row ----


def rows(model, code: str) -> list:
    charter = charter_of(code)
    return list(db.session.scalars(select(model).where(model.charter_id == charter.id)))


def sees_task(person: User, task: Task) -> bool:
    seat = person.seat_in(task.charter_id)
    return seat is not None and task_workflow.liaison_sees(seat.role, seat.unit_id, task.unit_ids)


def expected_items(username: str, code: str, unit: str | None = None) -> dict[str, int]:
    person, counts = user(username), {}
    for item in rows(Item, code):
        if can_view(item, person) and (unit is None or item.unit.code == unit):
            counts[item.state] = counts.get(item.state, 0) + 1
    return counts


def expected_units(username: str, code: str, today) -> dict[str, dict[str, int]]:
    person, units = user(username), {}
    for task in rows(Task, code):
        if not sees_task(person, task):
            continue
        figures_ = units.setdefault(
            task.lead_unit.code, {"open": 0, "overdue": 0, "done": 0, "done_on_time": 0}
        )
        if task.state == "done":
            figures_["done"] += 1
            figures_["done_on_time"] += local(task.completed_at).date() <= task.deadline
        else:
            figures_["open"] += 1
            figures_["overdue"] += task.deadline < today
    return units


def expected_warnings(username: str, code: str, today) -> dict[str, int]:
    person, counts = user(username), dict.fromkeys(("yellow", "red", "dark_red"), 0)
    bands = task_workflow.WarningBands.from_rules(charter_of(code).rules)
    for task in rows(Task, code):
        if sees_task(person, task) and task.state != "done":
            level = bands.for_days_left((task.deadline - today).days)
            if level != "none":
                counts[level] += 1
    return counts


def expected_trend(username: str, code: str, today) -> list[int]:
    person, values = user(username), []
    for end in figures.month_ends(today):
        after = day_end_utc(end)
        values.append(
            sum(
                1
                for task in rows(Task, code)
                if sees_task(person, task)
                and task.assigned_at < after
                and task.deadline < end
                and (task.completed_at is None or task.completed_at >= after)
            )
        )
    return values


def expected_plenary(code: str, year: int) -> str:
    states = {
        m.state
        for m in rows(Meeting, code)
        if m.kind == "plenary" and m.year == year and m.state != "cancelled"
    }
    if states & {"held", "minutes_signed", "minutes_published"}:
        return "held"
    if states & {"convened", "in_session"}:
        return "convened"
    return "planned" if "planned" in states else "none"


def queue_days(code: str, state: str, since: str, today) -> list[int]:
    return sorted(
        (today - local(getattr(item, since)).date()).days
        for item in rows(Item, code)
        if item.state == state
    )


# ---- GET /api/v1/stats ----


@pytest.mark.parametrize("username", ["office", "convener", "liaison-edu", "observer"])
def test_stats_api_matches_counts_made_row_by_row(seeded, api, username):
    app = seeded
    today = county_today()
    answer = api.get(f"/api/v1/stats?joint_meeting={FUGU}", username)
    assert answer.status_code == 200, answer.json
    body = answer.json
    with app.app_context():
        items = expected_items(username, FUGU)
        units = expected_units(username, FUGU, today)
        plenary = expected_plenary(FUGU, today.year)
    assert body["joint_meeting"] == FUGU and body["year"] == today.year
    assert body["items_by_state"] == items
    assert {
        u["unit"]: {k: v for k, v in u.items() if k != "unit"} for u in body["tasks_by_unit"]
    } == units
    assert body["plenary_this_year"] == plenary
    if username == "liaison-edu":  # a liaison counts their unit's tasks only, no other drafts
        assert set(units) <= {"education-sports", "civil-affairs"}
    else:
        assert len(units) > 5 and sum(u["overdue"] for u in body["tasks_by_unit"]) > 0


def test_stats_year_narrows_items_tasks_and_the_plenary(seeded, api):
    answer = api.get(f"/api/v1/stats?joint_meeting={FUGU}&year=2099", "office").json
    assert answer == {
        "joint_meeting": FUGU,
        "year": 2099,
        "items_by_state": {},
        "tasks_by_unit": [],
        "plenary_this_year": "none",
    }
    assert api.get("/api/v1/stats?year=1999", "office").status_code == 422


def test_the_year_plenary_moves_from_none_to_planned_to_convened(app, api):
    year = county_today().year
    assert api.get("/api/v1/stats", "office").json["plenary_this_year"] == "none"
    make_meeting(app, "plenary", "cancelled", starts_at=f"{year}-12-20T09:30+08:00")
    assert api.get("/api/v1/stats", "office").json["plenary_this_year"] == "none"
    make_meeting(app, "plenary", "planned", starts_at=f"{year}-12-21T09:30+08:00")
    assert api.get("/api/v1/stats", "office").json["plenary_this_year"] == "planned"
    make_meeting(app, "plenary", "convened", starts_at=f"{year}-12-22T09:30+08:00")
    assert api.get("/api/v1/stats", "observer").json["plenary_this_year"] == "convened"
    assert "convened" in CONVENED_STATES


def test_stats_of_a_joint_meeting_without_a_role_is_not_found(seeded, api):
    for username in ("office", "liaison-edu", "observer"):
        answer = api.get(f"/api/v1/stats?joint_meeting={SAFETY}", username)
        assert answer.status_code == 404 and SAFETY not in answer.get_data(as_text=True)
        assert api.get("/api/v1/stats?joint_meeting=no-such-one", username).status_code == 404
    # Without a code: the caller's (current) joint meeting, never the other one.
    assert api.get("/api/v1/stats", "office").json["joint_meeting"] == FUGU
    assert api.get("/api/v1/stats", "safety-office").json["joint_meeting"] == SAFETY
    # A person of both sees each, as the role they hold there.
    mixed = api.get(f"/api/v1/stats?joint_meeting={SAFETY}", "both-office").json
    assert {u["unit"] for u in mixed["tasks_by_unit"]} <= {"civil-affairs"}
    assert api.get(f"/api/v1/stats?joint_meeting={FUGU}", "both-office").status_code == 200
    assert api.get(f"/api/v1/stats?joint_meeting={FUGU}", "admin").status_code == 403


# ---- the workbench, role by role ----


def test_office_workbench_figures(seeded):
    app, today = seeded, county_today()
    doc = tree(page(app, "office"))
    with app.app_context():
        warnings = expected_warnings("office", FUGU, today)
        units = expected_units("office", FUGU, today)
        submitted = queue_days(FUGU, "submitted", "submitted_at", today)
        items = expected_items("office", FUGU)
        plenary = expected_plenary(FUGU, today.year)
    for level, n in warnings.items():
        assert numbers(
            doc,
            f'//*[@id="warnings"]//a[@data-warning="{level}"]'
            f'//*[contains(@class, "warning-count")]',
        ) == [n]
    assert sum(warnings.values()) > 0
    panel = doc.xpath(f'//*[@id="panel-{FUGU}"]')[0]
    assert panel.get("data-role") == "office"
    assert numbers(panel, './/*[contains(@class, "queue-count")]') == [len(submitted)]
    assert numbers(panel, './/*[contains(@class, "queue-oldest")]') == [max(submitted)]
    median = panel.xpath('.//*[contains(@class, "queue-median")]')[0].text_content()
    assert float(median) == statistics.median(submitted)
    table = {
        row.get("data-unit"): [int(td.text_content()) for td in row.xpath("./td")[1:]]
        for row in panel.xpath('.//table[contains(@class, "tasks-by-unit")]//tr[@data-unit]')
    }
    assert table == {
        code: [f["open"], f["overdue"], f["done"], f["done_on_time"]] for code, f in units.items()
    }
    overdue_cells = panel.xpath('.//td[contains(@class, "overdue-cell")]')
    assert len(overdue_cells) == sum(1 for f in units.values() if f["overdue"])
    assert panel.xpath(".//*[@data-plenary]")[0].get("data-plenary") == plenary
    # The charts: an SVG each, titled, with the figures as text.
    items_svg = panel.xpath('.//figure[contains(@class, "figure-items")]/*[local-name()="svg"]')[0]
    assert items_svg.get("role") == "img"
    assert items_svg.get("aria-label") == said(app, "Items by state")
    desc = items_svg.xpath('./*[local-name()="desc"]')[0].text_content()
    for state in ("submitted", "implementing", "closed"):
        assert f"{said(app, agenda_item.STATES[state])}: {items[state]}" in desc
    texts = [t.text_content() for t in items_svg.xpath('.//*[local-name()="text"]')]
    assert str(items["implementing"]) in texts
    units_svg = panel.xpath('.//figure[contains(@class, "figure-units")]/*[local-name()="svg"]')[0]
    assert len(units_svg.xpath('.//*[local-name()="rect"]')) > len(units)
    trend_svg = panel.xpath('.//figure[contains(@class, "figure-trend")]/*[local-name()="svg"]')[0]
    with app.app_context():
        trend = expected_trend("office", FUGU, today)
    said_trend = trend_svg.xpath('./*[local-name()="desc"]')[0].text_content()
    assert [int(n) for n in re.findall(r": (\d+)", said_trend)] == trend
    # The common parts: waiting oldest first with ages, the month, activity.
    days = [int(r.get("data-days")) for r in doc.xpath('//*[@id="waiting"]//tr[@data-days]')]
    assert days and days == sorted(days, reverse=True)
    assert max(days) == max(submitted)
    calendar = doc.xpath('//*[@id="month-calendar"]')[0]
    cell = calendar.xpath(f'.//td[@data-day="{today.isoformat()}"]')[0]
    assert cell.get("aria-current") == "date" and f"{MARK[FUGU]}专题会" in cell.text_content()
    assert doc.xpath('//*[@id="recent-activity"]/li[@data-kind]')


def test_overdue_trend_matches_counts_made_row_by_row(seeded):
    app, today = seeded, county_today()
    with app.test_request_context("/"):
        for username in ("office", "liaison-edu"):
            person = user(username)
            enter_scope(person)
            charter = charter_of(FUGU)
            trend = figures.overdue_trend(person, [charter.id], today)[charter.id]
            assert [end for end, _ in trend] == figures.month_ends(today)
            assert [n for _, n in trend] == expected_trend(username, FUGU, today)
            assert trend[-1][1] == sum(
                f["overdue"] for f in expected_units(username, FUGU, today).values()
            )


def test_convener_workbench_figures(seeded):
    app, today = seeded, county_today()
    doc = tree(page(app, "convener"))
    with app.app_context():
        reviewed = queue_days(FUGU, "reviewed", "updated_at", today)
        dark_red = expected_warnings("convener", FUGU, today)["dark_red"]
        to_convene = sum(
            1
            for m in rows(Meeting, FUGU)
            if m.state == "planned" and m.kind in ("plenary", "ad_hoc")
        )
    assert numbers(doc, '//*[@id="approvals-waiting"]//*[contains(@class, "approvals-count")]') == [
        len(reviewed)
    ]
    oldest = said(app, "oldest %(n)d days", n=max(reviewed))
    assert oldest in doc.xpath('//*[@id="approvals-waiting"]')[0].text_content()
    assert numbers(doc, '//*[@id="escalation-count"]') == [dark_red] and dark_red > 0
    assert len(doc.xpath('//*[@id="escalations"]/li')) == min(dark_red, 10)
    assert numbers(doc, '//*[@id="to-convene-count"]') == [to_convene]
    assert "年度全体会议" in doc.xpath('//*[@id="live-delegations"]')[0].text_content()
    assert not doc.xpath('//*[contains(@class, "workbench-panel")]')  # charts: office, observers


def test_liaison_workbench_shows_their_department(seeded):
    app, today = seeded, county_today()
    doc = tree(page(app, "liaison-edu"))
    with app.app_context():
        person = user("liaison-edu")
        unit_id = person.seat_in(charter_of(FUGU).id).unit_id
        tasks = [t for t in rows(Task, FUGU) if unit_id in t.unit_ids]
        items = expected_items("liaison-edu", FUGU, unit="education-sports")
        warnings = expected_warnings("liaison-edu", FUGU, today)
    row = doc.xpath(f'//*[@id="department"]//tr[@data-joint-meeting="{FUGU}"]')[0]
    assert numbers(row, './td[contains(@class, "dept-open")]') == [
        sum(t.state != "done" for t in tasks)
    ]
    assert numbers(row, './td[contains(@class, "dept-overdue")]') == [
        sum(t.state != "done" and t.deadline < today for t in tasks)
    ]
    assert numbers(row, './td[contains(@class, "dept-done")]') == [
        sum(t.state == "done" for t in tasks)
    ]
    shown = {
        b.get("data-state"): int(b.getparent().text_content().split()[-1])
        for b in row.xpath(".//span[@data-state]")
    }
    assert shown == items
    for level, n in warnings.items():
        assert numbers(
            doc,
            f'//*[@id="warnings"]//a[@data-warning="{level}"]'
            f'//*[contains(@class, "warning-count")]',
        ) == [n]
    assert not doc.xpath('//*[@id="county"]') and not doc.xpath('//*[@id="conveners"]')


def test_observer_workbench_is_the_county_view_with_charts(seeded):
    app, today = seeded, county_today()
    doc = tree(page(app, "observer"))
    with app.app_context():
        units = expected_units("observer", FUGU, today)
        items = expected_items("observer", FUGU)
    row = doc.xpath(f'//*[@id="county"]//tr[@data-joint-meeting="{FUGU}"]')[0]
    assert numbers(row, './td[contains(@class, "county-items")]') == [sum(items.values())]
    for key in ("open", "overdue", "done"):
        assert numbers(row, f'./td[contains(@class, "county-{key}")]') == [
            sum(f[key] for f in units.values())
        ]
    panel = doc.xpath(f'//*[@id="panel-{FUGU}"]')[0]
    assert panel.get("data-role") == "observer"
    assert len(panel.xpath('.//*[local-name()="svg"][@role="img"]')) == 3
    assert not panel.xpath('.//*[contains(@class, "review-queue-age")]')  # the office's
    assert 'id="worklist"' not in page(app, "observer")


# ---- isolation ----


def test_nothing_of_another_joint_meeting_reaches_the_workbench(seeded):
    app = seeded
    with app.app_context():
        safety = charter_of(SAFETY)
        names = (safety.name, safety.short_name)
        both = {charter_of(FUGU).short_name, safety.short_name}
    for username in ("office", "convener", "liaison-edu", "observer", "general"):
        text = page(app, username)
        assert MARK[SAFETY] not in text and not any(name in text for name in names), username
        assert MARK[FUGU] in text  # their own joint meeting's marked meeting or item
    for username in ("safety-office", "safety-edu", "safety-convener"):
        text = page(app, username)
        assert MARK[FUGU] not in text and MARK[SAFETY] in text, username
    # A person of both: each line labelled, a panel where office, their department elsewhere.
    doc = tree(page(app, "both-office"))
    labels = {
        e.text_content()
        for e in doc.xpath('//*[@id="workbench"]//*[contains(@class, "joint-meeting-label")]')
    }
    assert labels == both
    assert doc.xpath(f'//*[@id="panel-{FUGU}"]') and not doc.xpath(f'//*[@id="panel-{SAFETY}"]')
    assert doc.xpath(f'//*[@id="department"]//tr[@data-joint-meeting="{SAFETY}"]')


def test_search_finds_what_the_person_may_see_and_nothing_else(seeded):
    app = seeded
    with app.app_context():
        draft = marked_item(FUGU, submit=False)
        draft.title = "DRAFT-草稿标记"
        meeting = new_meeting("ad_hoc", "in_session", title="纪要会议")
        fire_meeting_event(meeting, "close_session", user("office"), {"version": meeting.version})
        update_minutes(meeting, user("office"), "会议纪要草稿:MINUTES-纪要标记", meeting.version)
        db.session.commit()
    for username, code in (("office", FUGU), ("liaison-edu", FUGU), ("safety-office", SAFETY)):
        doc = tree(page(app, username, "/search?q=ONLY-标记"))
        text = doc.xpath('//*[@id="search-results"]')[0].text_content()
        assert MARK[code] in text and MARK[FUGU if code == SAFETY else SAFETY] not in text
        counts = {
            a.get("data-kind"): int(a.xpath('.//*[contains(@class, "search-count")]')[0].text)
            for a in doc.xpath('//*[@id="search-kinds"]//a')
        }
        assert counts["items"] >= 1 and counts["meetings"] >= 1  # the title; the location
        meetings = tree(page(app, username, "/search?q=ONLY-标记&kind=meetings"))
        assert MARK[code] in meetings.xpath('//*[@id="search-results"]')[0].text_content()
    # Another unit's draft: its own liaison finds it, the office and the other unit do not.
    assert "DRAFT-草稿标记" in results(app, "liaison-edu", "/search?q=草稿标记")
    for username in ("office", "liaison-civil", "observer"):
        assert "DRAFT-草稿标记" not in results(app, username, "/search?q=草稿标记")
    # Draft minutes: those who run meetings find them, a liaison or an observer does not.
    for username, found in (
        ("office", True),
        ("convener", True),
        ("liaison-edu", False),
        ("observer", False),
        ("safety-office", False),
    ):
        doc = tree(page(app, username, "/search?q=MINUTES-纪要标记&kind=minutes"))
        text = doc.xpath('//*[@id="search-results"]')[0].text_content()
        assert ("MINUTES-纪要标记" in text) is found, username


def results(app, username: str, path: str) -> str:
    return tree(page(app, username, path)).xpath('//*[@id="search-results"]')[0].text_content()


def test_search_pages_and_takes_wildcards_literally(app):
    for n in range(23):
        make_item(app, "submitted", title=f"托管点{n}号")
    make_item(app, "submitted", title="百分之百_完成")
    first = tree(page(app, "office", "/search?q=托管点"))
    assert len(first.xpath('//*[@id="search-results"]/li[@data-id]')) == 20
    second = tree(page(app, "office", "/search?q=托管点&kind=items&page=2"))
    assert len(second.xpath('//*[@id="search-results"]/li[@data-id]')) == 3
    assert "百分之百_完成" not in results(app, "office", "/search?q=%25")
    assert "百分之百_完成" in results(app, "office", "/search?q=百_完")
    assert "托管点1号" not in results(app, "office", "/search?q=_")
    empty = results(app, "office", "/search?q=" + "长" * 5000)
    assert said(app, "Nothing found.") in empty
    assert 'id="navbar-search"' in page(app, "office", "/")


# ---- charts ----


def test_charts_are_titled_svg_with_their_numbers_as_text():
    bar = charts.bar_chart("议题<状态>", [charts.Bar("待初审", 7), charts.Bar("A&B", 0)])
    assert bar.startswith("<svg") and 'role="img"' in bar and 'aria-label="议题&lt;状态&gt;"' in bar
    assert "<title>议题&lt;状态&gt;</title>" in bar and "待初审: 7; A&amp;B: 0" in bar
    assert (
        ">7</text>" in bar
        and "<script" not in bar
        and "http" not in bar.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
    series = [charts.Series("按期", "#198754"), charts.Series("超期", "#dc3545")]
    stacked = charts.stacked_bars(
        "任务", series, [charts.Stack("县教育和体育局", [3, 2], "完成 60%")]
    )
    assert "县教育和体育局: 按期 3, 超期 2 (完成 60%)" in stacked and ">5</text>" in stacked
    line = charts.line_chart("超期趋势", [("10月", 4), ("11月", 9)])
    assert "<polyline" in line and ">9</text>" in line and "10月: 4; 11月: 9" in line
    assert "—" in charts.bar_chart("空", [], empty="—")


def test_month_ends_run_back_twelve_months():
    from datetime import date

    ends = figures.month_ends(date(2026, 3, 15))
    assert ends[0] == date(2025, 4, 30) and ends[-2] == date(2026, 2, 28)
    assert ends[-1] == date(2026, 3, 15) and len(ends) == 12


# ---- the same queries whatever the data ----


def statements(app, client, path: str, **kwargs) -> int:
    client.get(path, **kwargs)
    count = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: count.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(path, **kwargs).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(count)


def grow(app, n: int):
    today = county_today()
    for k in range(n):
        make_item(app, "submitted")
        make_item(app, "reviewed")
        make_task(app, "in_progress", deadline=(today + timedelta(days=k % 5)).isoformat())
        make_task(app, "done")
    make_meeting(
        app, "ad_hoc", "planned", title="本月会议", starts_at=f"{today.isoformat()}T16:00+08:00"
    )


@pytest.mark.parametrize(
    "username", ["office", "general", "convener", "liaison-edu", "observer", "both-office", "admin"]
)
def test_the_workbench_makes_the_same_queries_for_more_rows(platform, username):
    app = platform
    client = app.test_client()
    Auth(client).login(username)
    grow(app, 2)
    few = statements(app, client, "/")
    search_few = statements(app, client, "/search?q=心理")
    grow(app, 5)
    many = statements(app, client, "/")
    search_many = statements(app, client, "/search?q=心理")
    assert (many, search_many) == (few, search_few)


def test_the_stats_api_makes_the_same_queries_for_more_rows(app, api):
    token = {"Authorization": f"Bearer {api.token('office')}"}
    client = app.test_client()
    grow(app, 2)
    few = statements(app, client, "/api/v1/stats", headers=token)
    grow(app, 5)
    assert statements(app, client, "/api/v1/stats", headers=token) == few


def activity_titles(app, username: str) -> list[str]:
    doc = tree(page(app, username))
    return [a.text_content() for a in doc.xpath('//*[@id="recent-activity"]/li/a')]


def test_recent_activity_shows_only_what_the_person_may_see(app):
    """A unit's draft is its own: its history stays off the office's and other units'
    workbenches until it is submitted; the newest first, tasks and meetings alike."""
    item_id = make_item(
        app, "draft", by="liaison-civil", title="民政草稿-活动", duty_refs=["四(一)"]
    )
    assert "民政草稿-活动" in activity_titles(app, "liaison-civil")
    for username in ("office", "liaison-edu"):
        assert "民政草稿-活动" not in activity_titles(app, username), username
    client = app.test_client()
    Auth(client).login("liaison-civil")
    with app.app_context():
        version = db.session.get(Item, item_id).version
    client.post(f"/items/{item_id}/events/submit", data={"version": version})
    assert activity_titles(app, "office")[0] == "民政草稿-活动"  # the newest row
    make_task(app, "in_progress")
    make_meeting(app, "ad_hoc", "planned", title="活动会议")
    kinds = tree(page(app, "office")).xpath('//*[@id="recent-activity"]/li/@data-kind')
    assert {"item", "task", "meeting"} <= set(kinds)
