"""Items as the API gives them: built as the contract's models (meeting.contract.resources)."""

from meeting.accounts.models import User
from meeting.contract import resources
from meeting.extensions import db
from meeting.history import History, history_of
from meeting.items.models import Item
from meeting.items.operations import available_events
from meeting.tasks.ledger import tasks_of_item
from meeting.tasks.models import Task
from meeting.timeutil import iso


def tasks_of(item: Item, user: User) -> list[Task]:
    """The item's tasks USER may see."""
    return list(db.session.scalars(tasks_of_item(item.id, user)))


def item_json(item: Item, user: User, with_history: bool = True) -> resources.ItemSummary:
    body = {
        "id": item.id,
        "title": item.title,
        "background": item.background,
        "proposal": item.proposal,
        "category": item.category,
        "duty_refs": item.duty_refs,
        "unit": item.unit_code,
        "state": item.state,
        "version": item.version,
        "available_events": available_events(item, user),
        "meeting_id": item.meeting_id,
        "opinion": item.opinion,
        "resolution": item.resolution,
        "tasks": [task.id for task in tasks_of(item, user)],
        "attachments": [
            {"id": a.id, "filename": a.filename, "size": a.size, "content_type": a.content_type}
            for a in item.attachments
        ],
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "submitted_at": iso(item.submitted_at),
    }
    if not with_history:
        return resources.ItemSummary(**body)
    return resources.Item(**body, history=[history_json(r) for r in history_of("item", item.id)])


def history_json(row: History) -> resources.HistoryRow:
    return resources.HistoryRow(**{
        "event": row.event,
        "from": row.from_state,
        "to": row.to_state,
        "actor": row.actor_username,
        "role": row.role,
        "unit": row.unit_code,
        "at": iso(row.at),
        "fields": row.fields,
    })
