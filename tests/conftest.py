"""Fixtures: a migrated database (SQLite, or PostgreSQL when LIANXI_TEST_DATABASE_URL is set),
the Fugu charter, users of each role, a signed-in page client and a token-carrying API client.
"""

import os
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import text

from app import create_app
from meeting.accounts.operations import create_user, grant_role, issue_token
from meeting.charter.loader import load_charter
from meeting.extensions import db
from meeting.invariants import violations as invariants
from tests.contract import watch

TESTS = Path(__file__).resolve().parent
PASSWORD = "password-123"
DOMAIN_UNIT_COUNT = 26

# username -> (role, unit code): one account per role, and liaisons of two units.
USERS = {
    "general": ("general_convener", None),
    "convener": ("convener", None),
    "office": ("office", None),
    "liaison-civil": ("liaison", "civil-affairs"),
    "liaison-edu": ("liaison", "education-sports"),
    "observer": ("observer", None),
    "admin": ("admin", None),
}


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("LIANXI_TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'lianxi-test.sqlite3'}"


def make_app(database_url: str, tmp_path: Path):
    return create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )


@pytest.fixture(scope="session")
def migrated(database_url, tmp_path_factory) -> str:
    """Build the schema once per run with the Alembic migrations, as `flask db upgrade` does."""
    app = make_app(database_url, tmp_path_factory.mktemp("migrate"))
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    return database_url


@pytest.fixture
def bare_app(migrated, tmp_path):
    """The app on the migrated database with no charter loaded; emptied afterwards.

    Every API answer it gives is checked against the OpenAPI document (tests/contract.py),
    and the database it leaves against every invariant `flask check` knows.
    """
    app = make_app(migrated, tmp_path)
    violations = watch(app)
    yield app
    broken = []
    with app.app_context():
        if not app.config.get("BROKEN_ON_PURPOSE"):
            broken = list(invariants())
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        db.engine.dispose()
    # Checked after the database is emptied, so one failure does not spill into the next test.
    assert not violations, "answers that break the OpenAPI document:\n" + "\n".join(violations)
    assert not broken, "invariants broken (flask check):\n" + "\n".join(broken)


@pytest.fixture
def app(bare_app):
    """The app with the Fugu charter and the USERS accounts."""
    with bare_app.app_context():
        load_charter(bare_app.config["LIANXI_CHARTER"])
        for username, (role, unit) in USERS.items():
            create_user(username, role, PASSWORD, unit, display_name=username)
        db.session.commit()
    return bare_app


SCHOOL_SAFETY = TESTS.parent / "config" / "charters" / "fugu-school-safety.yaml"
FUGU, SAFETY = "fugu-children", "fugu-school-safety"

# username -> [(joint meeting, role, unit)]: people of the second joint meeting, and people
# acting in both (the same department on two joint meetings; office in one, liaison in the other).
PLATFORM_USERS = {
    "safety-office": [(SAFETY, "office", None)],
    "safety-general": [(SAFETY, "general_convener", None)],
    "safety-convener": [(SAFETY, "convener", None)],
    "safety-edu": [(SAFETY, "liaison", "education-sports")],
    "both-edu": [(FUGU, "liaison", "education-sports"), (SAFETY, "liaison", "education-sports")],
    "both-office": [(FUGU, "office", None), (SAFETY, "liaison", "civil-affairs")],
}


@pytest.fixture
def platform(app):
    """Two joint meetings on one database: Fugu's (with USERS) and the fictional school-safety
    one, with PLATFORM_USERS; the USERS hold roles in Fugu's only."""
    with app.app_context():
        load_charter(SCHOOL_SAFETY)
        for username, seats in PLATFORM_USERS.items():
            (code, role, unit), *more = seats
            user = create_user(username, role, PASSWORD, unit, display_name=username,
                               joint_meeting=code)  # fmt: skip
            for code, role, unit in more:
                grant_role(user, role, code, unit)
        db.session.commit()
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(bare_app):
    return bare_app.test_cli_runner()


class Auth:
    """Sign in and out through the real sign-in page."""

    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = PASSWORD):
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


class Api:
    """A JSON client that sends each request with the named user's bearer token."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        if username not in self.tokens:
            with self.app.app_context():
                self.tokens[username] = issue_token(username)
                db.session.commit()
        return self.tokens[username]

    def request(self, method: str, path: str, as_: str, **kwargs):
        headers = {"Authorization": f"Bearer {self.token(as_)}", **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, as_: str, **kwargs):
        return self.request("GET", path, as_, **kwargs)

    def post(self, path: str, as_: str, **kwargs):
        return self.request("POST", path, as_, **kwargs)


@pytest.fixture
def api(bare_app):
    """An API client; ask for `app` too for the Fugu charter and the USERS."""
    return Api(bare_app)


def table_counts(app) -> dict[str, int]:
    """Row counts of every table: what 'nothing changed' is checked against.

    API tokens and sign-in attempts are left out: the Api client issues tokens on a user's
    first request, and page tests sign in between the snapshots.
    """
    with app.app_context():
        return {
            table.name: db.session.scalar(text(f'SELECT COUNT(*) FROM "{table.name}"'))
            for table in db.metadata.sorted_tables
            if table.name not in ("api_tokens", "login_attempts", "sign_in_counters")
        }
