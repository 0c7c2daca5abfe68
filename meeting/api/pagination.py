"""Paginated lists: `{"items": [...], "page": n, "pages": n, "total": n}`."""

from collections.abc import Callable

from sqlalchemy import Select

from meeting.contract.queries import Query
from meeting.pagination import paginate


def paginated(query: Select, render: Callable, args: Query) -> dict:
    """One page of QUERY's rows, each rendered as a contract resource, as ARGS ask."""
    result = paginate(query, args.page, args.per_page)  # API.md: `total` is exact
    return {
        "items": [render(row).json() for row in result.items],
        "page": args.page,
        "pages": result.pages,
        "total": result.total,
    }
