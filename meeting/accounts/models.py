"""Users, their API tokens and the record of sign-in attempts."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meeting.charter.models import Unit
from meeting.extensions import db
from workflows.roles import ROLES, UNIT_ROLES

_ROLE_LIST = ", ".join(f"'{role}'" for role in ROLES)
_UNIT_ROLE_LIST = ", ".join(f"'{role}'" for role in sorted(UNIT_ROLES))


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN ({_ROLE_LIST})", name="role"),
        CheckConstraint(
            f"role NOT IN ({_UNIT_ROLE_LIST}) OR unit_id IS NOT NULL", name="liaison_has_unit"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    # The secret in the user's calendar feed URL (calendar programs cannot send a token).
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Part of every signed-in session's id: counting it up ends all sessions signed in before
    # (sign-out, a password change), even copies of an old cookie.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    unit: Mapped[Unit | None] = relationship()

    def get_id(self) -> str:
        """The session's id of this user (Flask-Login): the user and the session version."""
        return f"{self.id}.{self.session_version}"

    def end_sessions(self) -> None:
        """Sign the user out everywhere: every session id issued so far stops matching."""
        self.session_version += 1

    @property
    def is_active(self) -> bool:
        return self.active

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

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
