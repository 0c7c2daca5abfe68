"""Operator commands: `flask charter load`, `flask users create|token`, `flask demo accounts`.

Each exits 0 on success and 2 with a one-line reason on bad input, changing nothing.
"""

import secrets
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from meeting.accounts.models import User
from meeting.accounts.operations import AccountError, create_user, issue_token
from meeting.charter.loader import CharterError, load_charter
from meeting.charter.models import Charter
from meeting.extensions import db
from workflows.roles import ROLES

charter_cli = AppGroup("charter", help="Load and inspect the joint meeting's charter.")
users_cli = AppGroup("users", help="Create accounts and API tokens.")
demo_cli = AppGroup("demo", help="Demo data for trying Lianxi out.")
scheduler_cli = AppGroup("scheduler", help="The scheduler: reminders and e-mail.")


def fail(message: str) -> None:
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(2)


@charter_cli.command("load")
@click.argument("file", required=False)
def charter_load(file: str | None):
    """Validate and load FILE (default: LIANXI_CHARTER, else the Fugu charter)."""
    path = file or current_app.config["LIANXI_CHARTER"]
    try:
        charter, changed = load_charter(path)
    except CharterError as error:
        fail(str(error))
    db.session.commit()
    state = "loaded" if changed else "unchanged"
    click.echo(
        f"Charter {charter.code} {state}: {charter.name}, {len(charter.active_units)} units."
    )


@charter_cli.command("units")
def charter_units():
    """List the member units' codes and names."""
    charter = Charter.current()
    if charter is None:
        fail("no charter loaded; run `flask --app app charter load` first")
    for unit in charter.active_units:
        click.echo(f"{unit.code}\t{unit.name}")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, help=f"One of: {' '.join(ROLES)}")
@click.option("--unit", "unit_code", help="Member unit code (required for liaison)")
@click.option("--password", required=True)
@click.option("--name", "display_name", default="", help="Display name")
@click.option("--email", default=None, help="Address for e-mail copies of notifications")
def users_create(username, role, unit_code, password, display_name, email):
    """Create an account."""
    try:
        user = create_user(username, role, password, unit_code, display_name, email)
    except AccountError as error:
        fail(str(error))
    db.session.commit()
    click.echo(
        f"Created {user.username} ({user.role}{', ' + user.unit.code if user.unit else ''})."
    )


@users_cli.command("token")
@click.argument("username")
def users_token(username):
    """Print a new API token for USERNAME, and nothing else."""
    try:
        token = issue_token(username)
    except AccountError as error:
        fail(str(error))
    db.session.commit()
    click.echo(token)


# The demo accounts: one per role, plus a liaison of the lead unit and of one more unit.
DEMO_ACCOUNTS = [
    ("zongzhaoji", "general_convener", None, "总召集人(演示)"),
    ("zhaoji", "convener", None, "召集人(演示)"),
    ("bangongshi", "office", None, "联席办(演示)"),
    ("lianluo-lead", "liaison", "lead", "牵头单位联络员(演示)"),
    ("lianluo-2", "liaison", "second", "成员单位联络员(演示)"),
    ("chayue", "observer", None, "查阅(演示)"),
    ("admin", "admin", None, "系统管理员(演示)"),
]


@demo_cli.command("accounts")
def demo_accounts():
    """Create one demo account per role; print new passwords once."""
    charter = Charter.current()
    if charter is None:
        fail("no charter loaded; run `flask --app app charter load` first")
    units = {
        "lead": charter.lead_unit or charter.active_units[0],
        "second": charter.active_units[1],
    }
    created = []
    for username, role, unit_key, name in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.username == username)):
            continue
        password = secrets.token_urlsafe(9)
        unit_code = units[unit_key].code if unit_key else None
        create_user(username, role, password, unit_code, name)
        created.append((username, role, unit_code or "", password))
    db.session.commit()
    if not created:
        click.echo("Demo accounts exist already (their passwords were printed when created).")
        return
    click.echo("Demo accounts (passwords are shown this once):")
    for username, role, unit_code, password in created:
        click.echo(f"  {username:<14} {password:<14} {role} {unit_code}")


@scheduler_cli.command("run")
def scheduler_run():
    """Run the scheduler in this process until stopped (one per installation)."""
    from meeting.scheduler.runner import run_forever

    run_forever(current_app._get_current_object())


@scheduler_cli.command("tick")
@click.option(
    "--at", "at", default=None, help='County time, e.g. "2026-11-01 09:00" (default: now)'
)
def scheduler_tick(at):
    """Run every check once as of AT, and send queued e-mail."""
    from meeting.scheduler.runner import tick
    from meeting.timeutil import COUNTY_TZ, utcnow

    if at:
        try:
            moment = datetime.fromisoformat(at)
        except ValueError:
            fail(f'--at {at!r} is not a time such as "2026-11-01 09:00"')
        if moment.tzinfo is None:  # county time unless an offset is given
            moment = moment.replace(tzinfo=COUNTY_TZ)
        now = moment.astimezone(UTC).replace(tzinfo=None)
    else:
        now = utcnow()
    sent = tick(now)
    click.echo(" ".join(f"{name}={count}" for name, count in sent.items()))


@scheduler_cli.command("jobs")
def scheduler_jobs():
    """List the scheduler's jobs and their next run."""
    from meeting.scheduler.runner import list_jobs

    jobs = list_jobs(current_app._get_current_object())
    if not jobs:
        click.echo("No jobs stored yet: they are defined when `flask scheduler run` starts.")
    for job_id, name, next_run in jobs:
        click.echo(f"{job_id}\t{next_run.isoformat() if next_run else 'paused'}\t{name}")


def init_app(app: Flask) -> None:
    app.cli.add_command(charter_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(scheduler_cli)
