"""The scheduler's checks with a fixed clock: reminders go out once, at the right county time."""

import os
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from meeting.extensions import db
from meeting.notifications.models import Notification
from meeting.scheduler.runner import tick
from meeting.timeutil import COUNTY_TZ
from tests.items_factory import make_item, user
from tests.meetings_factory import make_meeting
from tests.tasks_factory import make_task

ROOT = Path(__file__).resolve().parent.parent


def at(text: str) -> datetime:
    """County time TEXT as the naive UTC the jobs take."""
    return (
        datetime.fromisoformat(text).replace(tzinfo=COUNTY_TZ).astimezone(UTC).replace(tzinfo=None)
    )


def run_tick(app, when: str) -> dict:
    with app.app_context():
        return tick(at(when))


def kinds(app, username: str, prefix: str = "") -> list[str]:
    """The kinds of USERNAME's notifications, oldest first (those starting with PREFIX)."""
    with app.app_context():
        query = select(Notification.kind).where(Notification.user_id == user(username).id)
        found = db.session.scalars(query.order_by(Notification.id))
        return [kind for kind in found if kind.startswith(prefix)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_plenary_reminders_once_per_interval_until_convened(app):
    run_tick(app, "2026-08-31 09:00")
    assert kinds(app, "general") == ["plenary_plan"]  # the start-of-year prompt, once
    run_tick(app, "2026-09-01 09:00")
    for username in ("general", "convener", "office"):
        assert kinds(app, username, "plenary") == ["plenary_plan", "plenary_reminder"]
    assert kinds(app, "liaison-edu") == []
    run_tick(app, "2026-09-01 09:00")
    run_tick(app, "2026-09-14 23:59")  # the same 14-day interval
    assert kinds(app, "general").count("plenary_reminder") == 1
    run_tick(app, "2026-09-15 00:00")
    assert kinds(app, "general").count("plenary_reminder") == 2

    make_meeting(app, "plenary", "convened", starts_at="2026-10-20T09:00+08:00")
    run_tick(app, "2026-09-29 09:00")
    run_tick(app, "2026-10-30 09:00")
    assert kinds(app, "general").count("plenary_reminder") == 2
    run_tick(app, "2027-01-02 09:00")
    assert kinds(app, "general").count("plenary_plan") == 2  # next year's prompt


def test_deadline_reminders_at_the_right_county_day(app):
    make_task(app, "in_progress", deadline="2099-03-10")
    run_tick(app, "2099-03-04 09:00")  # 6 days before: nothing yet (warning at 5)
    assert kinds(app, "liaison-edu", "task") == ["task_assigned"]
    run_tick(app, "2099-03-05 09:00")
    assert kinds(app, "liaison-edu")[-1] == "task_due_soon"
    run_tick(app, "2099-03-10 23:59")  # the deadline day itself: not overdue
    assert "task_overdue" not in kinds(app, "liaison-edu")
    run_tick(app, "2099-03-11 00:00")
    assert kinds(app, "liaison-edu")[-1] == "task_overdue"
    assert kinds(app, "office")[-1] == "task_overdue"
    run_tick(app, "2099-03-20 09:00")  # 10 days overdue: not yet escalated
    assert "task_escalated" not in kinds(app, "convener")
    run_tick(app, "2099-03-21 09:00")  # 11 days: escalated, once
    run_tick(app, "2099-03-23 09:00")
    assert kinds(app, "convener").count("task_escalated") == 1
    assert kinds(app, "liaison-edu").count("task_overdue") == 1


def test_waiting_items_remind_the_office_and_the_approvers(app):
    make_item(app, "submitted")
    make_item(app, "reviewed")
    now = datetime.now(COUNTY_TZ)
    run_tick(app, f"{now.date().replace(year=now.year + 1)} 09:00")
    assert kinds(app, "office").count("review_waiting") == 1
    assert kinds(app, "convener").count("approval_waiting") == 1
    assert kinds(app, "general").count("approval_waiting") == 1


def set_moment(app, item_id: int, column: str, moment: datetime) -> None:
    """Move when item ITEM_ID's wait began (COLUMN: submitted_at or updated_at) to MOMENT."""
    from sqlalchemy import update

    from meeting.items.models import Item

    with app.app_context():
        db.session.execute(update(Item).where(Item.id == item_id).values({column: moment}))
        db.session.commit()


def notification_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Notification))


