"""A pooled database connection that has died is replaced before a request uses it: the
database restarted, or an administrator ended the session. On PostgreSQL the server ends the
connection (meeting.database checks its socket instead of pinging before every use); on
SQLite, which has no server, the connection is closed under the pool (SQLAlchemy's ping)."""

import time

from sqlalchemy import create_engine, text

from meeting.database import server_spoke
from meeting.extensions import db


def pooled_connection(app):
    """The one connection the app's pool holds after a request, and its server process id."""
    with app.app_context():
        db.engine.dispose()
        with db.engine.connect() as connection:
            dbapi_connection = connection.connection.dbapi_connection
            pid = _backend_pid(connection)
    return dbapi_connection, pid


def _backend_pid(connection):
    if connection.dialect.name == "postgresql":
        return connection.execute(text("SELECT pg_backend_pid()")).scalar()
    return None


def end_from_outside(app, dbapi_connection, pid) -> None:
    """End the connection as its database would: PostgreSQL's administrator terminates the
    backend (and the server says so on the socket); SQLite's is closed under the pool."""
    if pid is None:
        dbapi_connection.close()
        return
    with app.app_context():
        url = db.engine.url
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            ended = connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            assert ended.scalar() is True
    finally:
        admin.dispose()
    for _ in range(250):  # the termination reaches the client's socket a moment later
        if server_spoke(dbapi_connection):
            return
        time.sleep(0.02)
    raise AssertionError("the terminated connection's socket never said so")


def test_a_connection_ended_under_the_pool_is_replaced_before_a_request_uses_it(app, api):
    assert api.get("/api/v1/units", "office").status_code == 200
    dbapi_connection, pid = pooled_connection(app)
    end_from_outside(app, dbapi_connection, pid)

    response = api.get("/api/v1/units", "office")
    assert response.status_code == 200, response.data
    with app.app_context(), db.engine.connect() as connection:
        assert connection.connection.dbapi_connection is not dbapi_connection
        if pid is not None:
            assert _backend_pid(connection) != pid
