"""The scheduler's check of rounds of opinions (征求意见, 五(三)): on a round's due date, each
asked unit that has not answered is reminded, once per unit and round."""

from datetime import datetime

from sqlalchemy import String, cast, exists, literal, select
from sqlalchemy.orm import joinedload

from meeting.accounts.models import Seat, User
from meeting.charter.models import Charter
from meeting.extensions import db
from meeting.items.models import Item
from meeting.notifications.messages import item_params
from meeting.opinions.models import Opinion, OpinionRound
from meeting.scheduler.reminders import Due, Reminder, remind_all
from meeting.tasks.deadlines import county_today
from workflows import opinions as workflow
from workflows.roles import LIAISON

SUBJECT, REASON = "opinion:", "opinion_due"  # a reminder's key: (opinion:<id>, opinion_due, day)


def opinions_due(now: datetime, charter: Charter) -> int:
    """Remind the liaisons of each unit asked for an opinion that is due today and not given.

    Set-based: one query finds every unanswered place due today in this joint meeting's open
    rounds on items still taking opinions, leaving out those already reminded; one more finds
    their units' liaisons; the reminders go out in bulk (meeting.scheduler.reminders.remind_all).
    The reminder's key (the unit's place in the round, `opinion_due`, the due date) makes it
    once per unit and round, whatever restarts or second schedulers happen."""
    today = county_today(now)
    period = today.isoformat()
    reminded = exists().where(
        Reminder.subject == literal(SUBJECT) + cast(Opinion.id, String),
        Reminder.reason == REASON,
        Reminder.period == period,
    )
    due = db.session.scalars(
        select(Opinion)
        .join(OpinionRound, Opinion.round_id == OpinionRound.id)
        .join(Item, Item.id == OpinionRound.item_id)
        .where(
            OpinionRound.charter_id == charter.id,
            OpinionRound.closed_at.is_(None),
            OpinionRound.due_on == today,  # answers are taken until the end of the due date
            Opinion.answer.is_(None),
            Item.state.in_(workflow.ANSWER_STATES),
            ~reminded,
        )
        .options(joinedload(Opinion.round).joinedload(OpinionRound.item))
        .order_by(Opinion.id)
    ).all()
    if not due:
        return 0
    liaisons: dict[int, list[User]] = {}
    for user, unit_id in db.session.execute(
        select(User, Seat.unit_id)
        .join(Seat, Seat.user_id == User.id)
        .where(Seat.role == LIAISON, Seat.unit_id.in_({o.unit_id for o in due}), User.active)
    ):
        liaisons.setdefault(unit_id, []).append(user)
    dues = [
        Due((f"{SUBJECT}{opinion.id}", REASON, period), tuple(liaisons.get(opinion.unit_id, ())),
            "opinion_due", "", opinion.round.note, f"/items/{opinion.round.item_id}",
            item_params(opinion.round.item))
        for opinion in due
    ]  # fmt: skip
    return remind_all(dues, now, charter.id)
