"""Analytics (issue 14, part 2): the charter accountability matrix, the unit assessment 考评
and where items stall, each figure checked against counts made here, independently, in Python
over the rows (factories for the cases, `meeting.demo.seed` for volume); isolation between two
joint meetings; who may read them; a constant number of queries; the Excel export."""

import io
import re
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from urllib.parse import unquote

import pytest
import yaml
from lxml import html as lxml_html
from openpyxl import load_workbook
from sqlalchemy import select, update

from meeting.analytics.assessment import assessment, weights_of
from meeting.analytics.matrix import charter_matrix
from meeting.analytics.stalls import percentile, stalls
from meeting.charter.models import Charter
from meeting.demo import seed
from meeting.extensions import db
from meeting.history import History
from meeting.items.models import Item
from meeting.items.operations import create_item, fire_event
from meeting.meetings.models import AgendaEntry, Meeting, MinutesReceipt
from meeting.meetings.operations import fire_meeting_event
from meeting.meetings.receipts import acknowledge_minutes
from meeting.scope import enter_scope
from meeting.tasks.deadlines import county_today
from meeting.tasks.models import ProgressReport, Task
from meeting.tasks.operations import fire_task_event
from meeting.timeutil import day_start_utc, local, utcnow
from tests.conftest import FUGU, SAFETY, TESTS, Auth
from tests.items_factory import DRAFT, make_item, new_item, user
from tests.tasks_factory import make_task
from tests.test_query_counts import statements
from workflows import agenda_item

FUGU_YAML = TESTS.parent / "config" / "charters" / "fugu-2022.yaml"
# The assessment's figures and the weight (assessment_weights) each one is scored by.
WEIGHT_OF = {"tasks_led": "tasks_led", "tasks_shared": "tasks_shared",
             "done_on_time": "done_on_time", "done_late": "done_late",
             "overdue_days": "overdue_day", "extensions": "extension",
             "progress_reports": "progress_report", "urges": "urge", "items": "item",
             "receipts_late": "receipt_late"}  # fmt: skip


# -- the data -----------------------------------------------------------------------------------


