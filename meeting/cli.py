"""Operator commands: `flask charter load|list|units`, `flask users create|grant|disable|
revoke-tokens|token`, `flask demo accounts`, `flask analytics refresh`.

Each exits 0 on success and 2 with a one-line reason on bad input, changing nothing.
"""

import functools
import secrets
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from meeting.accounts.models import ApiToken, User
from meeting.accounts.operations import (
    AccountError,
    create_user,
    disable_user,
    grant_role,
    issue_token,
    joint_meeting_for,
    revoke_tokens,
    user_named,
)
from meeting.charter.loader import CharterError, load_charter, unit_by_code
from meeting.charter.models import Charter
from meeting.extensions import db
from workflows.roles import ADMIN, ROLES

charter_cli = AppGroup("charter", help="Load and inspect the joint meetings' charters.")
users_cli = AppGroup("users", help="Create accounts and API tokens.")
demo_cli = AppGroup("demo", help="Demo data for trying Lianxi out.")
scheduler_cli = AppGroup("scheduler", help="The scheduler: reminders and e-mail.")
analytics_cli = AppGroup("analytics", help="Figures over whole joint meetings.")


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
        known = db.session.scalars(select(Charter.code)).all()
        charter, changed = load_charter(path)
    except CharterError as error:
        fail(str(error))
    db.session.commit()
    state = ("updated" if charter.code in known else "loaded") if changed else "unchanged"
    click.echo(
        f"Charter {charter.code} {state}: {charter.name}, {len(charter.active_units)} units."
    )


@charter_cli.command("list")
def charter_list():
    """List the joint meetings: code, units, name."""
    for charter in db.session.scalars(select(Charter).order_by(Charter.id)):
        ended = "\t(archived)" if charter.archived_at else ""
        click.echo(f"{charter.code}\t{len(charter.active_units)} units\t{charter.name}{ended}")


@charter_cli.command("units")
@click.option("--joint-meeting", "code", default=None, help="Its code (default: the only one)")
def charter_units(code):
    """List a joint meeting's member units: codes and names."""
    try:
        charter = joint_meeting_for(code)
    except AccountError as error:
        fail(str(error))
    for unit in charter.active_units:
        click.echo(f"{unit.code}\t{unit.name}")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, help=f"One of: {' '.join(ROLES)}")
@click.option("--unit", "unit_code", help="Member unit code (required for liaison)")
@click.option("--password", required=True)
@click.option("--name", "display_name", default="", help="Display name")
@click.option("--email", default=None, help="Address for e-mail copies of notifications")
@click.option("--joint-meeting", "code", default=None,
              help="The role's joint meeting (required once there are several; not for admin)")  # fmt: skip
def users_create(username, role, unit_code, password, display_name, email, code):
    """Create an account."""
    try:
        user = create_user(username, role, password, unit_code, display_name, email, code)
    except AccountError as error:
        fail(str(error))
    db.session.commit()
    click.echo(f"Created {user.username} ({describe_seat(user.seats[0])}).")


@users_cli.command("grant")
@click.argument("username")
@click.option("--joint-meeting", "code", default=None, help="Its code (default: the only one)")
@click.option("--role", required=True, help=f"One of: {' '.join(ROLES)}")
@click.option("--unit", "unit_code", help="Member unit code (required for liaison)")
def users_grant(username, code, role, unit_code):
    """Give USERNAME a role in a joint meeting (replacing the one they held there)."""
    try:
        seat = grant_role(user_named(username), role, code, unit_code)
    except AccountError as error:
        fail(str(error))
    db.session.commit()
    click.echo(f"{username}: {describe_seat(seat)}.")


@users_cli.command("disable")
@click.argument("username")
def users_disable(username):
    """Sign USERNAME out everywhere and stop their tokens; they cannot sign in again."""
    try:
        user = user_named(username)
    except AccountError as error:
        fail(str(error))
    disable_user(user)
    db.session.commit()
    click.echo(f"{username} disabled: signed out everywhere, API tokens revoked.")


@users_cli.command("revoke-tokens")
@click.argument("username")
def users_revoke_tokens(username):
    """Revoke every API token of USERNAME."""
    try:
        count = revoke_tokens(user_named(username))
    except AccountError as error:
        fail(str(error))
    db.session.commit()
    click.echo(f"{count} token(s) of {username} revoked.")


@users_cli.command("tokens")
@click.argument("username")
def users_tokens(username):
    """List USERNAME's API tokens: id, created, expires, revoked (the secrets are not kept)."""
    try:
        user = user_named(username)
    except AccountError as error:
        fail(str(error))
    rows = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    )
    for token in rows:
        when = [t.isoformat(" ", "minutes") if t else "-" for t in
                (token.created_at, token.expires_at, token.revoked_at)]  # fmt: skip
        click.echo(f"{token.id}\tcreated {when[0]}\texpires {when[1]}\trevoked {when[2]}")


def describe_seat(seat) -> str:
    where = f" in {seat.charter.code}" if seat.charter else ""
    unit = f", {seat.unit.code}" if seat.unit else ""
    return f"{seat.role}{unit}{where}"


