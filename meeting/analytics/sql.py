"""SQL pieces the figures share, portable between SQLite and PostgreSQL (imports nothing of
the app but the database, so any query module may use them)."""

from sqlalchemy import Boolean, Float, Integer, case, func, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from meeting.extensions import db


def count_where(condition):
    """COUNT of the rows where CONDITION holds, as an aggregate (0 when there are none)."""
    one, zero = literal_column("1"), literal_column("0")  # constants, not parameters
    return func.coalesce(func.sum(case((condition, one), else_=zero)), zero)


def json_elements(column):
    """The elements of the JSON array COLUMN as a table (column `value`, text), to join a row
    with each of them: PostgreSQL's json_array_elements_text, SQLite's json_each."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.json_array_elements_text(column).table_valued("value").render_derived()
    return func.json_each(column).table_valued("value")


class seconds_between(FunctionElement):  # noqa: N801 (an SQL function, named like one)
    """The seconds from timestamp START to timestamp END, in SQL."""

    type = Float()
    inherit_cache = True


@compiles(seconds_between)
def _seconds_postgresql(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


class days_between(FunctionElement):  # noqa: N801
    """The whole calendar days from date START to date END (negative when END is earlier)."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_postgresql(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST({end} AS DATE) - CAST({start} AS DATE))"


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(round(julianday({end}) - julianday({start})) AS INTEGER)"


class rarely(FunctionElement):  # noqa: N801
    """CONDITION, told to SQLite's planner as rarely true (`unlikely`). Its statistics count
    distinct values only: a column where one value fills nearly every row (an item's source:
    "unit") looks useless to an index, and the planner walks the whole table instead of the
    few other rows. PostgreSQL's statistics see the skew: it gets CONDITION as it is."""

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True  # a condition as it is, not `unlikely(...) = 1`


@compiles(rarely)
def _rarely(element, compiler, **kw):
    return f"({compiler.process(element.clauses, **kw)})"


@compiles(rarely, "sqlite")
def _rarely_sqlite(element, compiler, **kw):
    return f"unlikely({compiler.process(element.clauses, **kw)})"
