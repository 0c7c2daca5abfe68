"""Errors as users see them: JSON under /api, a Chinese (or English) page elsewhere."""

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from meeting.extensions import db
from workflows.i18n import N_


class InvalidInput(Exception):
    """A request whose fields are missing or malformed: 422 with a message per field."""

    def __init__(self, fields: dict[str, str]):
        super().__init__(fields)
        self.fields = fields


# HTTP status -> (API error code, message). Messages are msgids, translated per request.
MESSAGES = {
    400: ("bad_request", N_("The request could not be understood.")),
    401: ("unauthorized", N_("Sign in first (the API needs a valid bearer token).")),
    403: ("forbidden", N_("Your role or unit may not do this.")),
    404: ("not_found", N_("There is no such page or record.")),
    405: ("method_not_allowed", N_("This action is not allowed here.")),
    409: ("conflict", N_("This conflicts with the record's current state.")),
    413: ("too_large", N_("The upload is too large.")),
    415: ("unsupported_media_type", N_("Pages take forms; the JSON API is under /api/v1.")),
    422: ("invalid", N_("Some fields are missing or malformed.")),
    429: ("too_many_requests", N_("Too many attempts. Wait a while and try again.")),
    500: ("server_error", N_("Something went wrong on the server. Nothing was changed.")),
}


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.before_request(_pages_take_forms)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(InvalidInput, _invalid_input)
    app.register_error_handler(WorkflowError, _workflow_error)
    app.register_error_handler(IntegrityError, _collision)
    app.register_error_handler(StaleDataError, _collision)
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(Exception, _server_error)


def _pages_take_forms():
    """A page's form posted as JSON (Flask-WTF would parse it, to any depth) is refused."""
    if request.is_json and not wants_json() and request.method not in ("GET", "HEAD"):
        return error_response(415)
    return None


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, **extra):
    code, message = MESSAGES.get(status, (str(status), "Error."))
    if wants_json():
        return {"error": code, "message": _(message), **extra}, status
    return render_template("error.html", status=status, message=_(message)), status


def _http_error(error: HTTPException):
    body, status = error_response(error.code or 500)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        return body, status, {"Allow": ", ".join(sorted(error.valid_methods))}
    return body, status


def _csrf_error(_error: CSRFError):
    db.session.rollback()
    if wants_json():
        return error_response(400)
    message = _("The form has expired. Go back, reload the page and submit again.")
    return render_template("error.html", status=400, message=message), 400


def _invalid_input(error: InvalidInput):
    db.session.rollback()
    return error_response(422, fields=error.fields)


def _workflow_error(error: "WorkflowError"):
    db.session.rollback()
    if wants_json():
        return error.body(), error.status
    return render_template("error.html", status=error.status, message=error.message), error.status


# PostgreSQL's codes for a transaction that lost to a concurrent one: serialization failure,
# deadlock, lock not available.
LOST_RACE_CODES = {"40001", "40P01", "55P03"}


def _collision(error: Exception):
    """Another request won: a unique number or key it took first (IntegrityError), or a row it
    changed under us (StaleDataError). The database refused; nothing was written: 409."""
    db.session.rollback()
    from flask import current_app

    current_app.logger.warning("Collision answered 409: %s", error.__class__.__name__)
    message = _("Someone else changed this meanwhile; reload it.")
    if wants_json():
        return {"error": "stale", "message": message}, 409
    return render_template("error.html", status=409, message=message), 409


def _database_error(error: DBAPIError):
    """A transaction PostgreSQL gave up in favour of a concurrent one is a collision too;
    any other database error is the server's."""
    if getattr(error.orig, "sqlstate", None) in LOST_RACE_CODES:
        return _collision(error)
    return _server_error(error)


def _server_error(error: Exception):
    db.session.rollback()
    if isinstance(error, HTTPException):
        return _http_error(error)
    from flask import current_app

    current_app.logger.exception("Unhandled error")
    return error_response(500)


class WorkflowError(Exception):
    """A refused workflow request: the status and JSON body of API.md's table."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, **extra):
        super().__init__(message)
        self.message = message
        self.extra = extra

    def body(self) -> dict:
        return {"error": self.code, "message": self.message, **self.extra}


class Forbidden(WorkflowError):
    status, code = 403, "forbidden"


class NotFound(WorkflowError):
    status, code = 404, "not_found"


class UnknownEvent(WorkflowError):
    status, code = 404, "unknown_event"


class InvalidTransition(WorkflowError):
    status, code = 409, "invalid_transition"


class Stale(WorkflowError):
    status, code = 409, "stale"
