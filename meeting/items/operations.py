"""Everything that changes an agenda item goes through here, for pages and API alike.

Each operation checks who may act, the state, the version and the fields, in that order,
then changes the item, bumps its version and writes one history row. It flushes; the caller
commits once. Any refusal raises before anything is written.
"""

from flask import g
from flask_babel import gettext as _

from meeting.accounts.models import User
from meeting.charter.models import Charter
from meeting.errors import (
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
    UnknownEvent,
)
from meeting.extensions import db
from meeting.fields import text_field
from meeting.history import record
from meeting.items.models import Item
from meeting.items.notifications import notify_item_event
from meeting.timeutil import utcnow
from meeting.versioning import check_version, save_change
from workflows import agenda_item as workflow
from workflows.roles import LIAISON

TEXT_LIMITS = {"title": 200, "background": 20000, "proposal": 20000}
NOTE_LIMIT = 5000  # reason, comment, opinion, resolution
EDITABLE_FIELDS = ("title", "background", "proposal", "category", "duty_refs")


def can_view(item: Item, user: User) -> bool:
    """Drafts never submitted belong to the proposing unit; the rest is the meeting's business."""
    return item.submitted_at is not None or is_proposer(item, user)


def is_proposer(item: Item, user: User) -> bool:
    return user.role == LIAISON and user.unit_id == item.unit_id


def rules() -> dict:
    """The charter's rules of procedure, read once per request (lists ask for them per row)."""
    if "charter_rules" not in g:
        charter = Charter.current()
        g.charter_rules = charter.rules if charter else {}
    return g.charter_rules


def available_events(item: Item, user: User) -> list[str]:
    """The events USER may fire on ITEM now, by the workflow's table and guards."""
    if not can_view(item, user):
        return []
    unit_code = user.unit.code if user.unit else None
    return workflow.available_events(item.state, user.role, unit_code, item.unit_code, rules())


def can_edit(item: Item, user: User) -> bool:
    return is_proposer(item, user) and workflow.editable(item.state)


def create_item(user: User, data: dict) -> Item:
    """Create a draft for USER's unit from DATA (any of the editable fields)."""
    if user.role != LIAISON or user.unit is None:
        raise Forbidden(_("Only a member unit's liaison can propose agenda items."))
    values = _clean_item_fields(data, user.unit)
    now = utcnow()
    item = Item(unit=user.unit, created_by=user, created_at=now, updated_at=now, version=1)
    for name, value in values.items():
        setattr(item, name, value)
    item.category = item.category or "other"
    item.duty_refs = item.duty_refs or []
    db.session.add(item)
    db.session.flush()
    record("item", item.id, "create", None, "draft", user, values)
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
    # A meeting records its own events and, at a liaison meeting, the office's review events.
    if event.via != via and not (via == workflow.BY_MEETING and event.via == workflow.BY_USER):
        raise Forbidden(_("This is recorded through a meeting, not on the item itself."))
    if user is not None and cause is None:
        unit_code = user.unit.code if user.unit else None
        if not workflow.may_fire(event, user.role, unit_code, item.unit_code, rules()):
            raise Forbidden(_("Your role or unit may not do this."))
    if item.state not in event.sources:
        raise invalid_transition(item, user)
    check_version(item, data.get("version"))
    fields = _clean_event_fields(event, item, data, via)
    if cause:
        fields["cause"] = cause

    from_state = item.state
    if name == "submit":
        for field in EDITABLE_FIELDS:
            if field in fields:
                setattr(item, field, fields[field])
    if name in ("submit", "send_back"):  # (re-)enters the office's queue: its waiting time starts
        item.submitted_at = utcnow()
    workflow.fire(item, name)
    if name == "pass_review":
        item.opinion = fields["opinion"]
    if name == "adopt":
        item.resolution = fields["resolution"]
    if name == "schedule":
        item.meeting_id = fields["meeting_id"]
    if name in ("unschedule", "defer"):  # a deferred item waits for a later meeting
        item.meeting_id = None
    record_change(item, name, from_state, user, fields)
    notify_item_event(item, name, fields, rules())
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
    """Validate the editable fields present in DATA; raise InvalidInput naming each bad one."""
    errors, values = {}, {}
    for name, limit in TEXT_LIMITS.items():
        if name in data:
            value = data[name]
            if not isinstance(value, str):
                errors[name] = _("Must be text.")
            elif len(value.strip()) > limit:
                errors[name] = _("At most %(n)d characters.", n=limit)
            else:
                values[name] = value.strip()
    if "category" in data:
        if isinstance(data["category"], str) and data["category"] in workflow.CATEGORIES:
            values["category"] = data["category"]
        else:
            errors["category"] = _("Choose one of: %(c)s.", c=", ".join(workflow.CATEGORIES))
    if "duty_refs" in data:
        refs = data["duty_refs"]
        citable = unit.citable_duty_refs()
        if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
            errors["duty_refs"] = _("Must be a list of duty references such as 四(九).")
        elif bad := [r for r in refs if r not in citable]:
            errors["duty_refs"] = _(
                "Not a duty of this unit or of the joint meeting: %(refs)s. Citable: %(ok)s.",
                refs="、".join(bad),
                ok="、".join(citable),
            )
        else:
            values["duty_refs"] = list(dict.fromkeys(refs))
    unknown = set(data) - set(EDITABLE_FIELDS) - {"version"}
    for name in sorted(unknown):
        errors[name] = _("Unknown field.")
    if errors:
        raise InvalidInput(errors)
    return values


def _clean_event_fields(event: workflow.Event, item: Item, data: dict, via: str) -> dict:
    """The fields EVENT carries, validated; for submit, the item's text with DATA's changes."""
    if event.name == "submit":
        values = _clean_item_fields(
            {k: v for k, v in data.items() if k in EDITABLE_FIELDS}, item.unit
        )
        merged = {f: values.get(f, getattr(item, f)) for f in event.carries}
        missing = {f: _("Required before submitting.") for f, v in merged.items() if not v}
        if missing:
            raise InvalidInput(missing)
        return {**values, **merged}  # the text it carries, and a category if given
    errors, fields = {}, {}
    for name in (*event.carries, *event.optional):
        value = data.get(name)
        required = name in event.carries
        if name == "meeting_id":
            if value in (None, ""):
                if required:
                    errors[name] = _("Required.")
                continue
            if via == workflow.BY_USER:
                errors[name] = _("Meeting decisions are recorded on the meeting's page.")
                continue
            fields[name] = value
            continue
        if text := text_field(data, name, errors, NOTE_LIMIT, required=required):
            fields[name] = text
    if errors:
        raise InvalidInput(errors)
    return fields
