"""The annual work report 年度工作报告: its figures against the seeded records, the office's
draft → edit → issue (refusals change nothing), who sees it, another joint meeting's records
kept out, and the Word document as LibreOffice lays it out."""

import io
import re
from datetime import date, datetime

from docx import Document
from sqlalchemy import func, select, update

from meeting.charter.models import Charter
from meeting.extensions import db
from meeting.history import History
from meeting.items.models import Item
from meeting.items.operations import create_item, fire_event
from meeting.meetings.agenda import add_to_agenda, record_decision
from meeting.meetings.models import AgendaEntry, Meeting
from meeting.meetings.operations import fire_meeting_event, plan_meeting
from meeting.notifications.models import Notification
from meeting.reports.document import docx_bytes, title_of
from meeting.reports.models import AnnualReport
from meeting.reports.operations import create_report, draft_text, issue_report, year_figures
from meeting.tasks.deadlines import county_today
from meeting.tasks.models import Task
from meeting.tasks.operations import assign_task, fire_task_event
from meeting.timeutil import local
from tests.conftest import FUGU, SAFETY
from tests.documents import render
from tests.items_factory import DRAFT, user

YEAR = county_today().year - 1  # the report's year: last year, the page's default
PEOPLE = {
    FUGU: {"liaison": "liaison-edu", "office": "office", "general": "general",
           "convener": "convener"},
    SAFETY: {"liaison": "safety-edu", "office": "safety-office", "general": "safety-general",
             "convener": "safety-convener"},
}  # fmt: skip
DUTY_REFS = {FUGU: ["四(九)"], SAFETY: ["四(一)"]}
LIAISON_OF = {"education-sports": "liaison-edu", "civil-affairs": "liaison-civil"}
# Chinese text takes full-width punctuation (meeting.official_document.chinese_text); the
# assertions here are written with ASCII punctuation and compared with the text made so.
PLAIN = str.maketrans("\uff0c\uff1a\uff1b\uff08\uff09", ",:;()")
DECISION_FIELDS = {"adopt": {"resolution": "同意实施"}, "reject": {"reason": "条件不成熟"},
                   "defer": {"reason": "待调研"}}  # fmt: skip


# -- seeding through the real service functions, then dated into YEAR ------------------------


def approved_item(code: str, title: str) -> Item:
    people = PEOPLE[code]
    item = create_item(user(people["liaison"]), {**DRAFT, "title": title,
                       "duty_refs": DUTY_REFS[code], "joint_meeting": code})  # fmt: skip
    for event, who, data in (("submit", "liaison", {}),
                             ("pass_review", "office", {"opinion": "建议提交会议"}),
                             ("approve", "convener", {})):  # fmt: skip
        fire_event(item, event, user(people[who]), {**data, "version": item.version})
    return item


def held_meeting(code: str, kind: str, day: str, decisions: list) -> Meeting:
    """A meeting on DAY convened, opened, deciding DECISIONS [(item, decision)], closed."""
    people = PEOPLE[code]
    office = user(people["office"])
    meeting = plan(code, kind, day)
    fire_meeting_event(meeting, "convene", user(people["general"]), {"version": meeting.version})
    for item, _decision in decisions:
        add_to_agenda(meeting, item, office)
    fire_meeting_event(meeting, "open", office, {"version": meeting.version})
    for item, decision in decisions:
        record_decision(meeting, item, decision, office,
                        {**DECISION_FIELDS[decision], "version": item.version})  # fmt: skip
    fire_meeting_event(meeting, "close_session", office, {"version": meeting.version})
    return meeting


def plan(code: str, kind: str, day: str) -> Meeting:
    return plan_meeting(user(PEOPLE[code]["office"]), {
        "kind": kind, "title": f"{kind}会议", "location": "县政府三楼会议室",
        "starts_at": f"{day}T09:30+08:00", "joint_meeting": code})  # fmt: skip


