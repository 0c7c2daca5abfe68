"""Paginated lists: `{"items": [...], "page": n, "pages": n, "total": n}`."""

from collections.abc import Callable

from sqlalchemy import Select

from meeting.contract.queries import Query
from meeting.pagination import narrow_count, paginate


def paginated(query: Select, render: Callable, args: Query, counter=narrow_count) -> dict:
    """One page of QUERY's rows, each rendered as a contract resource, as ARGS ask; the total
    counted by COUNTER."""
    result = paginate(query, args.page, args.per_page, counter=counter)  # `total` is exact
    return {
        "items": [render(row).json() for row in result.items],
        "page": args.page,
        "pages": result.pages,
        "total": result.total,
    }
