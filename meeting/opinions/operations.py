"""Asking units for their written opinion on an item (征求意见), their answers, closing a round.

Each operation checks, in order: that the item is visible (404), who acts (403), the item's
state and the round (409), the version where one is taken (409 stale), the fields (422); then
writes, bumps the item's version and writes one history row on the item (meeting.versioning),
and tells those concerned. It flushes; the request commits once. Any refusal raises before
anything is written.
"""

import mimetypes

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from meeting.accounts.models import User
from meeting.charter.models import Unit
from meeting.contract import bodies, parse
from meeting.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from meeting.extensions import db
from meeting.items.attachments import FOLDER as ATTACHMENTS
from meeting.items.models import Attachment, Item
from meeting.items.operations import available_events, can_view, record_change
from meeting.notifications.messages import item_params
from meeting.notifications.operations import liaisons_of, notify, users_with_roles
from meeting.opinions.models import Opinion, OpinionRound
from meeting.opinions.queries import open_round, rounds_of
from meeting.tasks.deadlines import county_today
from meeting.timeutil import utcnow
from meeting.uploads import read_upload
from meeting.versioning import check_version
from workflows import agenda_item
from workflows import opinions as workflow
from workflows.roles import OFFICE


def _unclosed_round(item: Item) -> OpinionRound | None:
    """The item's last round the office has not closed (open, or past its due date)."""
    return next((r for r in reversed(rounds_of(item)) if r.closed_at is None), None)


def ask_opinions(item: Item, user: User, data: dict) -> OpinionRound:
    """The office asks the member units DATA["units"] for their opinion on ITEM by
    DATA["due_on"], with DATA["note"] saying what is asked."""
    _check_visible(item, user)
    if user.role not in workflow.ASKERS:
        raise Forbidden(_("Only the joint meeting's office asks units for their opinions."))
    if not workflow.may_ask(user.role, item.state):
        raise _refused(item, user, _(
            "Opinions are asked on an item the joint meeting has taken up: reviewed, approved, "
            "on an agenda or deferred; this one is %(state)s.",
            state=_(agenda_item.STATES[item.state]),
        ))  # fmt: skip
    if open_round(rounds_of(item)) is not None:
        raise _refused(item, user, _(
            "A round of opinions on this item is still open: close it before asking again."
        ))  # fmt: skip
    check_version(item, data.get("version") if isinstance(data, dict) else None)
    given = parse(bodies.OpinionRequest, data)
    today = county_today()
    if problem := workflow.due_date_problem(given.due_on, today):
        raise InvalidInput({"due_on": _(problem)})
    units = _askable_units(item, given.units)

    now = utcnow()
    round_ = OpinionRound(charter_id=item.charter_id, item=item, note=given.note or "",
                          due_on=given.due_on, requested_by=user, requested_at=now)  # fmt: skip
    db.session.add(round_)
    for unit in units:
        db.session.add(Opinion(round=round_, unit=unit, text=""))
    db.session.flush()
    record_change(item, workflow.ASKED, item.state, user, {
        "round": round_.id, "units": [unit.code for unit in units],
        "due_on": given.due_on.isoformat(), "note": round_.note,
    })  # fmt: skip
    notify(liaisons_of(units), "opinion_asked", body=round_.note, link=f"/items/{item.id}",
           charter_id=item.charter_id,
           params={**item_params(item), "day": given.due_on.isoformat()})  # fmt: skip
    return round_


def _askable_units(item: Item, codes: list[str]) -> list[Unit]:
    """The active member units of ITEM's joint meeting with CODES, in the charter's order; the
    proposing unit is not asked (its proposal is its opinion)."""
    codes = list(dict.fromkeys(codes))
    found = {
        unit.code: unit
        for unit in db.session.scalars(
            select(Unit).where(
                Unit.charter_id == item.charter_id, Unit.active, Unit.code.in_(codes)
            )
        )
    }
    if unknown := [code for code in codes if code not in found]:
        raise InvalidInput({"units": _("Not a member unit of this joint meeting: %(codes)s.",
                                       codes="、".join(unknown))})  # fmt: skip
    if item.unit.code in found:
        raise InvalidInput({"units": _(
            "The proposing unit (%(unit)s) is not asked: its proposal is its opinion.",
            unit=item.unit.name,
        )})  # fmt: skip
    return sorted(found.values(), key=lambda unit: unit.position)


