"""Paginated lists: `{"items": [...], "page": n, "pages": n, "total": n}`."""

from collections.abc import Callable

from sqlalchemy import Select

from meeting.contract.queries import Query
from meeting.extensions import db


def paginated(query: Select, render: Callable, args: Query) -> dict:
    """One page of QUERY's rows, each rendered as a contract resource, as ARGS ask."""
    result = db.paginate(query, page=args.page, per_page=args.per_page, error_out=False, count=True)
    return {
        "items": [render(row).json() for row in result.items],
        "page": args.page,
        "pages": result.pages,
        "total": result.total,
    }