def build(app) -> dict:
    """Items citing own and joint-meeting duties, tasks led and shared in every condition (on
    time, late, overdue, last year's), extensions, urges, reports, and minutes signed for on
    time, late and not at all. Returns a few ids."""
    today = county_today()
    with app.app_context():
        edu = lambda: user("liaison-edu")  # noqa: E731
        make = lambda state, by="liaison-edu", **f: new_item(state, by, **f)  # noqa: E731
        make("submitted", duty_refs=["四(九)"])
        adopted_edu = make("adopted", duty_refs=["四(九)", "二(二)"])
        make("draft", duty_refs=["二(三)"])  # a draft: not proposed yet
        make("submitted", duty_refs=["二(一)"])
        make("declined", duty_refs=["四(九)", "二(三)"])  # proposed, then declined: counted
        adopted_civil = make("adopted", by="liaison-civil", duty_refs=["四(一)", "二(二)"])
        make("submitted", by="liaison-civil", duty_refs=["四(一)"])
        # Work the county government assigned, registered by the office for education-sports.
        assigned = create_item(user("office"), {**DRAFT, "duty_refs": ["四(九)"],
                               "source": "county_government", "source_title": "县政府批示",
                               "unit": "education-sports"})  # fmt: skip
        fire_event(assigned, "submit", user("office"), {"version": assigned.version})
        db.session.commit()
        ids = {"adopted_edu": adopted_edu.id, "adopted_civil": adopted_civil.id}

    on_edu, on_civil = ids["adopted_edu"], ids["adopted_civil"]
    # Open ones first: the item closes once every task of it is done.
    shared = make_task(app, "in_progress", on_edu, lead_unit="civil-affairs",
                       responsible_units=["education-sports", "health"])  # fmt: skip
    overdue = make_task(app, "in_progress", on_edu, responsible_units=[])
    make_task(app, "done", on_edu, responsible_units=["civil-affairs"])  # on time
    late = make_task(app, "done", on_edu, responsible_units=[])
    make_task(app, "assigned", on_civil, lead_unit="civil-affairs",
              responsible_units=["education-sports"])  # fmt: skip
    last_year = make_task(app, "in_progress", on_civil, responsible_units=[])
    open_ok = make_task(app, "in_progress", on_edu, responsible_units=["womens-federation"])

    with app.app_context():
        task = lambda task_id: db.session.get(Task, task_id)  # noqa: E731

        def fire(task_id, event, who, **fields):
            row = task(task_id)
            fire_task_event(row, event, user(who), {**fields, "version": row.version})

        fire(overdue, "urge", "office", message="请抓紧办理")
        fire(overdue, "urge", "office", message="再次催办")
        fire(open_ok, "request_extension", "liaison-edu",
             new_deadline="2100-01-01", reason="需协调资金")  # fmt: skip
        fire(open_ok, "report_progress", "liaison-edu", text="已完成调研")
        fire(overdue, "report_progress", "liaison-edu", text="正在推进")
        fire(shared, "report_progress", "liaison-edu", text="配合完成摸排")
        fire(shared, "report_progress", "liaison-civil", text="牵头推进")
        fire(last_year, "urge", "office", message="去年的催办")
        fire(last_year, "report_progress", "liaison-edu", text="去年的进展")
        # Late: done today, its deadline five days ago; overdue: seven days past its deadline.
        for task_id, days in ((late, 5), (overdue, 7)):
            past = today - timedelta(days=days)
            db.session.execute(update(Task).where(Task.id == task_id)
                               .values(deadline=past, original_deadline=past))  # fmt: skip
        # A task assigned last year, with its urge and report of last year.
        before = day_start_utc(date(today.year - 1, 6, 1))
        db.session.execute(update(Task).where(Task.id == last_year).values(assigned_at=before))
        db.session.execute(
            update(History)
            .where(History.subject_kind == "task", History.subject_id == last_year,
                   History.event.in_(("urge", "report_progress")))
            .values(at=before)
        )  # fmt: skip
        db.session.execute(update(ProgressReport).where(ProgressReport.task_id == last_year)
                           .values(created_at=before))  # fmt: skip

        # The adopted item's meeting publishes its minutes: a receipt for every unit.
        meeting = db.session.get(
            Meeting,
            db.session.scalar(select(AgendaEntry.meeting_id).where(AgendaEntry.item_id == on_edu)),
        )
        for event, who in (("close_session", "office"), ("sign_minutes", "general"),
                           ("publish_minutes", "office")):  # fmt: skip
            fire_meeting_event(meeting, event, user(who), {"version": meeting.version})
        delivered = max(day_start_utc(date(today.year, 1, 1)) + timedelta(hours=1),
                        utcnow() - timedelta(days=4))  # fmt: skip
        db.session.execute(update(MinutesReceipt).where(MinutesReceipt.meeting_id == meeting.id)
                           .values(delivered_at=delivered))  # fmt: skip
        acknowledge_minutes(meeting, edu())  # signed for the next day (set below): in time
        civil_unit = user("liaison-civil").unit_id
        edu_receipt = select(MinutesReceipt.id).where(
            MinutesReceipt.meeting_id == meeting.id,
            MinutesReceipt.unit_id == user("liaison-edu").unit_id,
        )
        db.session.execute(update(MinutesReceipt).where(MinutesReceipt.id.in_(edu_receipt))
                           .values(acknowledged_at=delivered + timedelta(days=1)))  # fmt: skip
        db.session.execute(
            update(MinutesReceipt)
            .where(MinutesReceipt.meeting_id == meeting.id, MinutesReceipt.unit_id == civil_unit)
            .values(acknowledged_at=delivered + timedelta(days=5))  # late
        )
        db.session.commit()
    return {**ids, "overdue": overdue, "late": late, "shared": shared}


def seed_volume(app, n: int = 300) -> None:
    with app.app_context():
        seed(db.session.scalar(select(Charter).where(Charter.code == FUGU)), n, seed_value=3)
        db.session.commit()


def fugu(app_code: str = FUGU) -> Charter:
    return db.session.scalar(select(Charter).where(Charter.code == app_code))


# -- independent counts ---------------------------------------------------------------------


def expected_matrix(code: str) -> dict:
    """(unit code, ref) -> {items, tasks_led, tasks_shared}, counted row by row."""
    charter = fugu(code)
    counts: dict = defaultdict(Counter)
    for item in db.session.scalars(select(Item).where(Item.charter_id == charter.id)):
        if item.submitted_at is not None:
            for ref in set(item.duty_refs):
                counts[(item.unit.code, ref)]["items"] += 1
    for task in db.session.scalars(select(Task).where(Task.charter_id == charter.id)):
        for ref in set(task.item.duty_refs):
            counts[(task.lead_unit.code, ref)]["tasks_led"] += 1
            for unit in task.responsible_units:
                counts[(unit.code, ref)]["tasks_shared"] += 1
    return counts