def give_opinion(item: Item, user: User, data: dict, upload: FileStorage | None = None) -> Opinion:
    """USER's unit answers the open round on ITEM it was asked in: DATA["answer"] with
    DATA["text"] (required unless it agrees), and optionally a file (pages)."""
    _check_visible(item, user)
    if user.role not in workflow.ANSWERERS or user.unit is None:
        raise Forbidden(_("Only a member unit's liaison gives the unit's opinion."))
    if not workflow.may_answer(user.role, item.state):
        raise _refused(item, user, _(
            "Opinions on this item are no longer taken: it is %(state)s.",
            state=_(agenda_item.STATES[item.state]),
        ))  # fmt: skip
    rounds = rounds_of(item)
    round_ = open_round(rounds)
    opinion = _place_of(round_, user.unit_id) if round_ else None
    if opinion is None:
        earlier = next((r for r in reversed(rounds) if _place_of(r, user.unit_id)), None)
        if round_ is not None or earlier is None:
            raise Forbidden(_("Your unit was not asked for its opinion on this item."))
        if earlier.closed_at is not None:
            raise _refused(item, user, _("The office has closed this round of opinions."))
        raise _refused(item, user, _(
            "The due date for opinions (%(day)s) has passed.", day=earlier.due_on.isoformat()
        ))  # fmt: skip
    if opinion.answer is not None:
        raise _refused(item, user, _("Your unit has already given its opinion in this round."))
    given = parse(bodies.OpinionAnswer, data)
    if given.version is not None:
        check_version(item, given.version)
    text = given.text or ""
    if workflow.needs_text(given.answer) and not text:
        raise InvalidInput({"text": _("Say what should change, or why your unit disagrees.")})
    file = read_upload(upload) if upload is not None and upload.filename else None

    now = utcnow()
    opinion.answer, opinion.text = given.answer, text
    opinion.answered_by, opinion.answered_at = user, now
    fields = {"round": round_.id, "unit": user.unit.code, "answer": given.answer, "text": text}
    if file is not None:
        opinion.attachment = Attachment(
            item=item, filename=file.name, stored_name=file.stored_name,
            content_type=mimetypes.guess_type(file.name)[0] or "application/octet-stream",
            size=len(file.content), uploaded_by=user, uploaded_at=now,
        )  # fmt: skip
        fields["file"] = file.name
    record_change(item, "give_opinion", item.state, user, fields)
    notify(users_with_roles(item.charter_id, OFFICE), "opinion_given", body=text,
           link=f"/items/{item.id}", charter_id=item.charter_id,
           params={**item_params(item), "unit": user.unit.name, "answer": given.answer})  # fmt: skip
    if file is not None:
        file.store(ATTACHMENTS)  # last: once the database took the row
    return opinion


def _place_of(round_: OpinionRound, unit_id: int) -> Opinion | None:
    """Unit UNIT_ID's place in ROUND_, if it was asked there."""
    return next((o for o in round_.opinions if o.unit_id == unit_id), None)


def close_round(item: Item, user: User, data: dict) -> OpinionRound:
    """The office closes ITEM's round of opinions (open, or past its due date)."""
    _check_visible(item, user)
    if not workflow.may_close(user.role):
        raise Forbidden(_("Only the joint meeting's office closes a round of opinions."))
    round_ = _unclosed_round(item)
    if round_ is None:
        raise _refused(item, user, _("There is no round of opinions to close on this item."))
    check_version(item, data.get("version") if isinstance(data, dict) else None)
    parse(bodies.OpinionClose, data)
    round_.closed_at, round_.closed_by = utcnow(), user
    silent = [o.unit.code for o in round_.opinions if o.answer is None]
    record_change(item, "close_opinions", item.state, user, {"round": round_.id, "silent": silent})
    return round_


def _check_visible(item: Item, user: User) -> None:
    if not can_view(item, user):
        raise NotFound(_("There is no such page or record."))


def _refused(item: Item, user: User, message: str) -> InvalidTransition:
    return InvalidTransition(message, state=item.state,
                             available_events=available_events(item, user))  # fmt: skip
