"""Files sent as downloads under their Chinese names, with an ASCII name for old clients.

`flask.send_file(download_name="工作进展通报-2026年第1期.docx")` drops every non-ASCII
character for the plain `filename=` and leaves "20261-.docx". Here the caller names the
ASCII fallback (`bulletin-2026-1.docx`) and the Chinese name travels in `filename*`
(RFC 6266, RFC 5987 encoding), which every current browser prefers.
"""

import io
import os
import re
import unicodedata
from typing import IO
from urllib.parse import quote

from flask import Response, request
from werkzeug.wsgi import wrap_file

# RFC 5987 attr-char: what may stand unencoded in filename*.
ATTR_CHARS = "!#$&+-.^_`|~"
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def attachment(data: bytes | IO[bytes], filename: str, fallback: str, mimetype: str) -> Response:
    """DATA (bytes, or a binary file the response reads and closes) as a download named
    FILENAME, and FALLBACK (made pure ASCII, safe characters only) for clients that do
    not read `filename*`."""
    file = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    size = _size(file)
    response = Response(
        wrap_file(request.environ, file), mimetype=mimetype, direct_passthrough=True
    )
    response.headers["Content-Disposition"] = content_disposition(filename, fallback)
    response.content_length = size
    response.cache_control.no_cache = True
    # As send_file: If-None-Match / Range requests answered (a 206 sets its own length).
    return response.make_conditional(request.environ, accept_ranges=True, complete_length=size)


def content_disposition(filename: str, fallback: str) -> str:
    plain = safe_ascii(fallback) or "download"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe=ATTR_CHARS)}"


def safe_ascii(name: str) -> str:
    """NAME folded to ASCII (é → e), every run of other characters one "-", no dash or dot
    at either end of the name or beside the extension's dot."""
    stem, ext = os.path.splitext(_fold(name).lstrip("-."))
    ext = ext if re.fullmatch(r"\.[A-Za-z0-9]+", ext) else ""
    stem = stem.strip("-.")
    return f"{stem}{ext}" if stem else ""


def fallback_name(filename: str, default_stem: str) -> str:
    """An ASCII name for an uploaded FILENAME: its folded self when that keeps most of the
    name ("Résumé 2026.pdf" → "Resume-2026.pdf"), else DEFAULT_STEM with the file's
    extension ("名单.xlsx" → "attachment-7.xlsx")."""
    stem, ext = os.path.splitext(filename)
    ext = ext.lower() if re.fullmatch(r"\.[A-Za-z0-9]{1,10}", ext) else ""
    folded = _fold(stem).strip("-.")
    kept = sum(char.isalnum() for char in folded)
    wanted = sum(char.isalnum() for char in stem)
    if kept * 2 > wanted and re.search(r"[A-Za-z]", folded):
        return folded + ext
    return f"{default_stem}{ext}"


def _fold(name: str) -> str:
    """NAME in ASCII: accents dropped, other characters a "-" per run."""
    decomposed = unicodedata.normalize("NFKD", name)
    return UNSAFE.sub("-", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _size(file: IO[bytes]) -> int:
    if isinstance(file, io.BytesIO):
        return file.getbuffer().nbytes
    try:
        return os.fstat(file.fileno()).st_size - file.tell()
    except (AttributeError, OSError, io.UnsupportedOperation):
        start = file.tell()
        end = file.seek(0, os.SEEK_END)
        file.seek(start)
        return end - start
