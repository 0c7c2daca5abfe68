"""What each kind of notification says: one catalogue, read in the reader's language.

A notification stores its kind and plain parameters (ids, names, titles people typed, dates,
codes of events); its title and text are put together when someone reads it, so a Chinese
reader reads Chinese whatever language the sender used. A kind not in the catalogue, or a row
from before parameters (params is None), shows the title stored with it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _

from workflows import agenda_item, opinions
from workflows.i18n import N_
from workflows.meeting import KINDS as MEETING_KINDS

Text = str | Callable[[dict], str]  # a msgid with named placeholders, or one built from params


@dataclass(frozen=True)
class Message:
    label: Text  # the kind's name in the filter
    title: Text
    text: Text | None = None  # said before the body people typed, when the kind says more


def _say(text: Text, params: dict) -> str:
    if callable(text):
        return text(params)
    return _(text) % {**params, **_derived(params)}


def _derived(params: dict) -> dict:
    """Translated words the parameters name by code: the meeting's name, an event's label."""
    more = {}
    if "meeting_kind" in params:
        more["meeting"] = meeting_name(params)
    if params.get("event") in agenda_item.EVENTS:
        more["event_label"] = _(agenda_item.EVENTS[params["event"]].label)
    if params.get("source") in agenda_item.SOURCES:
        more["source_label"] = _(agenda_item.SOURCES[params["source"]].label)
    if params.get("answer") in opinions.ANSWERS:
        more["answer_label"] = _(opinions.ANSWERS[params["answer"]])
    return more


def meeting_params(meeting) -> dict:
    """The parameters naming MEETING: 2026年第1次全体会议 once numbered, its title before."""
    return {"meeting_id": meeting.id, "meeting_kind": meeting.kind, "meeting_title": meeting.title,
            "meeting_number": meeting.number, "meeting_year": meeting.year}  # fmt: skip


def _covers(params: dict) -> str:
    """What a delegation covers, in words: a meeting's name, or its period."""
    if "meeting_kind" in params:
        return meeting_name(params)
    return _("meetings from %(start)s to %(end)s", start=params["start"], end=params["end"])


def delegation_params(delegation, by) -> dict:
    """The parameters naming DELEGATION (given or revoked by BY)."""
    if delegation.meeting is not None:
        return {"name": by.name, **meeting_params(delegation.meeting)}
    return {"name": by.name, "start": delegation.starts_on.isoformat(),
            "end": delegation.ends_on.isoformat()}  # fmt: skip


def meeting_name(params: dict) -> str:
    if params.get("meeting_number") is None:
        return params["meeting_title"]
    return _("%(kind)s no. %(n)d of %(year)d", year=params["meeting_year"],
             n=params["meeting_number"], kind=_(MEETING_KINDS[params["meeting_kind"]]))  # fmt: skip


def task_params(task) -> dict:
    """The parameters naming TASK: its own title (two tasks of one item read apart)."""
    title = getattr(task, "title", None) or task.item.title
    return {"task_id": task.id, "task": title, "item": task.item.title}


def item_params(item) -> dict:
    return {"item_id": item.id, "item": item.title}


def _plenary_why(params: dict) -> str:
    if params.get("wanted", 1) == 1:
        return _("The charter (五(一)) holds a plenary meeting in principle once a year.")
    return _("The charter (五(一)) holds %(n)d plenary meetings a year in principle.",
             n=params["wanted"])  # fmt: skip


def _plenary_reminder(params: dict) -> str:
    if not params.get("convened"):
        return _("No plenary meeting convened yet in %(year)d", year=params["year"])
    return _("%(n)d of %(wanted)d plenary meetings convened in %(year)d",
             n=params["convened"], wanted=params["wanted"], year=params["year"])  # fmt: skip


def _bulletin_name(params: dict) -> str:
    return _("Progress bulletin %(name)s",
             name=_("%(year)d, no. %(n)d", year=params["year"], n=params["number"]))  # fmt: skip


def _item_event_label(event: str) -> Callable[[dict], str]:
    return lambda params: _("Item: %(event)s", event=_(agenda_item.EVENTS[event].label))


# The item events someone is told of (meeting.items.notifications): "议定:<item>".
ITEM_EVENTS = ("submit", "return_for_revision", "decline", "pass_review", "send_back", "approve",
               "adopt", "reject", "defer", "admit_late")  # fmt: skip