def task(code: str, item: Item, lead: str, state: str, *, assigned: date,
         deadline: date | None = None, completed: datetime | None = None) -> Task:  # fmt: skip
    """A task of ITEM led by LEAD, walked to STATE, then dated: assigned on ASSIGNED, due on
    DEADLINE (default far ahead), done at COMPLETED (naive UTC)."""
    office = user(PEOPLE[code]["office"])
    row = assign_task(item, office, {"lead_unit": lead, "responsible_units": [],
                                     "deadline": "2099-12-31", "description": "建设心理辅导站"})  # fmt: skip
    steps = {"assigned": [], "in_progress": ["accept"],
             "done": ["accept", "request_completion", "confirm"]}[state]  # fmt: skip
    for event in steps:
        actor = office if event == "confirm" else user(LIAISON_OF[lead])
        fields = {"report": "已完成"} if event == "request_completion" else {}
        fire_task_event(row, event, actor, {**fields, "version": row.version})
    values = {"assigned_at": datetime(assigned.year, assigned.month, assigned.day, 2)}
    if deadline:
        values |= {"deadline": deadline, "original_deadline": deadline}
    if completed:
        values["completed_at"] = completed
    db.session.execute(update(Task).where(Task.id == row.id).values(**values))
    return row


def seed_fugu() -> None:
    """Fugu in YEAR: a plenary deciding four items (2 adopted, 1 rejected, 1 deferred), an
    ad-hoc meeting adopting one; a plenary planned and one cancelled (not held); a meeting
    held the year before. Six tasks of YEAR, one of the year before."""
    items = [approved_item(FUGU, f"议题{n}") for n in range(5)]
    held_meeting(FUGU, "plenary", f"{YEAR}-03-10",
                 [(items[0], "adopt"), (items[1], "adopt"), (items[2], "reject"),
                  (items[3], "defer")])  # fmt: skip
    held_meeting(FUGU, "ad_hoc", f"{YEAR}-06-01", [(items[4], "adopt")])
    plan(FUGU, "plenary", f"{YEAR}-12-20")
    cancelled = plan(FUGU, "plenary", f"{YEAR}-11-20")
    fire_meeting_event(cancelled, "cancel", user("general"),
                       {"version": cancelled.version, "reason": "另行安排"})  # fmt: skip
    held_meeting(FUGU, "ad_hoc", f"{YEAR - 1}-11-01", [])
    db.session.execute(
        update(Item).where(Item.id.in_([i.id for i in items])).values(
            submitted_at=datetime(YEAR, 2, 1, 2))
    )  # fmt: skip
    first, second = items[0], items[1]
    # (An open task first: the item closes once every task of it is done.)
    task(FUGU, first, "education-sports", "in_progress", assigned=date(YEAR, 3, 20),
         deadline=date(YEAR, 6, 30))  # overdue  # fmt: skip
    # Done on the deadline day, county time (10:00): on time.
    task(FUGU, first, "education-sports", "done", assigned=date(YEAR, 3, 15),
         deadline=date(YEAR, 5, 1), completed=datetime(YEAR, 5, 1, 2))  # fmt: skip
    # Done at 01:00 county time the day after the deadline (17:00 UTC on it): late.
    task(FUGU, first, "education-sports", "done", assigned=date(YEAR, 3, 15),
         deadline=date(YEAR, 5, 1), completed=datetime(YEAR, 5, 1, 17))  # fmt: skip
    task(FUGU, second, "finance", "assigned", assigned=date(YEAR, 4, 1),
         deadline=date(YEAR, 7, 31))  # overdue  # fmt: skip
    task(FUGU, second, "finance", "assigned", assigned=date(YEAR, 4, 1))
    task(FUGU, second, "civil-affairs", "in_progress", assigned=date(YEAR, 12, 31))
    # The year before: in no figure of YEAR.
    task(FUGU, second, "education-sports", "assigned", assigned=date(YEAR - 1, 12, 30),
         deadline=date(YEAR - 1, 12, 31))  # fmt: skip