def idle_tick_statements(app, when: str) -> int:
    """Statements sent by a tick at WHEN that must find nothing to send."""
    from tests.test_query_counts import counted

    sent = {}
    statements = counted(app, lambda: sent.update(run_tick(app, when)))
    assert not any(sent.values()), sent
    return statements


def add_waiting(app, n: int) -> None:
    """N items waiting for review, N for approval, N overdue tasks."""
    for _ in range(n):
        make_item(app, "submitted")
        make_item(app, "reviewed")
        make_task(app, "in_progress", deadline="2099-01-10")


def test_a_second_tick_sends_nothing_and_an_idle_tick_does_not_grow(app):
    """Issue 12: the checks find what is due in SQL (the key's period is the moment the wait
    began, as Python writes it, with or without a fraction of a second), so a second tick
    sends nothing and an idle tick makes as many statements with 40 waiting rows as with none
    (what is already sent is left out in SQL, not fetched and filtered)."""
    run_tick(app, "2099-01-25 08:00")  # the year's plenary prompt, the bulletin draft
    idle_none = idle_tick_statements(app, "2099-01-25 08:30")
    add_waiting(app, 10)
    whole = make_item(app, "submitted")
    set_moment(app, whole, "submitted_at", datetime(2098, 12, 1, 8, 0, 0))  # no microseconds
    fraction = make_item(app, "reviewed")
    set_moment(app, fraction, "updated_at", datetime(2098, 12, 1, 8, 0, 0, 500))
    sent = run_tick(app, "2099-01-25 09:00")
    assert sent["waiting_items"] == 22 and sent["task_deadlines"] == 20  # overdue, escalated
    before = notification_count(app)
    assert idle_tick_statements(app, "2099-01-25 10:00") == idle_none
    assert notification_count(app) == before

    add_waiting(app, 30)
    assert run_tick(app, "2099-01-25 11:00")["waiting_items"] == 60
    assert idle_tick_statements(app, "2099-01-25 12:00") == idle_none

    # A wait that began anew (resubmitted) is a new period: reminded again, once.
    set_moment(app, whole, "submitted_at", datetime(2099, 1, 2, 8, 0, 0, 1))
    assert run_tick(app, "2099-01-25 13:00")["waiting_items"] == 1
    idle_tick_statements(app, "2099-01-25 14:00")


def set_review_limit(app, days: int | None) -> int:
    """Set the first joint meeting's review limit to DAYS (None: leave it); the limit before."""
    from meeting.charter.models import Charter

    with app.app_context():
        charter = db.session.scalars(select(Charter).order_by(Charter.id)).first()
        before = charter.rules["review_limit_days"]
        if days is not None:
            charter.rules = {**charter.rules, "review_limit_days": days}
            db.session.commit()
        return before


def test_later_ticks_of_a_day_find_waits_that_ran_out_meanwhile_and_rules_changed(app):
    """Issue 12: after the county day's first tick, later ones look only at waits whose limit
    ran out since the last tick and at records changed since (meeting.scheduler.sweeps). A
    wait running out between two ticks of a day is found by the second; so is one that a
    shorter limit, set between them, makes overdue."""
    run_tick(app, "2099-01-25 07:00")
    limit = set_review_limit(app, None)
    ran_out = make_item(app, "submitted")
    # Its limit runs out at 07:30 county time (23:30 UTC the day before).
    set_moment(app, ran_out, "submitted_at", datetime(2099, 1, 24, 23, 30) - timedelta(days=limit))
    set_moment(app, ran_out, "updated_at", datetime(2020, 1, 1))  # not "changed since"
    shorter = make_item(app, "submitted")
    set_moment(app, shorter, "submitted_at", datetime(2099, 1, 22, 0, 0))  # three days before
    set_moment(app, shorter, "updated_at", datetime(2020, 1, 1))
    assert run_tick(app, "2099-01-25 07:10")["waiting_items"] == 0  # the limit runs out at 07:30
    assert run_tick(app, "2099-01-25 07:40")["waiting_items"] == 1  # ... and has run out
    assert run_tick(app, "2099-01-25 08:00")["waiting_items"] == 0
    set_review_limit(app, 2)
    assert run_tick(app, "2099-01-25 08:10")["waiting_items"] == 1  # waiting three days of two
    assert kinds(app, "office").count("review_waiting") == 2
    set_review_limit(app, limit)


