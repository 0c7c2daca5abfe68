"""Account operations: create users, issue and check tokens, sign in with throttling.

Operations flush; the caller (request or command) commits once.
"""

import functools
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, inspect, or_, select
from sqlalchemy.orm import make_transient_to_detached
from werkzeug.security import check_password_hash, generate_password_hash

from meeting.accounts.models import ApiToken, LoginAttempt, Seat, User
from meeting.accounts.passwords import password_problem
from meeting.charter.loader import unit_by_code
from meeting.charter.models import Charter, Unit
from meeting.extensions import db
from meeting.timeutil import utcnow
from workflows.roles import ADMIN, ROLES, UNIT_ROLES


class AccountError(ValueError):
    """Bad input for an account operation; the message says what is wrong."""


def create_user(
    username: str,
    role: str,
    password: str,
    unit_code: str | None = None,
    display_name: str = "",
    email: str | None = None,
    joint_meeting: str | None = None,
) -> User:
    """Create an account with ROLE in JOINT_MEETING (the only one, when it is left out),
    tied to UNIT_CODE when the role needs a unit."""
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
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        password_hash=generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        ),
        created_at=utcnow(),
    )
    db.session.add(user)
    grant_role(user, role, joint_meeting, unit_code)
    db.session.flush()
    return user


def grant_role(user: User, role: str, joint_meeting: str | None = None,
               unit_code: str | None = None) -> Seat:  # fmt: skip
    """Give USER ROLE in JOINT_MEETING (its code), replacing the role they held there.

    A liaison's unit is a member unit of that joint meeting, and it sets the person's
    department (a person belongs to at most one)."""
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; use one of: {' '.join(ROLES)}")
    charter = None if role == ADMIN else joint_meeting_for(joint_meeting)
    unit = None
    if unit_code:
        if charter is None:
            raise AccountError("an administrator belongs to no unit")
        unit = unit_by_code(unit_code, charter.id)
        if unit is None:
            raise AccountError(
                f"unknown unit {unit_code!r} in {charter.code} (see `flask charter units`)"
            )
        if user.department_id and user.department_id != unit.department_id:
            raise AccountError(
                f"{user.username} belongs to {user.department.code}, not {unit_code}"
            )
    elif role in UNIT_ROLES:
        raise AccountError(f"role {role} needs --unit UNIT_CODE")
    charter_id = charter.id if charter else None
    seat = next((s for s in user.seats if s.charter_id == charter_id), None)
    if seat is None:
        seat = Seat(charter=charter)
        user.seats.append(seat)
    seat.role, seat.unit = role, unit
    if unit is not None:
        user.department = unit.department
    db.session.flush()
    return seat


def joint_meeting_for(code: str | None) -> Charter:
    """The joint meeting with CODE; without a code, the only one there is."""
    if code:
        charter = db.session.scalar(select(Charter).where(Charter.code == code))
        if charter is None:
            raise AccountError(f"unknown joint meeting {code!r} (see `flask charter list`)")
        return charter
    charters = db.session.scalars(select(Charter).order_by(Charter.id).limit(2)).all()
    if not charters:
        raise AccountError("no charter loaded; run `flask --app app charter load` first")
    if len(charters) > 1:
        raise AccountError("several joint meetings exist: name one with --joint-meeting CODE")
    return charters[0]


def disable_user(user: User) -> None:
    """Sign USER out everywhere and stop their tokens; they cannot sign in until enabled."""
    user.active = False
    user.end_sessions()
    revoke_tokens(user)


def revoke_tokens(user: User) -> int:
    """Revoke every API token of USER; return how many were live."""
    now = utcnow()
    live = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in live:
        token.revoked_at = now
    return len(live)


