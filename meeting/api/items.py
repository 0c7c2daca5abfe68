"""Agenda items: /api/v1/items (API.md)."""

from flask import request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from meeting.api import bp
from meeting.api.pagination import paginated
from meeting.errors import InvalidInput, NotFound
from meeting.extensions import db
from meeting.items.attachments import add_attachment, attachment_path
from meeting.items.models import Attachment, Item
from meeting.items.operations import can_view, create_item, fire_event, update_item
from meeting.items.queries import SORTS, filtered, visible_items
from meeting.items.serialize import item_json
from workflows.agenda_item import STATES


@bp.get("/items")
def list_items():
    """Items the caller may see; `?state=` (repeatable or comma-separated), `?unit=`, `?q=`."""
    states = [s for value in request.args.getlist("state") for s in value.split(",") if s]
    if bad := [s for s in states if s not in STATES]:
        raise InvalidInput({"state": _("Unknown state(s): %(s)s.", s=", ".join(bad))})
    sort = request.args.get("sort", "updated")
    if sort not in SORTS:
        raise InvalidInput({"sort": _("Choose one of: %(c)s.", c=", ".join(SORTS))})
    query = filtered(
        visible_items(current_user), states, request.args.get("unit"), request.args.get("q"), sort
    ).options(
        selectinload(Item.unit), selectinload(Item.attachments)
    )  # one query each, not per row
    return paginated(query, lambda item: item_json(item, current_user, with_history=False))


@bp.post("/items")
def create():
    item = create_item(current_user, json_body())
    db.session.commit()
    return item_json(item, current_user), 201


@bp.get("/items/<int:item_id>")
def show(item_id: int):
    return item_json(visible_item(item_id), current_user)


@bp.patch("/items/<int:item_id>")
def edit(item_id: int):
    body = json_body()
    item = update_item(visible_item(item_id), current_user, body, body.get("version"))
    db.session.commit()
    return item_json(item, current_user)


@bp.post("/items/<int:item_id>/events/<event>")
def fire(item_id: int, event: str):
    item = fire_event(visible_item(item_id), event, current_user, json_body())
    db.session.commit()
    return item_json(item, current_user)


@bp.post("/items/<int:item_id>/attachments")
def attach(item_id: int):
    """Upload one file (multipart field `file`) to a draft or returned item."""
    attachment = add_attachment(visible_item(item_id), current_user, request.files.get("file"))
    db.session.commit()
    return {"id": attachment.id, "filename": attachment.filename, "size": attachment.size}, 201


@bp.get("/items/<int:item_id>/attachments/<int:attachment_id>")
def download(item_id: int, attachment_id: int):
    return send_attachment(visible_item(item_id), attachment_id)


def visible_item(item_id: int) -> Item:
    item = db.session.get(Item, item_id)
    if item is None or not can_view(item, current_user):
        raise NotFound(_("There is no such page or record."))
    return item


def send_attachment(item: Item, attachment_id: int):
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.item_id != item.id:
        raise NotFound(_("There is no such page or record."))
    return send_file(
        attachment_path(attachment),
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
    )


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput({"body": _("Send a JSON object.")})
    return body
