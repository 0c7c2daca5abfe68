"""Agenda items: /api/v1/items (API.md)."""

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select
from sqlalchemy.orm import joinedload, selectinload

from meeting.api import bp
from meeting.api.contract import WRITE, operation
from meeting.api.pagination import paginated
from meeting.contract import bodies, resources
from meeting.contract.queries import ItemQuery
from meeting.errors import NotFound
from meeting.extensions import db
from meeting.figures_cache import remembered
from meeting.items.attachments import add_attachment, send_attachment
from meeting.items.models import Item
from meeting.items.operations import can_view, create_item, fire_event, update_item
from meeting.items.queries import filtered, visible_items
from meeting.items.serialize import item_json
from meeting.pagination import narrow_count
from meeting.scope import narrow
from meeting.tasks.models import Task

JOINT_MEETING = (
    "joint_meeting names a running joint meeting the caller holds a role in; it "
    "may be left out when the caller acts in one only"
)
CITES = "duty_refs are the proposing unit's own charter duties or the joint meeting's"
SUBMITTED = "the item has a title, background, proposal and duty_refs, given here or before"


@bp.get("/items")
@operation("Agenda items the caller may see", query=ItemQuery,
           returns={200: resources.Page[resources.ItemSummary]})  # fmt: skip
def list_items(args: ItemQuery):
    """`?state=` (repeatable or comma-separated), `?unit=`, `?q=`, `?duty=`, `?sort=`."""
    filters = (args.joint_meeting, args.state, args.unit, args.q, args.duty)
    query = matching(current_user, *filters, sort=args.sort).options(
        selectinload(Item.unit),
        selectinload(Item.attachments),
        selectinload(Item.tasks).selectinload(Task.responsible_units),
    )
    render = lambda item: item_json(item, current_user, with_history=False)  # noqa: E731
    count = lambda _query: visible_count(current_user, *filters)  # noqa: E731
    return paginated(query, render, args, counter=count)


def matching(user, joint_meeting, states, unit, text, duty, sort: str = "updated") -> Select:
    """The items the list gives USER with these filters, in SORT's order."""
    query = narrow(visible_items(user), Item.charter_id, joint_meeting)
    return filtered(query, states, unit, text, sort, duty)


@remembered
def visible_count(user, joint_meeting, states, unit, text, duty) -> int:
    """How many items the list gives USER with these filters: the list's exact `total`.

    Counting is linear in the items, and an integration polling the list asks the same count
    again and again: it is remembered until something changes (meeting.figures_cache). It is
    counted in two parts: the submitted items, which everyone in the joint meeting sees, from
    the small partial index ix_items_submitted alone; the drafts, a few among them, from
    ix_items_visible. Counted at once, the visibility condition made PostgreSQL read every
    entry of the wider index (100,000 items: ~4x the time of 1,000)."""
    query = matching(user, joint_meeting, states, unit, text, duty)
    submitted = narrow_count(query.where(Item.submitted_at.is_not(None)))
    return submitted + narrow_count(query.where(Item.submitted_at.is_(None)))


@bp.post("/items")
@operation("Create a draft for the caller's unit (liaisons)", body=bodies.NewItem,
           returns={201: resources.Item}, errors=WRITE, rules=(CITES, JOINT_MEETING))  # fmt: skip
def create(body: dict):
    return item_json(create_item(current_user, body), current_user), 201


@bp.get("/items/<int:item_id>")
@operation("One item, with available_events for the caller and its history",
           returns={200: resources.Item})  # fmt: skip
def show(item_id: int):
    return item_json(visible_item(item_id, *AS_SENT), current_user)


@bp.patch("/items/<int:item_id>")
@operation("Edit a draft or returned item (the proposing unit's liaisons)",
           body=bodies.ItemEdit, returns={200: resources.Item}, errors=WRITE,
           rules=(CITES,))  # fmt: skip
def edit(item_id: int, body: dict):
    item = update_item(visible_item(item_id, *AS_SENT), current_user, body, body.get("version"))
    return item_json(item, current_user)


@bp.post("/items/<int:item_id>/events/<event>")
@operation("Fire a workflow event (DOMAIN.md's agenda-item table)",
           body=bodies.ITEM_EVENT_BODIES, body_by="event", returns={200: resources.Item},
           errors=WRITE, rules={"submit": (CITES, SUBMITTED)})  # fmt: skip
def fire(item_id: int, event: str, body: dict):
    item = visible_item(item_id, *AS_SENT)
    return item_json(fire_event(item, event, current_user, body), current_user)


@bp.post("/items/<int:item_id>/attachments")
@operation("Upload one file (multipart field `file`) to a draft or returned item",
           upload=True, returns={201: resources.Upload}, errors=(*WRITE, 413),
           rules=("the file is of a type the office accepts (documents, spreadsheets, "
                  "images, PDF) and not empty",))  # fmt: skip
def attach(item_id: int):
    attachment = add_attachment(visible_item(item_id), current_user, request.files.get("file"))
    return resources.Upload(id=attachment.id, filename=attachment.filename,
                            size=attachment.size), 201  # fmt: skip


@bp.get("/items/<int:item_id>/attachments/<int:attachment_id>")
@operation("Download an attachment", returns={200: "*/*"})
def download(item_id: int, attachment_id: int):
    return send_attachment(visible_item(item_id), attachment_id)


# What `item_json` reads of an item beside its own row, loaded with it in one statement: an
# item has a few attachments and tasks, and a second statement for its tasks (selectinload)
# cost more than the rest of the item's loading (1 task: ~2.5 of ~4 ms).
AS_SENT = (
    joinedload(Item.unit),
    joinedload(Item.attachments),
    joinedload(Item.tasks).joinedload(Task.responsible_units),
)


def visible_item(item_id: int, *options) -> Item:
    """Item ITEM_ID if the caller may see it (loaded with OPTIONS), else 404."""
    item = db.session.get(Item, item_id, options=options)
    if item is None or not can_view(item, current_user):
        raise NotFound(_("There is no such page or record."))
    return item
