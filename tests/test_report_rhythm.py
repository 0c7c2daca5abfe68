"""Issue 16, clauses 二(三) "及时通报工作进展情况" and 三(三): each task's reporting rhythm.

The rule on plain dates (workflows.rhythm), then through the app: a fortnightly report missed
is reminded once, shown on the task page and in the ledger (page and Excel), counted in the
bulletin's figures and the API; a report made in time is not missed; a task that asks for
completion or is done is not chased; the office sets the rhythm when assigning and changes it
later, with history; bad input changes nothing.
"""

import io
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import func, select

from meeting.charter.models import Charter
from meeting.charter.schema import RhythmDefault
from meeting.extensions import db
from meeting.history import History
from meeting.notifications.models import Notification
from meeting.scheduler.reminders import Reminder
from meeting.scheduler.rhythm import missed_reports as missed_reports_check
from meeting.tasks.bulletins import create_bulletin, docx_bytes, figures
from meeting.tasks.deadlines import county_today
from meeting.tasks.models import ProgressReport, Task
from meeting.timeutil import day_start_utc, utcnow
from tests.conftest import table_counts
from tests.items_factory import make_item, user
from tests.tasks_factory import make_task
from workflows.rhythm import Period, Rhythm, missed_count, missed_periods, month_end, next_due

D = date.fromisoformat
FORTNIGHTLY = Rhythm("every_days", days=14)
MONTHLY = Rhythm("monthly")


# -- the rule, on plain dates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rhythm", "since", "reports", "today", "missed"),
    [
        # Every 14 days from Monday 5 January: due 19 January, 2 February, 16 February …
        (FORTNIGHTLY, "2026-01-05", [], "2026-01-19", []),  # the due day itself: not yet missed
        (FORTNIGHTLY, "2026-01-05", [], "2026-01-20", [("2026-01-05", "2026-01-19")]),
        (FORTNIGHTLY, "2026-01-05", ["2026-01-19"], "2026-01-20", []),  # on the due day: in time
        (FORTNIGHTLY, "2026-01-05", ["2026-01-05"], "2026-01-20", []),  # on the first day
        (FORTNIGHTLY, "2026-01-05", ["2026-01-04"], "2026-01-20", [("2026-01-05", "2026-01-19")]),
        (FORTNIGHTLY, "2026-01-05", ["2026-01-25"], "2026-02-17",
         [("2026-01-05", "2026-01-19"), ("2026-02-03", "2026-02-16")]),
        # Two reports in one period cover that period only.
        (FORTNIGHTLY, "2026-01-05", ["2026-01-06", "2026-01-18"], "2026-02-03",
         [("2026-01-20", "2026-02-02")]),
        (Rhythm("every_days", days=1), "2026-01-05", ["2026-01-06"], "2026-01-08",
         [("2026-01-07", "2026-01-07")]),
        # Monthly, by each month's last day, from the month after the rhythm starts.
        (MONTHLY, "2026-01-20", [], "2026-02-28", []),
        (MONTHLY, "2026-01-20", [], "2026-03-01", [("2026-01-20", "2026-02-28")]),
        (MONTHLY, "2028-01-10", [], "2028-03-01", [("2028-01-10", "2028-02-29")]),  # leap year
        (MONTHLY, "2028-01-10", ["2028-02-29"], "2028-03-01", []),
        (MONTHLY, "2026-01-31", ["2026-03-01"], "2026-04-01", [("2026-01-31", "2026-02-28")]),
        (MONTHLY, "2026-12-03", [], "2027-03-01",
         [("2026-12-03", "2027-01-31"), ("2027-02-01", "2027-02-28")]),  # across the year
        # Fixed dates: by each, from the day after the one before.
        (Rhythm("dates", dates=(D("2026-06-30"), D("2026-03-31"))), "2026-01-10", ["2026-05-01"],
         "2026-12-01", [("2026-01-10", "2026-03-31")]),
        (Rhythm("dates", dates=(D("2026-03-31"), D("2026-06-30"))), "2026-01-10", [],
         "2026-04-01", [("2026-01-10", "2026-03-31")]),
        # Dates before the rhythm started are not owed.
        (Rhythm("dates", dates=(D("2026-01-01"), D("2026-03-31"))), "2026-01-10", [],
         "2026-04-01", [("2026-01-10", "2026-03-31")]),
    ],
)  # fmt: skip
def test_missed_periods(rhythm, since, reports, today, missed):
    found = missed_periods(rhythm, D(since), [D(r) for r in reports], D(today))
    assert found == [Period(D(start), D(due)) for start, due in missed]


