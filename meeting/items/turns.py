"""Whom an agenda item waits for, in words, from the workflow's transition table
(workflows.agenda_item.turns): the item's page says it in every state."""

from dataclasses import dataclass

from flask_babel import gettext as _

from meeting.accounts.models import User
from meeting.charter.rules import rules
from meeting.extensions import db
from meeting.items.models import Item
from meeting.meetings.models import Meeting
from workflows import agenda_item as workflow
from workflows.roles import LIAISON, ROLES


@dataclass(frozen=True)
class Waiting:
    who: str  # "联席会议办公室", "县民政局的联络员", "系统"
    what: str  # the events they may fire, or what makes the system act
    via_meeting: bool  # recorded on a meeting's page
    yours: bool  # the reader is one of them
    meeting: Meeting | None = None  # the meeting the item is on, where it is recorded


def waiting_for(item: Item, user: User) -> list[Waiting]:
    """Whom ITEM waits for now, and whether USER is one of them; empty once it is final."""
    found = []
    for turn in workflow.turns(item.state, rules(item.charter_id), item.source):
        events = "、".join(_(workflow.EVENTS[name].label) for name in turn.events)
        if turn.via == workflow.BY_SYSTEM:
            what = "".join(_(workflow.AUTOMATIC_WHEN[name]) for name in turn.events
                           if name in workflow.AUTOMATIC_WHEN)  # fmt: skip
            found.append(Waiting(_("The system, automatically"), what, False, False))
            continue
        yours = user.role in turn.roles
        if turn.roles == (LIAISON,):
            who = _("The liaison of %(unit)s", unit=item.unit.name)
            yours = yours and user.unit_id == item.unit_id
        else:
            who = _(" or ").join(_(ROLES[role]) for role in turn.roles)
        by_meeting = turn.via == workflow.BY_MEETING
        meeting = (
            db.session.get(Meeting, item.meeting_id) if by_meeting and item.meeting_id else None
        )
        found.append(Waiting(who, events, by_meeting, yours, meeting))
    return found
