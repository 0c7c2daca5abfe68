"""Everything that changes an agenda item goes through here, for pages and API alike.

Each operation checks who may act, the state, the version and the fields, in that order,
then changes the item, bumps its version and writes one history row. It flushes; the caller
commits once. Any refusal raises before anything is written.
"""

from flask_babel import gettext as _

from meeting import signals
from meeting.accounts.models import User
from meeting.charter.rules import rules
from meeting.contract import NotAnObject, bodies, parse
from meeting.errors import (
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
    UnknownEvent,
)
from meeting.extensions import db
from meeting.history import record
from meeting.items.models import Item
from meeting.scope import joint_meeting_for_new
from meeting.timeutil import utcnow
from meeting.versioning import check_version, save_change
from workflows import agenda_item as workflow
from workflows.roles import LIAISON


def can_view(item: Item, user: User) -> bool:
    """Drafts never submitted belong to the proposing unit; the rest is the meeting's business.

    (Other joint meetings' items never reach here: meeting.scope hides them.)"""
    user.acting_in(item.charter_id)
    return item.submitted_at is not None or is_proposer(item, user)


def is_proposer(item: Item, user: User) -> bool:
    return user.role == LIAISON and user.unit_id == item.unit_id


def available_events(item: Item, user: User) -> list[str]:
    """The events USER may fire on ITEM now, by the workflow's table and guards."""
    if not can_view(item, user):
        return []
    unit_code = user.unit.code if user.unit else None
    return workflow.available_events(
        item.state, user.role, unit_code, item.unit_code, rules(item.charter_id)
    )


def can_edit(item: Item, user: User) -> bool:
    return is_proposer(item, user) and workflow.editable(item.state)


def create_item(user: User, data: dict) -> Item:
    """Create a draft for USER's unit from DATA (any of the editable fields, and the joint
    meeting's code when the user acts in several)."""
    code = data.get("joint_meeting") if isinstance(data, dict) else None
    charter = joint_meeting_for_new(code)
    if user.role != LIAISON or user.unit is None:
        raise Forbidden(_("Only a member unit's liaison can propose agenda items."))
    values = _clean_item_fields(data, user.unit)
    now = utcnow()
    item = Item(charter_id=charter.id, unit=user.unit, created_by=user, created_at=now,
                updated_at=now, version=1)  # fmt: skip
    for name, value in values.items():
        setattr(item, name, value)
    item.category = item.category or "other"
    item.duty_refs = item.duty_refs or []
    db.session.add(item)
    db.session.flush()
    record("item", item.id, "create", None, "draft", user, values, charter_id=charter.id)
    return item


def update_item(item: Item, user: User, data: dict, version) -> Item:
    """Change a draft's or a returned item's text; only its proposing unit's liaisons may."""
    _check_visible(item, user)
    if not is_proposer(item, user):
        raise Forbidden(_("Only the proposing unit's liaisons can edit this item."))
    if not workflow.editable(item.state):
        raise invalid_transition(item, user)
    check_version(item, version)
    values = _clean_item_fields(data, item.unit)
    changed = {name: value for name, value in values.items() if getattr(item, name) != value}
    for name, value in changed.items():
        setattr(item, name, value)
    record_change(item, "edit", item.state, user, changed)
    return item


def fire_event(item: Item, name: str, user: User | None, data: dict,
               via: str = workflow.BY_USER, cause: str | None = None) -> Item:  # fmt: skip
    """Fire event NAME on ITEM as USER with the fields in DATA (and DATA["version"]).

    CAUSE names an event USER was allowed to fire that entails this one (a cancelled meeting
    unschedules its items): the role check is then that event's, and history says so.
    """
    event = workflow.EVENTS.get(name)
    if event is None:
        raise UnknownEvent(_("There is no event %(name)s.", name=name))
    if user is not None:
        _check_visible(item, user)
    if not workflow.may_record_via(event, via):
        raise Forbidden(_("This is recorded through a meeting, not on the item itself."))
    if user is not None and cause is None:
        unit_code = user.unit.code if user.unit else None
        if not workflow.may_fire(
            event, user.role, unit_code, item.unit_code, rules(item.charter_id)
        ):
            raise Forbidden(_("Your role or unit may not do this."))
    if item.state not in event.sources:
        raise invalid_transition(item, user)
    check_version(item, data.get("version"))
    fields = _clean_event_fields(event, item, data, via)
    if cause:
        fields["cause"] = cause

    from_state = item.state
    workflow.fire(item, name)
    for column, value in workflow.effects(event, fields).items():
        setattr(item, column, value)
    if event.restarts_queue:
        item.submitted_at = utcnow()
    record_change(item, name, from_state, user, fields)
    signals.item_event_fired.send(item, event=name, fields=fields, rules=rules(item.charter_id))
    return item


def record_change(item: Item, event: str, from_state: str, user: User | None, fields: dict) -> None:
    """Count the change in VERSION and write its one history row."""
    save_change("item", item, event, from_state, user, fields)


def _check_visible(item: Item, user: User) -> None:
    if not can_view(item, user):
        raise NotFound(_("There is no such page or record."))


def invalid_transition(item: Item, user: User | None) -> InvalidTransition:
    return InvalidTransition(
        _("This cannot be done while the item is %(state)s.", state=_(workflow.STATES[item.state])),
        state=item.state,
        available_events=available_events(item, user) if user else [],
    )


def _clean_item_fields(data: dict, unit) -> dict:
    """The editable fields given in DATA, parsed (bodies.ItemFields); the duties cited must be
    the unit's own or the joint meeting's."""
    text = (
        data
        if isinstance(data, NotAnObject)
        else {k: v for k, v in data.items() if k not in ("version", "joint_meeting")}
    )
    given = parse(bodies.ItemFields, text, blank_is_absent=False)
    values = given.model_dump(include=given.model_fields_set, exclude_none=True)
    if "duty_refs" in values:
        citable = unit.citable_duty_refs()
        if bad := [r for r in values["duty_refs"] if r not in citable]:
            raise InvalidInput({"duty_refs": _(
                "Not a duty of this unit or of the joint meeting: %(refs)s. Citable: %(ok)s.",
                refs="、".join(bad), ok="、".join(citable),
            )})  # fmt: skip
        values["duty_refs"] = list(dict.fromkeys(values["duty_refs"]))
    return values


def _clean_event_fields(event: workflow.Event, item: Item, data: dict, via: str) -> dict:
    """The fields EVENT carries, parsed by its body (bodies.ITEM_EVENT_BODIES, or the record a
    meeting makes); submit carries the item's text with DATA's changes."""
    model = bodies.item_event_body(event.name, via)
    given = parse(model, data)
    fields = given.model_dump(include=given.model_fields_set - {"version"}, exclude_none=True)
    if event.name != "submit":
        return fields
    values = _clean_item_fields({k: v for k, v in fields.items()}, item.unit)
    merged = {f: values.get(f, getattr(item, f)) for f in event.carries}
    if missing := {f: _("Required before submitting.") for f, v in merged.items() if not v}:
        raise InvalidInput(missing)
    return {**values, **merged}  # the text it carries, and a category if given
