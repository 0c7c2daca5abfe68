"""Which joint meetings a request may see, applied in one place to every query.

A person sees only the joint meetings they hold a role in (an administrator sees them all).
Once a request knows who asks (`enter_scope`), every ORM SELECT of a table that belongs to a
joint meeting gets `charter_id IN (theirs)` added by a session event: lists, pages, lookups
by id, relationships, documents and feeds alike. Views never filter for it themselves.

The request also has a *current* joint meeting (the header's switcher): the one pages work
in and lists narrow to. Objects are acted on in their own joint meeting (`User.acting_in`).
"""

import functools
import re

from flask import g, has_request_context, session
from flask_babel import gettext as _
from sqlalchemy import ForeignKey, event, or_, select
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    mapped_column,
    with_loader_criteria,
)

from meeting.accounts.models import User
from meeting.charter.models import Charter, Clause, Unit
from meeting.errors import InvalidInput, NotFound
from meeting.extensions import db
from meeting.notifications.models import Notification

SWITCHER_KEY = "joint_meeting"
CODE_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")  # a charter's code (charter.schema)


class InJointMeeting:
    """Mixin of the models whose rows belong to one joint meeting (a `charter_id` column)."""

    charter_id: Mapped[int] = mapped_column(ForeignKey("charters.id"), index=True)

    @property
    def joint_meeting(self) -> str | None:
        """The code of the joint meeting the row belongs to (API.md v1.1's `joint_meeting`)."""
        return joint_meeting_code(self.charter_id)


def joint_meeting_code(charter_id: int | None) -> str | None:
    charter = db.session.get(Charter, charter_id) if charter_id is not None else None
    return charter.code if charter else None


def enter_scope(user: User) -> None:
    """From now on this request sees what USER may see, and acts in its current meeting."""
    g.scope_user = user
    g.visible_charter_ids = None if user.is_admin else list(user.charter_ids)
    if g.visible_charter_ids is not None and len(g.visible_charter_ids) == 1:
        # Someone with a role in one joint meeting sees that one only: it is their current
        # one whatever the switcher says (`_choose_current`), known without reading charters.
        user.acting_in(g.visible_charter_ids[0])
    else:
        user.acting_in(current_charter_id())


def visible_charter_ids() -> list[int] | None:
    """The joint meetings of the request's person (None: all of them, or no person)."""
    if not has_request_context():
        return None
    return g.get("visible_charter_ids")


def visible_charters() -> list[Charter]:
    """The joint meetings the request's person sees, read once per request (rows ask)."""
    if has_request_context() and "visible_charters" in g:
        return g.visible_charters
    query = select(Charter).order_by(Charter.archived_at.is_not(None), Charter.id)
    charters = list(db.session.scalars(query))
    if has_request_context() and g.get("scope_user") is not None:
        g.visible_charters = charters
    return charters


def switchable() -> list[Charter]:
    """The joint meetings the request's person may switch to: theirs, not archived."""
    user = g.get("scope_user")
    if user is None:
        return []
    return [c for c in visible_charters() if c.archived_at is None]


def several_joint_meetings() -> bool:
    """Whether the request's person sees more than one joint meeting (rows then say whose)."""
    return len(switchable()) > 1


def short_name_of(charter_id: int | None) -> str:
    charter = db.session.get(Charter, charter_id) if charter_id is not None else None
    return charter.short_name if charter else ""


def current_charter_id() -> int | None:
    charter = current_charter()
    return charter.id if charter else None


def current_charter() -> Charter | None:
    """The joint meeting the request works in: the switcher's choice among the person's
    joint meetings, else their first; outside a request, the first loaded."""
    if not has_request_context():
        return Charter.first()
    if "current_charter" not in g:
        g.current_charter = _choose_current()
    return g.current_charter