def seed_safety() -> None:
    """The school-safety joint meeting in YEAR: its own plenary and an overdue task of a unit
    Fugu does not have."""
    item = approved_item(SAFETY, "校园安全议题")
    held_meeting(SAFETY, "plenary", f"{YEAR}-04-02", [(item, "adopt")])
    task(SAFETY, item, "market-regulation", "assigned", assigned=date(YEAR, 4, 3),
         deadline=date(YEAR, 5, 1))  # fmt: skip


def seeded(app, *, safety: bool = False) -> None:
    with app.app_context():
        seed_fugu()
        if safety:
            seed_safety()
        db.session.commit()


def plain(text: str) -> str:
    return text.translate(PLAIN)


def fugu() -> Charter:
    return db.session.scalar(select(Charter).where(Charter.code == FUGU))


def new_report(app, year: int = YEAR) -> int:
    with app.app_context():
        report = create_report(user("office"), year, fugu())
        db.session.commit()
        return report.id


def report_row(app, report_id: int) -> tuple:
    with app.app_context():
        report = db.session.get(AnnualReport, report_id)
        return report.state, report.version, report.text


# -- the figures ------------------------------------------------------------------------------


def independent_counts(charter: Charter, today: date) -> dict:
    """The same figures counted another way: every row read, counted in Python."""
    meetings = db.session.scalars(select(Meeting).where(Meeting.charter_id == charter.id)).all()
    held = [m for m in meetings if m.year == YEAR and m.state in ("held", "minutes_signed",
                                                                   "minutes_published")]  # fmt: skip
    entries = db.session.scalars(select(AgendaEntry)).all()
    decisions = [e.decision for e in entries if e.meeting in held and e.decision]
    items = db.session.scalars(select(Item).where(Item.charter_id == charter.id)).all()
    tasks = [t for t in db.session.scalars(select(Task).where(Task.charter_id == charter.id))
             if local(t.assigned_at).year == YEAR]  # fmt: skip
    done = [t for t in tasks if t.state == "done"]
    return {
        "meetings": {k: sum(m.kind == k for m in held) for k in ("plenary", "ad_hoc", "liaison")},
        "decisions": {d: decisions.count(d) for d in ("adopt", "reject", "defer")},
        "submitted": sum(
            bool(i.submitted_at) and local(i.submitted_at).year == YEAR for i in items
        ),  # fmt: skip
        "tasks": {
            "total": len(tasks),
            "done": len(done),
            "on_time": sum(local(t.completed_at).date() <= t.deadline for t in done),
            "overdue": sum(t.state != "done" and t.deadline < today for t in tasks),
        },  # fmt: skip
        "units": {
            code: (
                sum(t.lead_unit.code == code for t in tasks),
                sum(t.lead_unit.code == code for t in done),
                sum(
                    t.lead_unit.code == code and t.state != "done" and t.deadline < today
                    for t in tasks
                ),
            )
            for code in {t.lead_unit.code for t in tasks}
        },  # fmt: skip
    }


