"""Delegations 委托 (五(一)): the general convener lets a convener convene meetings."""

from datetime import date

from flask import g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import select

from meeting import MAX_ID
from meeting.accounts.models import User
from meeting.charter.rules import rules as charter_rules
from meeting.contract import bodies, parse
from meeting.errors import Forbidden, InvalidInput, InvalidTransition
from meeting.extensions import db
from meeting.history import record
from meeting.meetings.models import Delegation, Meeting, display_name
from meeting.notifications.messages import delegation_params
from meeting.notifications.operations import notify
from meeting.scope import current_charter_id
from meeting.timeutil import utcnow
from workflows.meeting import delegable


def holds_delegation(user: User, charter_id: int, meeting_id: int | None, on: date) -> bool:
    """Whether USER holds an unrevoked delegation of joint meeting CHARTER_ID for MEETING_ID
    or for a period covering ON."""
    return any(
        d.charter_id == charter_id
        and ((meeting_id and d.meeting_id == meeting_id)
             or (d.starts_on is not None and d.starts_on <= on <= d.ends_on))
        for d in live_delegations(user)
    )  # fmt: skip


def live_delegations(user: User) -> list[Delegation]:
    """USER's unrevoked delegations, read once per request (a list asks per meeting); a
    delegation given or revoked in this request is read again."""
    cache = g.setdefault("live_delegations", {}) if has_request_context() else {}
    if user.id not in cache:
        query = select(Delegation).where(
            Delegation.delegate_id == user.id, Delegation.revoked_at.is_(None)
        )
        cache[user.id] = list(db.session.scalars(query))
    return cache[user.id]


def forget_delegations() -> None:
    if has_request_context():
        g.pop("live_delegations", None)


def create_delegation(user: User, data: dict) -> Delegation:
    """USER (a role that convenes) delegates to DATA["delegate"] a meeting or a period, in the
    meeting's joint meeting (a period: in the current one)."""
    meeting_id = data.get("meeting_id") if isinstance(data, dict) else None
    known = type(meeting_id) is int and 0 < meeting_id <= MAX_ID  # else the body is refused
    meeting = db.session.get(Meeting, meeting_id) if known else None
    charter_id = meeting.charter_id if meeting else current_charter_id()
    user.acting_in(charter_id)
    rules = charter_rules(charter_id)
    if user.role not in rules.get("conveners", ()):
        raise Forbidden(_("Only the general convener delegates convening."))
    given = parse(bodies.DelegationRequest, data)
    errors = {}
    delegate = db.session.scalar(select(User).where(User.username == given.delegate))
    if delegate is None or delegate.role_in(charter_id) not in rules.get("delegable_to", ()):
        errors["delegate"] = _("Name a convener's username.")
    meeting, starts_on, ends_on = None, None, None
    if given.meeting_id is not None:
        meeting = db.session.get(Meeting, given.meeting_id)
        if meeting is None or not delegable(meeting.kind):
            errors["meeting_id"] = _("Name a plenary or ad-hoc meeting.")
        elif meeting.state != "planned":
            errors["meeting_id"] = _("Only a meeting not yet convened can be delegated.")
    else:
        hint = _("Give a date such as 2026-12-31, or a meeting_id.")
        starts_on, ends_on = given.starts_on, given.ends_on
        errors.update({name: hint for name in ("starts_on", "ends_on") if not getattr(given, name)})
        if starts_on and ends_on and ends_on < starts_on:
            errors["ends_on"] = _("Must not be before the start.")
    if errors:
        raise InvalidInput(errors)
    delegation = Delegation(
        charter_id=charter_id,
        delegator=user,
        delegate=delegate,
        meeting=meeting,
        starts_on=starts_on,
        ends_on=ends_on,
        note=given.note or "",
        created_at=utcnow(),
    )
    db.session.add(delegation)
    db.session.flush()
    forget_delegations()
    record(
        "delegation", delegation.id, "delegate", None, "active", user,
        delegation_fields(delegation), charter_id=charter_id,
    )  # fmt: skip
    notify([delegate], "delegation_given", link=link_of(delegation), charter_id=charter_id,
           params=delegation_params(delegation, user))  # fmt: skip
    return delegation


def revoke_delegation(delegation: Delegation, user: User) -> Delegation:
    user.acting_in(delegation.charter_id)
    if user.role not in charter_rules(delegation.charter_id).get("conveners", ()):
        raise Forbidden(_("Only the general convener revokes a delegation."))
    if delegation.revoked_at is not None:
        raise InvalidTransition(
            _("This delegation is already revoked."), state="revoked", available_events=[]
        )
    delegation.revoked_at = utcnow()
    delegation.revoked_by_id = user.id
    db.session.flush()
    forget_delegations()
    record("delegation", delegation.id, "revoke", "active", "revoked", user, {},
           charter_id=delegation.charter_id)  # fmt: skip
    notify([delegation.delegate], "delegation_revoked", link=link_of(delegation),
           charter_id=delegation.charter_id, params=delegation_params(delegation, user))  # fmt: skip
    return delegation


def covers(delegation: Delegation) -> str:
    """What DELEGATION covers, in words: a meeting's name, or its period."""
    if delegation.meeting is not None:
        return display_name(delegation.meeting)
    return _("meetings from %(start)s to %(end)s", start=delegation.starts_on.isoformat(),
             end=delegation.ends_on.isoformat())  # fmt: skip


def link_of(delegation: Delegation) -> str:
    """Where the delegate acts on DELEGATION: the meeting, or the meetings waiting to be convened."""
    if delegation.meeting_id:
        return f"/meetings/{delegation.meeting_id}"
    return "/meetings/?awaiting=convene"


def delegation_fields(delegation: Delegation) -> dict:
    return {
        "delegate": delegation.delegate.username,
        "meeting_id": delegation.meeting_id,
        "starts_on": delegation.starts_on.isoformat() if delegation.starts_on else None,
        "ends_on": delegation.ends_on.isoformat() if delegation.ends_on else None,
        "note": delegation.note,
    }
