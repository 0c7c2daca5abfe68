"""Batch actions of the office's review queue: pass (初审通过) or return several submitted items
at once, each through the same workflow function as the item's own page (`fire_event`).

Each item is tried in its own savepoint: one the workflow refuses (another clerk acted first,
it moved on) is reported with its reason and the others go through. A refusal of what was typed
(the opinion missing) is the same for every item: then nothing is changed at all.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from meeting.accounts.models import User
from meeting.errors import InvalidInput, WorkflowError
from meeting.extensions import db
from meeting.items.models import Item
from meeting.items.operations import can_view, fire_event
from meeting.scope import current_charter_id
from workflows import agenda_item as workflow

# The review queue's batch actions: events the office fires on submitted items, each carrying
# one text (the preliminary opinion, or the comment saying what to revise).
BATCH_EVENTS = ("pass_review", "return_for_revision")
MAX_BATCH = 100  # a page of the queue holds 20; a forged form cannot ask for thousands


@dataclass
class Outcome:
    done: list[Item] = field(default_factory=list)
    refused: list[tuple[Item, str]] = field(default_factory=list)  # the item, and why


def text_field(event: str) -> str:
    """The one text EVENT carries (opinion, comment), by the workflow's table."""
    return workflow.EVENTS[event].carries[0]


def chosen_items(user: User, ids: list[int]) -> list[Item]:
    """The items of IDS that USER may see in the current joint meeting, in the queue's order."""
    ids = list(dict.fromkeys(ids))[:MAX_BATCH]
    if not ids:
        return []
    found = db.session.scalars(
        select(Item)
        .where(Item.id.in_(ids), Item.charter_id == current_charter_id())
        .order_by(Item.submitted_at, Item.id)
    )
    return [item for item in found if can_view(item, user)]


def fire_batch(items: list[Item], event: str, user: User, text: str,
               versions: dict[int, str]) -> Outcome:  # fmt: skip
    """Fire EVENT on each of ITEMS as USER with TEXT, each item at the version the user saw
    (VERSIONS); raise InvalidInput, having changed nothing, if the text itself is refused."""
    if event not in BATCH_EVENTS:
        raise InvalidInput({"event": _("Choose what to do with the chosen items.")})
    outcome = Outcome()
    for item in items:
        data = {text_field(event): text, "version": versions.get(item.id)}
        try:
            with db.session.begin_nested():
                fire_event(item, event, user, data)
        except InvalidInput as error:
            if text_field(event) in error.fields:
                raise  # the typed text is wrong for every item: the caller rolls all back
            outcome.refused.append((item, "；".join(error.fields.values())))
        except WorkflowError as error:
            outcome.refused.append((item, error.message))
        else:
            outcome.done.append(item)
    return outcome