@users_cli.command("token")
@click.argument("username")
@click.option(
    "--days", type=int, default=None, help="Valid this many days (default: until revoked)"
)
def users_token(username, days):
    """Print a new API token for USERNAME, and nothing else."""
    try:
        token = issue_token(username, days)
    except AccountError as error:
        fail(str(error))
    db.session.commit()
    click.echo(token)


# The demo accounts: one per role, plus a liaison of the lead unit and of one more unit.
DEMO_ACCOUNTS = [
    ("zongzhaoji", "general_convener", None, "王建国"),
    ("zhaoji", "convener", None, "李志强"),
    ("bangongshi", "office", None, "张丽"),
    ("lianluo-lead", "liaison", "lead", "刘洋"),
    ("lianluo-2", "liaison", "second", "陈静"),
    ("chayue", "observer", None, "赵敏"),
    ("admin", "admin", None, "系统管理员"),
]


@demo_cli.command("accounts")
def demo_accounts():
    """Create one demo account per role, holding it in every joint meeting loaded (a liaison
    where their department is a member); print new passwords once."""
    charters = db.session.scalars(select(Charter).order_by(Charter.id)).all()
    charter = charters[0] if charters else None
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
        user = create_user(username, role, password, unit_code, name, joint_meeting=charter.code)
        for other in charters[1:] if role != ADMIN else []:
            if unit_code is None or unit_by_code(unit_code, other.id):
                grant_role(user, role, other.code, unit_code)
        created.append((username, role, unit_code or "", password))
    db.session.commit()
    if not created:
        click.echo("Demo accounts exist already (their passwords were printed when created).")
        return
    click.echo("Demo accounts (passwords are shown this once):")
    for username, role, unit_code, password in created:
        click.echo(f"  {username:<14} {password:<14} {role} {unit_code}")


@demo_cli.command("seed")
@click.option("--items", "count", type=int, required=True, help="How many agenda items")
@click.option("--seed", "seed_value", type=int, default=1, help="The same seed, the same data")
@click.option("--joint-meeting", "code", default=None, help="Its code (default: the only one)")
@click.option("--if-empty", is_flag=True, help="Only if the joint meeting has no items yet")
def demo_seed(count, seed_value, code, if_empty):
    """Add realistic data: items in every state with history, meetings, tasks, notifications."""
    from meeting.database import refresh_statistics
    from meeting.demo import SeedError, seed
    from meeting.items.models import Item

    try:
        charter = joint_meeting_for(code)
        if if_empty and db.session.scalar(select(Item.id).where(Item.charter_id == charter.id)):
            click.echo(f"{charter.code} has items already; nothing seeded.")
            return
        counts = seed(charter, count, seed_value)
    except (AccountError, SeedError) as error:
        fail(str(error))
    db.session.commit()
    refresh_statistics()
    click.echo(f"Seeded {charter.code}: " + ", ".join(f"{n} {what}" for what, n in counts.items()))


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
        if not 2000 <= moment.year <= 2999:
            fail(f"--at {at!r}: a time between the years 2000 and 2999")
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


@analytics_cli.command("refresh")
def analytics_refresh():
    """Compute where items stall afresh, for every joint meeting (as the scheduler does)."""
    from meeting.analytics.stalls import refresh_all
    from meeting.timeutil import utcnow

    click.echo(f"Stall figures computed for {refresh_all(utcnow())} joint meeting(s).")


def reported(command):
    """A command whose database errors (none there, not migrated, unreachable) end in one line
    and exit 2, never a traceback."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).splitlines()[0]
            fail(f"the database cannot be used ({reason}); is DATABASE_URL right and "
                 "`flask db upgrade` run?")  # fmt: skip

    run.reported = True
    return run


@click.command("check")
@with_appcontext
@reported
def check():
    """Verify every invariant of the database; exit 1 naming each violation."""
    from meeting.invariants import violations

    found = list(violations())
    for line in found:
        click.echo(line)
    if found:
        click.echo(f"{len(found)} violation(s).", err=True)
        raise SystemExit(1)
    click.echo("All invariants hold.")


@click.command("backup")
@click.argument("path")
@with_appcontext
def backup_command(path):
    """Snapshot the database and uploads to PATH, while serving."""
    from meeting.backup import BackupError, backup

    try:
        click.echo(f"Backed up: {backup(path)}")
    except BackupError as error:
        fail(str(error))


@click.command("restore")
@click.argument("path")
@with_appcontext
@reported
def restore_command(path):
    """Bring the database and uploads back to the backup at PATH (stop the app first)."""
    from meeting.backup import BackupError, restore

    try:
        click.echo(restore(path))
    except BackupError as error:
        fail(str(error))


def init_app(app: Flask) -> None:
    for group in (charter_cli, users_cli, demo_cli, scheduler_cli, analytics_cli):
        for command in group.commands.values():
            if not getattr(command.callback, "reported", False):
                command.callback = reported(command.callback)
    app.cli.add_command(check)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(charter_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(analytics_cli)
