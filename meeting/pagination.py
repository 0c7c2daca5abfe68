"""Pages of a list whose count stays cheap as the data grows.

Flask-SQLAlchemy counts a page's total as `SELECT count(*) FROM (the whole query)`: every
column of every matching row, so at 100,000 items the count cost more than the page. Here the
count selects a constant (an index can answer it), and pages for people count only up to a cap:
nobody pages through a thousand rows, they search; the page says 「1000+」.
"""

from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select, func, literal, select

from meeting.extensions import db

# Pages for people count at most this many rows (and always some pages past the one shown).
COUNT_CAP = 1000


def narrow_count(query: Select, limit: int | None = None) -> int:
    """How many rows QUERY yields (at most LIMIT), counting a constant rather than its columns."""
    if query._distinct or query._group_by_clauses:  # the columns decide what a row is
        inner = query.order_by(None)
    else:
        inner = query.with_only_columns(literal(1), maintain_column_froms=True).order_by(None)
    if limit is not None:
        inner = inner.limit(limit)
    return db.session.scalar(select(func.count()).select_from(inner.subquery()))


class CountedPage(SelectPagination):
    """Flask-SQLAlchemy's page of a select, counted narrowly and, with `cap`, only so far.

    `more` is true when there are more rows than `total` says (the count stopped at the cap).
    """

    def __init__(self, *args, cap: int | None = None, counter=narrow_count, **kwargs):
        self._cap = cap
        self._counter = counter
        self.more = False
        super().__init__(*args, **kwargs)

    def _query_count(self) -> int:
        query = self._query_args["select"]
        if self._cap is None:
            return self._counter(query)
        # Enough to show ten pages past this one, so the pager's next links are real.
        cap = max(self._cap, (self.page + 10) * self.per_page)
        found = narrow_count(query, cap + 1)
        self.more = found > cap
        return min(found, cap)


def paginate(query: Select, page: int, per_page: int, cap: int | None = None,
             counter=narrow_count) -> CountedPage:  # fmt: skip
    """Page PAGE of QUERY, PER_PAGE rows, the total counted up to CAP (None: exactly, by
    COUNTER, a list's own way to count QUERY's rows)."""
    return CountedPage(
        select=query, session=db.session(), page=page, per_page=per_page, max_per_page=None,
        error_out=False, count=True, cap=cap, counter=counter,
    )  # fmt: skip
