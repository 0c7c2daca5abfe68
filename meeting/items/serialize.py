"""Items as the API gives them: built as the contract's models (meeting.contract.resources)."""

from meeting.accounts.models import User
from meeting.contract import resources
from meeting.extensions import db
from meeting.history import History, history_of
from meeting.items.models import Item
from meeting.items.operations import available_events
from meeting.tasks.ledger import tasks_of_item
from meeting.tasks.models import Task


def tasks_of(item: Item, user: User) -> list[Task]:
    """The item's tasks USER may see."""
    return list(db.session.scalars(tasks_of_item(item.id, user)))


def item_json(item: Item, user: User, with_history: bool = True) -> resources.ItemSummary:
    """The item's own columns, and what USER may see and do with it."""
    computed = {
        "unit": item.unit_code,
        "available_events": available_events(item, user),
        "tasks": [task.id for task in tasks_of(item, user)],
        "attachments": [resources.Attachment.of(a) for a in item.attachments],
    }
    if not with_history:
        return resources.ItemSummary.of(item, **computed)
    history = [history_json(row) for row in history_of("item", item.id)]
    return resources.Item.of(item, **computed, history=history)


def history_json(row: History) -> resources.HistoryRow:
    return resources.HistoryRow.of(
        row, from_=row.from_state, to=row.to_state, actor=row.actor_username, unit=row.unit_code
    )
