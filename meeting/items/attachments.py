"""Attachments of agenda items."""

import mimetypes
from pathlib import Path

from flask import Response
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from meeting.accounts.models import User
from meeting.downloads import attachment as download
from meeting.downloads import fallback_name
from meeting.errors import Forbidden, NotFound
from meeting.extensions import db
from meeting.items.models import Attachment, Item
from meeting.items.operations import can_edit, invalid_transition, is_proposer, record_change
from meeting.timeutil import utcnow
from meeting.uploads import read_upload, upload_folder

FOLDER = "items"


def add_attachment(item: Item, user: User, upload: FileStorage | None) -> Attachment:
    """Attach UPLOAD to ITEM (a draft or returned item of USER's unit)."""
    if not is_proposer(item, user):
        raise Forbidden(_("Only the proposing unit's liaisons can add attachments."))
    if not can_edit(item, user):
        raise invalid_transition(item, user)
    file = read_upload(upload)
    attachment = Attachment(
        item=item,
        filename=file.name,
        stored_name=file.stored_name,
        content_type=mimetypes.guess_type(file.name)[0] or "application/octet-stream",
        size=len(file.content),
        uploaded_by=user,
        uploaded_at=utcnow(),
    )
    db.session.add(attachment)
    record_change(item, "attach", item.state, user, {"file": file.name, "size": len(file.content)})
    file.store(FOLDER)
    return attachment


def attachment_path(attachment: Attachment) -> Path:
    return upload_folder(FOLDER) / attachment.stored_name


def send_attachment(item: Item, attachment_id: int) -> Response:
    """ITEM's attachment ATTACHMENT_ID as a download (404 if it is not one of ITEM's)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.item_id != item.id:
        raise NotFound(_("There is no such page or record."))
    return download(
        attachment_path(attachment).open("rb"),
        attachment.filename,
        fallback_name(attachment.filename, f"attachment-{attachment.id}"),
        attachment.content_type,
    )
