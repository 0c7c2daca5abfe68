"""Users, their roles in each joint meeting (seats), API tokens and sign-in attempts."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meeting.charter.models import Charter, Department, Unit
from meeting.extensions import db
from workflows.roles import ADMIN, ROLES, UNIT_ROLES

_ROLE_LIST = ", ".join(f"'{role}'" for role in ROLES)
_UNIT_ROLE_LIST = ", ".join(f"'{role}'" for role in sorted(UNIT_ROLES))


class Seat(db.Model):
    """A person's role in one joint meeting (a liaison seat names its member unit there).

    `admin` is county-wide: its seat names no joint meeting. One role per joint meeting.
    """

    __tablename__ = "seats"
    __table_args__ = (
        UniqueConstraint("user_id", "charter_id", name="uq_seats_user_charter"),
        CheckConstraint(f"role IN ({_ROLE_LIST})", name="role"),
        CheckConstraint(
            f"role NOT IN ({_UNIT_ROLE_LIST}) OR unit_id IS NOT NULL", name="liaison_has_unit"
        ),
        CheckConstraint(f"(role = '{ADMIN}') = (charter_id IS NULL)", name="admin_county_wide"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    charter_id: Mapped[int | None] = mapped_column(ForeignKey("charters.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)

    user: Mapped["User"] = relationship(back_populates="seats")
    charter: Mapped[Charter | None] = relationship()
    unit: Mapped[Unit | None] = relationship()


class User(UserMixin, db.Model):
    """A person with one sign-in; what they may do depends on the joint meeting they act in.

    `role`, `unit` and `unit_id` are the person's seat in the joint meeting they act in:
    the one of the object at hand (`acting_in`), else the request's current joint meeting.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    # The secret in the user's calendar feed URL (calendar programs cannot send a token).
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Part of every signed-in session's id: counting it up ends all sessions signed in before
    # (sign-out, a password change), even copies of an old cookie.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # A password set by someone else (an administrator's reset): changed at next sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())

    department: Mapped[Department | None] = relationship()
    seats: Mapped[list[Seat]] = relationship(
        back_populates="user", order_by=Seat.id, lazy="selectin", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        """The session's id of this user (Flask-Login): the user and the session version."""
        return f"{self.id}.{self.session_version}"

    def end_sessions(self) -> None:
        """Sign the user out everywhere: every session id issued so far stops matching."""
        self.session_version += 1

    @property
    def is_active(self) -> bool:
        return self.active

    # -- the seat the user acts in --------------------------------------------------------

    def acting_in(self, charter_id: int | None) -> "User":
        """Act in joint meeting CHARTER_ID from here on in this request; returns the user."""
        self._acting_charter_id = charter_id
        return self

    @property
    def seat(self) -> Seat | None:
        charter_id = getattr(self, "_acting_charter_id", None)
        in_meetings = [seat for seat in self.seats if seat.charter_id is not None]
        if charter_id is None:
            return in_meetings[0] if in_meetings else None
        return self.seat_in(charter_id)

    @property
    def role(self) -> str | None:
        seat = self.seat
        if seat is not None:
            return seat.role
        return ADMIN if self.is_admin else None

    @property
    def unit(self) -> Unit | None:
        seat = self.seat
        return seat.unit if seat else None

    @property
    def unit_id(self) -> int | None:
        seat = self.seat
        return seat.unit_id if seat else None

    @property
    def is_admin(self) -> bool:
        return any(seat.role == ADMIN for seat in self.seats)

    def has_role(self, *roles: str) -> bool:
        """The role in the joint meeting acted in is one of ROLES (admin counts anywhere)."""
        return self.role in roles or (ADMIN in roles and self.is_admin)

    def seat_in(self, charter_id: int | None) -> Seat | None:
        return next((seat for seat in self.seats if seat.charter_id == charter_id), None)

    def role_in(self, charter_id: int) -> str | None:
        seat = self.seat_in(charter_id)
        return seat.role if seat else None

    @property
    def charter_ids(self) -> list[int]:
        """The joint meetings this person holds a role in."""
        return [seat.charter_id for seat in self.seats if seat.charter_id is not None]

    @property
    def name(self) -> str:
        return self.display_name or self.username


class ApiToken(db.Model):
    """A bearer token for /api/v1; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]  # None: until revoked
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    """One sign-in attempt; failures within a window throttle the username."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    remote_addr: Mapped[str] = mapped_column(String(64), default="")
    succeeded: Mapped[bool]
    at: Mapped[datetime] = mapped_column(index=True)
