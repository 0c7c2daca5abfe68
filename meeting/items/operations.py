"""Everything that changes an agenda item goes through here, for pages and API alike.

Each operation checks who may act, the state, the version and the fields, in that order,
then changes the item, bumps its version and writes one history row. It flushes; the caller
commits once. Any refusal raises before anything is written.
"""

from datetime import date

from flask_babel import gettext as _

from meeting import signals
from meeting.accounts.models import User
from meeting.charter.models import Charter, Unit
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
from meeting.opinions.queries import cosign_refusal
from meeting.scope import joint_meeting_for_new
from meeting.timeutil import utcnow
from meeting.versioning import check_version, save_change
from workflows import agenda_item as workflow
from workflows.roles import LIAISON


def can_view(item: Item, user: User) -> bool:
    """Drafts never submitted belong to their author and the item's unit (whose liaisons follow
    the work the office registers for it to lead); the rest is the meeting's business.

    (Other joint meetings' items never reach here: meeting.scope hides them.)"""
    user.acting_in(item.charter_id)
    return item.submitted_at is not None or is_proposer(item, user) or is_unit_liaison(item, user)


def is_proposer(item: Item, user: User) -> bool:
    """Whether USER is ITEM's author: a liaison of its unit for the unit's own proposal, the
    office for assigned work it registered (workflows.agenda_item.is_author)."""
    unit_code = user.unit.code if user.unit else None
    return workflow.is_author(user.role, unit_code, item.unit_code, item.source)


def is_unit_liaison(item: Item, user: User) -> bool:
    """Whether USER is a liaison of ITEM's unit (the proposing unit, or the proposed lead)."""
    return user.role == LIAISON and user.unit_id == item.unit_id


def available_events(item: Item, user: User) -> list[str]:
    """The events USER may fire on ITEM now, by the workflow's table and guards."""
    if not can_view(item, user):
        return []
    unit_code = user.unit.code if user.unit else None
    return workflow.available_events(
        item.state, user.role, unit_code, item.unit_code, rules(item.charter_id), item.source
    )


def can_edit(item: Item, user: User) -> bool:
    return is_proposer(item, user) and workflow.editable(item.state)


SOURCE_FIELDS = tuple(bodies.SourceDocument.model_fields)  # source_title, _number, _date


def create_item(user: User, data: dict) -> Item:
    """Create a draft from DATA (any of the editable fields, and the joint meeting's code when
    the user acts in several): a liaison's proposal for their unit, or work the county
    government or the joint meeting assigned, which the office registers with its source
    document and the unit proposed to lead it (`source`, `source_*`, `unit`)."""
    code = data.get("joint_meeting") if isinstance(data, dict) else None
    charter = joint_meeting_for_new(code)
    raw = data.get("source") if isinstance(data, dict) else None
    source = workflow.UNIT_SOURCE if raw is None else raw
    known = isinstance(source, str) and source in workflow.SOURCES
    if known and not workflow.may_create(source, user.role):
        if source == workflow.UNIT_SOURCE:
            raise Forbidden(_("Only a member unit's liaison can propose agenda items."))
        raise Forbidden(_("Only the joint meeting office registers work the county government "
                          "or the joint meeting assigns."))  # fmt: skip
    if source == workflow.UNIT_SOURCE and user.unit is None:
        raise Forbidden(_("Only a member unit's liaison can propose agenda items."))
    given = parse(bodies.NewItem, data, blank_is_absent=False)
    unit = _unit_for_new(given, user, charter)
    document = _source_document(given.model_dump(include=given.model_fields_set), source)
    text = given.model_dump(include=given.model_fields_set & set(bodies.ItemFields.model_fields))
    values = _clean_item_fields(text, unit)
    now = utcnow()
    item = Item(charter_id=charter.id, unit=unit, created_by=user, created_at=now,
                updated_at=now, version=1, source=source, **document)  # fmt: skip
    for name, value in values.items():
        setattr(item, name, value)
    item.category = item.category or "other"
    item.duty_refs = item.duty_refs or []
    db.session.add(item)
    db.session.flush()
    fields = dict(values)
    if item.assigned:
        named = {k: v for k, v in document.items() if v is not None}
        fields.update(source=source, unit=unit.code, **_history_values(named))
    record("item", item.id, "create", None, "draft", user, fields, charter_id=charter.id)
    if item.assigned:
        signals.item_registered.send(item, user=user)
    return item


def _unit_for_new(given: bodies.NewItem, user: User, charter: Charter) -> Unit:
    """The new item's unit: the liaison's own, or the member unit the office names to lead
    assigned work."""
    source = given.source or workflow.UNIT_SOURCE
    if workflow.SOURCES[source].for_own_unit:
        if given.unit is not None and given.unit != user.unit.code:
            raise InvalidInput({"unit": _("A liaison proposes items for their own unit only.")})
        return user.unit
    if given.unit is None:
        raise InvalidInput({"unit": _("Name the member unit proposed to lead this work.")})
    unit = next((u for u in charter.active_units if u.code == given.unit), None)
    if unit is None:
        raise InvalidInput({"unit": _("Not a member unit of this joint meeting.")})
    return unit


def _source_document(given: dict, source: str) -> dict:
    """The source document's columns from GIVEN: assigned work names the document that
    assigned it (a title at least); a unit's own proposal has none."""
    document = {name: given.get(name) or None for name in SOURCE_FIELDS}
    if not workflow.SOURCES[source].has_document:
        if named := [name for name, value in document.items() if value is not None]:
            raise InvalidInput(dict.fromkeys(named, _("Only assigned work has a source document.")))
        return document
    if document["source_title"] is None:
        raise InvalidInput({"source_title": _(
            "Name the document that assigned this work (e.g. a leader's instruction).")})  # fmt: skip
    return document


def _history_values(values: dict) -> dict:
    """VALUES as a history row keeps them (dates as text)."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def update_item(item: Item, user: User, data: dict, version) -> Item:
    """Change a draft's or a returned item's text (and assigned work's source document); only
    its author may: the proposing unit's liaisons, or the office for work it registered."""
    _check_visible(item, user)
    if not is_proposer(item, user):
        raise Forbidden(_("Only the proposing unit's liaisons can edit this item."))
    if not workflow.editable(item.state):
        raise invalid_transition(item, user)
    check_version(item, version)
    given = data if isinstance(data, NotAnObject) else {
        k: v for k, v in data.items() if k not in SOURCE_FIELDS}  # fmt: skip
    values = _clean_item_fields(given, item.unit)
    if named := {k: data[k] for k in SOURCE_FIELDS if isinstance(data, dict) and k in data}:
        document = parse(bodies.SourceDocument, named, blank_is_absent=False)
        values.update(
            _source_document(
                {**_document_of(item), **document.model_dump(include=set(named))}, item.source
            )
        )
    changed = {name: value for name, value in values.items() if getattr(item, name) != value}
    for name, value in changed.items():
        setattr(item, name, value)
    record_change(item, "edit", item.state, user, _history_values(changed))
    return item


def _document_of(item: Item) -> dict:
    return {name: getattr(item, name) for name in SOURCE_FIELDS}


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
            event, user.role, unit_code, item.unit_code, rules(item.charter_id), item.source
        ):
            raise Forbidden(_("Your role or unit may not do this."))
    if item.state not in event.sources:
        raise invalid_transition(item, user)
    if refusal := cosign_refusal(item, name):  # 会签 before approval (五(三), workflows.opinions)
        raise InvalidTransition(refusal, state=item.state,
                                available_events=available_events(item, user) if user else [])  # fmt: skip
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
    for column in event.stamps:
        setattr(item, column, utcnow())
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