def expected_assessment(code: str, year: int, today: date, now: datetime) -> dict:
    """unit code -> the assessment's figures, row by row."""
    charter = fugu(code)
    late_days = charter.rules["receipt_late_days"]
    start, end = day_start_utc(date(year, 1, 1)), day_start_utc(date(year + 1, 1, 1))
    units = {u.id: u.code for u in charter.units if u.active}
    figures = {c: dict.fromkeys(WEIGHT_OF, 0) for c in units.values()}

    def add(unit_id, key, n=1):
        if unit_id in units:
            figures[units[unit_id]][key] += n

    tasks = {t.id: t for t in db.session.scalars(select(Task).where(Task.charter_id == charter.id))}
    for t in tasks.values():
        if not start <= t.assigned_at < end:
            continue
        add(t.lead_unit_id, "tasks_led")
        for u in t.responsible_units:
            add(u.id, "tasks_shared")
        if t.state == "done":
            finished = local(t.completed_at).date()
            if finished <= t.deadline:
                add(t.lead_unit_id, "done_on_time")
            else:
                add(t.lead_unit_id, "done_late")
                add(t.lead_unit_id, "overdue_days", (finished - t.deadline).days)
        elif t.deadline < today:
            add(t.lead_unit_id, "overdue_days", (today - t.deadline).days)
    for h in db.session.scalars(select(History).where(History.subject_kind == "task")):
        if h.subject_id in tasks and start <= h.at < end:
            key = {"request_extension": "extensions", "urge": "urges"}.get(h.event)
            if key:
                add(tasks[h.subject_id].lead_unit_id, key)
    for r in db.session.scalars(select(ProgressReport)):
        if r.task_id in tasks and r.kind in ("progress", "part") and start <= r.created_at < end:
            add(r.unit_id, "progress_reports")
    for i in db.session.scalars(select(Item).where(Item.charter_id == charter.id)):
        if i.source == "unit" and i.submitted_at and start <= i.submitted_at < end:
            add(i.unit_id, "items")
    meetings = set(db.session.scalars(select(Meeting.id).where(Meeting.charter_id == charter.id)))
    for r in db.session.scalars(select(MinutesReceipt)):
        waited = ((r.acknowledged_at or now) - r.delivered_at).total_seconds()
        if (
            r.meeting_id in meetings
            and start <= r.delivered_at < end
            and waited > late_days * 86400
        ):
            add(r.unit_id, "receipts_late")
    return figures


def yaml_weights() -> dict:
    return yaml.safe_load(FUGU_YAML.read_text())["rules"]["assessment_weights"]


def expected_score(values: dict, weights: dict) -> float:
    return round(sum(weights[WEIGHT_OF[k]] * v for k, v in values.items()), 2)


def expected_stalls(code: str, kind: str, now: datetime) -> tuple[dict, dict]:
    """state -> [days per subject], (unit id, state) -> [days], from the history rows."""
    charter = fugu(code)
    model, unit_of = (Item, "unit_id") if kind == "item" else (Task, "lead_unit_id")
    subjects = {s.id: getattr(s, unit_of)
                for s in db.session.scalars(select(model).where(model.charter_id == charter.id))}  # fmt: skip
    rows = defaultdict(list)
    for h in db.session.scalars(select(History).where(History.subject_kind == kind)):
        if h.subject_id in subjects:
            rows[h.subject_id].append(h)
    final = agenda_item.FINAL_STATES if kind == "item" else {"done"}
    by_state, by_unit = defaultdict(list), defaultdict(list)
    for subject, history in rows.items():
        history.sort(key=lambda h: h.id)
        spent = Counter()
        for row, following in zip(history, [*history[1:], None], strict=True):
            until = following.at if following else now
            spent[row.to_state] += max(0.0, (until - row.at).total_seconds() / 86400)
        for state, days in spent.items():
            if state not in final:
                by_state[state].append(days)
                by_unit[(subjects[subject], state)].append(days)
    return by_state, by_unit


def p90(values: list[float]) -> float:
    return (
        values[0] if len(values) == 1 else statistics.quantiles(values, n=10, method="inclusive")[8]
    )


