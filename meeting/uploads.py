"""Uploaded files: checked (type, size), stored under the instance folder by a generated name."""

import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePath

from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from meeting.errors import InvalidInput

# Office documents (including WPS and OFD), PDF, images, plain text and archives.
ALLOWED_EXTENSIONS = {
    "pdf", "ofd", "doc", "docx", "wps", "xls", "xlsx", "et", "ppt", "pptx", "dps",
    "txt", "csv", "jpg", "jpeg", "png", "gif", "zip", "rar", "7z",
}  # fmt: skip


@dataclass
class Upload:
    name: str  # as uploaded, for display only
    stored_name: str  # generated: nothing of the uploaded name reaches the disk
    content: bytes

    def store(self, folder: str) -> None:
        """Write the file under the instance's uploads/FOLDER.

        Callers write it last, once the database accepted the row: a later failed commit
        leaves an unreferenced file, never a row without its file.
        """
        (upload_folder(folder) / self.stored_name).write_bytes(self.content)


def read_upload(upload: FileStorage | None, field: str = "file") -> Upload:
    """Check an uploaded file; raise InvalidInput naming FIELD when it is not acceptable."""
    if upload is None or not upload.filename:
        raise InvalidInput({field: _("Choose a file.")})
    name = display_name(upload.filename)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_EXTENSIONS:
        allowed = ", ".join(sorted(ALLOWED_EXTENSIONS))
        raise InvalidInput(
            {field: _("This file type is not accepted. Accepted: %(a)s.", a=allowed)}
        )
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise InvalidInput(
            {field: _("The file is larger than %(n)d MB.", n=limit // (1024 * 1024))}
        )
    if not content:
        raise InvalidInput({field: _("The file is empty.")})
    return Upload(name, f"{uuid.uuid4().hex}.{extension}", content)


def upload_folder(folder: str) -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / folder
    path.mkdir(parents=True, exist_ok=True)
    return path


def display_name(raw: str) -> str:
    """The uploaded name without any path or control characters (Chinese kept)."""
    name = PurePath(raw.replace("\\", "/")).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    return name[:200]
