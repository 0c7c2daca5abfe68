"""An item's opinions as the API gives them (meeting.contract.resources.ItemOpinions)."""

from meeting.contract import resources
from meeting.items.models import Item
from meeting.opinions.models import Opinion, OpinionRound
from meeting.opinions.queries import cosign_status, rounds_of, status_of
from meeting.tasks.deadlines import county_today


def opinions_json(item: Item, any_round: bool = True) -> resources.ItemOpinions:
    """ITEM's rounds of opinions, oldest first, and where its co-signature (会签) stands
    (ANY_ROUND False: the caller knows it has none, and no query asks)."""
    rounds = rounds_of(item) if any_round else []
    today = county_today()
    required, missing = cosign_status(item, rounds)
    return resources.ItemOpinions(
        rounds=[round_json(r, today) for r in rounds],
        cosigners=[unit.code for unit in required],
        cosigners_missing=[unit.code for unit in missing],
    )


def round_json(round_: OpinionRound, today) -> resources.OpinionRound:
    asked = sorted(round_.opinions, key=lambda o: o.unit.position)
    return resources.OpinionRound.of(
        round_,
        status=status_of(round_, today),
        requested_by=round_.requested_by.username,
        closed_by=round_.closed_by.username if round_.closed_by else None,
        opinions=[opinion_json(o) for o in asked],
    )


def opinion_json(opinion: Opinion) -> resources.UnitOpinion:
    return resources.UnitOpinion.of(
        opinion,
        unit=opinion.unit.code,
        unit_name=opinion.unit.name,
        answered_by=opinion.answered_by.username if opinion.answered_by else None,
        attachment=resources.Attachment.of(opinion.attachment) if opinion.attachment else None,
    )
