"""Which items a user sees, filtered and sorted: shared by the list pages and the API."""

from sqlalchemy import Select, or_, select

from meeting.accounts.models import User
from meeting.charter.models import Unit
from meeting.items.models import Item
from workflows.roles import LIAISON

SORTS = {
    "updated": Item.updated_at.desc(),
    "-updated": Item.updated_at.asc(),
    "created": Item.created_at.desc(),
    "-created": Item.created_at.asc(),
    "waiting": Item.submitted_at.asc(),  # longest waiting first: the queues' order
    "title": Item.title.asc(),
    "state": Item.state.asc(),
}


def visible_items(user: User) -> Select:
    """Items USER may see: everything once submitted, and the drafts of a unit they are a
    liaison of (meeting.scope keeps out the joint meetings they hold no role in)."""
    query = select(Item).join(Unit, Item.unit_id == Unit.id)
    own_units = [seat.unit_id for seat in user.seats if seat.role == LIAISON]
    return query.where(or_(Item.submitted_at.is_not(None), Item.unit_id.in_(own_units)))


def filtered(query: Select, states: list[str], unit: str | None, text: str | None,
             sort: str) -> Select:  # fmt: skip
    if states:
        query = query.where(Item.state.in_(states))
    if unit:
        query = query.where(Unit.code == unit)
    if text:
        pattern = f"%{text}%"
        query = query.where(or_(Item.title.ilike(pattern), Item.proposal.ilike(pattern)))
    return query.order_by(SORTS.get(sort, SORTS["updated"]), Item.id.desc())
