"""更正: the office corrects a decision recorded at a meeting, with a reason, until the minutes
are published.

A correction is the same path as a decision, walked back and forward again: the item's own
workflow reopens the decision (`reopen_decision` / `reopen_review`) and then fires the
corrected one, so the item's history, columns and notifications follow as for any decision.
Signed-off minutes go back to the signers (`reopen_minutes`). What cannot be undone safely
(the item moved on, tasks were assigned) is refused by `workflows.meeting.correction_refusal`.
Each function flushes; the caller commits once.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select

from meeting.accounts.models import User
from meeting.contract import bodies, parse
from meeting.errors import InvalidInput, InvalidTransition
from meeting.extensions import db
from meeting.history import History
from meeting.items.models import Item
from meeting.items.operations import fire_event
from meeting.meetings.agenda import agenda_entry
from meeting.meetings.minutes import decision_sentence, replace_decision
from meeting.meetings.models import AgendaEntry, Meeting
from meeting.meetings.operations import may_record, record_change
from meeting.notifications.messages import meeting_params
from meeting.notifications.operations import notify
from meeting.tasks.models import Task
from meeting.timeutil import utcnow
from meeting.versioning import check_version
from workflows import agenda_item
from workflows import meeting as workflow
from workflows.roles import OFFICE

REASON = "correction_reason"  # the correction's own reason; a decision may carry a `reason` too
REASON_LIMIT = 5000  # as bodies.Note


def may_correct(meeting: Meeting, user: User) -> bool:
    """Whether USER may correct MEETING's decisions now (the page shows the action then)."""
    user.acting_in(meeting.charter_id)
    return "correct_decisions" in workflow.office_records(user.role, meeting.state)


def check_correctable(meeting: Meeting, user: User) -> None:
    """Refuse unless USER (the office) may correct MEETING's decisions in its state now."""
    user.acting_in(meeting.charter_id)
    if user.role == OFFICE and meeting.state == "minutes_published":
        raise InvalidTransition(
            _("The minutes are published: their decisions can no longer be corrected."),
            state=meeting.state, available_events=[],
        )  # fmt: skip
    may_record(meeting, user, "correct_decisions")


def correction_refusal(meeting: Meeting, entry: AgendaEntry, decision: str) -> str | None:
    """Why ENTRY's decision cannot be corrected to DECISION, in words; None if it can."""
    tasks = db.session.scalar(
        select(func.count()).select_from(Task).where(Task.item_id == entry.item_id)
    )
    refusal = workflow.correction_refusal(
        meeting.kind, entry.decision, decision, entry.item.state, bool(tasks),
        _last_move_was(meeting, entry),
    )  # fmt: skip
    return _(refusal, state=_(agenda_item.STATES[entry.item.state])) if refusal else None


def _last_move_was(meeting: Meeting, entry: AgendaEntry) -> bool:
    """Whether ENTRY's item last changed state by MEETING's decision on it (and not by later
    events that brought it back to the same state: a send-back and a second review, another
    meeting deferring it again)."""
    last = db.session.scalar(
        select(History)
        .where(History.subject_kind == "item", History.subject_id == entry.item_id,
               History.from_state.is_distinct_from(History.to_state))
        .order_by(History.id.desc())
        .limit(1)
    )  # fmt: skip
    fields = (last.fields or {}) if last else {}
    return (
        last is not None
        and last.event == entry.decision
        and (fields.get("meeting_id", meeting.id) == meeting.id)
    )


def correct_decision(meeting: Meeting, item: Item, decision: str, user: User,
                     data: dict) -> AgendaEntry:  # fmt: skip
    """更正: replace MEETING's decision on ITEM by DECISION, for DATA[correction_reason], with
    DATA["version"] the item's version and the fields DECISION carries."""
    check_correctable(meeting, user)
    entry = agenda_entry(meeting, item.id)
    decisions = workflow.kind(meeting.kind).decisions
    if decision not in decisions:
        raise InvalidInput({"decision": _("Choose one of: %(c)s.", c=", ".join(decisions))})
    reason = data.get(REASON)
    reason = reason.strip()[:REASON_LIMIT] if isinstance(reason, str) else ""
    if not reason:
        raise InvalidInput({REASON: _("Say why the decision is corrected.")})
    if refusal := correction_refusal(meeting, entry, decision):
        raise InvalidTransition(refusal, state=item.state, available_events=[])
    check_version(item, data.get("version"))
    carried = agenda_item.EVENTS[decision].carries
    fields = {f: data[f] for f in carried if f != "meeting_id" and data.get(f) is not None}
    # The corrected decision's fields are checked before anything changes.
    parse(bodies.item_event_body(decision, agenda_item.BY_MEETING),
          {**fields, "version": item.version, "meeting_id": meeting.id})  # fmt: skip

    old, old_text = entry.decision, entry.decision_text
    if meeting.state == "minutes_signed":
        _withdraw_sign_off(meeting, user, reason)
    fire_event(item, workflow.reopening_event(meeting.kind), user,
               {"version": item.version, "meeting_id": meeting.id, "reason": reason},
               via=agenda_item.BY_MEETING)  # fmt: skip
    fire_event(item, decision, user, {**fields, "version": item.version, "meeting_id": meeting.id},
               via=agenda_item.BY_MEETING)  # fmt: skip
    entry.decision = decision
    entry.decision_text = next((str(fields[f]).strip() for f in carried if fields.get(f)), "")
    entry.decided_at = utcnow()
    minutes_updated = None
    if meeting.minutes_text:  # the draft says the corrected decision
        corrected = replace_decision(meeting.minutes_text, item.title,
                                     decision_sentence(old, old_text),
                                     decision_sentence(decision, entry.decision_text))  # fmt: skip
        minutes_updated = corrected is not None
        meeting.minutes_text = corrected or meeting.minutes_text
    record_change(meeting, "correct", meeting.state, user, {
        "item_id": item.id, "from": old, "from_text": old_text or "", "to": decision,
        "text": entry.decision_text, "reason": reason, "minutes_updated": minutes_updated,
    })  # fmt: skip
    return entry


def _withdraw_sign_off(meeting: Meeting, user: User, reason: str) -> None:
    """Signed-off minutes change: the signer signs again (签发 covers the corrected text)."""
    signer = meeting.minutes_signed_by
    from_state = meeting.state
    workflow.fire(meeting, "reopen_minutes")
    meeting.minutes_signed_by, meeting.minutes_signed_at = None, None
    record_change(meeting, "reopen_minutes", from_state, user, {"reason": reason})
    if signer is not None:
        notify([signer], "minutes_reopened", link=f"/meetings/{meeting.id}",
               charter_id=meeting.charter_id, params={**meeting_params(meeting), "reason": reason})  # fmt: skip