@pytest.mark.parametrize(
    ("rhythm", "since", "reports", "today", "stop", "missed", "due"),
    [
        (FORTNIGHTLY, "2026-01-05", [], "2026-01-10", None, 0, "2026-01-19"),
        (FORTNIGHTLY, "2026-01-05", ["2026-01-08"], "2026-01-10", None, 0, "2026-02-02"),
        (FORTNIGHTLY, "2026-01-05", [], "2026-01-19", None, 0, "2026-01-19"),
        (FORTNIGHTLY, "2026-01-05", [], "2026-01-20", None, 1, "2026-02-02"),
        # Reporting stopped (completion asked for, or done) on 10 February: nothing more owed;
        # the periods due before it still count.
        (FORTNIGHTLY, "2026-01-05", [], "2026-06-01", "2026-02-10", 2, None),
        (MONTHLY, "2026-01-20", [], "2026-01-25", None, 0, "2026-02-28"),
        (MONTHLY, "2028-01-20", ["2028-02-03"], "2028-02-10", None, 0, "2028-03-31"),
        (Rhythm("dates", dates=(D("2026-03-31"),)), "2026-01-10", [], "2026-04-01", None, 1, None),
    ],
)  # fmt: skip
def test_next_report_due_and_stopping(rhythm, since, reports, today, stop, missed, due):
    dates, stop_day = [D(r) for r in reports], D(stop) if stop else None
    assert len(missed_periods(rhythm, D(since), dates, D(today), stop_day)) == missed
    assert next_due(rhythm, D(since), dates, D(today), stop_day) == (D(due) if due else None)


@pytest.mark.parametrize(
    ("year", "month", "end"),
    [(2026, 1, "2026-01-31"), (2026, 2, "2026-02-28"), (2028, 2, "2028-02-29"),
     (2100, 2, "2100-02-28"), (2026, 4, "2026-04-30"), (2026, 13, "2027-01-31"),
     (2026, 26, "2028-02-29")],
)  # fmt: skip
def test_month_ends(year, month, end):
    assert month_end(year, month) == D(end)


