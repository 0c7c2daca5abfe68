"""The operator commands of API.md: exit 0 on success, 2 with a one-line reason, nothing changed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from meeting.accounts.models import User
from meeting.extensions import db
from tests.conftest import table_counts

ROOT = Path(__file__).resolve().parent.parent


def invoke(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.output


def test_users_create_liaison_with_unit(app):
    code, output = invoke(
        app,
        "users",
        "create",
        "wang",
        "--role",
        "liaison",
        "--unit",
        "finance",
        "--password",
        "s3cret-pass",
    )
    assert code == 0, output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "wang"))
        assert (user.role, user.unit.code) == ("liaison", "finance")
        assert "s3cret-pass" not in user.password_hash


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["office", "--role", "office", "--password", "long-enough"], "already exists"),
        (["li", "--role", "mayor", "--password", "long-enough"], "unknown role 'mayor'"),
        (["li", "--role", "liaison", "--password", "long-enough"], "needs --unit"),
        (
            ["li", "--role", "liaison", "--unit", "nasa", "--password", "long-enough"],
            "unknown unit 'nasa'",
        ),
        (["li", "--role", "office", "--password", "short"], "at least 8 characters"),
    ],
)
def test_users_create_refuses_bad_input_and_changes_nothing(app, args, message):
    before = table_counts(app)
    code, output = invoke(app, "users", "create", *args)
    assert code == 2
    assert message in output
    assert len(output.strip().splitlines()) == 1
    assert table_counts(app) == before


def test_users_token_prints_only_a_working_token(app):
    code, output = invoke(app, "users", "token", "liaison-civil")
    assert code == 0
    token = output.strip()
    assert output == token + "\n" and len(token) >= 32
    response = app.test_client().get("/api/v1/units", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_users_token_for_an_unknown_user(app):
    before = table_counts(app)
    code, output = invoke(app, "users", "token", "ghost")
    assert code == 2 and "no user 'ghost'" in output
    assert table_counts(app) == before


def test_demo_accounts_print_passwords_once(app):
    code, output = invoke(app, "demo", "accounts")
    assert code == 0
    assert "bangongshi" in output and "lianluo-lead" in output
    code, output = invoke(app, "demo", "accounts")
    assert code == 0 and "exist already" in output


def test_operator_commands_on_a_fresh_database(tmp_path):
    """What IT staff type, as separate processes, on an empty SQLite file."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "LIANXI_INSTANCE_PATH": str(tmp_path),
        "FLASK_APP": "app",
    }
    env.pop("LIANXI_CHARTER", None)

    def flask(*args):
        return subprocess.run(
            [sys.executable, "-m", "flask", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )

    assert flask("db", "upgrade").returncode == 0
    assert flask("db", "upgrade").returncode == 0  # twice is harmless
    loaded = flask("charter", "load")
    assert loaded.returncode == 0 and "26 units" in loaded.stdout
    created = flask(
        "users",
        "create",
        "li",
        "--role",
        "liaison",
        "--unit",
        "health",
        "--password",
        "pass-word-1",
    )
    assert created.returncode == 0, created.stderr
    again = flask(
        "users",
        "create",
        "li",
        "--role",
        "liaison",
        "--unit",
        "health",
        "--password",
        "pass-word-1",
    )
    assert again.returncode == 2 and "already exists" in again.stderr
    token = flask("users", "token", "li")
    assert token.returncode == 0 and len(token.stdout.strip().splitlines()) == 1


def test_operator_commands_end_in_one_line_not_a_traceback(app, runner, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    flask = str(Path(sys.executable).with_name("flask"))
    for url, said in [("nonsense://x", "is neither"),
                      ("postgresql://nobody@127.0.0.1:1/none", "the database cannot be used")]:  # fmt: skip
        done = subprocess.run([flask, "--app", "app", "charter", "list"], capture_output=True,
                              text=True, env={**os.environ, "DATABASE_URL": url}, timeout=60)  # fmt: skip
        assert done.returncode in (1, 2) and said in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    far = runner.invoke(args=["scheduler", "tick", "--at", "9999-12-31 23:00"])
    assert far.exit_code == 2 and "2999" in far.output
    empty = tmp_path / "empty.sqlite3"
    done = subprocess.run([flask, "--app", "app", "check"], capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": f"sqlite:///{empty}"}, timeout=60)  # fmt: skip
    assert done.returncode == 2 and "flask db upgrade" in done.stderr
