"""Items as the API gives them: built as the contract's models (meeting.contract.resources)."""

from meeting.accounts.models import User
from meeting.contract import resources
from meeting.history import history_as_sent
from meeting.items.models import Item
from meeting.items.operations import available_events
from meeting.opinions.serialize import opinions_json
from meeting.tasks.models import Task
from workflows import opinions as opinion_workflow
from workflows import task as task_workflow


def tasks_of(item: Item, user: User) -> list[Task]:
    """The item's tasks USER may see (`liaison_sees`, by USER's role in the item's joint
    meeting), from the item's loaded tasks: a list loads them all in one query."""
    user.acting_in(item.charter_id)
    return [
        t for t in item.tasks if task_workflow.liaison_sees(user.role, user.unit_id, t.unit_ids)
    ]


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
    rows = history_as_sent("item", item.id)
    asked = any(row[0] == opinion_workflow.ASKED for row in rows)  # else no round to read
    history = [history_json(row) for row in rows]
    opinions = opinions_json(item, any_round=asked)
    return resources.Item.of(item, **computed, history=history, opinions=opinions)


def history_json(row) -> resources.HistoryRow:
    """A row of `history_as_sent` as the API sends it. Unpacked, not read by name: a task urged
    every day for years sends hundreds of rows, and reading a row's fields by name took half
    the time."""
    event, from_state, to_state, actor, role, unit, at, fields = row
    return resources.HistoryRow(event=event, from_=from_state, to=to_state, actor=actor,
                                role=role, unit=unit, at=at, fields=fields)  # fmt: skip