def user_named(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AccountError(f"no user {username!r}")
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
    user.must_change_password = False
    user.end_sessions()  # the caller signs the current session in again


def issue_token(username: str, days: int | None = None) -> str:
    """Make a new API token for USERNAME, valid DAYS days (None: until revoked), and return
    it (only its hash is kept)."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AccountError(f"no user {username!r}")
    token = secrets.token_urlsafe(32)
    if days is not None and not 1 <= days <= 3660:
        raise AccountError("--days must be between 1 and 3660")
    now = utcnow()
    expires = now + timedelta(days=days) if days else None
    db.session.add(ApiToken(user=user, token_sha256=_sha256(token), created_at=now,
                            expires_at=expires))  # fmt: skip
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """The active user a live bearer TOKEN belongs to, or None, with their seats and the seats'
    units and joint meetings (every request through the API asks all of them).

    One statement read as plain rows, turned into the objects a query would have loaded
    (`attached`): loading them through the ORM cost ~2 ms of an ~8 ms item GET."""
    if not token:
        return None
    # On the session's connection: plain rows need none of the ORM's handling of a statement
    # (and no joint meeting's scope: nobody is known yet). ~0.4 ms less.
    parameters = {"sha256": _sha256(token), "now": utcnow()}
    rows = db.session.connection().execute(_TOKEN_ROWS, parameters).all()
    if not rows:
        return None
    user = _build(User, rows[0])
    user.seats = [_seat(row) for row in rows if row.seat_id is not None]
    return attached(user)


def _seat(row) -> Seat:
    seat = _build(Seat, row, "seat_")
    seat.unit = _build(Unit, row, "unit_") if row.unit_id is not None else None
    seat.charter = _build(Charter, row, "charter_") if row.charter_id is not None else None
    return seat


_TOKEN_COLUMNS = {
    User: [attr.key for attr in inspect(User).column_attrs],
    Seat: [attr.key for attr in inspect(Seat).column_attrs],
    Unit: [attr.key for attr in inspect(Unit).column_attrs],
    Charter: [attr.key for attr in inspect(Charter).column_attrs],
}
_PREFIX = {User: "", Seat: "seat_", Unit: "unit_", Charter: "charter_"}
_TOKEN_ROWS = (
    select(
        *(
            getattr(model, key).label(_PREFIX[model] + key)
            for model, keys in _TOKEN_COLUMNS.items()
            for key in keys
        )
    )
    .select_from(ApiToken)
    .join(User, User.id == ApiToken.user_id)
    .outerjoin(Seat, Seat.user_id == User.id)
    .outerjoin(Unit, Unit.id == Seat.unit_id)
    .outerjoin(Charter, Charter.id == Seat.charter_id)
    .where(
        ApiToken.token_sha256 == bindparam("sha256"),
        ApiToken.revoked_at.is_(None),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > bindparam("now")),
        User.active,
    )
    .order_by(Seat.id)
)


def _build(model, row, prefix: str = ""):
    """A MODEL instance (not yet in any session) from ROW's columns named PREFIX + attribute."""
    return model(**{key: getattr(row, prefix + key) for key in _TOKEN_COLUMNS[model]})


def attached(user: User) -> User:
    """USER, built from rows with its seats, units and joint meetings, in the session as if a
    query had loaded them: nothing to write. An instance the session already holds (a test's)
    keeps its identity and takes these values."""
    for instance in (user, *user.seats, *(s.unit for s in user.seats if s.unit),
                     *(s.charter for s in user.seats if s.charter)):  # fmt: skip
        make_transient_to_detached(instance)
    return db.session.merge(user, load=False)


def authenticate(username: str, password: str, remote_addr: str = "") -> User | None:
    """Check USERNAME and PASSWORD, record the attempt, and return the user on success.

    An unknown username costs the same hashing as a known one: the answer's timing does not
    tell which usernames exist."""
    user = db.session.scalar(select(User).where(User.username == username))
    stored = user.password_hash if user else _decoy_hash()
    matches = check_password_hash(stored, password)
    ok = bool(user and user.active and matches)
    db.session.add(
        LoginAttempt(
            username=username[:64], remote_addr=remote_addr[:64], succeeded=ok, at=utcnow()
        )
    )
    return user if ok else None


@functools.cache
def _decoy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