def test_the_draft_figures_equal_independent_counts(platform):
    seeded(platform, safety=True)
    today = county_today()
    with platform.app_context():
        charter = fugu()
        figures = year_figures(charter, YEAR, today)
        counted = independent_counts(charter, today)
        assert figures["meetings"] == counted["meetings"] == {"plenary": 1, "ad_hoc": 1,
                                                              "liaison": 0}  # fmt: skip
        assert figures["decisions"] == counted["decisions"] == {"adopt": 3, "reject": 1,
                                                                "defer": 1}  # fmt: skip
        assert figures["submitted"] == counted["submitted"] == 5
        assert figures["tasks"] == counted["tasks"] == {"total": 6, "done": 2, "on_time": 1,
                                                        "overdue": 2}  # fmt: skip
        by_unit = {u["code"]: (u["total"], u["done"], u["overdue"]) for u in figures["units"]}
        assert by_unit == counted["units"] == {"education-sports": (3, 2, 1),
                                               "finance": (2, 0, 1), "civil-affairs": (1, 0, 0)}  # fmt: skip
        assert [u["code"] for u in figures["units"]] == ["civil-affairs", "education-sports",
                                                         "finance"]  # the charter's order  # fmt: skip
        (plenary,) = figures["plenaries"]
        assert plenary == {"date": f"{YEAR}-03-10", "number": 1, "title": "plenary会议",
                           "decided": 4, "adopted": 2}  # fmt: skip

        text = plain(draft_text(charter, YEAR, today))
        headings = [line for line in text.splitlines() if re.match(r"^[一二三四五]、", line)]
        assert headings == ["一、会议召开情况", "二、议定事项及落实情况",
                            "三、各成员单位任务落实情况", "四、存在的问题", "五、下一步工作打算"]  # fmt: skip
        assert "全年共召开会议2次,其中全体会议1次、临时会议1次。" in text
        assert f"{YEAR}年3月10日,召开{YEAR}年第1次全体会议,审议议题4项,通过2项。" in text
        assert "各次会议审议议题5项,其中通过3项、未通过1项、暂缓审议1项。" in text
        assert "全年各成员单位提出议题5项。" in text
        assert "督办任务6项" in text and "已办结2项(其中按期办结1项),办结率33.3%" in text
        assert "超期未办结2项" in text
        assert "县教育和体育局:牵头任务3项,已办结2项,超期1项。" in text
        assert "县财政局:牵头任务2项,已办结0项,超期1项。" in text
        assert "县民政局:牵头任务1项,已办结0项,超期0项。" in text
        assert "县教育和体育局(1项)、县财政局(1项)" in text  # the worst-overdue units
        assert "1项任务超过期限后才办结" in text
        assert "县人民政府" not in text  # the 主送 line is the document's, not the text's
        # The other joint meeting's records are in none of it.
        assert "县市场监督管理局" not in text and "校园" not in text

        safety = db.session.scalar(select(Charter).where(Charter.code == SAFETY))
        theirs = year_figures(safety, YEAR, today)
        assert theirs["tasks"] == {"total": 1, "done": 0, "on_time": 0, "overdue": 1}
        assert theirs["meetings"]["plenary"] == 1 and theirs["decisions"]["adopt"] == 1
        assert [u["code"] for u in theirs["units"]] == ["market-regulation"]


def test_an_empty_year_says_so(app):
    with app.app_context():
        text = plain(draft_text(fugu(), YEAR))
    assert "全年未召开会议。" in text and "全年未交办督办任务。" in text
    assert "全年无成员单位牵头承担督办任务。" in text
    # 五(一): a plenary in principle once a year; none held is a problem to report.
    assert "全年召开全体会议0次,少于联席会议制度规定的每年1次。" in text


# -- the office's draft → edit → issue ---------------------------------------------------------