@given(
    since=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    days=st.integers(1, 60),
    offsets=st.lists(st.integers(0, 400), max_size=20),
    horizon=st.integers(0, 400),
)
def test_missed_periods_are_the_closed_periods_with_no_report(since, days, offsets, horizon):
    """Every N days: the missed periods are in order, closed before today, hold no report; every
    other closed period holds one; and reporting on every due date misses nothing."""
    rhythm, today = Rhythm("every_days", days=days), since + timedelta(days=horizon)
    reports = [since + timedelta(days=n) for n in offsets]
    missed = missed_periods(rhythm, since, reports, today)
    closed = max(0, -(-horizon // days) - 1)  # periods due before today: due k·N < horizon
    assert all(p.due < today and not any(p.holds(r) for r in reports) for p in missed)
    assert [p.due for p in missed] == sorted({p.due for p in missed})
    covered = {max(0, (n - 1) // days) for n in offsets}  # the period (from 0) each report is in
    assert len(missed) == closed - len({c for c in covered if c < closed})
    on_time = [since + timedelta(days=days * n) for n in range(1, horizon // days + 2)]
    assert missed_periods(rhythm, since, on_time, today) == []


@given(
    since=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    kind=st.sampled_from(["every_days", "monthly", "dates"]),
    days=st.integers(1, 60),
    offsets=st.lists(st.integers(-10, 1500), max_size=20),
    horizon=st.integers(0, 1500),  # years of months, leap days among them
    stop=st.one_of(st.none(), st.integers(0, 1500)),
)
def test_the_missed_count_is_the_number_of_missed_periods(since, kind, days, offsets, horizon,
                                                          stop):  # fmt: skip
    """The export's counting shortcut (arithmetic for every N days and monthly) agrees with
    the periods the task page lists."""
    dates = tuple(sorted({since + timedelta(days=n) for n in offsets if n > 0})) or (since,)
    rhythm = Rhythm(kind, days=days if kind == "every_days" else None,
                    dates=dates if kind == "dates" else ())  # fmt: skip
    today = since + timedelta(days=horizon)
    reports = [since + timedelta(days=n) for n in offsets]
    stopped = None if stop is None else since + timedelta(days=stop)
    assert missed_count(rhythm, since, reports, today, stopped) == len(
        missed_periods(rhythm, since, reports, today, stopped)
    )


def test_a_rhythm_is_one_of_three_kinds_with_what_each_takes():
    assert Rhythm.from_dict({"kind": "every_days", "days": 14}) == FORTNIGHTLY
    dates = Rhythm.from_dict({"kind": "dates", "dates": ["2026-06-30", "2026-03-31", "2026-03-31"]})
    assert dates.dates == (D("2026-03-31"), D("2026-06-30"))  # sorted, once each
    assert dates.as_dict() == {"kind": "dates", "dates": ["2026-03-31", "2026-06-30"]}
    for bad in ({"kind": "weekly"}, {"kind": "every_days"}, {"kind": "monthly", "days": 3},
                {"kind": "dates", "dates": []}, {"kind": "every_days", "days": 0}):  # fmt: skip
        with pytest.raises(ValueError):
            Rhythm.from_dict(bad)


def test_the_charter_default_is_every_n_days_or_monthly():
    assert RhythmDefault(kind="every_days", days=14).days == 14
    assert RhythmDefault(kind="monthly").days is None
    for bad in ({"kind": "every_days"}, {"kind": "monthly", "days": 5}, {"kind": "dates"},
                {"kind": "every_days", "days": 0}):  # fmt: skip
        with pytest.raises(ValueError):
            RhythmDefault(**bad)


# -- through the app ---------------------------------------------------------------------------


def started(app, task_id: int, days_ago: int) -> date:
    """Move TASK_ID's assignment and rhythm DAYS_AGO days back; the new start day."""
    with app.app_context():
        since = county_today() - timedelta(days=days_ago)
        db.session.execute(
            db.update(Task)
            .where(Task.id == task_id)
            .values(rhythm_since=since, assigned_at=day_start_utc(since) + timedelta(hours=2))
        )
        db.session.commit()
        return since


def report(app, api, task_id: int, on: date) -> None:
    """The lead unit reports progress, dated ON (county time)."""
    with app.app_context():
        version = db.session.get(Task, task_id).version
    response = api.post(f"/api/v1/tasks/{task_id}/events/report_progress", as_="liaison-edu",
                        json={"version": version, "text": "已完成摸底排查"})  # fmt: skip
    assert response.status_code == 200, response.json
    with app.app_context():
        db.session.execute(
            db.update(ProgressReport)
            .where(ProgressReport.task_id == task_id)
            .values(created_at=day_start_utc(on) + timedelta(hours=3))
        )
        db.session.commit()


def check(app, now: datetime | None = None) -> int:
    """The scheduler's rhythm check for Fugu's joint meeting, committed."""
    with app.app_context():
        charter = db.session.scalar(select(Charter).where(Charter.code == "fugu-children"))
        sent = missed_reports_check(now or utcnow(), charter)
        db.session.commit()
        return sent


def reminders(app, username: str) -> list[Notification]:
    with app.app_context():
        return db.session.scalars(
            select(Notification)
            .where(Notification.kind == "report_missed", Notification.user_id == user(username).id)
            .order_by(Notification.id)
        ).all()


def unit_row(app, code: str = "education-sports") -> dict:
    with app.app_context():
        charter = db.session.scalar(select(Charter).where(Charter.code == "fugu-children"))
        today = county_today()
        found = figures(charter, today.replace(day=1), today, today)
    return next(row for row in found["tasks_by_unit"] if row["unit"] == code), found


def test_a_missed_fortnightly_report_is_reminded_once_shown_and_counted(app, api, client, auth):
    task_id = make_task(app, "in_progress")
    since = started(app, task_id, 20)  # the first period closed 6 days ago, unreported
    first_due, next_report = since + timedelta(days=14), since + timedelta(days=28)

    assert check(app) == 1
    assert check(app) == 0  # exactly once per missed period
    sent = reminders(app, "liaison-edu")
    assert len(sent) == 1 and sent[0].link == f"/tasks/{task_id}"
    assert first_due.isoformat() in sent[0].shown_text  # the kind's text names the period
    assert reminders(app, "liaison-civil") == []  # the lead unit's liaisons, not the others
    with app.app_context():
        keys = db.session.scalars(select(Reminder.period).where(Reminder.reason == "report_missed"))
        assert list(keys) == [first_due.isoformat()]

    body = api.get(f"/api/v1/tasks/{task_id}", as_="office").json
    assert body["report_rhythm"] == {"kind": "every_days", "days": 14, "dates": [],
                                     "since": since.isoformat()}  # fmt: skip
    assert body["missed_reports"] == 1
    assert body["next_report_due"] == next_report.isoformat()
    listed = api.get("/api/v1/tasks", as_="liaison-edu").json["items"]
    assert [(t["id"], t["missed_reports"]) for t in listed] == [(task_id, 1)]

    auth.login("office")
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'id="missed-reports" data-missed="1"' in page
    assert f'data-due="{first_due.isoformat()}"' in page
    assert next_report.isoformat() in page
    ledger = client.get("/tasks/").get_data(as_text=True)
    assert 'class="missed-reports" data-missed="1"' in ledger
    sheet = load_workbook(io.BytesIO(client.get("/tasks/export.xlsx").data)).active
    headers = [cell.value for cell in sheet[3]]
    assert headers[-1] == "漏报次数" and sheet.cell(4, len(headers)).value == 1

    row, found = unit_row(app)
    assert row["missed_reports"] == 1 and found["missed_reports"] == 1
    assert unit_row(app, "civil-affairs")[0]["missed_reports"] == 0

    # Another fortnight later, the next period is missed too: one more reminder, naming both.
    assert check(app, utcnow() + timedelta(days=14)) == 1
    latest = reminders(app, "liaison-edu")[-1]
    assert next_report.isoformat() in latest.shown_text
    with app.app_context():
        keys = db.session.scalars(select(Reminder.period).where(Reminder.reason == "report_missed")
                                  .order_by(Reminder.id))  # fmt: skip
        assert list(keys) == [first_due.isoformat(), next_report.isoformat()]


def test_a_report_made_in_time_is_not_missed(app, api, client, auth):
    task_id = make_task(app, "in_progress")
    since = started(app, task_id, 20)
    report(app, api, task_id, since + timedelta(days=10))  # within the first period
    assert check(app) == 0
    assert reminders(app, "liaison-edu") == []
    body = api.get(f"/api/v1/tasks/{task_id}", as_="office").json
    assert body["missed_reports"] == 0
    assert body["next_report_due"] == (since + timedelta(days=28)).isoformat()
    auth.login("office")
    assert 'data-missed="0"' in client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert unit_row(app)[0]["missed_reports"] == 0


@pytest.mark.parametrize("state", ["completion_requested", "done"])
def test_a_task_asking_for_completion_or_done_is_not_chased(app, api, state):
    task_id = make_task(app, state)
    started(app, task_id, 40)
    assert check(app) == 0
    assert reminders(app, "liaison-edu") == []
    body = api.get(f"/api/v1/tasks/{task_id}", as_="office").json
    assert body["next_report_due"] is None
    # The periods closed before reporting stopped (today) stay counted: the ledger keeps them.
    assert body["missed_reports"] == 2


def test_the_office_sets_the_rhythm_when_assigning(app, api):
    item_id = make_item(app, "adopted")
    base = {"lead_unit": "education-sports", "deadline": "2099-01-01", "description": "摸底排查"}
    default = api.post(f"/api/v1/items/{item_id}/tasks", as_="office", json=base).json
    today = county_today()
    assert default["report_rhythm"] == {"kind": "every_days", "days": 14, "dates": [],
                                        "since": today.isoformat()}  # fmt: skip
    assert default["next_report_due"] == (today + timedelta(days=14)).isoformat()
    later = [(today + timedelta(days=n)).isoformat() for n in (90, 30)]
    fixed = api.post(f"/api/v1/items/{item_id}/tasks", as_="office",
                     json={**base, "report_rhythm": {"kind": "dates", "dates": later}}).json  # fmt: skip
    assert fixed["report_rhythm"]["dates"] == sorted(later)
    assert fixed["next_report_due"] == later[1]
    monthly = api.post(f"/api/v1/items/{item_id}/tasks", as_="office",
                       json={**base, "report_rhythm": {"kind": "monthly"}}).json  # fmt: skip
    assert monthly["report_rhythm"]["kind"] == "monthly"
    assert monthly["next_report_due"] == month_end(today.year, today.month + 1).isoformat()
    with app.app_context():
        assigned = db.session.scalar(
            select(History).where(History.subject_id == fixed["id"], History.event == "assign")
        )
        assert assigned.fields["report_rhythm"] == {"kind": "dates", "dates": sorted(later)}


BAD_RHYTHMS = [
    {"kind": "weekly"},
    {"kind": "every_days"},
    {"kind": "every_days", "days": 0},
    {"kind": "every_days", "days": 400},
    {"kind": "every_days", "days": "14"},  # the API is strict: a number is a number
    {"kind": "monthly", "days": 3},
    {"kind": "dates", "dates": []},
    {"kind": "dates", "dates": ["2020-01-01"]},  # not after the day it starts
    {"kind": "dates", "dates": ["31/12/2099"]},
    "fortnightly",
]


@pytest.mark.parametrize("rhythm", BAD_RHYTHMS)
def test_a_bad_rhythm_is_refused_and_nothing_changes(app, api, rhythm):
    item_id = make_item(app, "adopted")
    task_id = make_task(app, "in_progress")
    before = table_counts(app)
    body = {"lead_unit": "education-sports", "deadline": "2099-01-01", "description": "x",
            "report_rhythm": rhythm}  # fmt: skip
    response = api.post(f"/api/v1/items/{item_id}/tasks", as_="office", json=body)
    assert response.status_code == 422 and "report_rhythm" in response.json["fields"]
    version = api.get(f"/api/v1/tasks/{task_id}", as_="office").json["version"]
    changed = api.post(f"/api/v1/tasks/{task_id}/events/change_rhythm", as_="office",
                       json={"version": version, "report_rhythm": rhythm})  # fmt: skip
    assert changed.status_code == 422 and "report_rhythm" in changed.json["fields"]
    assert table_counts(app) == before


def test_the_office_changes_the_rhythm_with_history_and_missed_reports_stay_counted(app, api):
    task_id = make_task(app, "in_progress")
    since = started(app, task_id, 20)  # one period missed under the fortnightly rhythm
    version = api.get(f"/api/v1/tasks/{task_id}", as_="office").json["version"]
    new = {"version": version, "report_rhythm": {"kind": "monthly"}}
    refused = api.post(f"/api/v1/tasks/{task_id}/events/change_rhythm", as_="liaison-edu", json=new)
    assert refused.status_code == 403
    response = api.post(f"/api/v1/tasks/{task_id}/events/change_rhythm", as_="office", json=new)
    assert response.status_code == 200, response.json
    body, today = response.json, county_today()
    assert body["version"] == version + 1
    assert body["report_rhythm"] == {"kind": "monthly", "days": None, "dates": [],
                                     "since": today.isoformat()}  # fmt: skip
    assert body["missed_reports"] == 1  # missed under the old rhythm: still counted
    assert body["next_report_due"] == month_end(today.year, today.month + 1).isoformat()
    change = body["history"][-1]
    assert change["event"] == "change_rhythm" and change["actor"] == "office"
    assert change["fields"]["report_rhythm"] == {"kind": "monthly"}
    assert change["fields"]["rhythm_before"] == {"kind": "every_days", "days": 14,
                                                 "since": since.isoformat()}  # fmt: skip
    assert change["fields"]["missed_before"] == 1
    stale = api.post(f"/api/v1/tasks/{task_id}/events/change_rhythm", as_="office", json=new)
    assert stale.status_code == 409  # the version was used
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(History)
                                 .where(History.subject_id == task_id,
                                        History.event == "change_rhythm"))  # fmt: skip
    assert rows == 1


def test_the_pages_set_and_change_the_rhythm(app, client, auth):
    item_id = make_item(app, "adopted")
    auth.login("office")
    form = {"lead_unit": "education-sports", "title": "摸底排查", "description": "摸底排查", "deadline_kind": "date",
            "deadline": "2099-01-01"}  # fmt: skip
    page = client.get(f"/items/{item_id}/tasks/new").get_data(as_text=True)
    assert 'name="rhythm_kind"' in page and 'name="rhythm_days"' in page
    before = table_counts(app)
    bad = client.post(f"/items/{item_id}/tasks/new",
                      data={**form, "rhythm_kind": "dates", "rhythm_dates": "2020-01-01"})  # fmt: skip
    assert bad.status_code == 422 and 'id="rhythm-error"' in bad.get_data(as_text=True)
    assert table_counts(app) == before
    weekly = client.post(f"/items/{item_id}/tasks/new",
                         data={**form, "rhythm_kind": "every_days", "rhythm_days": "7"})  # fmt: skip
    assert weekly.status_code == 302
    default = client.post(f"/items/{item_id}/tasks/new", data={**form, "rhythm_kind": ""})
    assert default.status_code == 302
    with app.app_context():
        tasks = db.session.scalars(select(Task).order_by(Task.id)).all()
        assert [(t.rhythm, t.rhythm_days) for t in tasks] == [("every_days", 7), ("every_days", 14)]
        task_id, version = tasks[0].id, tasks[0].version

    shown = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'data-event="change_rhythm"' in shown and 'id="report-rhythm"' in shown
    later = [(county_today() + timedelta(days=n)).isoformat() for n in (30, 60)]
    changed = client.post(f"/tasks/{task_id}/events/change_rhythm",
                          data={"version": version, "rhythm_kind": "dates",
                                "rhythm_dates": f"{later[1]}，{later[0]}"})  # fmt: skip
    assert changed.status_code == 302
    with app.app_context():
        task = db.session.get(Task, task_id)
        assert (task.rhythm, task.rhythm_dates, task.version) == ("dates", later, version + 1)
    refused = client.post(f"/tasks/{task_id}/events/change_rhythm",
                          data={"version": version + 1, "rhythm_kind": "every_days"})  # fmt: skip
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.get(Task, task_id).version == version + 1


def test_the_bulletin_document_counts_missed_reports_per_lead_unit(app):
    task_id = make_task(app, "in_progress")
    started(app, task_id, 30)  # two fortnights closed unreported
    with app.app_context():
        today = county_today()
        bulletin = create_bulletin(user("office"), today.replace(day=1), today)
        rows = {row["unit"]: row for row in bulletin.figures["tasks_by_unit"]}
        assert rows["education-sports"]["missed_reports"] == 2
        data = docx_bytes(bulletin)
        db.session.commit()
    from tests.test_official_documents import all_text

    text = all_text(data)
    assert "漏报" in text
