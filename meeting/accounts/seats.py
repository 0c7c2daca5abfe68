"""Who holds which role in a joint meeting: the queries behind recipient lists and pickers."""

from sqlalchemy import Select, select

from meeting.accounts.models import Seat, User
from meeting.extensions import db


def holders(charter_id: int, *roles: str) -> Select:
    """Active users holding one of ROLES in joint meeting CHARTER_ID."""
    return (
        select(User)
        .join(Seat, Seat.user_id == User.id)
        .where(Seat.charter_id == charter_id, Seat.role.in_(roles), User.active)
        .order_by(User.id)
    )


def holders_list(charter_id: int, *roles: str) -> list[User]:
    return list(db.session.scalars(holders(charter_id, *roles)))