def test_office_drafts_edits_and_issues(app, client, auth):
    seeded(app)
    auth.login("office")
    page = client.get("/reports/").get_data(as_text=True)
    assert f'value="{YEAR}"' in page  # last year by default
    response = client.post("/reports/", data={"year": YEAR})
    assert response.status_code == 302
    report_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "一、会议召开情况" in page and 'name="version" value="1"' in page
    assert 'id="report-issue"' in page and 'name="confirm"' in page

    # One report per joint meeting and year: a second asks opens the first.
    again = client.post("/reports/", data={"year": YEAR})
    assert again.headers["Location"].endswith(f"/reports/{report_id}")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AnnualReport)) == 1
        try:
            create_report(user("office"), YEAR, fugu())
        except Exception as error:  # the operation itself says why
            assert type(error).__name__ == "InvalidInput" and "year" in error.fields
        else:
            raise AssertionError("a second report for the same year was created")
        db.session.rollback()
    for bad in ("", "abc", str(YEAR + 2), "1999", "9" * 30):
        assert client.post("/reports/", data={"year": bad}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AnnualReport)) == 1

    before = report_row(app, report_id)
    stale = client.post(f"/reports/{report_id}/edit", data={"text": "改写", "version": 0})
    assert stale.status_code == 409
    assert "改写" in stale.get_data(as_text=True)  # what was typed is shown, not lost
    assert report_row(app, report_id) == before
    assert (
        client.post(f"/reports/{report_id}/edit", data={"text": " ", "version": 1}).status_code
        == 422
    )
    assert report_row(app, report_id) == before

    text = before[2].replace("特此报告。", "(一)继续压实成员单位责任。\n特此报告。")
    assert client.post(f"/reports/{report_id}/edit",
                       data={"text": text, "version": 1}).status_code == 302  # fmt: skip
    assert report_row(app, report_id)[:2] == ("draft", 2)

    # Issuing is irreversible: the box must be ticked.
    unconfirmed = client.post(f"/reports/{report_id}/issue", data={"version": 2})
    assert unconfirmed.status_code == 422 and report_row(app, report_id)[0] == "draft"
    stale = client.post(f"/reports/{report_id}/issue", data={"version": 1, "confirm": "yes"})
    assert stale.status_code == 409 and report_row(app, report_id)[0] == "draft"
    issued = client.post(f"/reports/{report_id}/issue", data={"version": 2, "confirm": "yes"})
    assert issued.status_code == 302
    state, version, saved = report_row(app, report_id)
    assert (state, version) == ("issued", 3) and "(一)继续压实成员单位责任。" in saved

    with app.app_context():
        history = db.session.scalars(
            select(History).where(History.subject_kind == "annual_report",
                                  History.subject_id == report_id).order_by(History.id)
        ).all()  # fmt: skip
        assert [(h.event, h.to_state, h.actor_username) for h in history] == [
            ("draft", "draft", "office"), ("edit", "draft", "office"),
            ("issue", "issued", "office")]  # fmt: skip
        told = db.session.scalars(
            select(Notification.user_id).where(Notification.kind == "annual_report_issued")
        ).all()
        assert sorted(told) == sorted([user("general").id, user("convener").id])
        report = db.session.get(AnnualReport, report_id)
        assert report.issued_by.username == "office" and report.issued_at is not None

    page = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert 'id="report-edit"' not in page and 'id="report-issue"' not in page
    after = report_row(app, report_id)
    refused = client.post(f"/reports/{report_id}/edit", data={"text": "再改", "version": 3})
    assert refused.status_code == 409
    assert client.post(f"/reports/{report_id}/issue",
                       data={"version": 3, "confirm": "yes"}).status_code == 409  # fmt: skip
    assert report_row(app, report_id) == after

    docx = client.get(f"/reports/{report_id}.docx")
    assert docx.status_code == 200
    assert f"annual-report-{YEAR}.docx" in docx.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in docx.headers["Content-Disposition"]
    body = Document(io.BytesIO(docx.data))
    paragraphs = [plain(p.text) for p in body.paragraphs]
    assert "(讨论稿)" not in paragraphs and "县人民政府:" in paragraphs
    assert "(一)继续压实成员单位责任。" in paragraphs
    cells = [c.text for c in body.tables[0].columns[0].cells]
    assert cells == ["牵头单位", "县民政局", "县教育和体育局", "县财政局", "合计"]

    auth.logout()
    auth.login("convener")
    assert "annual_report_issued" in client.get("/notifications/").get_data(as_text=True)


