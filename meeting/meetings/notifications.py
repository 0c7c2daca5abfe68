"""Who hears of a meeting: the notice when it is convened, its cancellation, its minutes.

Receivers of `meeting.signals`; they add notifications to the session and never commit.
"""

from meeting import signals
from meeting.accounts.models import User
from meeting.meetings.minutes import decision_line
from meeting.meetings.models import Meeting
from meeting.notifications.messages import meeting_params
from meeting.notifications.operations import (
    all_unit_liaisons,
    liaisons_of,
    notify,
    users_with_roles,
)
from meeting.timeutil import local
from workflows.roles import CONVENER, GENERAL_CONVENER


def everyone(meeting: Meeting) -> list[User]:
    """Every unit's liaisons and the conveners of MEETING's joint meeting."""
    here = meeting.charter_id
    return [*all_unit_liaisons(here), *users_with_roles(here, GENERAL_CONVENER, CONVENER)]


@signals.meeting_convened.connect
def notify_convened(meeting: Meeting, user: User, **extra) -> None:
    """The notice: every unit's liaisons and the conveners."""
    when = local(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    notify(
        everyone(meeting),
        "meeting_convened",
        link=f"/meetings/{meeting.id}",
        charter_id=meeting.charter_id,
        params={**meeting_params(meeting), "when": when, "where": meeting.location},
    )


@signals.meeting_cancelled.connect
def notify_cancelled(meeting: Meeting, user: User, reason: str, **extra) -> None:
    """Those who had the notice hear of the cancellation; a meeting never convened was news
    to no one."""
    if not meeting.convened_by_id:
        return
    notify(
        everyone(meeting),
        "meeting_cancelled",
        body=reason,
        link=f"/meetings/{meeting.id}",
        charter_id=meeting.charter_id,
        params=meeting_params(meeting),
    )


@signals.minutes_published.connect
def notify_minutes_published(meeting: Meeting, user: User, document_number: str, **extra) -> None:
    """Every unit's liaisons, once each: a proposing unit's notice carries the decisions on
    its own items as minuted (each decision was told when recorded; a second notification
    of it, beside this one, was the same news twice)."""
    link = f"/meetings/{meeting.id}"
    params = {**meeting_params(meeting), "number": document_number}
    liaisons = all_unit_liaisons(meeting.charter_id)
    proposers = {entry.item.unit for entry in meeting.agenda}
    for unit in proposers:
        excerpt = "\n".join(
            decision_line(entry) for entry in meeting.agenda if entry.item.unit_id == unit.id
        )
        notify(liaisons_of([unit]), "minutes_published", body=excerpt, link=link,
               charter_id=meeting.charter_id, params=params)  # fmt: skip
    told = {user.id for user in liaisons_of(proposers)}
    notify([user for user in liaisons if user.id not in told], "minutes_published", link=link,
           charter_id=meeting.charter_id, params=params)  # fmt: skip
