"""One transaction per request, for pages and API alike (Indico's request handler is the model).

A view changes the session and returns; the request commits once after it. Any exception the
view raises rolls everything back before the error handlers answer, so state, history and
notifications are written together or not at all. Views never commit themselves; a view that
catches a refusal to answer with a form rolls back what it started (`meeting.pages.attempt`).
"""

from flask import Flask

from meeting.extensions import db


class TransactionalFlask(Flask):
    """Flask whose every view runs inside one database transaction."""

    def dispatch_request(self):
        try:
            response = super().dispatch_request()
            # Committed before the response is built: a failing commit (a collision another
            # request won) still reaches the error handlers as an exception.
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        return response