# -- pages ------------------------------------------------------------------------------------------


def signed_in(app, username: str):
    client = app.test_client()
    Auth(client).login(username)
    return client


def page(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return lxml_html.fromstring(response.get_data(as_text=True))


def listed_total(client, link: str) -> int:
    """The count a list page says it holds: its heading's "(N)"."""
    heading = page(client, link).xpath("//h1")[0].text_content()
    return int(re.search(r"\((\d+)\)", heading).group(1))


# -- the matrix ---------------------------------------------------------------------------------


def test_the_matrix_counts_each_units_duties_as_counted_row_by_row(app, api):
    build(app)
    seed_volume(app)
    with app.app_context():
        expected = expected_matrix(FUGU)
        charter = fugu(FUGU)
        own = {u.code: [c.ref for c in u.duties] for u in charter.active_units}
        joint = [c.ref for c in charter.clauses_of("joint_meeting_duty")]
    assert expected[("education-sports", "四(九)")]["items"] >= 3  # the cases are in

    answer = api.get(f"/api/v1/charter-matrix?joint_meeting={FUGU}", "office")
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert body["joint_meeting"] == FUGU
    assert [u["unit"] for u in body["units"]] == list(own)
    for row in body["units"]:
        assert [d["ref"] for d in row["duties"]] == own[row["unit"]]
        assert [d["ref"] for d in row["joint_meeting_duties"]] == joint
        for cell in row["duties"] + row["joint_meeting_duties"]:
            want = expected.get((row["unit"], cell["ref"]), Counter())
            got = {k: cell[k] for k in ("items", "tasks_led", "tasks_shared")}
            assert got == {k: want[k] for k in got}, (row["unit"], cell["ref"])

    # The factories' cases, by hand: education-sports cites 四(九) in 3 items it proposed and 1
    # the office registered for it; 二(二) in its adopted item.
    edu = next(u for u in body["units"] if u["unit"] == "education-sports")
    shared = next(d for d in edu["joint_meeting_duties"] if d["ref"] == "二(二)")
    assert shared["tasks_shared"] >= 2  # on civil-affairs' task under its item, and under civil's

    client = signed_in(app, "office")
    tree = page(client, "/analytics/matrix")
    cells = tree.xpath("//table[@id='charter-matrix']//td[@data-measure]")
    assert len(cells) == len(own) * 3 * (1 + len(joint))
    checked = 0
    for td in cells:
        unit, ref, measure = td.get("data-unit"), td.get("data-ref"), td.get("data-measure")
        want = expected.get((unit, ref), Counter())[measure]
        assert int(td.text_content()) == want, (unit, ref, measure)
        assert ("zero" in td.get("class")) == (want == 0)  # silence is marked
        links = td.xpath(".//a/@href")
        assert bool(links) == (want > 0)
        if links and unit in ("education-sports", "civil-affairs", "health"):
            assert listed_total(client, links[0]) == want, (unit, ref, measure, links[0])
            checked += 1
    assert checked >= 8
    # A unit with nothing under its duty is marked silent; one with something is not.
    silent = set(tree.xpath("//tr[contains(@class, 'silent-row')]/@data-unit"))
    assert "education-sports" not in silent
    assert {code for code in own if not any(expected.get((code, r)) for r in own[code])} == silent


def test_the_item_and_task_lists_filter_by_duty(app, api):
    build(app)
    items = api.get("/api/v1/items?duty=二(二)", "office").json
    assert items["total"] == 2
    assert all("二(二)" in item["duty_refs"] for item in items["items"])
    lead = api.get("/api/v1/tasks?unit=education-sports&unit_as=lead&duty=四(九)", "office").json
    with app.app_context():
        edu = user("liaison-edu").unit_id
        want = {
            t.id
            for t in db.session.scalars(select(Task))
            if t.lead_unit_id == edu and "四(九)" in t.item.duty_refs
        }
    assert {t["id"] for t in lead["items"]} == want
    shared = api.get("/api/v1/tasks?unit=education-sports&unit_as=responsible", "office").json
    assert shared["total"] == 2
    assert all(t["lead_unit"] != "education-sports" for t in shared["items"])
    assert api.get("/api/v1/tasks?duty=二(四)", "office").json["total"] == 0


# -- the assessment -----------------------------------------------------------------------------


def test_the_assessment_counts_each_figure_and_scores_by_the_charters_weights(app):
    build(app)
    seed_volume(app, 200)
    today = county_today()
    year = today.year
    end_of_year = day_start_utc(date(year, 12, 31)) + timedelta(hours=23)
    weights = yaml_weights()
    with app.app_context(), app.test_request_context():
        enter_scope(user("office"))
        charter = fugu(FUGU)
        assert weights_of(charter.rules).model_dump() == weights  # the charter's, not defaults
        # As of the year's last day: every figure of the cases is due by then.
        result = assessment(charter, year, date(year, 12, 31), end_of_year)
        want = expected_assessment(FUGU, year, date(year, 12, 31), end_of_year)
        got = {row.unit.code: row.values for row in result.rows}
        assert got == want
        for row in result.rows:
            assert row.score == expected_score(row.values, weights)
        totals = {k: sum(v[k] for v in got.values()) for k in WEIGHT_OF}
        assert all(totals.values()), f"a figure the cases should exercise is 0: {totals}"
        edu = got["education-sports"]
        assert (edu["done_on_time"], edu["done_late"], edu["urges"], edu["extensions"]) >= (
            1,
            1,
            2,
            1,
        )
        assert edu["receipts_late"] == 0 and got["civil-affairs"]["receipts_late"] == 1
        # Ranked by score, ties sharing a rank.
        scores = [row.score for row in result.rows]
        assert scores == sorted(scores, reverse=True)
        for before, row in zip(result.rows, result.rows[1:], strict=False):
            assert row.rank == (
                before.rank if row.score == before.score else result.rows.index(row) + 1
            )
        # Last year: only the task assigned then, its urge and its report.
        last = {r.unit.code: r.values for r in assessment(charter, year - 1, today, utcnow()).rows}
        assert last == expected_assessment(FUGU, year - 1, today, utcnow())
        assert last["education-sports"]["tasks_led"] >= 1 and last["education-sports"]["urges"] >= 1

    client = signed_in(app, "convener")
    tree = page(client, f"/analytics/assessment?year={year}")
    with app.app_context():
        want = expected_assessment(FUGU, year, county_today(), utcnow())
    rows = tree.xpath("//table[@id='assessment']/tbody/tr")
    assert len(rows) == len(want)
    ranks = []
    for tr in rows:
        code = tr.get("data-unit")
        values = {td.get("data-measure"): td.text_content().strip()
                  for td in tr.xpath("./td[@data-measure]")}  # fmt: skip
        assert {k: int(values[k]) for k in WEIGHT_OF} == want[code], code
        assert float(values["score"]) == expected_score(want[code], weights)
        ranks.append(int(tr.get("data-rank")))
    assert ranks == sorted(ranks) and ranks[0] == 1
    shown = {td.get("data-weight"): float(td.text_content()) for td in
             tree.xpath("//tr[@id='assessment-weights']/td[@data-weight]")}  # fmt: skip
    assert shown == weights


def test_the_assessment_exports_a_print_ready_workbook(app):
    build(app)
    client = signed_in(app, "office")
    year = county_today().year
    tree = page(client, f"/analytics/assessment?year={year}")
    response = client.get(f"/analytics/assessment.xlsx?year={year}")
    assert response.status_code == 200
    assert "考评" in unquote(response.headers["Content-Disposition"])
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert (
        sheet["A1"].value
        == f"府谷县农村留守儿童关爱保护和困境儿童保障工作联席会议{year}年度成员单位考评表"
    )
    assert sheet["A2"].value.startswith("截至 ")
    headers = [c.value for c in sheet[3]]
    assert headers[:2] == ["名次", "成员单位"] and headers[-1] == "得分" and "超期天数" in headers
    page_rows = tree.xpath("//table[@id='assessment']/tbody/tr")
    for n, tr in enumerate(page_rows, start=4):
        values = [c.value for c in sheet[n]]
        cells = [td.text_content().strip() for td in tr.xpath("./td")]
        assert values[0] == int(cells[0]) and values[1] == cells[1]
        assert [float(v) for v in values[2:]] == [float(c) for c in cells[2:]]
        assert sheet.cell(n, 3).border.left.style == "thin"
    weights_row = 4 + len(page_rows)
    assert sheet.cell(weights_row, 2).value == "每项分值"
    assert "逾期签收" in sheet.cell(weights_row + 1, 1).value
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.page_setup.fitToWidth == 1 and sheet.print_title_rows == "$3:$3"
    assert "A1:M1" in {str(r) for r in sheet.merged_cells.ranges}


def test_a_charter_without_weights_gets_the_defaults_and_the_yaml_documents_them():
    from meeting.charter.schema import AssessmentWeights, Rules

    assert weights_of({}) == AssessmentWeights()
    assert Rules.model_fields["receipt_late_days"].default == 3
    for name in ("fugu-2022.yaml", "fugu-school-safety.yaml"):
        rules = yaml.safe_load((FUGU_YAML.parent / name).read_text())["rules"]
        assert set(rules["assessment_weights"]) == set(AssessmentWeights.model_fields)
        assert isinstance(rules["receipt_late_days"], int)
    with pytest.raises(ValueError):
        AssessmentWeights(urge=float("nan"))
    with pytest.raises(ValueError):
        AssessmentWeights(bonus=1)


# -- where items stall -----------------------------------------------------------------------------


def test_stalls_are_the_median_and_90th_percentile_of_each_subjects_days_in_a_state(app):
    build(app)
    seed_volume(app, 300)
    now = utcnow()
    with app.app_context(), app.test_request_context():
        enter_scope(user("office"))
        charter = fugu(FUGU)
        for kind in ("item", "task"):
            result = stalls(charter, kind, now)
            by_state, by_unit = expected_stalls(FUGU, kind, now)
            assert set(by_state) <= set(result.states)
            assert sum(len(v) for v in by_state.values()) > 20
            for state in result.states:
                spread, want = result.by_state[state], sorted(by_state.get(state, []))
                assert spread.count == len(want), (kind, state)
                if want:
                    assert spread.median == pytest.approx(statistics.median(want), abs=1e-3)
                    assert spread.p90 == pytest.approx(p90(want), abs=1e-3)
            for (unit_id, state), want in by_unit.items():
                spread = result.by_unit[unit_id][state]
                assert spread.count == len(want)
                assert spread.median == pytest.approx(statistics.median(want), abs=1e-3)
                assert spread.p90 == pytest.approx(p90(want), abs=1e-3)
            current = Counter(s.state for s in db.session.scalars(
                select(Item if kind == "item" else Task).where(
                    (Item if kind == "item" else Task).charter_id == charter.id)))  # fmt: skip
            for state in result.states:
                assert result.by_state[state].current == current[state], (kind, state)

    tree = page(signed_in(app, "observer"), "/analytics/stalls")
    with app.app_context():
        by_state, _ = expected_stalls(FUGU, "item", utcnow())
    for tr in tree.xpath(
        "//section[@id='stalls-item']//table[contains(@class,'stalls-by-state')]/tbody/tr"
    ):
        want = by_state.get(tr.get("data-state"), [])
        figures = {
            td.get("data-figure"): td.text_content() for td in tr.xpath("./td[@data-figure]")
        }
        assert int(figures["count"]) == len(want)
        if want:
            assert float(figures["median"]) == pytest.approx(statistics.median(want), abs=0.051)
            assert float(figures["p90"]) == pytest.approx(p90(want), abs=0.051)


def test_percentile_interpolates_as_percentile_cont():
    assert percentile([], 0.5) is None
    assert percentile([4.0], 0.9) == 4.0
    values = [1.0, 2.0, 3.0, 4.0, 10.0]
    assert percentile(values, 0.5) == 3.0
    assert percentile(values, 0.9) == pytest.approx(7.6)
    assert percentile(values, 0.9) == pytest.approx(p90(values))


# -- who sees what ------------------------------------------------------------------------------


PAGES = ["/analytics/matrix", "/analytics/assessment", "/analytics/assessment.xlsx",
         "/analytics/stalls", "/analytics/"]  # fmt: skip


@pytest.mark.parametrize("username", ["liaison-edu", "admin"])
def test_a_liaison_and_the_administrator_are_refused(app, api, username):
    client = signed_in(app, username)
    for path in PAGES:
        assert client.get(path).status_code == 403, path
    assert api.get("/api/v1/charter-matrix", username).status_code == 403
    assert 'id="analytics-link"' not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("username", ["office", "general", "convener", "observer"])
def test_the_office_conveners_and_observers_read_them(app, api, username):
    client = signed_in(app, username)
    assert 'id="analytics-link"' in client.get("/").get_data(as_text=True)
    for path in PAGES:
        assert client.get(path).status_code in (200, 302), path
    assert api.get("/api/v1/charter-matrix", username).status_code == 200


def test_nothing_of_a_joint_meeting_the_person_holds_no_role_in(platform, api):
    app = platform
    build(app)  # Fugu's
    with app.app_context():
        safety = fugu(SAFETY)
        own = {u.code: u.duties[0].ref for u in safety.active_units}
        item = create_item(user("safety-edu"), {**DRAFT, "duty_refs": [own["education-sports"]],
                                                 "joint_meeting": SAFETY})  # fmt: skip
        fire_event(item, "submit", user("safety-edu"), {"version": item.version})
        db.session.commit()

    # Fugu's office: its own joint meeting; the school-safety one is not found.
    assert api.get(f"/api/v1/charter-matrix?joint_meeting={SAFETY}", "office").status_code == 404
    fugu_matrix = api.get("/api/v1/charter-matrix", "office").json
    assert fugu_matrix["joint_meeting"] == FUGU
    assert SAFETY not in str(fugu_matrix)
    safety_matrix = api.get(f"/api/v1/charter-matrix?joint_meeting={SAFETY}", "safety-office").json
    edu = next(u for u in safety_matrix["units"] if u["unit"] == "education-sports")
    assert [d["items"] for d in edu["duties"]] == [1]
    assert sum(d["tasks_led"] + d["tasks_shared"] for u in safety_matrix["units"]
               for d in u["duties"] + u["joint_meeting_duties"]) == 0  # fmt: skip
    assert (
        api.get(f"/api/v1/charter-matrix?joint_meeting={FUGU}", "safety-office").status_code == 404
    )
    # A liaison in the school-safety one, the office in Fugu's: reads Fugu's only.
    assert (
        api.get(f"/api/v1/charter-matrix?joint_meeting={SAFETY}", "both-office").status_code == 403
    )
    assert api.get(f"/api/v1/charter-matrix?joint_meeting={FUGU}", "both-office").status_code == 200

    # Asked for the other joint meeting's figures directly, the scope still gives nothing.
    with app.app_context(), app.test_request_context():
        enter_scope(user("office"))
        safety = db.session.scalar(
            select(Charter).where(Charter.code == SAFETY).execution_options(unscoped=True)
        )
        assert safety is not None
        matrix = charter_matrix(safety)
        assert matrix.rows == []  # its units are out of sight
        assert all(s.count == 0 for s in stalls(safety, "item", utcnow()).by_state.values())
        assert assessment(safety, county_today().year, county_today(), utcnow()).rows == []
    with app.app_context(), app.test_request_context():
        enter_scope(user("safety-office"))
        result = stalls(fugu(SAFETY), "item", utcnow())
        counts = {state: s.count for state, s in result.by_state.items() if s.count}
        assert counts == {"draft": 1, "submitted": 1}  # its one item; of Fugu's, none
        fugu_charter = db.session.scalar(
            select(Charter).where(Charter.code == FUGU).execution_options(unscoped=True)
        )
        assert all(s.count == 0 for s in stalls(fugu_charter, "task", utcnow()).by_state.values())

    with app.app_context():
        fugu_name = fugu(FUGU).name
    client = signed_in(app, "safety-office")
    for path in PAGES[:-1]:
        response = client.get(path)
        assert response.status_code == 200
        if not path.endswith(".xlsx"):
            text = response.get_data(as_text=True)
            assert fugu_name not in text and "县妇联" not in text  # Fugu's name, a unit of its only
            assert "校园安全" in text


# -- a constant number of queries ---------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES[:-1])
def test_the_pages_make_the_same_queries_for_more_rows(app, path):
    client = signed_in(app, "office")
    build(app)
    few = statements(app, client, path)
    seed_volume(app, 150)
    build(app)
    many = statements(app, client, path)
    assert many == few, f"{path}: {few} queries with few rows, {many} with more"


def test_the_api_matrix_makes_the_same_queries_for_more_rows(app, api):
    token = {"Authorization": f"Bearer {api.token('office')}"}
    client = app.test_client()
    make_item(app, "submitted")
    few = statements(app, client, "/api/v1/charter-matrix", headers=token)
    seed_volume(app, 150)
    many = statements(app, client, "/api/v1/charter-matrix", headers=token)
    assert many == few
