"""Figures over a whole joint meeting, remembered until something changes.

The workbench's charts and the analytics count, sum and rank every item and task of a joint
meeting: at 100,000 items each figure is a scan, yet between two looks nothing may have
changed. Every change writes a history row in its own transaction (meeting.history), so the
newest history id says whether anything did; that is one index lookup. A figure is kept per
worker, keyed by its function, its arguments (a person by id: what they see is theirs) and the
person's language, for as long as the newest history id stays the same, and a minute at most:
ids are taken when rows are written, not when they commit (PostgreSQL), and a few changes
write no history (`flask charter load`, `flask users grant`), so nothing is kept longer than a
minute whatever the history says. Figures of an older generation are dropped, not kept.
"""

import threading
import time
from collections import OrderedDict
from copy import deepcopy
from datetime import date, datetime
from functools import wraps

from flask import current_app, g, has_request_context
from flask_babel import get_locale
from sqlalchemy import func, select
from sqlalchemy.orm import QueryableAttribute

from meeting.accounts.models import User
from meeting.database import reading
from meeting.extensions import db
from meeting.history import History

SIZE = 512  # figures kept per worker; each is small (counts per state, per unit, per month)
LIFETIME = 60  # seconds a figure is kept at most

_kept: OrderedDict = OrderedDict()
_generation: tuple[int, int] | None = None  # (newest history id, minute) of what is kept
_lock = threading.Lock()


def latest_change() -> int:
    """The newest history id: it moves whenever anything a figure counts changes. A request
    that only reads asks once, however many figures its page shows."""
    if not (has_request_context() and reading()):
        return db.session.scalar(select(func.max(History.id))) or 0
    if "latest_change" not in g:
        g.latest_change = db.session.scalar(select(func.max(History.id))) or 0
    return g.latest_change


def remembered(function=None, *, shared: bool = False):
    """FUNCTION's result for the same arguments, computed again only after a change. Each
    caller gets a copy (a caller may add to the dicts it gets), unless SHARED: a large result
    nobody changes."""
    if function is None:
        return lambda function: remembered(function, shared=shared)

    @wraps(function)
    def figure(*args, **kwargs):
        if not current_app.config.get("FIGURES_CACHE", True):
            return function(*args, **kwargs)
        global _generation
        key = (
            function.__module__,
            function.__qualname__,
            _key(args),
            _key(kwargs),
            str(get_locale()) if has_request_context() else "",
        )
        generation = (latest_change(), int(time.monotonic() // LIFETIME))
        with _lock:
            if generation != _generation:  # something changed, or a minute passed
                _kept.clear()
                _generation = generation
            if key in _kept:
                _kept.move_to_end(key)
                value = _kept[key]
                return value if shared else deepcopy(value)
        value = function(*args, **kwargs)
        with _lock:
            if generation != _generation:  # a newer generation began meanwhile
                return value if shared else deepcopy(value)
            _kept[key] = value
            while len(_kept) > SIZE:
                _kept.popitem(last=False)
        return value if shared else deepcopy(value)

    return figure


def forget() -> None:
    """Drop every kept figure (tests that change rows behind the history's back)."""
    with _lock:
        _kept.clear()


def _key(value):
    """VALUE as a hashable key: a person as their id, a moment to the minute."""
    if isinstance(value, User):
        return ("user", value.id)
    if isinstance(value, datetime):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, date | int | float | str | bool | type(None)):
        return value
    if isinstance(value, list | tuple):
        return tuple(_key(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _key(v)) for k, v in value.items()))
    if isinstance(value, QueryableAttribute):  # a column named, such as Item.submitted_at
        return str(value)
    if hasattr(value, "id") and hasattr(value, "__tablename__"):  # a record: by table and id
        return (value.__tablename__, value.id)
    raise TypeError(f"cannot remember a figure of {type(value).__name__}")
