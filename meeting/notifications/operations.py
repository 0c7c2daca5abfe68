"""Send notifications: rows in the caller's transaction, so they commit with the change."""

from flask import current_app
from sqlalchemy import func, literal, select, update
from sqlalchemy.orm import lazyload

from meeting.accounts.models import Seat, User
from meeting.accounts.seats import holders_list
from meeting.charter.models import Unit
from meeting.extensions import db
from meeting.notifications.mail import OutboxMail
from meeting.notifications.messages import in_chinese
from meeting.notifications.models import Notification
from meeting.timeutil import utcnow
from workflows.roles import LIAISON

TITLE_LIMIT = Notification.title.type.length
SUBJECT_LIMIT = OutboxMail.subject.type.length


def one_line(text: str, limit: int) -> str:
    """TEXT on one line (an item's title may hold line breaks; a mail header may not), cut
    with an ellipsis to LIMIT characters, so a long title never overflows the column."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def notify(users, kind: str, title: str | None = None, body: str = "", link: str = "", *,
           charter_id: int | None, params: dict | None = None) -> int:  # fmt: skip
    """Add one notification per distinct active user, labelled with the joint meeting
    CHARTER_ID it concerns; return how many.

    With PARAMS the catalogue (`messages`) says the title and text of KIND in each reader's
    language; TITLE, when given, is only what shows should the catalogue not know the kind.
    BODY is what people typed (a comment, a reason). The stored title (in the default
    language) is made one line and cut to fit here, where every notification passes.
    """
    now = utcnow()
    stored, text = in_chinese(kind, params, title or "")
    stored = one_line(stored or kind, TITLE_LIMIT)
    seen = set()
    mail = current_app.config["MAIL_ENABLED"]
    for user in users:
        if user.id in seen or not user.active:
            continue
        seen.add(user.id)
        notification = Notification(
            charter_id=charter_id,
            user=user,
            kind=kind,
            params=params,
            title=stored,
            body=body,
            link=link,
            created_at=now,
        )
        db.session.add(notification)
        if mail and user.email:
            said = "\n".join(part for part in (text, body) if part)
            url = f"{current_app.config['PUBLIC_URL'].rstrip('/')}{link}"
            db.session.add(OutboxMail(notification=notification, to_address=user.email,
                                      subject=one_line(f"[联席] {stored}", SUBJECT_LIMIT),
                                      body=f"{said}\n\n{url}".strip(), created_at=now))  # fmt: skip
    return len(seen)


def users_with_roles(charter_id: int, *roles: str) -> list[User]:
    """Who holds one of ROLES in joint meeting CHARTER_ID."""
    return holders_list(charter_id, *roles)


def liaisons_of(units) -> list[User]:
    """The liaisons of UNITS (member units: each of one joint meeting)."""
    unit_ids = [unit.id for unit in units]
    return list(
        db.session.scalars(
            select(User)
            .join(Seat, Seat.user_id == User.id)
            .where(Seat.role == LIAISON, Seat.unit_id.in_(unit_ids), User.active)
            .options(lazyload(User.seats))  # `notify` reads no one's seats
        )
    )


def all_unit_liaisons(charter_id: int) -> list[User]:
    """The liaisons of every active member unit of joint meeting CHARTER_ID."""
    return list(
        db.session.scalars(
            select(User)
            .join(Seat, Seat.user_id == User.id)
            .join(Unit, Unit.id == Seat.unit_id)
            .where(Seat.role == LIAISON, Seat.charter_id == charter_id, User.active, Unit.active)
            .options(lazyload(User.seats))  # `notify` reads no one's seats
        )
    )


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()


BADGE_MOST = 99  # the unread badge says 「99+」 past this


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def unread_badge(user: User) -> int | str:
    """The unread count every page's menu shows: exact up to BADGE_MOST, else 「99+」. It stops
    counting there: the exact count of a person who lets thousands pile up reads them all."""
    unread = (
        select(literal(1))
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .limit(BADGE_MOST + 1)
    )
    found = db.session.scalar(select(func.count()).select_from(unread.subquery()))
    return found if found <= BADGE_MOST else f"{BADGE_MOST}+"


def mark_all_read(user: User, charter_id: int | None = None, kind: str | None = None) -> int:
    """Mark USER's unread notifications read (only those of joint meeting CHARTER_ID and of
    KIND, when given), in one statement; return how many. Nobody else's are touched."""
    query = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if charter_id is not None:
        query = query.where(Notification.charter_id == charter_id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return db.session.execute(query.values(read_at=utcnow())).rowcount