def test_a_monthly_bulletin_draft_once(app):
    run_tick(app, "2026-12-01 08:00")
    run_tick(app, "2026-12-15 08:00")
    assert kinds(app, "office").count("bulletin_draft") == 1
    with app.app_context():
        from meeting.tasks.models import Bulletin

        drafts = db.session.scalars(select(Bulletin)).all()
        assert [(b.period_start.isoformat(), b.period_end.isoformat()) for b in drafts] == [
            ("2026-11-01", "2026-11-30")
        ]


def test_two_ticks_at_the_same_time_send_once(app):
    make_task(app, "in_progress", deadline="2099-03-10")
    errors = []

    def tick_in_thread():
        try:
            run_tick(app, "2099-03-30 09:00")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=tick_in_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert kinds(app, "liaison-edu").count("task_overdue") == 1
    assert kinds(app, "convener").count("task_escalated") == 1


class Inbox:
    """An SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self):
        self.messages = []  # (recipients, raw message)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def inbox(app):
    """A running Inbox, with the app's mail pointed at it."""
    received, port = Inbox(), free_port()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield received
    controller.stop()


def test_email_goes_through_smtp_with_a_chinese_subject(app, inbox):
    with app.app_context():
        user("liaison-edu").email = "edu@fugu.example"
        db.session.commit()
    # A report owed only after these ticks: the reminders here are the deadline's alone.
    make_task(app, "in_progress", deadline="2099-03-10",
              report_rhythm={"kind": "dates", "dates": ["2099-12-31"]})  # fmt: skip
    run_tick(app, "2099-03-11 09:00")
    run_tick(app, "2099-03-12 09:00")  # nothing new, nothing resent
    to_edu = [m for rcpts, m in inbox.messages if rcpts == ["edu@fugu.example"]]
    subjects = [str(make_header(decode_header(message_from_bytes(m)["Subject"]))) for m in to_edu]
    assert subjects[-2:] == [
        "[联席] 新交办任务:建设心理辅导站",  # the task's own title
        "[联席] 超期:建设心理辅导站",
    ]
    assert len(subjects) == len(set(subjects))  # the second tick resent nothing


