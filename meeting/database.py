"""Engine set-up: SQLite pragmas and write-safe transactions."""

from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, has_request_context, request
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from meeting.extensions import db


def init_app(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _configure_sqlite(db.engine)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A deferred transaction that reads then writes fails at once with "database is
        # locked" when another writer got in between; IMMEDIATE waits for busy_timeout instead.
        # A page or API read writes nothing: it begins deferred and never waits for writers
        # (WAL lets it read the last commit while one writes).
        connection.exec_driver_sql("BEGIN" if reading() else "BEGIN IMMEDIATE")


def reading() -> bool:
    """Whether the work at hand only reads: a GET (HEAD, OPTIONS) request, or `only_reading`."""
    return _only_reading.get() or (has_request_context() and request.method in READ_METHODS)


_only_reading: ContextVar[bool] = ContextVar("only_reading", default=False)


@contextmanager
def only_reading():
    """A transaction begun inside this block only reads: on SQLite it begins deferred and holds
    no writer back (a long computation, whose few result rows are written afterwards in a
    transaction of their own). Writing in it would fail at once if another writer got in."""
    token = _only_reading.set(True)
    try:
        yield
    finally:
        _only_reading.reset(token)


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def refresh_statistics() -> None:
    """Have the database look at its tables again after a bulk load, so its planner walks the
    list indexes: ANALYZE (SQLite, unlike PostgreSQL's autovacuum, never does on its own).
    PostgreSQL also VACUUMs, as autovacuum would soon: until it has, the new rows' visibility
    is checked in the table itself (counts cannot be answered from an index alone), and an
    autovacuum run starting under the first requests slows them."""
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:  # VACUUM runs outside any transaction
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE"
            )
        return
    db.session.execute(text("ANALYZE"))
    db.session.commit()
