"""Paginated lists: `{"items": [...], "page": n, "pages": n, "total": n}`."""

from collections.abc import Callable

from flask import current_app, request
from sqlalchemy import Select

from meeting.errors import InvalidInput
from meeting.extensions import db


def page_args(default_per_page: int = 50) -> tuple[int, int]:
    """Read `page` and `per_page` from the query string, refusing bad values with 422."""
    errors = {}
    values = {}
    limit = current_app.config["API_MAX_PER_PAGE"]
    for name, default, upper in (("page", 1, None), ("per_page", default_per_page, limit)):
        raw = request.args.get(name, str(default))
        value = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0
        if value < 1 or (upper and value > upper):
            errors[name] = f"must be a whole number from 1{f' to {upper}' if upper else ''}"
        values[name] = value
    if errors:
        raise InvalidInput(errors)
    return values["page"], values["per_page"]


def paginated(query: Select, render: Callable, default_per_page: int = 50) -> dict:
    page, per_page = page_args(default_per_page)
    result = db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)
    return {
        "items": [render(row) for row in result.items],
        "page": page,
        "pages": result.pages,
        "total": result.total,
    }
