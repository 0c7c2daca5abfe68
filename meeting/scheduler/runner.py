"""The one scheduler process: APScheduler 3 with its job store in the app's database.

Web workers never start it; `flask scheduler run` does, as its own process. Jobs are stored, so a
restart keeps their schedule; a run missed while the process was down runs once on start
(coalesce, misfire grace time), not once per missed interval.
"""

import logging
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy.exc import IntegrityError, OperationalError

from meeting.analytics.stalls import refresh_all
from meeting.extensions import db
from meeting.notifications.mail import send_pending
from meeting.scheduler.checks import run_all
from meeting.timeutil import utcnow

COUNTY = ZoneInfo("Asia/Shanghai")
_app: Flask | None = None  # the app the stored jobs run in (set by `build`)


def run_checks() -> dict:
    """Job: every check as of now, committed, then the mail queue."""
    with _app.app_context():
        return tick(utcnow())


def send_mail() -> int:
    with _app.app_context():
        return send_pending(utcnow())


def refresh_stalls() -> int:
    """Job: where items stall, computed afresh for every joint meeting (pages read it)."""
    with _app.app_context():
        return refresh_all(utcnow())


def tick(now: datetime) -> dict:
    """Run all checks as of NOW (naive UTC) in the current app context; commit; send mail."""
    try:
        sent = run_all(now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    sent["mail"] = send_pending(now)
    return sent


def build(app: Flask, blocking: bool = True):
    """A scheduler with the Lianxi jobs, stored in the app's database."""
    global _app
    _app = app
    config = app.config
    scheduler_class = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = scheduler_class(
        jobstores={"default": SQLAlchemyJobStore(url=config["SQLALCHEMY_DATABASE_URI"])},
        timezone=COUNTY,
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": config["SCHEDULER_MISFIRE_GRACE_SECONDS"],
        },
    )
    return scheduler


def add_jobs(scheduler, config) -> None:
    """(Re)define the jobs; the first run comes at once, to catch up on what was missed."""
    first = datetime.now(COUNTY) + timedelta(seconds=1)
    scheduler.add_job(
        "meeting.scheduler.runner:run_checks",
        IntervalTrigger(seconds=config["SCHEDULER_INTERVAL_SECONDS"], timezone=COUNTY),
        id="checks", name="Reminders: plenary, deadlines, waiting items, bulletin drafts",
        replace_existing=True, next_run_time=first,
    )  # fmt: skip
    scheduler.add_job(
        "meeting.scheduler.runner:send_mail",
        IntervalTrigger(seconds=config["SCHEDULER_MAIL_SECONDS"], timezone=COUNTY),
        id="mail", name="E-mail queue", replace_existing=True, next_run_time=first,
    )  # fmt: skip
    # Its own job, not part of the checks: seconds at 100,000 items, and a minute after them,
    # so that on SQLite the two never wait for each other's write lock.
    scheduler.add_job(
        "meeting.scheduler.runner:refresh_stalls",
        IntervalTrigger(seconds=config["STALLS_REFRESH_SECONDS"], timezone=COUNTY),
        id="stalls", name="Where items stall: figures computed afresh", replace_existing=True,
        next_run_time=first + timedelta(minutes=1),
    )  # fmt: skip


def run_forever(app: Flask) -> None:
    # Operators read what ran when: APScheduler logs each run at INFO.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    for attempt in range(1, 4):
        scheduler = build(app)
        add_jobs(scheduler, app.config)
        app.logger.info("Lianxi scheduler started")
        try:
            scheduler.start()
            return
        except (IntegrityError, OperationalError) as error:
            # Another scheduler stored the same jobs at the same moment: theirs stand; ours
            # are replaced on the next try (and reminders are exactly-once anyway).
            app.logger.warning(
                "Scheduler start collided (%s); trying again", error.__class__.__name__
            )
            time.sleep(attempt)
    raise SystemExit("Error: the scheduler could not store its jobs; is another one starting?")


def list_jobs(app: Flask) -> list[tuple[str, str, datetime | None]]:
    """The stored jobs and their next run, without running anything."""
    scheduler = build(app, blocking=False)
    scheduler.start(paused=True)
    try:
        return [(job.id, job.name, job.next_run_time) for job in scheduler.get_jobs()]
    finally:
        scheduler.shutdown(wait=False)
