"""`@operation`: what an API view takes and answers, declared once beside the view.

The decorator parses the query string and the JSON body into the declared models before the
view runs (a bad one is a 422 naming each field), and keeps the declaration on the view so
`meeting.api.openapi` can describe every route from the URL map.
"""

from dataclasses import dataclass, field
from functools import wraps

from flask import request
from pydantic import BaseModel

from meeting.contract import NotAnObject, parse
from meeting.contract.resources import Resource

# Statuses and what they mean, for the document.
ERROR_MEANINGS = {
    401: "unauthorized: a missing or wrong bearer token",
    403: "forbidden: the caller's role or unit may not do this",
    404: "not_found (or unknown_event): no such record, or one the caller may not see",
    409: "invalid_transition (with state, available_events) or stale (with version)",
    413: "too_large: the upload is too large",
    422: "invalid: a message per bad field",
}
READ = (401,)
WRITE = (401, 403, 409, 422)


@dataclass
class Operation:
    """One API operation: summary, inputs, outputs."""

    summary: str
    body: type | dict[str, type] | None = None  # a dict: one body per value of `body_by`
    body_by: str | None = None  # the path parameter that picks the body (an event's name)
    query: type[BaseModel] | None = None
    returns: dict[int, type | str] = field(default_factory=dict)  # a model, or a media type
    errors: tuple[int, ...] = READ
    public: bool = False
    upload: bool = False  # takes a multipart form with one `file`
    description: str = ""
    # Rules of the domain that no schema can state (a duty the unit holds, a deadline not yet
    # past): input of the right shape that breaks one is refused with 422, and the document
    # says so, operation by operation (`x-rules`); an event route names them per event.
    rules: tuple[str, ...] | dict[str, tuple[str, ...]] = ()


def operation(summary: str, **declared):
    """Declare an API view's inputs and outputs (fields of `Operation`).

    The view gets `args` (the parsed query) and `body` (the JSON object sent, which the
    service it calls parses with the declared model) when it declares them.
    """
    spec = Operation(summary, **declared)

    def decorate(view):
        @wraps(view)
        def run(**path_args):
            if spec.query is not None:
                path_args["args"] = parse(
                    spec.query, query_values(spec.query), strict=False, blank_is_absent=False
                )
            if spec.body is not None:
                path_args["body"] = json_body()
            return _json(view(**path_args))

        run.operation = spec
        return run

    return decorate


def _json(result):
    """A view's resource (or resource and status) as the JSON Flask sends."""
    if isinstance(result, tuple):
        return (_json(result[0]), *result[1:])
    return result.json() if isinstance(result, Resource) else result


def query_values(model: type[BaseModel]) -> dict:
    """The query string as the model's fields: lists from repeated parameters."""
    values = {}
    for name, info in model.model_fields.items():
        if name in request.args:
            many = getattr(info.annotation, "__origin__", None) is list
            values[name] = request.args.getlist(name) if many else request.args[name]
    return values


def json_body() -> dict:
    """The request's JSON object, for the service to parse with its model after it has found
    the record and checked who may act (404 and 403 come first, whatever the body)."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser's stack: not an object we take
        body = None
    return body if isinstance(body, dict) else NotAnObject()
