"""Opinion pages: the item page's panel (asking, answering, closing) and the meeting page's
summary beside each agenda item. The forms post here and come back to the item page."""

from dataclasses import dataclass
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from meeting.accounts.models import User
from meeting.accounts.permissions import signed_in
from meeting.charter.models import Unit
from meeting.extensions import db
from meeting.items.models import Item
from meeting.items.operations import can_view
from meeting.meetings.models import Meeting
from meeting.opinions.models import OpinionRound
from meeting.opinions.operations import ask_opinions, close_round, give_opinion
from meeting.opinions.queries import (
    UnitOpinion,
    cosign_status,
    open_round,
    opinions_by_item,
    rounds_of,
    status_of,
)
from meeting.pages import attempt
from meeting.scope import follow
from meeting.tasks.deadlines import county_today
from workflows import opinions as workflow

bp = Blueprint("opinions", __name__, url_prefix="/items")
DEFAULT_DAYS = 7  # the due date the form suggests: a week from today


@bp.post("/<int:item_id>/opinion-requests")
@signed_in
def ask(item_id: int):
    """The office asks member units for their opinion on the item."""
    item = _visible_or_404(item_id)
    data = {key: value for key, value in request.form.items() if key not in ("csrf_token", "units")}
    data["units"] = request.form.getlist("units")
    return _done_or_again(item, lambda: ask_opinions(item, current_user, data),
                          _("The units are asked for their opinions."))  # fmt: skip


@bp.post("/<int:item_id>/opinions")
@signed_in
def answer(item_id: int):
    """A liaison gives their unit's opinion, with a file if they like."""
    item = _visible_or_404(item_id)
    data = {key: value for key, value in request.form.items() if key != "csrf_token"}
    upload = request.files.get("file")
    return _done_or_again(item, lambda: give_opinion(item, current_user, data, upload),
                          _("Your unit's opinion is recorded."))  # fmt: skip


@bp.post("/<int:item_id>/opinion-requests/close")
@signed_in
def close(item_id: int):
    """The office closes the item's round of opinions."""
    item = _visible_or_404(item_id)
    data = {key: value for key, value in request.form.items() if key != "csrf_token"}
    return _done_or_again(item, lambda: close_round(item, current_user, data),
                          _("The round of opinions is closed."))  # fmt: skip


def _done_or_again(item: Item, operation, done: str):
    """Back to the item page: with a message when done; showing what was entered, and why it
    was refused, when not."""
    refusal = attempt(operation, workflow.FIELD_LABELS)
    if refusal:
        from meeting.items.views import show

        return show(item.id, errors=refusal.fields, status=refusal.status)
    flash(done, "success")
    return redirect(url_for("items.show", item_id=item.id) + "#opinions")


def _visible_or_404(item_id: int) -> Item:
    item = db.session.get(Item, item_id)
    if item is None or not can_view(item, current_user):
        abort(404)
    follow(item)
    return item


# -- what the pages show ----------------------------------------------------------------------


@dataclass
class Panel:
    """The item page's opinions: its rounds, the co-signature, and what USER may do."""

    rounds: list[OpinionRound]
    statuses: dict[int, str]
    cosigners: list[Unit]
    cosigners_missing: list[Unit]
    may_ask: bool
    askable: list[Unit]  # units the office may ask (not the proposing unit)
    may_close: OpinionRound | None  # the round the user may close
    mine: object | None  # the user's unit's unanswered place in the open round
    default_due: str


@bp.app_template_global("opinion_panel")
def opinion_panel(item: Item, user: User) -> Panel:
    """Everything the item page's opinions section shows USER (a few queries, one item)."""
    rounds = rounds_of(item)
    today = county_today()
    current = open_round(rounds)
    required, missing = cosign_status(item, rounds)
    role = user.role
    may_ask = workflow.may_ask(role, item.state) and current is None
    unclosed = next((r for r in reversed(rounds) if r.closed_at is None), None)
    mine = None
    if current is not None and workflow.may_answer(role, item.state) and user.unit_id:
        mine = next((o for o in current.opinions
                     if o.unit_id == user.unit_id and o.answer is None), None)  # fmt: skip
    askable = [u for u in item.charter.active_units if u.id != item.unit_id] if may_ask else []
    return Panel(
        rounds=list(reversed(rounds)),  # newest first
        statuses={r.id: status_of(r, today) for r in rounds},
        cosigners=required,
        cosigners_missing=missing,
        may_ask=may_ask,
        askable=askable,
        may_close=unclosed if workflow.may_close(role) else None,
        mine=mine,
        default_due=(today + timedelta(days=DEFAULT_DAYS)).isoformat(),
    )


@bp.app_template_global("agenda_opinions")
def agenda_opinions(meeting: Meeting) -> dict[int, list[UnitOpinion]]:
    """The units' latest opinions on each item of MEETING's agenda: one query for them all."""
    return opinions_by_item([entry.item_id for entry in meeting.agenda])


@bp.app_context_processor
def opinion_labels() -> dict:
    return {"OPINION_ANSWERS": workflow.ANSWERS, "ROUND_STATUSES": workflow.ROUND_STATUSES}


@bp.app_template_filter("unit_names")
def unit_names(codes: list[str], item: Item) -> str:
    """The names of the units with CODES in ITEM's joint meeting, as history rows keep codes."""
    names = {unit.code: unit.name for unit in item.charter.units}
    return "、".join(names.get(code, code) for code in codes or [] if code)
