"""The typed contract: request and response models (pydantic 2) that pages, API and the
OpenAPI document all read.

`parse` is the one adapter between a body and a model: it returns the model, or raises
InvalidInput with a translated message per field (our 422 `{"error": "invalid", "fields"}`).
"""

from functools import cache
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from flask import g, has_request_context
from flask_babel import gettext as _
from pydantic import BaseModel, TypeAdapter, ValidationError

from meeting.contract.types import BLANKS
from meeting.errors import InvalidInput

Model = TypeVar("Model", bound=BaseModel)


class NotAnObject(dict):
    """Stands for a request body that is not a JSON object: empty to whoever reads it before
    parsing (so a missing record is still 404), refused by `parse`."""


def parse(model: type[Model], data: Any, strict: bool | None = None,
          blank_is_absent: bool = True) -> Model:  # fmt: skip
    """DATA as MODEL, or InvalidInput naming each bad field.

    During an API request input is held to the model strictly (a number is not text, "1" is
    not a number, an unknown field is refused); a page's form values, all text, are parsed
    leniently, blank values counting as absent and fields the model does not know (buttons,
    tokens) left aside. STRICT overrides that (a query string is text even in the API).
    """
    if isinstance(data, NotAnObject):
        raise InvalidInput({"body": _("Send a JSON object.")})
    if strict is None:
        strict = has_request_context() and g.get("api_request", False)
    if isinstance(data, dict) and not strict:
        known = known_fields(model)
        data = {k: v for k, v in data.items() if (known is None or k in known)
                and not (blank_is_absent and v in ("", None))}  # fmt: skip
    try:
        return adapter_for(model).validate_python(data, strict=strict)
    except ValidationError as error:
        raise InvalidInput(field_messages(error)) from None


def known_fields(model) -> frozenset[str] | None:
    """The field names MODEL takes: a model's own, or those of every model a union may pick."""
    if hasattr(model, "model_fields"):
        return frozenset(model.model_fields)
    if hasattr(model, "__value__"):  # a named alias
        return known_fields(model.__value__)
    if get_origin(model) is Annotated:
        return known_fields(get_args(model)[0])
    if get_origin(model) in (Union, UnionType):
        names = [n for n in map(known_fields, get_args(model)) if n is not None]
        return frozenset().union(*names) if names else None
    return None


@cache
def adapter_for(model) -> TypeAdapter:
    """A model class, or an annotated union of them (a meeting's decision), as one validator."""
    return TypeAdapter(model)


def field_messages(error: ValidationError) -> dict[str, str]:
    """Pydantic's errors as {field: message in the request's language}, first error per field
    (an error inside a list or object is the field's)."""
    fields: dict[str, str] = {}
    for detail in error.errors(include_url=False):
        names = [str(part) for part in detail["loc"] if not _is_tag(part)]
        if names and names[0] in PER_KEY and len(names) > 1:
            names = names[1:]  # attendance: each unit's mark under its code
        field = (detail.get("ctx") or {}).get("field") or (names[0] if names else "body")
        fields.setdefault(field, message(detail))
    return fields


# Fields holding a mapping whose errors are reported under each key.
PER_KEY = {"attendance"}


def _is_tag(part) -> bool:
    """A discriminated union names its branch in the location (decision=adopt → "adopt")."""
    return isinstance(part, str) and part.startswith("tag:")


def message(detail: dict) -> str:
    """One pydantic error in words a clerk reads (msgids are English, translated per request)."""
    kind, ctx = detail["type"], detail.get("ctx") or {}
    if kind == "missing":
        return _("Required.")
    if kind == "string_pattern_mismatch":
        value = detail.get("input")
        if isinstance(value, str) and not value.strip(BLANKS):
            return _("Required.")
        return (
            _("Must be text.")
            if isinstance(value, str) and "\x00" in value
            else _("Invalid value.")
        )
    if kind == "string_too_short":
        return _("Required.")
    if kind == "string_too_long":
        return _("At most %(n)d characters.", n=ctx["max_length"])
    if kind in ("string_type", "string_unicode"):
        return _("Must be text.")
    if kind.startswith("int_") or kind == "float_type":
        return _("Must be a whole number.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Must be at least %(n)s.", n=ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return _("Must be at most %(n)s.", n=ctx.get("le", ctx.get("lt")))
    if kind in ("literal_error", "enum", "union_tag_invalid", "union_tag_not_found"):
        return _("Choose one of: %(c)s.", c=_choices(ctx))
    if kind.startswith("date_"):
        return _("Give a date such as 2026-12-31.")
    if kind.startswith("datetime_") or kind.startswith("timezone_"):
        return _("Use a time such as 2026-12-01T09:30+08:00.")
    if kind.startswith("bool_"):
        return _("Must be true or false.")
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("Must be a list.")
    if kind in ("too_long", "too_short"):
        return _("Must have from %(lo)s to %(hi)s entries.", lo=ctx.get("min_length", 0),
                 hi=ctx.get("max_length", "…"))  # fmt: skip
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("Must be an object.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind in ("json_invalid", "json_type"):
        return _("Send a JSON object.")
    if kind == "value_error":
        return str(ctx.get("error", ""))  # our own validators raise translated messages
    return _("Invalid value.")


def _choices(ctx: dict) -> str:
    if "expected_tags" in ctx:
        return str(ctx["expected_tags"]).replace("'", "")
    return str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