CATALOGUE: dict[str, Message] = {
    **{
        f"item_{event}": Message(_item_event_label(event), N_("%(event_label)s: %(item)s"))
        for event in ITEM_EVENTS
    },
    "item_registered": Message(
        N_("Assigned work registered"), N_("%(source_label)s: %(item)s"),
        N_("Your unit is proposed to lead it. Source: %(document)s"),
    ),
    "review_waiting": Message(N_("Waiting for review"), N_("Waiting for review: %(item)s")),
    "approval_waiting": Message(N_("Waiting for approval"), N_("Waiting for approval: %(item)s")),
    "opinion_asked": Message(N_("Opinion asked"),
                             N_("Your unit's opinion is asked by %(day)s: %(item)s")),
    "opinion_given": Message(N_("Opinion given"), N_("%(unit)s: %(answer_label)s on %(item)s")),
    "opinion_due": Message(N_("Opinion due"), N_("Your unit's opinion is due today: %(item)s")),
    "meeting_convened": Message(N_("Meeting notice"), N_("Notice: %(meeting)s"),
                                N_("%(meeting_title)s, %(when)s, %(where)s.")),
    "meeting_cancelled": Message(N_("Meeting cancelled"), N_("Cancelled: %(meeting)s")),
    "minutes_signed": Message(
        N_("Minutes signed off"), N_("Minutes signed off: %(meeting)s"),
        N_("%(name)s signed off the minutes; the office may publish them."),
    ),
    "minutes_published": Message(N_("Minutes published"), N_("Minutes published: %(number)s"),
                                 meeting_name),
    "delegation_given": Message(
        N_("Delegations given to you"),
        lambda p: _("Delegated to you: convening %(covers)s", covers=_covers(p)),
        N_("%(name)s delegated convening to you (五(一))."),
    ),
    "delegation_revoked": Message(
        N_("Delegations revoked"),
        lambda p: _("Delegation revoked: convening %(covers)s", covers=_covers(p)),
        N_("%(name)s revoked the delegation; you no longer convene under it."),
    ),
    "minutes_receipt_reminder": Message(
        N_("Minutes to sign for"), N_("Please sign for the minutes: %(meeting)s"),
        N_("The office asks your unit to sign for the minutes %(number)s (签收)."),
    ),
    "minutes_reopened": Message(
        N_("Minutes to sign off again"), N_("Minutes to sign off again: %(meeting)s"),
        N_("The office corrected a decision after your sign-off: %(reason)s"),
    ),
    "plenary_plan": Message(N_("Plenary meeting to plan"),
                            N_("Plan this year's plenary meeting (%(year)d)"), _plenary_why),
    "plenary_reminder": Message(N_("Plenary meeting not convened"), _plenary_reminder,
                                _plenary_why),
    "task_assigned": Message(N_("New task"), N_("New task: %(task)s")),
    "task_released": Message(N_("Released from a task"), N_("Released from a task: %(task)s")),
    "completion_requested": Message(N_("Completion requested"),
                                    N_("Completion requested: %(task)s")),
    "task_urged": Message(N_("Task urged"), N_("Urged: %(task)s")),
    "extension_requested": Message(N_("Extension requested"), N_("Extension requested: %(task)s")),
    "extension_granted": Message(N_("Extension granted"), N_("Extension granted: %(task)s")),
    "extension_refused": Message(N_("Extension refused"), N_("Extension refused: %(task)s")),
    "task_due_soon": Message(N_("Task due soon"), N_("Due in %(n)d days: %(task)s")),
    "task_overdue": Message(N_("Task overdue"), N_("Overdue: %(task)s")),
    "task_escalated": Message(N_("Overdue task escalated"),
                              N_("Overdue more than %(n)d days: %(task)s")),
    "report_missed": Message(
        N_("Progress report missed"), N_("Progress report missed: %(task)s"),
        N_("No progress report for %(start)s – %(due)s (missed in all: %(n)d). Report the "
           "task's progress."),
    ),
    "bulletin_draft": Message(N_("Draft progress bulletin"),
                              N_("Draft progress bulletin for %(start)s – %(end)s")),
    "bulletin_published": Message(N_("Progress bulletin published"), _bulletin_name),
    "annual_report_issued": Message(N_("Annual work report issued"),
                                    N_("Annual work report %(year)d issued")),
}  # fmt: skip


def title_of(kind: str, params: dict | None, stored: str = "") -> str:
    """The title of a notification of KIND with PARAMS in the current language (STORED when
    the catalogue cannot say it: an unknown kind, an old row, a parameter missing)."""
    message = CATALOGUE.get(kind)
    if message is None or params is None:
        return stored
    try:
        return _say(message.title, params)
    except (KeyError, TypeError, ValueError):
        return stored


def text_of(kind: str, params: dict | None) -> str:
    """The catalogue's text for KIND with PARAMS in the current language ("" when none)."""
    message = CATALOGUE.get(kind)
    if message is None or message.text is None or params is None:
        return ""
    try:
        return _say(message.text, params)
    except (KeyError, TypeError, ValueError):
        return ""


def label_of(kind: str) -> str:
    """The name of KIND for the filter, in the current language."""
    message = CATALOGUE.get(kind)
    if message is None:
        return _("Other notices")
    return _say(message.label, {})


def in_chinese(kind: str, params: dict | None, stored: str = "") -> tuple[str, str]:
    """Title and text in the default language, whoever sends: stored with the row (what old
    readers and searches see) and mailed."""
    from flask import current_app

    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return title_of(kind, params, stored), text_of(kind, params)
