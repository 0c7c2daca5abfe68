"""Account operations: create users, issue and check tokens, sign in with throttling.

Operations flush; the caller (request or command) commits once.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from meeting.accounts.models import ApiToken, LoginAttempt, User
from meeting.accounts.passwords import password_problem
from meeting.charter.loader import unit_by_code
from meeting.extensions import db
from meeting.timeutil import utcnow
from workflows.roles import ROLES, UNIT_ROLES


class AccountError(ValueError):
    """Bad input for an account operation; the message says what is wrong."""


def create_user(
    username: str,
    role: str,
    password: str,
    unit_code: str | None = None,
    display_name: str = "",
    email: str | None = None,
) -> User:
    """Create an account with ROLE, tied to UNIT_CODE when the role needs a unit."""
    username = username.strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise AccountError("username must be 1–64 characters without spaces")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; use one of: {' '.join(ROLES)}")
    with force_locale("en"):  # the shell's other messages are English too
        problem = password_problem(password, username)
    if problem:
        raise AccountError(problem)
    if email is not None and ("@" not in email or len(email) > 200):
        raise AccountError(f"{email!r} is not an e-mail address")
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise AccountError(f"user {username!r} already exists")
    unit = None
    if unit_code:
        unit = unit_by_code(unit_code)
        if unit is None:
            raise AccountError(f"unknown unit {unit_code!r} (see `flask charter units`)")
    elif role in UNIT_ROLES:
        raise AccountError(f"role {role} needs --unit UNIT_CODE")
    user = User(
        username=username,
        role=role,
        unit=unit,
        display_name=display_name,
        email=email,
        password_hash=generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        ),
        created_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Let USER replace their password, knowing the current one."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError(_("The current password is wrong."))
    if problem := password_problem(new, user.username):
        raise AccountError(problem)
    user.password_hash = generate_password_hash(
        new, method=current_app.config["PASSWORD_HASH_METHOD"]
    )
    user.end_sessions()  # the caller signs the current session in again


def issue_token(username: str) -> str:
    """Make a new API token for USERNAME and return it (only its hash is kept)."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AccountError(f"no user {username!r}")
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_sha256=_sha256(token), created_at=utcnow()))
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """The active user a bearer TOKEN belongs to, or None."""
    if not token:
        return None
    row = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_sha256 == _sha256(token), ApiToken.revoked_at.is_(None)
        )
    )
    if row is None or not row.user.active:
        return None
    return row.user


def is_throttled(username: str, max_failures: int, window: timedelta) -> bool:
    """Whether USERNAME has failed to sign in MAX_FAILURES times within WINDOW."""
    since = utcnow() - window
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username, LoginAttempt.succeeded
        )
    )
    if last_success and last_success > since:
        since = last_success
    failures = db.session.scalar(
        select(func.count()).where(
            LoginAttempt.username == username,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at > since,
        )
    )
    return failures >= max_failures


def authenticate(username: str, password: str, remote_addr: str = "") -> User | None:
    """Check USERNAME and PASSWORD, record the attempt, and return the user on success."""
    user = db.session.scalar(select(User).where(User.username == username))
    ok = bool(user and user.active and check_password_hash(user.password_hash, password))
    db.session.add(
        LoginAttempt(
            username=username[:64], remote_addr=remote_addr[:64], succeeded=ok, at=utcnow()
        )
    )
    return user if ok else None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