def _choose_current() -> Charter | None:
    charters = visible_charters()
    if not charters:
        return None
    user = g.get("scope_user")
    chosen = session.get(SWITCHER_KEY) if user is not None else None
    by_code = {charter.code: charter for charter in charters}
    if chosen in by_code:
        return by_code[chosen]
    if user is not None and not user.is_admin:
        mine = [c for c in charters if c.id in user.charter_ids]
        return mine[0] if mine else None
    return charters[0]


def switch_to(charter: Charter) -> None:
    """Make CHARTER the current joint meeting of this session (the header's switcher)."""
    session[SWITCHER_KEY] = charter.code
    g.current_charter = charter
    if g.get("scope_user") is not None:
        g.scope_user.acting_in(charter.id)


def joint_meeting_asked(code: str | None) -> Charter:
    """The joint meeting a figures endpoint is asked about: the one named CODE (this scope
    finds none of a joint meeting the caller holds no role in), else the current one; 404
    when there is none."""
    if code:
        charter = db.session.scalar(select(Charter).where(Charter.code == code))
    else:
        charter = current_charter()
    if charter is None:
        raise NotFound(_("There is no such page or record."))
    return charter


def joint_meeting_for_new(code: str | None) -> Charter:
    """The joint meeting a new item or meeting goes into: the one named by CODE, else the
    current one; through the API, a person acting in several must name it. The request's
    person acts in it from here on."""
    user = g.get("scope_user")
    if code is not None:
        if not isinstance(code, str) or not CODE_PATTERN.fullmatch(code):
            raise InvalidInput({"joint_meeting": _("Unknown joint meeting.")})
        charter = db.session.scalar(select(Charter).where(Charter.code == code))
        if charter is None:
            raise InvalidInput({"joint_meeting": _("Unknown joint meeting.")})
    elif g.get("api_request") and user is not None and len(user.charter_ids) > 1:
        raise InvalidInput({"joint_meeting": _("Name the joint meeting: you act in several.")})
    else:
        charter = current_charter()
        if charter is None:
            raise InvalidInput({"joint_meeting": _("Unknown joint meeting.")})
    if charter.archived_at is not None:
        raise InvalidInput({"joint_meeting": _("This joint meeting has ended (archived).")})
    if user is not None:
        user.acting_in(charter.id)
    return charter


def follow(record) -> None:
    """Pages of a RECORD work in its joint meeting: the switcher follows it there."""
    if record.charter_id != current_charter_id():
        switch_to(db.session.get(Charter, record.charter_id))
    elif g.get("scope_user") is not None:
        g.scope_user.acting_in(record.charter_id)


def narrow(query, column, code: str | None = None):
    """QUERY narrowed to the joint meeting with CODE, when one is named."""
    if code is None:
        return query
    return query.where(column == select(Charter.id).where(Charter.code == code).scalar_subquery())


@event.listens_for(Session, "do_orm_execute")
def _scope_every_select(state: ORMExecuteState) -> None:
    ids = visible_charter_ids()
    if ids is None or not state.is_select or state.execution_options.get("unscoped"):
        return
    state.statement = state.statement.options(*_scope_options(tuple(ids)))


@functools.lru_cache(maxsize=256)
def _scope_options(ids: tuple[int, ...]) -> tuple:
    """The criteria of the joint meetings IDS, built once per process for each set of them (a
    request makes many queries, each of which gets them; building them cost ~0.25 ms, for
    each request). Few sets occur: the joint meetings someone holds roles in."""
    return (
        with_loader_criteria(
            InJointMeeting, lambda cls: cls.charter_id.in_(ids), include_aliases=True
        ),
        with_loader_criteria(Charter, lambda cls: cls.id.in_(ids), include_aliases=True),
        with_loader_criteria(Unit, lambda cls: cls.charter_id.in_(ids), include_aliases=True),
        with_loader_criteria(Clause, lambda cls: cls.charter_id.in_(ids), include_aliases=True),
        with_loader_criteria(
            Notification,
            lambda cls: or_(cls.charter_id.is_(None), cls.charter_id.in_(ids)),
            include_aliases=True,
        ),
    )
