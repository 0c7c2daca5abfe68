"""Operator commands: `flask charter load`, `flask users create|token`, `flask demo accounts`.

Each exits 0 on success and 2 with a one-line reason on bad input, changing nothing.
"""

import secrets

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
def users_create(username, role, unit_code, password, display_name):
    """Create an account."""
    try:
        user = create_user(username, role, password, unit_code, display_name)
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


def init_app(app: Flask) -> None:
    app.cli.add_command(charter_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
