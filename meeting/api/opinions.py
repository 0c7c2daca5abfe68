"""Member units' written opinions on an item (征求意见, 五(三)): /api/v1/items/{id}/opinion…

Each answers with the item, whose `opinions` show the rounds and the co-signature (会签)."""

from flask_login import current_user

from meeting.api import bp
from meeting.api.contract import WRITE, operation
from meeting.api.items import visible_item
from meeting.contract import bodies, resources
from meeting.items.serialize import item_json
from meeting.opinions.operations import ask_opinions, close_round, give_opinion

ASKED = (
    "the item is reviewed, approved, on an agenda or deferred, and no round of opinions on it "
    "is open (else 409)",
    "units are active member units of the item's joint meeting, not the proposing unit",
    "due_on is today or later, within a year",
)
ANSWERED = (
    "the caller's unit was asked in the item's open round (else 403) and has not answered in "
    "it; the round is open: not closed, its due date not passed (else 409)",
    "text is given with agree_with_changes and disagree",
)


@bp.post("/items/<int:item_id>/opinion-requests")
@operation("Ask member units for their written opinion on an item, by a due date (the office)",
           body=bodies.OpinionRequest, returns={201: resources.Item}, errors=WRITE,
           rules=ASKED)  # fmt: skip
def request_opinions(item_id: int, body: dict):
    item = visible_item(item_id)
    ask_opinions(item, current_user, body)
    return item_json(item, current_user), 201


@bp.post("/items/<int:item_id>/opinions")
@operation("Give the caller's unit's opinion on an item, once per round (a liaison of an asked unit)",
           body=bodies.OpinionAnswer, returns={200: resources.Item}, errors=WRITE,
           rules=ANSWERED)  # fmt: skip
def answer(item_id: int, body: dict):
    item = visible_item(item_id)
    give_opinion(item, current_user, body)
    return item_json(item, current_user)


@bp.post("/items/<int:item_id>/opinion-requests/close")
@operation("Close the item's round of opinions (the office)", body=bodies.OpinionClose,
           returns={200: resources.Item}, errors=WRITE)  # fmt: skip
def close_opinions(item_id: int, body: dict):
    item = visible_item(item_id)
    close_round(item, current_user, body)
    return item_json(item, current_user)
