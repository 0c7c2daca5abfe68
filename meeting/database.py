"""Engine set-up: SQLite pragmas and write-safe transactions; PostgreSQL's pooled connections
checked without a round trip."""

import select
import time
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, has_request_context, request
from sqlalchemy import event, exc, text
from sqlalchemy.engine import Engine

from meeting.extensions import db

# A pooled PostgreSQL connection unused for longer than this is pinged before use (see
# `_check_pooled_connections`).
PING_AFTER_IDLE_SECONDS = 30


def before_engine(app: Flask) -> None:
    """Engine options that depend on the database: PostgreSQL checks its pooled connections
    itself (`_check_pooled_connections`) instead of SQLAlchemy's ping before every use."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["pool_pre_ping"] = False
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def init_app(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _configure_sqlite(db.engine)
        elif db.engine.dialect.name == "postgresql":
            _check_pooled_connections(db.engine)


def _check_pooled_connections(engine: Engine) -> None:
    """A connection the server has ended (restarted, or the backend terminated) is replaced
    before a request uses it, as `pool_pre_ping` would, without its round trip on every use:
    under gunicorn that ping cost ~1 of an item GET's ~9 ms. A server that ends a connection
    says so on its socket, which is then readable with nothing asked: that is looked at, free.
    A connection idle for a while (whose server may have gone without a word: a host that
    went down) is pinged as before."""

    @event.listens_for(engine, "checkin")
    def returned(_dbapi_connection, record):
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def checked_out(dbapi_connection, record, _proxy):
        returned_at = record.info.get("returned_at")
        if returned_at is None:
            return  # just connected
        idle = time.monotonic() - returned_at
        try:
            if idle < PING_AFTER_IDLE_SECONDS and not server_spoke(dbapi_connection):
                return
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool drops this connection and connects again.
            raise exc.DisconnectionError(str(error)) from error


def server_spoke(dbapi_connection) -> bool:
    """Whether an idle connection's socket has something to read, or is closed: an idle
    server only writes to say it is ending the connection. (poll: gunicorn's sync workers,
    not gevent's patched one.)"""
    if dbapi_connection.closed:
        return True
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


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
