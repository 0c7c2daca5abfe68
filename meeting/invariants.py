"""What must always hold in the database, checked by `flask check` (API.md v1.1).

Each check is one set-based query and yields a line per violation; a clean database yields
nothing. Run it after a crash, a restore or a migration: exit 1 names what is wrong.
"""

from collections.abc import Iterator

from flask import current_app
from sqlalchemy import and_, func, select

from meeting.extensions import db
from meeting.history import History
from meeting.items.attachments import FOLDER as ATTACHMENTS
from meeting.items.models import Attachment, Item
from meeting.meetings.models import AgendaEntry, Meeting
from meeting.opinions.models import OpinionRound
from meeting.scheduler.reminders import Reminder
from meeting.tasks.models import ProgressReport, Task
from meeting.tasks.operations import UPLOAD_FOLDER as REPORT_FILES
from meeting.uploads import upload_folder
from workflows import agenda_item
from workflows import meeting as meeting_workflow
from workflows import opinions as opinion_workflow
from workflows import task as task_workflow

# The records whose every change bumps a version and writes one history row.
VERSIONED = (("item", Item, agenda_item.STATES), ("meeting", Meeting, meeting_workflow.STATES),
             ("task", Task, task_workflow.STATES))  # fmt: skip


def violations() -> Iterator[str]:
    """Every invariant broken, one line each."""
    for kind, model, states in VERSIONED:
        yield from _unknown_states(kind, model, states)
        yield from _history_matches(kind, model)
    yield from _closed_items_have_tasks_done()
    yield from _one_open_meeting_per_item()
    yield from _opinion_rounds_were_asked()
    yield from _reminder_keys_unique()
    yield from _files_present()


def _unknown_states(kind: str, model, states) -> Iterator[str]:
    query = select(model.id, model.state).where(model.state.not_in(list(states)))
    for row_id, state in db.session.execute(query):
        yield f"{kind} {row_id}: state {state!r} is not a state of its workflow"


def _history_matches(kind: str, model) -> Iterator[str]:
    """One history row per version, the last one ending in the record's state."""
    rows = (
        select(History.subject_id, func.count().label("n"), func.max(History.id).label("last"))
        .where(History.subject_kind == kind)
        .group_by(History.subject_id)
        .subquery()
    )
    query = (
        select(model.id, model.version, model.state, rows.c.n, History.to_state)
        .outerjoin(rows, rows.c.subject_id == model.id)
        .outerjoin(History, History.id == rows.c.last)
        .order_by(model.id)
    )
    for row_id, version, state, count, last_state in db.session.execute(query):
        if (count or 0) != version:
            yield f"{kind} {row_id}: version {version} but {count or 0} history row(s)"
        elif last_state != state:
            yield f"{kind} {row_id}: state {state!r} but its last history row says {last_state!r}"


def _closed_items_have_tasks_done() -> Iterator[str]:
    query = (
        select(Item.id, func.count(Task.id))
        .join(Task, Task.item_id == Item.id)
        .where(Item.state == "closed", Task.state != "done")
        .group_by(Item.id)
    )
    for item_id, open_tasks in db.session.execute(query):
        yield f"item {item_id}: closed with {open_tasks} task(s) not done"


def _one_open_meeting_per_item() -> Iterator[str]:
    waiting = and_(AgendaEntry.decision.is_(None), Meeting.state.in_(meeting_workflow.OPEN_STATES))
    query = (
        select(AgendaEntry.item_id, func.count(func.distinct(Meeting.id)))
        .join(Meeting, Meeting.id == AgendaEntry.meeting_id)
        .where(waiting)
        .group_by(AgendaEntry.item_id)
        .having(func.count(func.distinct(Meeting.id)) > 1)
    )
    for item_id, meetings in db.session.execute(query):
        yield f"item {item_id}: waiting for a decision on {meetings} open meetings"


def _opinion_rounds_were_asked() -> Iterator[str]:
    """Every round of opinions has its item's `ask_opinions` history row: an item's resource
    reads its rounds only once its history shows one (meeting.items.serialize)."""
    asked = (
        select(History.id)
        .where(
            History.subject_kind == "item",
            History.subject_id == OpinionRound.item_id,
            History.event == opinion_workflow.ASKED,
        )
        .exists()
    )
    query = select(OpinionRound.id, OpinionRound.item_id).where(~asked).order_by(OpinionRound.id)
    for round_id, item_id in db.session.execute(query):
        yield f"item {item_id}: round of opinions {round_id} without its ask_opinions history row"


def _reminder_keys_unique() -> Iterator[str]:
    query = (
        select(Reminder.subject, Reminder.reason, Reminder.period, func.count())
        .group_by(Reminder.subject, Reminder.reason, Reminder.period)
        .having(func.count() > 1)
    )
    for subject, reason, period, count in db.session.execute(query):
        yield f"reminder ({subject}, {reason}, {period}) sent {count} times"


def _files_present() -> Iterator[str]:
    if not current_app.config.get("UPLOAD_FOLDER"):
        return
    stored = [
        (ATTACHMENTS, Attachment.stored_name, Attachment.id, "attachment"),
        (REPORT_FILES, ProgressReport.stored_name, ProgressReport.id, "report file"),
    ]
    for folder, column, id_column, what in stored:
        path = upload_folder(folder)
        for row_id, name in db.session.execute(
            select(id_column, column).where(column.is_not(None))
        ):
            if not (path / name).is_file():
                yield f"{what} {row_id}: file {name} is missing"