def test_who_may_see_and_act(app, client, auth):
    report_id = new_report(app)
    for reader in ("convener", "general"):
        auth.login(reader)
        page = client.get(f"/reports/{report_id}").get_data(as_text=True)
        assert 'id="report-text"' in page and 'id="report-edit"' not in page
        assert 'id="report-form"' not in client.get("/reports/").get_data(as_text=True)
        assert client.get(f"/reports/{report_id}.docx").status_code == 200
        before = report_row(app, report_id)
        assert client.post(f"/reports/{report_id}/edit",
                           data={"text": "x", "version": 1}).status_code == 403  # fmt: skip
        assert client.post(f"/reports/{report_id}/issue",
                           data={"version": 1, "confirm": "yes"}).status_code == 403  # fmt: skip
        assert client.post("/reports/", data={"year": YEAR - 1}).status_code == 403
        assert report_row(app, report_id) == before
        auth.logout()
    for other in ("liaison-edu", "observer"):
        auth.login(other)
        assert client.get("/reports/").status_code == 403
        assert client.get(f"/reports/{report_id}").status_code == 403
        assert client.get(f"/reports/{report_id}.docx").status_code == 403
        assert client.post("/reports/", data={"year": YEAR - 1}).status_code == 403
        assert client.post(f"/reports/{report_id}/edit",
                           data={"text": "x", "version": 1}).status_code == 403  # fmt: skip
        auth.logout()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AnnualReport)) == 1
    assert report_row(app, report_id)[:2] == ("draft", 1)
    # The bulletins page links to the reports for those who read them.
    auth.login("convener")
    assert 'href="/reports/"' in client.get("/bulletins/").get_data(as_text=True)
    auth.logout()
    auth.login("liaison-edu")
    assert 'href="/reports/"' not in client.get("/bulletins/").get_data(as_text=True)


def test_another_joint_meeting_sees_nothing_of_it(platform, client, auth):
    seeded(platform, safety=True)
    report_id = new_report(platform)
    auth.login("safety-office")
    assert client.get(f"/reports/{report_id}").status_code == 404
    assert client.get(f"/reports/{report_id}.docx").status_code == 404
    before = report_row(platform, report_id)
    assert client.post(f"/reports/{report_id}/edit",
                       data={"text": "x", "version": 1}).status_code == 404  # fmt: skip
    assert client.post(f"/reports/{report_id}/issue",
                       data={"version": 1, "confirm": "yes"}).status_code == 404  # fmt: skip
    assert report_row(platform, report_id) == before
    page = client.get("/reports/").get_data(as_text=True)
    assert "留守儿童" not in page and "data-year=" not in page  # an empty list
    # Their own report of the same year: theirs alone, from their own records.
    response = client.post("/reports/", data={"year": YEAR})
    assert response.status_code == 302
    theirs = int(response.headers["Location"].rsplit("/", 1)[1])
    with platform.app_context():
        report = db.session.get(AnnualReport, theirs)
        assert report.charter.code == SAFETY and "县市场监督管理局:牵头任务1项" in plain(
            report.text
        )
        assert "县教育和体育局" not in report.text and "县财政局" not in report.text


# -- the Word document, as printed ---------------------------------------------------------------


def test_the_document_reads_as_an_official_report(app):
    seeded(app)
    report_id = new_report(app)
    with app.app_context():
        report = db.session.get(AnnualReport, report_id)
        draft = Document(io.BytesIO(docx_bytes(report)))
        assert "(讨论稿)" in [plain(p.text) for p in draft.paragraphs]
        issue_report(report, user("office"))
        db.session.commit()
        title = title_of(report)
        data = docx_bytes(report)
    rendered = render(data, ".docx")
    assert rendered.is_a4()
    text = rendered.text
    flat = plain(re.sub(r"\s+", "", text))
    assert "— 1 —" in text
    assert re.sub(r"\s+", "", title) in flat
    assert "县人民政府:" in flat and "一、会议召开情况" in flat and "特此报告。" in flat
    assert "联席会议办公室" in flat and "抄送:县委办公室、县政府办公室。" in flat
    assert "(讨论稿)" not in flat
    for page in rendered.pages:
        assert not page.missing_glyphs, page.missing_glyphs
    rendered.save_png("annual-report")
    for number in range(1, len(rendered.pages)):  # the table's page, the signature and 版记
        rendered.save_png(f"annual-report-{number + 1}", page=number)
