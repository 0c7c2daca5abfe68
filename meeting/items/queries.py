"""Which items a user sees, filtered and sorted: shared by the list pages and the API."""

from sqlalchemy import Select, and_, exists, or_, select

from meeting.accounts.models import User
from meeting.analytics.sql import json_elements
from meeting.charter.models import Unit
from meeting.extensions import db
from meeting.items.models import Item
from workflows.agenda_item import SOURCES, UNIT_SOURCE
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
    """Items USER may see: everything once submitted, the drafts of a unit they are a liaison
    of, and the drafts they author by their role (the office's registered assigned work; as
    `operations.can_view`). meeting.scope keeps out the joint meetings they hold no role in."""
    query = select(Item)
    own_units = [seat.unit_id for seat in user.seats if seat.role == LIAISON]
    authored = [
        and_(Item.source == code, Item.charter_id.in_(
            [seat.charter_id for seat in user.seats if seat.role == source.author]))
        for code, source in SOURCES.items()
        if not source.for_own_unit
    ]  # fmt: skip
    return query.where(or_(Item.submitted_at.is_not(None), Item.unit_id.in_(own_units), *authored))


# Where items come from, as the pages filter them (the home page's links): a unit's own
# proposals, or work assigned by the county government or the joint meeting.
ORIGINS = ("unit", "assigned")


def filtered(query: Select, states: list[str], unit: str | None, text: str | None,
             sort: str, duty: str | None = None, origin: str | None = None) -> Select:  # fmt: skip
    """QUERY narrowed to STATES, the UNIT proposing, TEXT in the title or proposal, items
    citing the charter duty DUTY (四(九)), items of ORIGIN (ORIGINS), and sorted."""
    if origin == "unit":
        query = query.where(Item.source == UNIT_SOURCE)
    elif origin == "assigned":
        query = query.where(Item.source != UNIT_SOURCE)
    if duty:
        refs = json_elements(Item.duty_refs)
        query = query.where(exists().select_from(refs).where(refs.c.value == duty))
    if states:
        query = query.where(Item.state.in_(states))
    if unit:  # a subquery, not a join: counting the list then needs only the items' index
        query = query.where(Item.unit_id.in_(select(Unit.id).where(Unit.code == unit)))
    if text:
        pattern = f"%{text}%"
        query = query.where(or_(Item.title.ilike(pattern), Item.proposal.ilike(pattern)))
    return query.order_by(SORTS.get(sort, SORTS["updated"]), Item.id.desc())


def why_returned(item: Item):
    """The history row that returned ITEM for revision (the office's comment, who, when), while
    it is returned; None otherwise."""
    from meeting.history import History

    if item.state != "returned":
        return None
    return db.session.scalar(
        select(History)
        .where(
            History.subject_kind == "item",
            History.subject_id == item.id,
            History.to_state == "returned",
        )  # fmt: skip
        .order_by(History.id.desc())
        .limit(1)
    )
