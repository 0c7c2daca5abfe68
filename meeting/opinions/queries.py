"""Reading opinions: an item's rounds, each unit's latest answer, the co-signature (会签) guard,
the minutes' line. Imports no operations, so `meeting.items.operations` may ask it whether an
item may be approved."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from meeting.charter.models import Unit
from meeting.charter.rules import rules
from meeting.extensions import db
from meeting.items.models import Item
from meeting.opinions.models import Opinion, OpinionRound
from meeting.tasks.deadlines import county_today
from workflows import opinions as workflow


def rounds_of(item: Item) -> list[OpinionRound]:
    """ITEM's rounds of opinions, oldest first, with their answers, units and files."""
    query = (
        select(OpinionRound)
        .where(OpinionRound.item_id == item.id)
        .options(
            selectinload(OpinionRound.opinions).selectinload(Opinion.unit),
            selectinload(OpinionRound.opinions).selectinload(Opinion.attachment),
        )
        .order_by(OpinionRound.id)
    )
    return list(db.session.scalars(query))


def status_of(round_: OpinionRound, today: date | None = None) -> str:
    """OPEN, CLOSED or LAPSED (workflows.opinions.round_status) as of the county's TODAY."""
    today = today or county_today()
    return workflow.round_status(round_.closed_at is not None, round_.due_on, today)


def open_round(rounds: list[OpinionRound]) -> OpinionRound | None:
    """The round of ROUNDS that takes answers now, if any (there is one at most)."""
    today = county_today()
    return next((r for r in reversed(rounds) if status_of(r, today) == workflow.OPEN), None)


@dataclass
class UnitOpinion:
    """A unit asked on an item, and its latest answer there (None: silent in every round)."""

    unit: Unit
    answer: str | None
    text: str


def unit_opinions(rounds: list[OpinionRound]) -> list[UnitOpinion]:
    """Every unit asked in ROUNDS (oldest first) with its latest answer, in the charter's order:
    a later answer replaces an earlier one, a later silence does not."""
    latest: dict[int, UnitOpinion] = {}
    for opinion in (o for r in rounds for o in r.opinions):
        if opinion.unit_id not in latest or opinion.answer is not None:
            latest[opinion.unit_id] = UnitOpinion(opinion.unit, opinion.answer, opinion.text)
    return sorted(latest.values(), key=lambda found: found.unit.position)


def opinions_by_item(item_ids: list[int]) -> dict[int, list[UnitOpinion]]:
    """For each of ITEM_IDS asked about, its units' latest opinions: one query for them all
    (and one for their units)."""
    if not item_ids:
        return {}
    query = (
        select(OpinionRound)
        .where(OpinionRound.item_id.in_(item_ids))
        .options(selectinload(OpinionRound.opinions).selectinload(Opinion.unit))
        .order_by(OpinionRound.id)
    )
    rounds: dict[int, list[OpinionRound]] = {}
    for round_ in db.session.scalars(query):
        rounds.setdefault(round_.item_id, []).append(round_)
    return {item_id: unit_opinions(found) for item_id, found in rounds.items()}


def minutes_line(opinions: list[UnitOpinion]) -> str:
    """「征求意见：县财政局同意，县公安局修改后同意，县教育和体育局不同意（理由），县司法局未反馈。」
    ("" when no unit was asked)."""
    parts = []
    for found in opinions:
        if found.answer is None:
            parts.append(f"{found.unit.name}{workflow.SILENT_IN_MINUTES}")
            continue
        phrase = f"{found.unit.name}{workflow.IN_MINUTES[found.answer]}"
        reason = " ".join(found.text.split()).rstrip("。.")
        if found.answer == "disagree" and reason:
            phrase += f"（{reason}）"
        parts.append(phrase)
    return f"征求意见：{'，'.join(parts)}。" if parts else ""


def answers_in_order(rounds: list[OpinionRound]) -> list[tuple[str, str]]:
    """(unit code, answer) of every answer in ROUNDS, oldest first."""
    answered = [o for r in rounds for o in r.opinions if o.answer is not None]
    return [(o.unit.code, o.answer) for o in sorted(answered, key=lambda o: (o.answered_at, o.id))]


def cosign_status(item: Item, rounds: list[OpinionRound]) -> tuple[list[Unit], list[Unit]]:
    """(the units whose co-signature ITEM's approval needs, those of them still missing)."""
    cosign = rules(item.charter_id).get("cosign")
    required = workflow.cosigners_required(
        cosign, item.category, item.duty_refs or [], item.unit_code
    )
    if not required:
        return [], []
    missing = set(workflow.cosigners_missing(required, answers_in_order(rounds)))
    units = _units_by_code(item.charter_id, required)
    return units, [unit for unit in units if unit.code in missing]


def _units_by_code(charter_id: int, codes: list[str]) -> list[Unit]:
    found = db.session.scalars(
        select(Unit).where(Unit.charter_id == charter_id, Unit.code.in_(codes))
    ).all()
    order = {code: n for n, code in enumerate(codes)}
    return sorted(found, key=lambda unit: order[unit.code])


def cosign_refusal(item: Item, event: str) -> str | None:
    """Why EVENT may not fire on ITEM yet for want of co-signatures (会签), or None: the guard
    of workflows.opinions, on the item's answers."""
    if event not in workflow.COSIGNED_EVENTS:
        return None  # no query for the events that need no co-signature
    missing = workflow.cosign_guard(
        event,
        rules(item.charter_id).get("cosign"),
        item.category,
        item.duty_refs or [],
        item.unit_code,
        answers_in_order(rounds_of(item)),
    )
    if not missing:
        return None
    names = "、".join(unit.name for unit in _units_by_code(item.charter_id, missing))
    return _(
        "Approval waits for the co-signature (会签) of %(units)s: ask them for their opinion; "
        "each must answer agree or agree with changes (五(三)).",
        units=names,
    )
