"""Who hears of a meeting: the notice when it is convened, its cancellation, its minutes.

Receivers of `meeting.signals`; they add notifications to the session and never commit.
"""

from flask_babel import gettext as _

from meeting import signals
from meeting.accounts.models import User
from meeting.meetings.minutes import decision_line
from meeting.meetings.models import Meeting, display_name
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
        _("Notice: %(name)s", name=display_name(meeting)),
        _(
            "%(title)s, %(when)s, %(where)s.",
            title=meeting.title,
            when=when,
            where=meeting.location,
        ),
        f"/meetings/{meeting.id}",
        charter_id=meeting.charter_id,
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
        _("Cancelled: %(name)s", name=display_name(meeting)),
        reason,
        f"/meetings/{meeting.id}",
        charter_id=meeting.charter_id,
    )


@signals.minutes_published.connect
def notify_minutes_published(meeting: Meeting, user: User, document_number: str, **extra) -> None:
    """Every unit's liaisons; each proposing unit also gets the decisions on its own items."""
    link = f"/meetings/{meeting.id}"
    title = _("Minutes published: %(number)s", number=document_number)
    notify(all_unit_liaisons(meeting.charter_id), "minutes_published", title,
           display_name(meeting), link, charter_id=meeting.charter_id)  # fmt: skip
    for unit in {entry.item.unit for entry in meeting.agenda}:
        excerpt = "\n".join(
            decision_line(entry) for entry in meeting.agenda if entry.item.unit_id == unit.id
        )
        notify(
            liaisons_of([unit]),
            "minutes_excerpt",
            _("Decisions on your unit's items"),
            excerpt,
            link,
            charter_id=meeting.charter_id,
        )
