"""Attachments of agenda items: checked, stored on disk by a generated name, served back."""

import mimetypes
import unicodedata
import uuid
from pathlib import Path, PurePath

from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from meeting.accounts.models import User
from meeting.errors import Forbidden, InvalidInput
from meeting.extensions import db
from meeting.items.models import Attachment, Item
from meeting.items.operations import can_edit, invalid_transition, is_proposer, record_change
from meeting.timeutil import utcnow

# Office documents (including WPS and OFD), PDF, images, plain text and archives.
ALLOWED_EXTENSIONS = {
    "pdf", "ofd", "doc", "docx", "wps", "xls", "xlsx", "et", "ppt", "pptx", "dps",
    "txt", "csv", "jpg", "jpeg", "png", "gif", "zip", "rar", "7z",
}  # fmt: skip


def upload_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "items"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def display_name(raw: str) -> str:
    """The uploaded name without any path or control characters (Chinese kept)."""
    name = PurePath(raw.replace("\\", "/")).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    return name[:200]


def add_attachment(item: Item, user: User, upload: FileStorage | None) -> Attachment:
    """Attach UPLOAD to ITEM (a draft or returned item of USER's unit)."""
    if not is_proposer(item, user):
        raise Forbidden(_("Only the proposing unit's liaisons can add attachments."))
    if not can_edit(item, user):
        raise invalid_transition(item, user)
    if upload is None or not upload.filename:
        raise InvalidInput({"file": _("Choose a file.")})
    name = display_name(upload.filename)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_EXTENSIONS:
        allowed = ", ".join(sorted(ALLOWED_EXTENSIONS))
        raise InvalidInput(
            {"file": _("This file type is not accepted. Accepted: %(a)s.", a=allowed)}
        )
    content = upload.read(current_app.config["MAX_ATTACHMENT_BYTES"] + 1)
    if len(content) > current_app.config["MAX_ATTACHMENT_BYTES"]:
        limit = current_app.config["MAX_ATTACHMENT_BYTES"] // (1024 * 1024)
        raise InvalidInput({"file": _("The file is larger than %(n)d MB.", n=limit)})
    if not content:
        raise InvalidInput({"file": _("The file is empty.")})
    stored_name = f"{uuid.uuid4().hex}.{extension}"
    attachment = Attachment(
        item=item,
        filename=name,
        stored_name=stored_name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=len(content),
        uploaded_by=user,
        uploaded_at=utcnow(),
    )
    db.session.add(attachment)
    record_change(item, "attach", item.state, user, {"file": name, "size": len(content)})
    # Written last, once the database accepted the row; a later failed commit leaves an
    # unreferenced file, never a row without its file.
    (upload_folder() / stored_name).write_bytes(content)
    return attachment


def attachment_path(attachment: Attachment) -> Path:
    return upload_folder() / attachment.stored_name