def test_failed_email_is_retried_without_duplicates(app):
    app.config.update(MAIL_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens
    with app.app_context():
        user("liaison-edu").email = "edu@fugu.example"
        db.session.commit()
    make_task(app, "assigned")
    run_tick(app, "2099-01-01 09:00")
    with app.app_context():
        from meeting.notifications.mail import OutboxMail

        mail = db.session.scalar(select(OutboxMail))
        assert mail.sent_at is None and mail.attempts == 1 and mail.last_error


@pytest.mark.parametrize("when", ["2026-13-01 09:00", "tomorrow"])
def test_tick_refuses_a_bad_time(app, when):
    result = app.test_cli_runner().invoke(args=["scheduler", "tick", "--at", when])
    assert result.exit_code == 2


def test_tick_command(app):
    result = app.test_cli_runner().invoke(args=["scheduler", "tick", "--at", "2026-09-01 09:00"])
    assert result.exit_code == 0, result.output
    assert "annual_plenary=2" in result.output


def test_the_scheduler_process_survives_a_restart_without_resending(app, database_url, tmp_path):
    """`flask scheduler run` as a real process: it fires, is killed, restarts, sends nothing twice."""
    make_task(app, "in_progress", deadline="2099-03-10")
    with app.app_context():  # overdue for real, so the live clock has something to send
        from meeting.tasks.models import Task

        db.session.execute(db.update(Task).values(deadline=datetime(2021, 3, 1).date(),
                                                  original_deadline=datetime(2021, 3, 1).date()))  # fmt: skip
        db.session.commit()
    env = {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "app", "LIANXI_ENV": "testing",
           "LIANXI_SCHEDULER_INTERVAL_SECONDS": "1", "LIANXI_INSTANCE_PATH": str(tmp_path)}  # fmt: skip

    def reminders() -> int:
        with app.app_context():
            from meeting.scheduler.reminders import Reminder

            db.session.remove()
            return db.session.scalar(select(func.count()).select_from(Reminder))

    def notifications() -> int:
        with app.app_context():
            db.session.remove()
            return db.session.scalar(select(func.count()).select_from(Notification))

    def run_until(condition, log):
        process = subprocess.Popen([sys.executable, "-m", "flask", "scheduler", "run"], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        try:
            for _ in range(600):
                if condition():
                    return
                if process.poll() is not None:
                    raise AssertionError(f"scheduler exited: {(tmp_path / 'log').read_text()}")
                threading.Event().wait(0.1)
            raise AssertionError(f"scheduler never did it: {(tmp_path / 'log').read_text()}")
        finally:
            process.kill()
            process.wait()

    with (tmp_path / "log").open("w") as log:
        run_until(lambda: reminders() >= 3, log)  # plan prompt, overdue, escalation
        sent = notifications()
        runs = (tmp_path / "log").read_text().count("executed successfully")
        run_until(
            lambda: (tmp_path / "log").read_text().count("executed successfully") >= runs + 3, log
        )
    assert notifications() == sent


def test_a_long_title_with_line_breaks_goes_through_submit_reminders_and_mail(app, api):
    """A title of the full 200 characters, broken over two lines: the notifications built from
    it (a prefix and the title) are cut to their column and made one line, on either database,
    and mail subjects carry no line break."""
    from meeting.notifications.mail import OutboxMail

    app.config.update(MAIL_ENABLED=True)
    with app.app_context():
        user("office").email = "office@fugu.example"
        user("liaison-edu").email = "edu@fugu.example"
        db.session.commit()
    title = "甲" * 100 + "\r\n" + "乙" * 98
    draft = api.post("/api/v1/items", as_="liaison-edu", json={"title": title})
    assert draft.status_code == 201 and draft.json["title"] == title
    item_id = draft.json["id"]
    submitted = api.post(f"/api/v1/items/{item_id}/events/submit", as_="liaison-edu",
                         json={"version": 1, "background": "背景", "proposal": "建议",
                               "duty_refs": ["四(九)"]})  # fmt: skip
    assert submitted.status_code == 200, submitted.json
    task_item = make_item(app, "adopted", title=title)
    make_task(app, "in_progress", item_id=task_item, deadline="2099-03-10")
    run_tick(app, "2099-03-11 09:00")

    with app.app_context():
        titles = db.session.scalars(select(Notification.title)).all()
        subjects = db.session.scalars(select(OutboxMail.subject)).all()
    assert titles and subjects
    assert all(len(t) <= 200 and "\n" not in t and "\r" not in t for t in titles)
    assert any(t.endswith("…") for t in titles)  # a prefixed title was cut, not refused
    assert all("\n" not in s and "\r" not in s for s in subjects)


def test_one_bad_mail_address_stops_no_other_mail(app, inbox):
    """A header that cannot be written (an address with a line break) is recorded on that
    message; the others go out in the same run."""
    from meeting.notifications.mail import OutboxMail, send_pending
    from meeting.notifications.operations import notify

    with app.app_context():
        user("office").email = "office@fugu.example\nBcc: someone@elsewhere.example"
        user("liaison-edu").email = "edu@fugu.example"
        notify([user("office"), user("liaison-edu")], "test", "通知", "正文", "/", charter_id=None)
        db.session.commit()
        sent = send_pending(datetime(2026, 12, 1, 1, 0))
        db.session.commit()
        mails = {m.to_address: m for m in db.session.scalars(select(OutboxMail))}
        bad, good = mails[user("office").email], mails["edu@fugu.example"]
        assert sent == 1 and good.sent_at is not None
        assert bad.sent_at is None and "ValueError" in bad.last_error
    assert [recipients for recipients, _ in inbox.messages] == [["edu@fugu.example"]]
